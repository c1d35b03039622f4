"""Follow-ups are resolved against the thread; enrollment needs an explicit request, paid ones a confirmation."""

from __future__ import annotations

import pytest

from agents.events import ChatTurn
from agents.followup import is_followup, resolve, wants_example
from agents.guardrails import ActionPolicy, has_enroll_intent, is_affirmation
from agents.providers.local.turn_state import looks_like_answer
from agents.waiting import shown_pending, waiting_line
from retrieval.query import parse_query

HISTORY = [ChatTurn("user", "are lists mutable?"), ChatTurn("assistant", "Yes, lists can be changed in place. [1]")]


@pytest.mark.parametrize("message", ["and tuples?", "why?", "show me an example", "what about dicts", "does that work for strings too?"])
def test_short_followups_lean_on_the_previous_question(message: str) -> None:
    assert is_followup(message)
    resolved = resolve(message, HISTORY)
    assert resolved.startswith("are lists mutable?") and message in resolved


def test_a_followup_with_new_words_is_read_as_a_correction_of_the_previous_question() -> None:
    parsed = parse_query(resolve("and tuples?", HISTORY))
    assert "tuples" in parsed.after and "lists" in parsed.before


def test_a_chain_of_followups_keeps_the_latest_topic_in_front() -> None:
    history = [*HISTORY, ChatTurn("user", "and tuples?"), ChatTurn("assistant", "Tuples cannot be changed. [1]")]
    parsed = parse_query(resolve("show me an example", history))
    assert "tuples" in parsed.after and "lists" in parsed.before


@pytest.mark.parametrize("message", ["How do I define a function with default arguments?", "what is a set"])
def test_standalone_questions_are_left_alone(message: str) -> None:
    assert resolve(message, HISTORY) == message


def test_a_followup_without_history_is_searched_as_typed() -> None:
    assert resolve("and tuples?", []) == "and tuples?"


def test_example_requests_are_recognised() -> None:
    assert wants_example("show me an example") and wants_example("e.g.?") and not wants_example("why?")


@pytest.mark.parametrize(
    "message",
    ["enroll me in Data Analysis with Python", "sign me up for the web APIs course", "I want to take the course",
     "can I join the python course?", "please register me for python intro", "enrol in intro to python",
     "I'd like to enroll in Building Web APIs in Python"],
)
def test_explicit_enroll_requests(message: str) -> None:
    assert has_enroll_intent(message)


@pytest.mark.parametrize(
    "message",
    ["How do I join two tables?", "What's the difference between an INNER JOIN and a LEFT JOIN in SQL?",
     "how do I join a list of strings", "what does register mean in a CPU", "how do I subscribe to an event",
     "don't enroll me, just explain loops", "what is the enrollment limit of a set"],
)
def test_content_questions_that_share_words_never_enroll(message: str) -> None:
    assert not has_enroll_intent(message)


PAID = {"id": "data-analysis-python", "title": "Data Analysis with Python", "price": 49.0}
FREE = {"id": "python-intro", "title": "Introduction to Python Programming", "price": 0}


def test_a_paid_course_needs_a_yes_in_the_next_message() -> None:
    asked = ActionPolicy("enroll me in Data Analysis with Python")
    assert asked.check_enroll(PAID) is None and asked.needs_confirmation(PAID)
    pending = {"kind": "enroll_confirm", "course_id": PAID["id"], "title": PAID["title"], "price": 49.0}
    confirmed = ActionPolicy("yes please", pending=pending)
    assert confirmed.check_enroll(PAID) is None and not confirmed.needs_confirmation(PAID)
    assert ActionPolicy("no thanks", pending=pending).check_enroll(PAID) is not None
    assert ActionPolicy("yes", pending=None).check_enroll(PAID) is not None  # a yes to nothing enrolls nobody
    assert ActionPolicy("yes", pending=pending).check_enroll(FREE) is not None  # only the course that was asked about


def test_a_yes_confirms_only_the_price_the_course_has_now() -> None:
    pending = {"kind": "enroll_offer", "course_id": PAID["id"], "title": PAID["title"], "price": 39.0}
    assert ActionPolicy("yes", pending=pending).needs_confirmation(PAID)  # offered at 39.00, costs 49.00 now
    assert not ActionPolicy("yes", pending={**pending, "price": 49.0}).needs_confirmation(PAID)


def test_only_what_the_answer_showed_stays_waiting() -> None:
    offer = {"kind": "enroll_offer", "course_id": PAID["id"], "title": PAID["title"], "price": 49.0}
    shown = f"Did you mean {PAID['title']}? It costs 49.00."
    assert shown_pending(offer, shown) == offer
    assert shown_pending(offer, "Done: you are now enrolled in Introduction to Python Programming.") is None
    no_price = shown_pending(offer, f"Did you mean {PAID['title']}?")
    assert no_price == {k: v for k, v in offer.items() if k != "price"}
    assert ActionPolicy("yes", pending=no_price).needs_confirmation(PAID)  # the price is asked before enrolling
    practice = {"kind": "practice", "question_id": "q1"}
    assert shown_pending(practice, "anything") == practice and shown_pending(None, "x") is None
    # the title however it is cased, quoted or wrapped; the price as a number of its own
    assert shown_pending(offer, "Did you mean data analysis\nwith python? That's $49.") == offer
    assert shown_pending(offer, f"Did you mean {PAID['title']}? It was 149.00 once.") == no_price
    big = {**offer, "price": 1299.0}
    assert shown_pending(big, f"{PAID['title']} costs 1,299.00.") == big
    # a price question is about the course the student named: it stays, its price only if stated
    confirm = {**offer, "kind": "enroll_confirm"}
    assert shown_pending(confirm, "It costs 49.00. Shall I go ahead?") == confirm
    assert shown_pending(confirm, "Shall I go ahead?") == {k: v for k, v in confirm.items() if k != "price"}
    assert "price was not shown" in (waiting_line(no_price) or "") and "free" not in (waiting_line(no_price) or "")


def test_a_free_course_needs_no_confirmation() -> None:
    assert not ActionPolicy("enroll me in Introduction to Python Programming").needs_confirmation(FREE)


@pytest.mark.parametrize("message", ["yes", "Yes please!", "sure, go ahead", "confirm", "ok do it", "yep"])
def test_affirmations(message: str) -> None:
    assert is_affirmation(message)


@pytest.mark.parametrize("message", ["no", "yes but not now", "what does it cost?", "nope, cancel"])
def test_non_affirmations(message: str) -> None:
    assert not is_affirmation(message)


@pytest.mark.parametrize("message", ["b", "B)", "(c)", "option 2", "it's a", "I think d", "the for loop"])
def test_practice_answers_look_like_answers(message: str) -> None:
    assert looks_like_answer(message)


@pytest.mark.parametrize("message", ["what is a for loop?", "how do I sort a list"])
def test_new_questions_are_not_practice_answers(message: str) -> None:
    assert not looks_like_answer(message)
