"""Recognise reStructuredText or Markdown in a file named as plain text (``notes.txt``).

Only clear cases count, so prose stays plain text: at least two independent signals of one markup.
reST signals are underlined section titles (a title line, then a line of one punctuation character at
least as long; an overline of the same character is allowed), ``.. directive::`` lines and
``.. _label:`` targets. Markdown signals are ATX headings (``# Title`` with a blank line on both
sides, so ``# comments`` of pasted code do not count) and closed fenced code blocks. A Markdown file
with setext headings and fences is Markdown: reST has no fences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Any ASCII punctuation character repeated (reST accepts all of them as section adornment).
_ADORNMENT = re.compile(r"([!-/:-@\[-`{-~])\1{2,}[ \t]*")
_DIRECTIVE = re.compile(r"\.\.[ \t]+(?:[A-Za-z][\w:+.-]*::|_[^:`\n]+:)(?:[ \t]|$)")
_ATX = re.compile(r"#{1,6}[ \t]+\S")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


@dataclass
class _Signals:
    underlined: int = 0
    directives: int = 0
    atx: int = 0
    fences: int = 0


def sniff_markup(text: str) -> str | None:
    """Markup kind of text that arrived under a plain-text name.

    Args:
        text: The decoded text (or its beginning).

    Returns:
        ``"rst"`` or ``"markdown"`` when the text is clearly that markup, else None (plain text).
    """
    found = _scan(text.splitlines())
    rst = found.underlined + found.directives >= 2
    markdown = found.atx >= 2 or (found.fences >= 1 and found.atx + found.underlined >= 1)
    if rst and (found.directives or not markdown):
        return "rst"
    if markdown:
        return "markdown"
    return None


def _scan(lines: list[str]) -> _Signals:
    found = _Signals()
    fence: str | None = None  # the opening fence while inside a fenced block
    for i, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                found.fences += 1
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        before = lines[i - 1] if i else ""
        after = lines[i + 1] if i + 1 < len(lines) else ""
        if _DIRECTIVE.match(line):
            found.directives += 1
        elif _ATX.match(line) and not before.strip() and not after.strip():
            found.atx += 1
        elif _is_title(line, before, after):
            found.underlined += 1
    return found


def _is_title(line: str, before: str, after: str) -> bool:
    title = line.rstrip()
    if not title.strip() or _ADORNMENT.fullmatch(line) or not _ADORNMENT.fullmatch(after):
        return False
    overline = _ADORNMENT.fullmatch(before)
    if overline is not None:  # an overlined title may be indented
        return overline.group(1) == after[0] and len(after.rstrip()) >= len(title)
    # A paragraph's last line followed by a rule is not a title: the title must stand alone.
    return not title[0].isspace() and not before.strip() and len(after.rstrip()) >= len(title)
