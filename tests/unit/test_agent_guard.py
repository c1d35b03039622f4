"""Server-side action policy and course-name matching."""

from __future__ import annotations

from agents.catalog_match import find_courses, match_course
from agents.guardrails import ActionPolicy, has_enroll_intent
from tests.fakes.agent_ports import COURSES

PY, ML = COURSES[0], COURSES[1]


def test_enroll_intent_requires_the_students_words() -> None:
    assert has_enroll_intent("Can you enroll me in Machine Learning Basics?")
    assert has_enroll_intent("sign me up for the python course")
    assert not has_enroll_intent("What does the course say about loops?")
    assert not has_enroll_intent("don't enroll me in anything, just explain loops")


def test_policy_allows_only_the_named_course() -> None:
    policy = ActionPolicy("please enroll me in Intro to Python")
    assert policy.check_enroll(PY) is None
    assert policy.check_enroll(ML) is not None


PY_CATALOGUE = [
    {"id": "py-intro", "title": "Introduction to Python Programming"},
    {"id": "py-web", "title": "Building Web APIs in Python"},
    {"id": "py-data", "title": "Python Data"},
    {"id": "py-viz", "title": "Python Data Visualization"},
]
WEB, DATA, VIZ = PY_CATALOGUE[1], PY_CATALOGUE[2], PY_CATALOGUE[3]


def test_a_title_word_every_course_shares_is_not_needed_to_name_one() -> None:
    policy = ActionPolicy("enroll me in the web apis course")
    assert policy.check_enroll(WEB) is not None  # half the title's words, judged alone: not named
    assert policy.check_enroll(WEB, PY_CATALOGUE) is None  # every course has "python"
    assert ActionPolicy("enroll me in the python course").check_enroll(WEB, PY_CATALOGUE) is not None


def test_the_guard_refuses_a_course_another_one_outnames() -> None:
    policy = ActionPolicy("enroll me in data visualization")
    assert policy.check_enroll(VIZ, PY_CATALOGUE) is None
    assert policy.check_enroll(DATA, PY_CATALOGUE) is not None  # "data" alone is a weaker reading
    both = ActionPolicy("enroll me in Python Data and in Building Web APIs in Python")
    assert both.check_enroll(DATA, PY_CATALOGUE) is None and both.check_enroll(WEB, PY_CATALOGUE) is None


def test_the_named_course_is_judged_over_the_whole_catalogue_and_breaks_ties_on_the_whole_title() -> None:
    match = match_course("enroll me in data visualization", PY_CATALOGUE)
    assert match is not None and match.course["id"] == "py-viz"
    listed, named = find_courses("the web apis course", [WEB, DATA], PY_CATALOGUE)  # a filtered part
    assert named is not None and named.course["id"] == "py-web" and listed[0]["id"] == "py-web"
    _, outside = find_courses("the web apis course", [DATA, VIZ], PY_CATALOGUE)
    assert outside is None  # named, but not among the courses the filters kept


def test_policy_resolves_this_course_to_the_page_or_earlier_mention() -> None:
    assert ActionPolicy("enroll me in this course", page_course_id="c-ml").check_enroll(ML) is None
    earlier = ActionPolicy("ok, enroll me in it", ["tell me about Machine Learning Basics"])
    assert earlier.check_enroll(ML) is None
    assert earlier.check_enroll(PY) is not None


def test_fuzzy_course_matching() -> None:
    assert match_course("enrol me in intro to pyhton", COURSES).course["id"] == "c-python"  # type: ignore[union-attr]
    assert match_course("machine learning please", COURSES).course["id"] == "c-ml"  # type: ignore[union-attr]
    assert match_course("a course about cooking", COURSES) is None


def test_a_course_is_named_by_shortened_or_distinctive_title_words() -> None:
    catalogue = [
        {"id": "python-intro", "title": "Introduction to Python Programming"},
        {"id": "data-py", "title": "Data Analysis with Python"},
        {"id": "web-py", "title": "Building Web APIs in Python"},
    ]
    intro = match_course("yes please enroll me in the intro python course", catalogue)
    assert intro is not None and intro.course["id"] == "python-intro"
    web = match_course("enroll me in the web api course", catalogue)  # "python" is in every title
    assert web is not None and web.course["id"] == "web-py"
    assert match_course("enroll me in python", catalogue) is None  # names no course in particular

