"""Recently checked accounts, so a read-only request need not read the caller's account every time.

Every authenticated request checks that its token's session version is still the account's (a
password change refuses older tokens) and that the account still exists. For a read-only request
(GET, HEAD) that check may be answered from memory for up to ``max_age_s`` after the account was
read. A write to the account made through this process (password change, profile update, deletion)
drops its entry at once, so this process never serves it stale; a write through another replica is
seen within ``max_age_s``. Requests that change anything always read the account afresh, so a
revoked token or a deleted account can never write through the cache. ``max_age_s=0`` turns it off.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from tutor.db import Document

DEFAULT_MAX_AGE_S = 1.0
MAX_ENTRIES = 50_000


class AccountCache:
    """``user_id`` → the account fields the session check reads, each kept for at most ``max_age_s``."""

    def __init__(
        self, max_age_s: float = DEFAULT_MAX_AGE_S, *, max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_age_s = max_age_s
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[str, tuple[float, Document]] = OrderedDict()
        self._forgets = 0  # how many times an entry was dropped for a write

    def get(self, user_id: str) -> Document | None:
        """The account as read less than ``max_age_s`` ago, or None (read it, then :meth:`put`)."""
        entry = self._entries.get(user_id)
        if entry is None:
            return None
        if self.clock() - entry[0] >= self.max_age_s:
            del self._entries[user_id]
            return None
        return entry[1]

    def mark(self) -> tuple[float, int]:
        """Taken just before reading an account; :meth:`put` stores the read only if nothing was forgotten since."""
        return self.clock(), self._forgets

    def put(self, user_id: str, account: Document, mark: tuple[float, int]) -> None:
        """Keep ``account`` (read after ``mark``) unless a write dropped an entry while it was being read."""
        read_at, forgets = mark
        if self.max_age_s <= 0 or forgets != self._forgets:
            return
        self._entries[user_id] = (read_at, account)
        self._entries.move_to_end(user_id)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def forget(self, user_id: str) -> None:
        """The account was written through this process: the next check reads it again."""
        self._forgets += 1
        self._entries.pop(user_id, None)
