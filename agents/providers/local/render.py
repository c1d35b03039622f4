"""The local model's wording: where a quote comes from, the quote itself, and helpful refusals."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from agents.declines import NOT_COVERED
from agents.providers.local.salience import text_terms
from retrieval.types import Chunk, SearchHit, place_in_course

if TYPE_CHECKING:
    from agents.providers.local.excerpt import Excerpt
    from agents.providers.local.salience import Salience



def place(chunk: Chunk, quote: str = "") -> tuple[str, str | None]:
    """(lesson or document title, section title or None) of a passage, from its heading path.

    Lesson material is headed course › module › lesson › sections; other documents course ›
    document title › sections. With ``quote`` (text of the passage), the section is the one the quote
    stands in: a passage may run on into the next sections.
    """
    offset = _offset(chunk.text, quote) if quote.strip() else -1
    path = chunk.heading_path_at(offset) if offset >= 0 else chunk.heading_path
    return place_in_course(path, chunk.lesson_id, chunk.source_name)


def _offset(text: str, quote: str) -> int:
    """Where ``quote`` starts in ``text``: an excerpt joins the sentences of a paragraph that the passage
    breaks over lines, so its first words are matched across any whitespace."""
    at = text.find(quote)
    if at < 0:
        match = re.search(r"\s+".join(re.escape(word) for word in quote.split()[:12]), text)
        at = match.start() if match else -1
    return at


def where(chunk: Chunk, quote: str = "") -> str:
    """A short phrase naming a passage's (or the quote's) place: 'the section “X” of “Lesson”'."""
    lesson, section = place(chunk, quote)
    if chunk.start_seconds is not None:
        minute, second = divmod(int(chunk.start_seconds), 60)
        return f"“{lesson}” (at {minute}:{second:02d})"
    if section:
        return f"the section “{section}” of “{lesson}”"
    return f"“{lesson}”"


def closest_lessons(chunks: Sequence[Chunk], limit: int = 2) -> list[str]:
    """Titles of the lessons the retrieved passages come from, best first, without repeats."""
    return list(dict.fromkeys(place(c)[0] for c in chunks))[:limit]


def decline_text(chunks: Sequence[Chunk], absent: Sequence[str]) -> str:
    """A refusal that says why, and points at the closest lessons the course does have."""
    if absent:
        # A code name is quoted as code: in Markdown "__init__" would read as a bold "init".
        quoted = " or ".join(f"`{w}`" if "_" in w else f"“{w}”" for w in absent[:2])
        reason = f" Nothing in the lessons mentions {quoted}."
    else:
        reason = " I couldn't find a passage in the lessons that answers it."
    lessons = closest_lessons(chunks)
    if len(lessons) == 2:
        nearby = f" The closest lessons are “{lessons[0]}” and “{lessons[1]}”, if that helps."
    elif lessons:
        nearby = f" The closest lesson is “{lessons[0]}”, if that helps."
    else:
        nearby = ""
    return f"{NOT_COVERED}{reason}{nearby} You could rephrase, or ask me about a topic from the course."


def _topic(sal: Salience, excerpt_terms: set[str], said_terms: set[str]) -> str:
    """The question's most salient word the second quote brings and the first did not, or ''."""
    words = [w for w in sorted(sal.weights, key=lambda w: -sal.weights[w])
             if sal.terms[w] in excerpt_terms and sal.terms[w] not in said_terms]
    return words[0] if words else ""


def _all_text(excerpt: Excerpt) -> str:
    return " ".join(text for _, text in excerpt.segments)


def render_answer(parts: Sequence[tuple[Excerpt, SearchHit, int]], sal: Salience, no_example: bool = False) -> str:
    """Intro sentence, quoted excerpt with its ``[n]``, code block; a second source likewise.

    ``no_example``: an example was asked for and none of the passages has code; the intro says so.
    """
    out: list[str] = []
    for index, (excerpt, hit, number) in enumerate(parts):
        source = where(hit.chunk, excerpt.segments[0][1] if excerpt.segments else "")
        if index == 0 and no_example:
            out.append(f"I couldn't find a code example for this in the lessons. Here is how {source} explains it:")
        elif index == 0:
            out.append(f"Here is how {source} explains it:")
        else:
            said = set().union(*(text_terms(_all_text(e)) for e, _, _ in parts[:index]))
            topic = _topic(sal, text_terms(_all_text(excerpt)), said)
            lead = f"On “{topic}”, " if topic else "Also, "
            out.append(f"{lead}{source} adds:")
        out.extend(_quote(excerpt, number))
    return "\n\n".join(out)


def _quote(excerpt: Excerpt, number: int) -> list[str]:
    """Prose as block quotes, code fenced; the source number after the last prose (or at the end)."""
    blocks = [f"> {text}" if kind == "prose" else f"```\n{text}\n```" for kind, text in excerpt.segments]
    prose_at = [i for i, (kind, _) in enumerate(excerpt.segments) if kind == "prose"]
    # The marker goes after a sentence that ends the thought, not after "... like this:".
    complete = [i for i in prose_at if not excerpt.segments[i][1].endswith(":")]
    if complete or prose_at:
        blocks[(complete or prose_at)[-1]] += f" [{number}]"
    else:
        blocks.append(f"[{number}]")
    return blocks


def nothing_more_text(chunk: Chunk, number: int) -> str:
    """A follow-up asked for more, and the lessons hold nothing beyond what was already quoted."""
    return (
        f"I have nothing more on this in the course material than what I quoted from {where(chunk)} "
        f"[{number}]. If a part of it is unclear, tell me which part, or ask about a related topic."
    )


def render_hint(chunk: Chunk, sentence: str, number: int) -> str:
    """Socratic mode: one sentence as a hint and a question back, never the whole answer."""
    return (
        f"Let's work it out together. Here is a hint from {where(chunk, sentence)} [{number}]: “{sentence}” "
        "What does that suggest about your question? Try to put the answer in your own words and I will check it."
    )
