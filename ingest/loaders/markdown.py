"""Markdown (CommonMark + tables) via markdown-it-py; headings become the heading path."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ingest.document import DocumentBuilder, ParsedDocument
from ingest.loaders.base import TextLoader, one_line, squash
from ingest.loaders.html import html_fragment_text

_PARSER = MarkdownIt("commonmark").enable("table")
# YAML front matter (Jekyll, Hugo, MkDocs) would otherwise parse as a setext heading.
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


class MarkdownLoader(TextLoader):
    """Loads Markdown; each heading opens a section whose path is the stack of enclosing headings."""

    kind = "markdown"

    def parse(self, text: str, filename: str) -> ParsedDocument:
        """Walk the block tokens, emitting headings, paragraphs, code and table cells as blocks."""
        builder = DocumentBuilder(kind=self.kind)
        stack: list[tuple[int, str]] = []
        tokens = _PARSER.parse(_FRONT_MATTER.sub("", text, count=1))
        row: list[str] | None = None
        for i, token in enumerate(tokens):
            if token.type == "tr_open":
                row = []
            elif token.type == "tr_close" and row is not None:
                builder.add_block(" | ".join(row))
                row = None
            elif row is not None and token.type == "inline":
                row.append(one_line(_inline_text(token.children or [])))
            elif token.type == "heading_open":
                level = int(token.tag[1:])
                title = one_line(_inline_text(tokens[i + 1].children or []))
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, title))
                builder.start_section(tuple(t for _, t in stack))
                builder.add_block(title)
            elif token.type == "inline" and tokens[i - 1].type != "heading_open":
                builder.add_block(squash(_inline_text(token.children or [])))
            elif token.type in ("fence", "code_block"):
                builder.add_block(token.content.rstrip(), code=True)
            elif token.type == "html_block":
                builder.add_block(html_fragment_text(token.content))
        return builder.build()


def _inline_text(children: Sequence[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
        elif child.type == "html_inline":
            continue
    return "".join(parts)
