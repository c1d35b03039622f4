"""The session check's account cache: fresh for max_age_s, dropped at once by a write through this process."""

from __future__ import annotations

from tutor.services.account_cache import AccountCache


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_account_is_served_until_it_is_max_age_old() -> None:
    clock = Clock()
    cache = AccountCache(1.0, clock=clock)
    assert cache.get("u1") is None
    cache.put("u1", {"session_version": 2}, cache.mark())
    clock.now += 0.9
    assert cache.get("u1") == {"session_version": 2}
    clock.now += 0.2  # the age counts from when the read started, not from the last hit
    assert cache.get("u1") is None


def test_a_write_drops_the_entry_and_a_read_that_raced_it_is_not_kept() -> None:
    cache = AccountCache(5.0, clock=Clock())
    cache.put("u1", {"session_version": 1}, cache.mark())
    cache.forget("u1")
    assert cache.get("u1") is None
    mark = cache.mark()  # a read starts ...
    cache.forget("u2")  # ... a password change lands meanwhile ...
    cache.put("u2", {"session_version": 1}, mark)  # ... so what it read may be stale: not kept
    assert cache.get("u2") is None
    cache.put("u2", {"session_version": 2}, cache.mark())
    assert cache.get("u2") == {"session_version": 2}


def test_zero_max_age_keeps_nothing_and_the_oldest_entries_go_first() -> None:
    off = AccountCache(0.0, clock=Clock())
    off.put("u1", {}, off.mark())
    assert off.get("u1") is None
    small = AccountCache(5.0, max_entries=2, clock=Clock())
    for uid in ("a", "b", "c"):
        small.put(uid, {"id": uid}, small.mark())
    assert small.get("a") is None and small.get("b") == {"id": "b"} and small.get("c") == {"id": "c"}
