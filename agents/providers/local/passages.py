"""A retrieved passage as blocks a tutor can quote: prose paragraphs split into sentences, code kept whole.

Chunk text is the loaders' blocks joined by blank lines: headings, prose paragraphs (one line for
Markdown, wrapped lines for reST) and code (fenced or indented blocks, ``>>>`` sessions). Code has
no sentence boundaries worth trusting, so a code block is one unit that an excerpt takes whole or
not at all; consecutive code paragraphs (a blank line inside a code block) are joined back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_ROLE = re.compile(r":[a-z:]+:`~?([^`<]+?)(?:\s*<[^>]*>)?`")
_LITERAL = re.compile(r"``([^`]+)``")
_SENTENCE = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[`*_A-Z0-9])")
_PROSE_END = re.compile(r"[.!?:;,][\"')\]`*]*$")
_CODE_START = re.compile(
    r"^\s*(>>>|\.\.\.\s|\$ |#|@|def |class |for |while |if |elif |else:|try:|except|import |from \S+ import|return\b|"
    r"print\(|with |raise |[A-Za-z_][\w.\[\]'\"]*\s*(=|\+=|-=)\s*\S|"
    # shell commands and "(env) $ ..." prompts
    r"(python3?|py)\s+(-\w|\S+\.py\b)|pip3?\s+(install|uninstall|list|show|freeze)\b|\([\w.-]+\)\s*\$ )"
)
_CODE_CHARS = re.compile(r"[=(){}\[\]<>#_]")
_TRAILING_COMMENT = re.compile(r"[\w)\]'\"]\s+#\s")
_CALL = re.compile(r"\w[(\[]")
_DIRECTIVE = re.compile(r"^\s*\.\.\s+[\w-]+::")
# A console session or a traceback: its output lines read like anything, so the first line decides.
_SESSION_START = re.compile(r"^\s*(>>>|\$ |\([\w.-]+\)\s*\$ |Traceback \(most recent call last\):)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[,.:;!?]?")
_SENTENCE_END = re.compile(r"[.!?:][\"')\]`*]*$")


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph of a passage.

    Attributes:
        kind: ``prose``, ``code`` or ``heading``.
        text: Cleaned text (prose on one line; code with its line breaks).
        sentences: The prose sentences (empty for code and headings).
    """

    kind: str
    text: str
    sentences: tuple[str, ...] = ()


def clean(text: str) -> str:
    """Strip light reST markup (roles, double back-quotes) so quoted prose reads naturally."""
    text = _ROLE.sub(r"\1", text)
    return _LITERAL.sub(r"`\1`", text)


def _is_code_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    if line.startswith(("    ", "\t")) or _CODE_START.match(line) or _TRAILING_COMMENT.search(line):
        return True
    if _CALL.search(stripped) and not _PROSE_END.search(stripped):
        return True
    words = stripped.split()
    symbols = len(_CODE_CHARS.findall(stripped))
    return (len(words) < 4 and not _PROSE_END.search(stripped) and symbols > 0) or symbols > max(3, len(stripped) / 12)


def _kind(paragraph: str, headings: frozenset[str]) -> str:
    lines = [line for line in paragraph.split("\n") if line.strip()]
    one_line = " ".join(line.strip() for line in lines)
    if one_line in headings or (
        len(lines) == 1 and not _CODE_START.match(one_line) and len(one_line.split()) <= 8
        and not _PROSE_END.search(one_line) and not _CODE_CHARS.search(one_line)
    ):
        return "heading"
    if _SESSION_START.match(lines[0]):
        return "code"
    if _reads_as_sentences(one_line) and not lines[0].startswith(("    ", "\t")):
        return "prose"  # "python -m pip uninstall followed by package names will remove them."
    code_lines = sum(_is_code_line(line) for line in lines)
    return "code" if code_lines * 2 >= len(lines) else "prose"


def _reads_as_sentences(text: str) -> bool:
    """Ends like a sentence and is (nearly) all plain words, though it may start with a command name."""
    tokens = text.split()
    if len(tokens) < 8 or not _SENTENCE_END.search(text):
        return False
    return sum(bool(_WORD.fullmatch(t)) for t in tokens) >= 0.85 * len(tokens)


def split_sentences(text: str) -> list[str]:
    """Sentences of one prose paragraph."""
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def blocks(text: str, headings: Sequence[str] = ()) -> list[Block]:
    """The passage as blocks, in order; adjacent code paragraphs are one block."""
    known = frozenset(h.strip() for h in headings)
    out: list[Block] = []
    for raw in _PARAGRAPH.split(text):
        if not raw.strip() or _DIRECTIVE.match(raw):
            continue
        kind = _kind(raw, known)
        if kind == "code":
            body = raw.strip("\n").rstrip()
            if out and out[-1].kind == "code":
                out[-1] = Block("code", out[-1].text + "\n\n" + body)
            else:
                out.append(Block("code", body))
            continue
        flat = " ".join(clean(raw).split())
        if kind == "heading":
            out.append(Block("heading", flat))
        else:
            out.append(Block("prose", flat, tuple(split_sentences(flat))))
    return _dedent_code(out)


def _dedent_code(items: list[Block]) -> list[Block]:
    fixed = []
    for block in items:
        if block.kind != "code":
            fixed.append(block)
            continue
        lines = block.text.split("\n")
        indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
        cut = min(indents) if indents else 0
        fixed.append(Block("code", "\n".join(line[cut:] for line in lines)))
    return fixed
