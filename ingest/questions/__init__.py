"""Multiple-choice question drafts generated from a course's indexed passages, and the gate they pass."""
