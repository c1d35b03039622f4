"""Short follow-ups ("and tuples?", "why?", "show me an example") resolved against the thread.

A follow-up is read as a correction of the previous question: its own words are what the student
means now, the previous question the context it relies on. The retriever already weighs such text
that way ("X, I mean Y": the part after the editing phrase counts fully, the part before half), so
the resolved query hands it exactly that shape.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.events import ChatTurn
from tutor.text import content_words

_CONTINUES = re.compile(
    r"^\s*(and|but|so|also|or|what about|how about|what if|why|how come|same|does (that|it|this)|"
    r"is (that|it|this)|are (they|those)|can (it|i|you)|do (they|those)|show me|another|more|explain|"
    r"tell me more|go on|example|for example|an example|e\.?g\.?|really|wait|then|which one|like what|"
    r"how so|in what way|could you (elaborate|explain|show)|can you (elaborate|explain|show)|is there|are there|"
    r"can i|could i|any|plus|now)\b",
    re.IGNORECASE,
)
_REFERS = re.compile(r"\b(it|that|this|those|these|they|them|one|ones|too|also|instead|example)\b", re.IGNORECASE)
_EXAMPLE = re.compile(r"\b(example|examples|e\.?g|show me|demo|sample code|snippet|in code)\b", re.IGNORECASE)
MAX_WORDS = 8
# Words of a follow-up that ask for more of the same rather than name a new topic ("show me an example").
_MORE_OF_THE_SAME_TEXT = """show example examples sample code snippet demo explain explanation more another
detail details why how work works mean means again please"""
_MORE_OF_THE_SAME = frozenset(_MORE_OF_THE_SAME_TEXT.split())
MAX_CONTENT_WORDS = 2


def new_words(message: str, earlier: Sequence[str]) -> set[str]:
    """Words of ``message`` that none of ``earlier`` used, other than words asking for more ("why", "example")."""
    before = {w for text in earlier for w in content_words(text)}
    return set(content_words(message)) - before - _MORE_OF_THE_SAME


def is_followup(message: str) -> bool:
    """Whether a message only makes sense with the previous question (short and leaning back).

    Either it opens like a continuation ("and ...", "what about ...", "is there ...") and is short,
    or it is very short and points back ("does that work for strings too?").
    """
    words = message.split()
    if not words or len(words) > MAX_WORDS:
        return False
    if _CONTINUES.search(message):
        return True
    return len(content_words(message)) <= MAX_CONTENT_WORDS and bool(_REFERS.search(message))


def wants_example(message: str) -> bool:
    """Whether the student asks to see an example."""
    return bool(_EXAMPLE.search(message))


def resolve(message: str, history: Sequence[ChatTurn]) -> str:
    """The question to search for: ``message`` itself, or the previous question it follows up on.

    Args:
        message: The student's new message.
        history: Earlier turns of the thread, oldest first.

    Returns:
        ``message`` unchanged when it stands alone (or nothing precedes it); otherwise the previous
        standalone question, then the follow-up as its correction.
    """
    if not is_followup(message):
        return message
    context: list[str] = []
    for turn in reversed(history):
        if turn.role != "user":
            continue
        context.insert(0, turn.content)
        if not is_followup(turn.content) or len(context) >= 3:
            break
    if not context:
        return message
    # Each follow-up in turn corrects what came before it, so the latest topic carries the most weight:
    # "are lists mutable?" → "and tuples?" → "show me an example" is an example about tuples.
    resolved = context[0]
    for follow in [*context[1:], message]:
        resolved = f"{resolved} I mean {follow}" if new_words(follow, [resolved]) else f"{resolved} {follow}"
    return resolved
