"""Which course edits change the titles indexed material is cited under."""

from __future__ import annotations

import copy

from tests.conftest import sample_course_body
from tutor.services.course_tree import titles_changed


def test_renaming_moving_or_removing_a_lesson_changes_titles_adding_one_or_editing_content_does_not() -> None:
    before = sample_course_body(title="Course")
    assert not titles_changed(before, copy.deepcopy(before))
    edits = {
        "course title": lambda c: c.update(title="Course, renamed"),
        "module title": lambda c: c["modules"][0].update(title="Foundations"),
        "lesson title": lambda c: c["modules"][0]["lessons"][0].update(title="Looping"),
        "lesson removed": lambda c: c["modules"][0]["lessons"].pop(1),
        "lesson moved": lambda c: c["modules"].append({"id": "m2", "title": "More", "lessons": [c["modules"][0]["lessons"].pop()]}),
    }  # fmt: skip
    for name, edit in edits.items():
        after = copy.deepcopy(before)
        edit(after)
        assert titles_changed(before, after), name
    unchanged = {
        "lesson added": lambda c: c["modules"][0]["lessons"].append({"id": "l3", "title": "New"}),
        "content and quiz": lambda c: c["modules"][0]["lessons"][0].update(content="Other text", quiz=None),
        "description": lambda c: c.update(description="Other"),
    }  # fmt: skip
    for name, edit in unchanged.items():
        after = copy.deepcopy(before)
        edit(after)
        assert not titles_changed(before, after), name


async def test_a_failing_title_listener_never_makes_a_saved_edit_fail(caplog) -> None:
    from tutor.services.courses import CourseService

    told: list[str] = []

    async def broken(course_id: str) -> None:
        raise RuntimeError("the database is down")

    async def listener(course_id: str) -> None:
        told.append(course_id)

    service = CourseService(None, None)  # type: ignore[arg-type]  # edited() reads no repository
    service.title_listeners += [broken, listener]
    before = {**sample_course_body(title="Course"), "_id": "c1"}
    await service.edited(before, {**before, "title": "Renamed"})
    assert told == ["c1"] and "a title listener failed for course c1" in caplog.text
    await service.edited(before, before)
    assert told == ["c1"]
