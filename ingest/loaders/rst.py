"""reStructuredText via docutils, tolerant of Sphinx markup (roles and the common directives)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives

from ingest.document import DocumentBuilder, ParsedDocument
from ingest.errors import CorruptFile
from ingest.limits import INTERRUPTS
from ingest.loaders.base import TextLoader, one_line, squash

_SETTINGS = {
    "report_level": 5,  # keep going silently on Sphinx-only markup
    "halt_level": 5,
    "file_insertion_enabled": False,  # never read other files named by the document
    "raw_enabled": False,
    "doctitle_xform": False,  # keep the top title a section, so heading paths are uniform
    "warning_stream": False,
}
_ROLE = re.compile(r":[\w:.+-]+:`(.*?)`", re.DOTALL)
_SKIP = (
    nodes.system_message, nodes.comment, nodes.target, nodes.substitution_definition,
    nodes.raw, nodes.pending, nodes.title, nodes.footnote_reference, nodes.citation_reference,
)  # fmt: skip
_CODE_DIRECTIVES = ("code-block", "sourcecode", "testcode", "testoutput", "doctest", "productionlist")
_SIGNATURE_DIRECTIVES = (
    "function", "class", "method", "classmethod", "staticmethod", "attribute", "data", "exception",
    "decorator", "decoratormethod", "describe", "opcode", "cmdoption", "envvar", "coroutinefunction",
    "coroutinemethod", "abstractmethod", "program", "audit-event",
)  # fmt: skip
_BODY_DIRECTIVES = (
    "seealso", "versionadded", "versionchanged", "deprecated", "deprecated-removed", "impl-detail",
    "glossary", "hlist", "centered", "only", "availability",
)  # fmt: skip
_DROPPED_DIRECTIVES = (
    "index", "toctree", "highlight", "module", "currentmodule", "sectionauthor", "moduleauthor",
    "literalinclude", "tabularcolumns", "testsetup", "testcleanup",
)  # fmt: skip


class RstLoader(TextLoader):
    """Loads reST; sections become the heading path, Sphinx roles keep their visible text."""

    kind = "rst"

    def parse(self, text: str, filename: str) -> ParsedDocument:
        """Parse with docutils (no file inclusion, no raw passthrough) and walk the tree."""
        _register_sphinx_directives()
        try:
            tree = publish_doctree(text, settings_overrides=_SETTINGS)
        except INTERRUPTS:
            raise
        except Exception:
            message = f"{filename} could not be parsed as reStructuredText."
            raise CorruptFile(message, filename=filename) from None
        builder = DocumentBuilder(kind=self.kind)
        _walk(tree, builder, [])
        return builder.build()


def _walk(node: nodes.Element, builder: DocumentBuilder, path: list[str]) -> None:
    for child in node.children:
        if isinstance(child, nodes.section):
            title = child.next_node(nodes.title)
            path.append(one_line(_inline(title)) if title is not None else "")
            builder.start_section(tuple(path))
            builder.add_block(path[-1])
            _walk(child, builder, path)
            path.pop()
            builder.start_section(tuple(path))
        elif isinstance(child, _SKIP):
            continue
        elif isinstance(child, nodes.literal_block | nodes.doctest_block):
            builder.add_block(child.astext(), code=True)
        elif isinstance(child, nodes.row):
            cells = (one_line(_inline(entry)) for entry in child.children)
            builder.add_block(" | ".join(cell for cell in cells if cell))
        elif isinstance(child, nodes.TextElement):
            builder.add_block(squash(_inline(child)))
        elif isinstance(child, nodes.Element):
            _walk(child, builder, path)
        elif isinstance(child, nodes.Text):
            builder.add_block(squash(str(child)))


def _inline(node: nodes.Node) -> str:
    if isinstance(node, nodes.Text):
        return str(node)
    if isinstance(node, nodes.problematic):
        return _ROLE.sub(_role_text, node.astext())
    if isinstance(node, nodes.system_message | nodes.footnote_reference):
        return ""
    return "".join(_inline(child) for child in node.children)


def _role_text(match: re.Match[str]) -> str:
    # Sphinx roles: `title <target>` shows the title, `!x` suppresses a link, `~a.b.c` shows "c".
    content = match.group(1)
    if content.endswith(">") and "<" in content:
        content = content[: content.rindex("<")].strip() or content
    if content.startswith("!"):
        return content[1:]
    if content.startswith("~"):
        return content[1:].rsplit(".", 1)[-1]
    return content


class _AnyOptions(dict[str, Any]):
    """Accepts any directive option (we only want the content)."""

    def __getitem__(self, key: str) -> Any:
        return directives.unchanged

    def __contains__(self, key: object) -> bool:
        return True


class _SphinxDirective(Directive):  # type: ignore[misc]
    has_content = True
    optional_arguments = 10
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = _AnyOptions()

    def run(self) -> list[nodes.Node]:
        if self.name in _DROPPED_DIRECTIVES:
            return []
        if self.name in _CODE_DIRECTIVES:
            code = "\n".join(self.content)
            return [nodes.literal_block(code, code)]
        out: list[nodes.Node] = []
        if self.name in _SIGNATURE_DIRECTIVES and self.arguments:
            out.append(nodes.paragraph(text=" ".join(self.arguments)))
        if self.content:
            box = nodes.container()
            self.state.nested_parse(self.content, self.content_offset, box)
            out.append(box)
        return out


def _register_sphinx_directives() -> None:
    # Registration is global to docutils; only names docutils itself does not define are added.
    for name in _CODE_DIRECTIVES + _SIGNATURE_DIRECTIVES + _BODY_DIRECTIVES + _DROPPED_DIRECTIVES:
        if name not in directives._directives:
            directives.register_directive(name, _SphinxDirective)
