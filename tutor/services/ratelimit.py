"""A per-user rate limit kept in Redis, so every API replica shares the count.

Each key gets a window that starts with its first action and lasts ``window_s`` seconds.
"""

from __future__ import annotations

import logging
from typing import Any

from redis.exceptions import RedisError

from tutor.errors import RateLimited
from tutor.metrics import RATE_LIMITED

log = logging.getLogger(__name__)


class RateLimiter:
    """``limit`` actions per ``window_s`` seconds per key."""

    def __init__(self, redis: Any, limit: int, window_s: int = 60, prefix: str = "rl", noun: str = "messages") -> None:
        self.redis = redis
        self.limit = limit
        self.window_s = window_s
        self.prefix = prefix
        self.noun = noun  # what is counted, as the refusal names it

    async def hit(self, key: str) -> None:
        """Count one action for ``key``; raise :class:`RateLimited` past the limit."""
        name = f"{self.prefix}:{key}"
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.set(name, 0, ex=self.window_s, nx=True)
                pipe.incr(name)
                pipe.ttl(name)
                _, count, ttl = await pipe.execute()
        except RedisError as exc:
            # Fail open: an unreachable Redis must not take chat down with it.
            log.warning("rate limit not checked (Redis unavailable): %r", exc)
            return
        if int(count) > self.limit:
            RATE_LIMITED.labels(self.prefix).inc()
            raise RateLimited(
                f"too many {self.noun}: at most {self.limit} per {self.window_s} seconds",
                retry_after=max(1, int(ttl)),
            )
