"""The offline question generator (``local-v1``): clozes and statements from prose, questions from code.

No model is involved. Text questions come from :mod:`ingest.questions.text`, code questions from
:mod:`ingest.questions.code`. Candidates are spread over the passages round-robin, first over
documents and then over the chunks of each document, so every document gets a question before any
gets many; each chunk offers its text and code questions alternately. Up to four times as many
candidates as asked for are returned: the job's gate and per-passage quota drop many.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence

from ingest.questions.code import code_candidates
from ingest.questions.gate import normal
from ingest.questions.text import TextQuestions
from ingest.questions.types import Candidate
from retrieval.types import Chunk

log = logging.getLogger(__name__)

CodeQuestions = Callable[[Chunk, Sequence[Chunk]], list[Candidate]]
# How many candidates per requested question the generator hands to the gate.
OVERSUPPLY = 4.0


def _alternate(first: Sequence[Candidate], second: Sequence[Candidate]) -> list[Candidate]:
    """``first[0], second[0], first[1], second[1], ...`` and then the rest of the longer one."""
    out: list[Candidate] = []
    for i in range(max(len(first), len(second))):
        out += [*first[i : i + 1], *second[i : i + 1]]
    return out


class LocalQuestionGenerator:
    """Question candidates made without a model, spread over documents and chunks, text and code mixed.

    Args:
        code_questions: Makes code questions from a chunk and the course; default:
            :func:`ingest.questions.code.code_candidates`.
    """

    name = "local-v1"

    def __init__(self, code_questions: CodeQuestions | None = None) -> None:
        """Create the generator (the course is read on each :meth:`generate`)."""
        self._code = code_questions

    def generate(self, passages: Sequence[Chunk], course: Sequence[Chunk], want: int) -> list[Candidate]:
        """Up to about ``4 * want`` candidates from ``passages``, spread as described above."""
        if want <= 0 or not passages:
            return []
        text = TextQuestions(course or passages)
        code = self._code or code_candidates
        limit = max(want + 2, round(OVERSUPPLY * want))
        seen: set[str] = set()
        out: list[Candidate] = []
        for candidate in self._spread(passages, course or passages, text, code):
            key = normal(candidate.support) or normal(candidate.prompt)
            if key in seen:
                continue
            seen.add(key)
            out.append(candidate)
            if len(out) >= limit:
                break
        return out

    def _chunk_candidates(
        self, chunk: Chunk, index: int, course: Sequence[Chunk], text: TextQuestions, code: CodeQuestions
    ) -> list[Candidate]:
        prose = text.candidates(chunk)
        listings: list[Candidate] = []
        try:
            listings = code(chunk, course)
        except Exception as exc:  # a failing code question must not cost the text questions
            log.warning("code questions failed on chunk %s: %r", chunk.id, exc)
        # Alternate which kind leads, so the first round over a course is not all of one kind.
        return _alternate(prose, listings) if index % 2 == 0 else _alternate(listings, prose)

    def _spread(
        self, passages: Sequence[Chunk], course: Sequence[Chunk], text: TextQuestions, code: CodeQuestions
    ) -> Iterator[Candidate]:
        """Candidates round-robin over documents; within a document, round-robin over its chunks."""
        documents: dict[str, list[Chunk]] = {}
        for chunk in passages:
            documents.setdefault(chunk.document_id, []).append(chunk)
        queues = [sorted(chunks, key=lambda c: c.ordinal) for chunks in documents.values()]
        made: dict[str, list[Candidate]] = {}
        taken: dict[str, int] = {}
        cursor = [0] * len(queues)
        while any(queues):
            for d, chunks in enumerate(queues):
                candidate = None
                while chunks and candidate is None:
                    chunk = chunks[cursor[d] % len(chunks)]
                    if chunk.id not in made:
                        made[chunk.id] = self._chunk_candidates(chunk, len(made), course, text, code)
                    position = taken.get(chunk.id, 0)
                    if position < len(made[chunk.id]):
                        candidate = made[chunk.id][position]
                        taken[chunk.id] = position + 1
                        cursor[d] += 1
                    else:
                        chunks.remove(chunk)
                if candidate is not None:
                    yield candidate
