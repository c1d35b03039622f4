"""HTML via BeautifulSoup: headings become the heading path; navigation, scripts and styles are dropped."""

from __future__ import annotations

import warnings

from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from ingest.document import DocumentBuilder, ParsedDocument
from ingest.loaders.base import TextLoader, one_line

_DROP = frozenset(
    {"script", "style", "nav", "noscript", "template", "head", "svg", "canvas", "iframe", "button", "form", "footer"}
)
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "main", "aside", "header", "footer", "blockquote", "ul", "ol",
        "li", "dl", "dt", "dd", "table", "tr", "caption", "figure", "figcaption", "details", "summary",
        "address", "hr", "body", "html", "thead", "tbody", "tfoot",
    }
)  # fmt: skip
_CELLS = ["td", "th"]
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)
# Sphinx and similar generators mark boilerplate with these roles/classes rather than <nav>.
_NAV_ROLES = frozenset({"navigation", "search", "banner", "contentinfo"})
_NAV_CLASSES = frozenset({"headerlink", "sphinxsidebar", "related", "breadcrumb", "skip-link", "footer"})


class HtmlLoader(TextLoader):
    """Loads HTML pages; block elements become paragraphs, ``<pre>`` keeps its line breaks."""

    kind = "html"

    def parse(self, text: str, filename: str) -> ParsedDocument:
        """Parse with lxml (lenient) and walk the body."""
        with warnings.catch_warnings():
            # XHTML is parsed as HTML on purpose: lenient with the broken markup real pages have.
            warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
            soup = BeautifulSoup(text, "lxml")
        walker = _Walker(DocumentBuilder(kind=self.kind))
        walker.walk(soup.body or soup)
        walker.flush()
        return walker.builder.build()


def html_fragment_text(fragment: str) -> str:
    """Visible text of an HTML fragment (used for raw HTML inside Markdown)."""
    soup = BeautifulSoup(fragment, "html.parser")
    for tag in soup.find_all(list(_DROP)):
        tag.decompose()
    return one_line(soup.get_text(" "))


def _is_boilerplate(tag: Tag) -> bool:
    if tag.name in _DROP or tag.get("role") in _NAV_ROLES or tag.get("aria-hidden") == "true":
        return True
    classes: list[str] = list(tag.get("class") or [])
    return any(name in _NAV_CLASSES for name in classes)


class _Walker:
    def __init__(self, builder: DocumentBuilder) -> None:
        self.builder = builder
        self.buffer: list[str] = []
        self.stack: list[tuple[int, str]] = []

    def flush(self, separator: str = "\n\n") -> None:
        text = one_line("".join(self.buffer))
        self.buffer.clear()
        self.builder.add_block(text, separator)

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, _SKIPPED_STRINGS):
                    self.buffer.append(str(child))
            elif isinstance(child, Tag) and not _is_boilerplate(child):
                self._tag(child)

    def _tag(self, tag: Tag) -> None:
        name = tag.name
        if name in _HEADINGS:
            self.flush()
            self._heading(_HEADINGS[name], tag)
        elif name == "pre":
            self.flush()
            self.builder.add_block(tag.get_text(), code=True)
        elif name == "br":
            self.buffer.append("\n")
        elif name == "tr":
            self.flush()
            cells = [one_line(cell.get_text(" ")) for cell in tag.find_all(_CELLS, recursive=False)]
            self.builder.add_block(" | ".join(cell for cell in cells if cell))
        elif name in _BLOCKS:
            self.flush()
            self.walk(tag)
            self.flush()
        else:
            self.walk(tag)

    def _heading(self, level: int, tag: Tag) -> None:
        for anchor in tag.find_all(class_="headerlink"):
            anchor.decompose()
        title = one_line(tag.get_text(" "))
        if not title:
            return
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, title))
        self.builder.start_section(tuple(t for _, t in self.stack))
        self.builder.add_block(title)
