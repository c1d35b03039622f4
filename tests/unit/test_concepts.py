"""Concepts proposed from a course's material, and tagging passages with them."""

from __future__ import annotations

import re

from ingest.questions.concepts import MAX_CHUNKS, propose_concepts, skill_id, tag
from retrieval.types import Chunk

SKILL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

SECTIONS = [
    ("intro", ("Python Basics", "Introduction"), "This course teaches you the basics of the language."),
    ("intro", ("Python Basics", "Lists"), "Lists hold items in order. You can append to a list."),
    ("intro", ("Python Basics", "Lists"), "A list can hold items of different types, and lists can grow."),
    (
        "intro",
        ("Python Basics", "More on Lists"),
        "A list comprehension consists of brackets containing an expression followed by a for clause.",
    ),
    (
        "intro",
        ("Python Basics", "More on Lists"),
        "List comprehensions provide a concise way to create lists from other sequences.",
    ),
    ("intro", ("Python Basics", "Lists"), "Slicing a list gives a new list."),
    ("strings", ("Strings",), "Strings are immutable sequences of characters."),
    ("modules", ("Modules",), "A file containing definitions and statements is called a module."),
    ("modules", ("Modules", "Examples"), "The examples below import a module and call its functions."),
    ("modules", ("Modules", "Footnotes"), "The name of a module is available as a global variable."),
    ("modules", ("Modules", "Packages"), "Packages are a way of structuring a module namespace with dotted names."),
    ("modules", ("Modules", "The import system"), "The import system finds modules on the search path."),
]


def course() -> list[Chunk]:
    counters: dict[str, int] = {}
    chunks = []
    for doc, path, text in SECTIONS:
        n = counters.get(doc, 0)
        counters[doc] = n + 1
        chunks.append(Chunk(id=f"{doc}#{n}", course_id="c", document_id=doc, text=text, ordinal=n, heading_path=path))
    return chunks


def test_headings_and_defined_terms_become_concepts_and_generic_headings_do_not() -> None:
    concepts = {c.id: c for c in propose_concepts(course())}
    assert {"list", "module", "package", "list-comprehension", "import-system"} <= set(concepts)
    names = {c.name for c in concepts.values()}
    assert not names & {"Introduction", "Examples", "Footnotes", "More on Lists"}
    assert concepts["list-comprehension"].name == "List comprehensions"


def test_duplicates_merge_across_case_and_number() -> None:
    concepts = propose_concepts(course())
    ids = [c.id for c in concepts]
    assert len(ids) == len(set(ids))
    # The "Modules" heading and "a module" defined in a sentence are one concept, named by the heading.
    module = next(c for c in concepts if c.id == "module")
    assert module.name == "Modules"
    assert module.chunk_ids[0] == "modules#0"
    # The "Strings" heading and the defined "strings" too; "Python Basics" covers half the course.
    assert [c.name for c in concepts if c.id == "string"] == ["Strings"]
    assert "python-basic" not in ids


def test_concepts_have_valid_skill_ids_and_their_best_passages() -> None:
    concepts = propose_concepts(course())
    for concept in concepts:
        assert SKILL.match(concept.id), concept.id
        assert 1 <= len(concept.chunk_ids) <= MAX_CHUNKS
        assert 0 < len(concept.name) <= 80
    lists = next(c for c in concepts if c.id == "list")
    assert lists.chunk_ids[:3] == ("intro#1", "intro#2", "intro#5")
    comprehension = next(c for c in concepts if c.id == "list-comprehension")
    assert comprehension.chunk_ids[0] == "intro#3"


def test_skill_ids_are_slugs() -> None:
    assert skill_id("List Comprehensions") == "list-comprehension"
    assert skill_id("The import system") == "import-system"
    assert (
        skill_id("Floating Point Arithmetic: Issues and Limitations")
        == "floating-point-arithmetic-issues-and-limitation"
    )
    assert SKILL.match(skill_id("x" * 200))
    assert SKILL.match(skill_id("--- Part II"))


def test_the_limit_is_kept_and_passages_are_tagged() -> None:
    assert len(propose_concepts(course(), limit=3)) == 3
    assert propose_concepts([]) == []
    concepts = propose_concepts(course())
    assert "list-comprehension" in tag("intro#3", concepts)
    assert tag("intro#0", concepts) == ()
    assert tag("nowhere#9", concepts) == ()
