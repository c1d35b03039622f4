"""The learner cache: entries live under a stamp, writes drop them, and a read raced by a write is not kept."""

from __future__ import annotations

from tutor.services.learner_cache import LearnerCache


def test_an_entry_is_served_only_under_the_stamp_it_was_read_with() -> None:
    cache = LearnerCache()
    cache.put("u1", 3, "progress", ["p"], cache.mark())
    assert cache.get("u1", 3, "progress") == (True, ["p"])
    assert cache.get("u1", 4, "progress") == (False, None)  # changed since
    assert cache.get("u1", 3, "enrollments") == (False, None)  # never read
    cache.put("u1", 3, "enrollments", ["e"], cache.mark())
    assert cache.get("u1", 3, "progress") == (True, ["p"])  # kinds of one stamp are kept together
    cache.put("u1", 4, "enrollments", ["e2"], cache.mark())
    assert cache.get("u1", 3, "progress") == (False, None)  # a newer stamp replaces the older values


def test_a_write_drops_the_entry_and_a_read_raced_by_it_is_not_stored() -> None:
    cache = LearnerCache()
    cache.put("u1", 1, "progress", ["old"], cache.mark())
    mark = cache.mark()  # a read starts...
    cache.forget(["u1"])  # ...a write of this process lands meanwhile...
    cache.put("u1", 1, "progress", ["read before the write"], mark)  # ...so what it read is not kept
    assert cache.get("u1", 1, "progress") == (False, None)


def test_the_least_recently_used_student_goes_first() -> None:
    cache = LearnerCache(max_students=2)
    for user in ("a", "b"):
        cache.put(user, 0, "progress", [user], cache.mark())
    assert cache.get("a", 0, "progress")[0]
    cache.put("c", 0, "progress", ["c"], cache.mark())
    assert cache.get("b", 0, "progress") == (False, None) and cache.get("a", 0, "progress")[0]
