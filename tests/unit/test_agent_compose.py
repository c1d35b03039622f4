"""Extractive answering: one contiguous excerpt with code kept whole, honest refusals, a second source only when needed."""

from __future__ import annotations

import re
from dataclasses import replace

from agents.providers.local.compose import ComposerConfig, compose
from agents.providers.local.embedding import CachedQueryEmbedder
from agents.providers.local.excerpt import (
    Candidate,
    build_excerpt,
    candidates,
    lexical_overlap,
    query_weights,
    score_candidates,
)
from agents.providers.local.neighbours import join_overlapping
from agents.providers.local.passages import blocks
from retrieval.coverage import term_coverage
from retrieval.lexical import BM25Index, analyze
from retrieval.types import Chunk, SearchHit
from tests.fakes.agent_ports import HashEmbedder

CFG = ComposerConfig(min_strength=0.35, answerability=None)
LISTS = (
    "Lists are mutable\n\nUnlike strings, lists can be changed in place. You add an item with append, which "
    "puts it at the end:\n\nfruits = ['apple']\nfruits.append('date')  # add to the end\n\nprint(fruits)\n\n"
    "Sorting works in place too."
)
TUPLES = (
    "Tuples\n\nA tuple is like a list that cannot be changed after it is created. Tuples are immutable, so "
    "they can be used as dictionary keys."
)
SCOPE = "Local scope\n\nA variable assigned inside a function is local to that function call."


def hit(text: str, rank: int, heading: str, lesson: str = "l-x") -> SearchHit:
    chunk = Chunk(id=f"c{rank}", course_id="c", document_id=f"d{rank}", text=text, lesson_id=lesson,
                  heading_path=("Intro to Python", "Data", heading.split(" › ")[0], heading.split(" › ")[-1]))
    return SearchHit(chunk, 1.0 - rank / 10, rank)


def course_coverage(question: str, texts: list[str]) -> list:  # type: ignore[type-arg]
    return term_coverage(BM25Index([analyze(t) for t in texts]), question)


def test_passages_split_into_headings_prose_and_whole_code_blocks() -> None:
    parsed = blocks(LISTS, ("Lists are mutable",))
    assert [b.kind for b in parsed] == ["heading", "prose", "code", "prose"]
    assert parsed[2].text == "fruits = ['apple']\nfruits.append('date')  # add to the end\n\nprint(fruits)"
    assert parsed[1].sentences[0] == "Unlike strings, lists can be changed in place."


def test_answer_is_one_contiguous_excerpt_with_its_code_block_whole_and_cited() -> None:
    hits = [hit(LISTS, 0, "Lists › Lists are mutable"), hit(SCOPE, 1, "Scope › Local scope")]
    question = "how do I add an item to the end of a list with append"
    answer = compose(question, hits, [1, 2], HashEmbedder(), CFG, coverage=course_coverage(question, [LISTS, SCOPE]))
    assert answer.covered and answer.cited == [1]
    assert answer.text.startswith("Here is how the section “Lists are mutable” of “Lists” explains it:")
    assert "> Unlike strings, lists can be changed in place. You add an item with append, which puts it at the end." \
        not in answer.text  # the colon introducing the code stays with its code
    assert "fruits.append('date')  # add to the end\n\nprint(fruits)\n```" in answer.text
    assert "local to that function" not in answer.text  # nothing spliced in from an unrelated section


def test_a_quote_from_a_later_section_of_a_packed_passage_is_placed_in_that_section() -> None:
    text = f"{SCOPE}\n\n{TUPLES}"
    first = hit(text, 0, "Scope › Local scope")
    tuples_at = first.chunk.char_start + text.index("Tuples\n")
    chunk = replace(first.chunk, sections=((tuples_at, (*first.chunk.heading_path[:2], "Tuples", "Immutability")),))
    question = "can a tuple be changed after it is created"
    answer = compose(question, [replace(first, chunk=chunk)], [1], HashEmbedder(), CFG,
                     coverage=course_coverage(question, [text]))  # fmt: skip
    assert answer.covered and "cannot be changed" in answer.text
    assert answer.text.startswith("Here is how the section “Immutability” of “Tuples” explains it:"), answer.text


def test_a_sentence_is_scored_under_the_section_it_stands_in_not_the_passage_first_one() -> None:
    text = ("Query parameters\n\nOptions that filter a list belong in the query string.\n\n"
            "Returning the right status\n\nMost frameworks let you set the code on the route decorator.")
    first = hit(text, 0, "Routes › Query parameters")
    at = first.chunk.char_start + text.index("Returning the right status")
    packed = replace(first, chunk=replace(first.chunk, sections=((at, (*first.chunk.heading_path[:3],
                                                                       "Returning the right status")),)))
    question = "how do i return the right status"
    _, cands = candidates([packed], 500)
    scored, _ = score_candidates(question, cands, [packed], HashEmbedder(), 0.5, 0.4, 40, 0.3)
    assert "route decorator" in scored[0].text, [c.text for c in scored]
    answer = compose(question, [packed], [1], HashEmbedder(), CFG, coverage=course_coverage(question, [text]))
    assert answer.text.startswith("Here is how the section “Returning the right status” of “Routes” explains it:")


def test_a_second_source_is_added_only_for_a_part_the_first_lacks() -> None:
    tuples = "Tuples\n\nA tuple cannot be changed after it is created. Tuples are immutable, so they can be keys."
    hits = [hit(LISTS, 0, "Lists › Lists are mutable"), hit(tuples, 1, "Tuples › Tuples")]
    question = "can I append to a list, and are tuples immutable"
    cov = course_coverage(question, [LISTS, tuples])
    answer = compose(question, hits, [1, 2], HashEmbedder(), CFG, coverage=cov)
    assert answer.covered and sorted(answer.cited) == [1, 2], answer.text
    assert "[1]" in answer.text and "[2]" in answer.text and "adds:" in answer.text
    # the lead names what the second source brings, never a word the first quote already had
    lead = re.search(r"\n\nOn “(\w+)”, ", answer.text)
    assert lead is not None, answer.text
    first_part = answer.text[: lead.start()].lower()
    assert lead.group(1) in {"append", "list", "tuples", "immutable"} and lead.group(1) not in first_part
    single = compose("can a list be changed in place", hits, [1, 2], HashEmbedder(), CFG,
                     coverage=course_coverage("can a list be changed in place", [LISTS, TUPLES]))
    assert single.cited == [1]


def test_a_key_word_the_course_never_uses_is_declined_with_the_closest_lessons() -> None:
    hits = [hit(LISTS, 0, "Lists › Lists are mutable"), hit(SCOPE, 1, "Scope › Local scope")]
    question = "what is a decorator on a function"
    answer = compose(question, hits, [1, 2], HashEmbedder(), CFG, coverage=course_coverage(question, [LISTS, SCOPE]))
    assert not answer.covered and answer.reason == "absent_term" and "decorator" in answer.absent
    assert answer.text.startswith("This isn't covered by this course's material.")
    assert "“decorator”" in answer.text and "“Lists”" in answer.text and "“Scope”" in answer.text


def test_a_misspelt_word_counts_as_the_word_it_was_meant_to_be() -> None:
    hits = [hit(TUPLES, 0, "Tuples › Tuples")]
    question = "are tupels immutable"
    answer = compose(question, hits, [1], HashEmbedder(), CFG, coverage=course_coverage(question, [TUPLES]))
    assert answer.reason != "absent_term"


def test_weak_evidence_is_declined() -> None:
    hits = [hit(LISTS, 0, "Lists › Lists are mutable")]
    answer = compose("Who painted the ceiling of the Sistine Chapel?", hits, [1], HashEmbedder(), CFG)
    assert not answer.covered and answer.text.startswith("This isn't covered by this course's material.")


def test_socratic_mode_gives_a_hint_not_the_excerpt() -> None:
    hits = [hit(TUPLES, 0, "Tuples › Tuples")]
    answer = compose("are tuples immutable", hits, [1], HashEmbedder(), CFG, socratic=True)
    assert answer.text.startswith("Let's work it out together.") and answer.text.count("[1]") == 1


def test_corrected_words_count_less_than_the_repair() -> None:
    weights = query_weights("When did the empire um no the republic fall?")
    assert weights["republic"] == 1.0 and weights["empire"] == 0.5
    assert lexical_overlap(weights, "The republic fell.") > lexical_overlap(weights, "The empire fell.")


def test_query_cache_embeds_each_text_once() -> None:
    inner = HashEmbedder()
    cached = CachedQueryEmbedder(inner, capacity=2)
    first = cached.embed_queries(["a loop", "a list"])
    again = cached.embed_queries(["a list", "a loop"])
    assert inner.calls == 1 and (first[::-1] == again).all()
    cached.embed_queries(["a dict"])
    assert inner.calls == 2 and len(cached._cache) == 2


VENV = (
    "Creating environments\n\nThe venv module creates environments.\n\nTo create one, pick a directory and run "
    "the module as a script:\n\npython3 -m venv tutorial-env\n\nThis will create the tutorial-env directory. "
    "It also copies the interpreter.\n\nA common location is .venv."
)
CHARTS = (
    "Choosing a chart\n\nLine chart: a value changing over time.\n\nHistogram: the distribution of one numeric "
    "variable.\n\nScatter plot: the relationship between two numeric variables.\n\nStart from the question."
)


def test_a_shell_command_on_its_own_line_is_code_not_a_heading() -> None:
    kinds = [(b.kind, b.text) for b in blocks(VENV, ("Creating environments",))]
    assert ("code", "python3 -m venv tutorial-env") in kinds
    assert ("prose", "pip is a tool.") in [(b.kind, b.text) for b in blocks("pip is a tool.")]


def test_a_console_session_is_code_and_a_sentence_starting_with_a_command_is_prose() -> None:
    text = (
        "You can upgrade a package:\n\n(tutorial-env) $ python -m pip install --upgrade requests\n"
        "Collecting requests\nInstalling collected packages: requests\n  Found existing installation: requests\n"
        "Successfully installed requests-2.7.0\n\npython -m pip uninstall followed by one or more package names will\n"
        "remove the packages from the virtual environment.\n\npython -m pip show will display information about a "
        "particular package:"
    )
    kinds = [b.kind for b in blocks(text)]
    assert kinds == ["prose", "code", "prose", "prose"]
    # Code stays code: indented, or commands without a sentence around them.
    assert [b.kind for b in blocks("    total = 0\n    for n in numbers: total += n")] == ["code"]
    assert [b.kind for b in blocks("python -m venv env\nsource env/bin/activate")] == ["code"]


def test_a_traceback_is_code_so_its_words_never_answer_as_prose() -> None:
    text = (
        "Reading a traceback\n\nTraceback (most recent call last):\n  File \"tip.py\", line 2, in <module>\n"
        "    bill = float(input(\"Bill: \"))\nValueError: could not convert string to float: 'ten'\n\n"
        "Start at the bottom: the last line names the exception type."
    )
    parsed = blocks(text, ("Reading a traceback",))
    assert [b.kind for b in parsed] == ["heading", "code", "prose"]
    assert parsed[1].text.startswith("Traceback (most recent call last):\n  File")  # line breaks kept


def test_a_paragraph_that_leans_on_the_command_above_brings_the_command_and_its_introduction() -> None:
    items = blocks(VENV, ("Creating environments",))
    b = next(i for i, blk in enumerate(items) if blk.text.startswith("This will create"))
    excerpt = build_excerpt(
        items, Candidate(0, b, 0, items[b].sentences[0]), CFG, False, "make a virtual env", whole_section=False
    )
    kinds = [kind for kind, _ in excerpt.segments]
    assert kinds[:3] == ["prose", "code", "prose"], excerpt.segments
    assert excerpt.segments[0][1].startswith("To create one") and excerpt.segments[1][1] == "python3 -m venv tutorial-env"


def test_a_short_section_is_quoted_whole_and_a_long_one_around_its_answer() -> None:
    items = blocks(VENV, ("Creating environments",))
    b = next(i for i, blk in enumerate(items) if blk.text.startswith("A common location"))
    excerpt = build_excerpt(items, Candidate(0, b, 0, items[b].sentences[0]), CFG, False, "where to put a venv")
    assert [kind for kind, _ in excerpt.segments] == ["prose", "prose", "code", "prose", "prose"]
    assert excerpt.prose.startswith("The venv module") and excerpt.prose.endswith("A common location is .venv.")
    long_section = VENV + "\n\n" + "\n\n".join(f"Filler paragraph {i} about nothing in particular." for i in range(30))
    items = blocks(long_section, ("Creating environments",))
    excerpt = build_excerpt(items, Candidate(0, b, 0, items[b].sentences[0]), CFG, False, "where to put a venv")
    assert excerpt.prose.startswith("A common location") and "The venv module" not in excerpt.prose


def test_a_paragraph_that_fits_is_quoted_whole_whichever_sentence_answers() -> None:
    items = blocks(VENV, ("Creating environments",))
    b = next(i for i, blk in enumerate(items) if blk.text.startswith("This will create"))
    excerpt = build_excerpt(items, Candidate(0, b, 1, items[b].sentences[1]), CFG, False, "interpreter copy")
    assert "This will create the tutorial-env directory. It also copies the interpreter." in excerpt.prose


def test_one_point_of_a_short_list_is_quoted_with_the_whole_list() -> None:
    items = blocks(CHARTS, ("Choosing a chart",))
    b = next(i for i, blk in enumerate(items) if blk.text.startswith("Scatter"))
    excerpt = build_excerpt(items, Candidate(0, b, 0, items[b].text, listed=True), CFG, False, "numeric chart")
    assert "Histogram: the distribution of one numeric variable." in excerpt.prose
    assert excerpt.prose.startswith("Line chart")


def test_a_second_source_quotes_only_its_own_point_of_a_list() -> None:
    items = blocks(CHARTS, ("Choosing a chart",))
    b = next(i for i, blk in enumerate(items) if blk.text.startswith("Scatter"))
    best = Candidate(0, b, 0, items[b].text, listed=True)
    excerpt = build_excerpt(items, best, CFG, False, "numeric chart", whole_section=False)
    assert excerpt.prose == items[b].text


def test_chat_filler_and_everyday_words_are_not_missing_course_terms() -> None:
    texts = ["Indexing past the end raises an IndexError exception.", "A 403 response means forbidden."]
    cov = {c.word: c for c in course_coverage("index vs slice, why does it crash pls", texts)}
    assert "vs" not in cov and "pls" not in cov
    assert cov["crash"].df > 0 and cov["crash"].corrected in {"error", "exception"}


def test_everyday_words_count_as_the_course_word_only_when_the_course_uses_it() -> None:
    texts = ["The union of two sets holds the elements of either.", "os.getcwd() returns the current directory."]
    cov = {c.word: c for c in course_coverage("merge two sets? which folder am i in? my loop blows up", texts)}
    assert cov["merge"].corrected == "union" and cov["merge"].df == 1
    assert cov["folder"].corrected == "directory" and cov["folder"].df == 1
    # The course never says "error" or "exception": "blows" stays absent rather than pointing nowhere.
    assert cov["blows"].df == 0 and cov["blows"].corrected is None


def test_a_question_naming_a_technology_the_course_never_mentions_is_declined() -> None:
    classes = "Classes\n\nA class bundles data and functions. Instances of a class are created by calling it."
    hits = [hit(classes, 0, "Classes › Classes")]
    question = "scala case classes vs normal classes"
    answer = compose(question, hits, [1], HashEmbedder(), CFG, coverage=course_coverage(question, [classes]))
    assert not answer.covered and answer.absent == ("scala",)


def test_a_followup_never_repeats_an_excerpt_quoted_around_a_code_block() -> None:
    other = "Activating\n\nActivating an environment puts its interpreter first on your PATH, so python means that one."
    hits = [hit(VENV, 0, "Environments › Creating environments"), hit(other, 1, "Environments › Activating")]
    question = "how do i create a virtual environment with venv"
    cov = course_coverage(question, [VENV, other])
    first = compose(question, hits, [1, 2], HashEmbedder(), CFG, coverage=cov)
    assert first.covered and "python3 -m venv tutorial-env" in first.text
    again = compose(question, hits, [1, 2], HashEmbedder(), CFG, coverage=cov, already_said=first.text)
    assert again.covered and again.text != first.text


FLOATS = (
    "Floating point\n\n>>> .1 + .1 + .1 == .3\nFalse\n\nAlso, rounding each term first cannot help:\n\n"
    ">>> round(.1, 1) + round(.1, 1) + round(.1, 1) == round(.3, 1)\nFalse\n\n"
    "The round function is useful for post-rounding, so that inexact results become comparable:\n\n"
    ">>> round(.1 + .1 + .1, 10) == round(.3, 10)\nTrue"
)
FINALLY = (
    "Clean-up\n\nIf a finally clause returns, the returned value is the one from the finally clause.\n\n"
    "For example:\n\n>>> def f():\n...     try:\n...         return True\n...     finally:\n...         return False"
)


def _excerpt_at(text: str, starts: str):  # type: ignore[no-untyped-def]
    items = blocks(text, ("Section",))
    b = next(i for i, blk in enumerate(items) if blk.text.startswith(starts))
    sentence = items[b].sentences[0] if items[b].kind == "prose" else ""
    index = 0 if items[b].kind == "prose" else -1
    return build_excerpt(items, Candidate(0, b, index, sentence), CFG, False, "compare floats", whole_section=False)


def test_a_paragraph_that_introduces_code_brings_it_even_past_the_code_cap() -> None:
    """Dropping the last code block would drop its introduction, which holds the answer ("post-rounding")."""
    excerpt = _excerpt_at(FLOATS, "Also, rounding")
    assert "post-rounding" in excerpt.prose and excerpt.segments[-1] == ("code", ">>> round(.1 + .1 + .1, 10) == round(.3, 10)\nTrue")


def test_code_after_a_bare_for_example_brings_the_paragraph_it_exemplifies() -> None:
    excerpt = _excerpt_at(FINALLY, ">>> def f")
    assert [kind for kind, _ in excerpt.segments] == ["prose", "prose", "code"]
    assert excerpt.segments[0][1].startswith("If a finally clause returns")


def test_overlapping_passages_of_one_section_are_read_as_one() -> None:
    text = "One. Two. Three. Four. Five."
    path = ("Course", "Lesson")

    def located(start: int, end: int, rank: int) -> SearchHit:
        return SearchHit(Chunk(id=f"c{rank}", course_id="c", document_id="d", text=text[start:end], heading_path=path,
                               char_start=start, char_end=end), 1.0, rank)

    other = SearchHit(Chunk(id="x", course_id="c", document_id="e", text="Elsewhere.", heading_path=path), 0.5, 2)
    joined, numbers = join_overlapping([located(5, 21, 0), other, located(0, 10, 1), located(15, 28, 3)], [1, 2, 3, 4])
    assert numbers == [1, 2] and joined[0].chunk.text == text and joined[1] is other
    assert (joined[0].chunk.char_start, joined[0].chunk.char_end) == (0, 28)


def test_a_recap_section_ranks_below_the_section_that_explains_the_same_thing() -> None:
    sentence = "You add an item to a set with add(), since sets have no append."
    hits = [hit(f"Summary\n\n{sentence}", 0, "Sets › Summary"), hit(f"Growing one\n\n{sentence}", 1, "Sets › Growing one")]
    _, cands = candidates(hits, CFG.max_sentence_chars)
    scored, _ = score_candidates("how do i add to a set", cands, hits, HashEmbedder(), 0.5, 0.0, 40)
    assert scored[0].hit == 1 and scored[0].score > scored[1].score



def test_a_technology_name_is_not_read_as_a_typo_of_a_course_word() -> None:
    loops = "Speed\n\nCPython is the reference implementation; loops over lists are fast enough for most scripts."
    hits = [hit(loops, 0, "Loops › Speed")]
    question = "how do i speed up my loop with cython"
    answer = compose(question, hits, [1], HashEmbedder(), CFG, coverage=course_coverage(question, [loops]))
    assert not answer.covered and answer.absent == ("cython",)


def test_joined_neighbours_keep_where_each_of_their_sections_begins() -> None:
    text = "a" * 200
    path = ("Course", "Lesson", "First")
    a = Chunk(id="a", course_id="c", document_id="d", text=text[:100], heading_path=path, char_start=0, char_end=100,
              sections=((50, ("Course", "Lesson", "Second")),))  # fmt: skip
    b = Chunk(id="b", course_id="c", document_id="d", text=text[80:], heading_path=path, char_start=80, char_end=200,
              sections=((150, ("Course", "Lesson", "Third")),))  # fmt: skip
    [joined], _ = join_overlapping([SearchHit(a, 1.0, 0), SearchHit(b, 0.9, 1)], [1, 2])
    assert (joined.chunk.char_start, joined.chunk.char_end) == (0, 200)
    assert [joined.chunk.heading_path_at(at)[-1] for at in (10, 60, 160)] == ["First", "Second", "Third"]


def test_a_quote_joined_across_line_breaks_is_placed_in_its_own_section() -> None:
    from agents.providers.local.render import where

    text = ("Loops\n\nFor loops\n\nA for loop runs its body once per item.\nUse range(5) to repeat five times.\n\n"
            "While loops\n\nA while loop runs while its condition is true.")
    chunk = Chunk(id="a", course_id="c", document_id="d", text=text, heading_path=("Loops", "While loops"),
                  char_start=0, char_end=len(text),
                  sections=((0, ("Loops",)), (7, ("Loops", "For loops")), (text.index("While"), ("Loops", "While loops"))))  # fmt: skip
    quote = "A for loop runs its body once per item. Use range(5) to repeat five times."  # one line in the excerpt
    assert where(chunk, quote) == where(chunk, "A for loop runs its body once per item.")
    assert "For loops" in where(chunk, quote) and "While" not in where(chunk, quote)


def test_a_question_about_classes_is_not_answered_from_passages_that_never_name_one() -> None:
    methods = ("Useful string methods\n\nMethods are functions attached to a value, called with a dot. "
               "Each method returns a new string and leaves the original untouched.")
    question = "how do i write a class with methods"
    hits = [hit(methods, 0, "Strings › Useful string methods")]
    answer = compose(question, hits, [1], HashEmbedder(), CFG, coverage=course_coverage(question, [methods]))
    assert not answer.covered and answer.reason == "low_coverage"
    classes = ("Classes\n\nA class groups data with the methods that work on it. Methods are functions "
               "defined inside the class and called with a dot.")
    hits = [hit(classes, 0, "Objects › Classes")]
    answer = compose(question, hits, [1], HashEmbedder(), CFG, coverage=course_coverage(question, [classes]))
    assert answer.covered
