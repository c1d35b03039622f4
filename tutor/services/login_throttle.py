"""Failed-login throttling per account and per client address, counted in Redis.

Each counter opens a window of ``window_s`` seconds at its first failure. Once a counter holds
``max_failures`` failures, every further attempt on that account (or from that address) is refused
with :class:`RateLimited` until the window closes, whether the password is right or not. A
successful login clears the account's counter; the address counter is left to expire, so that one
account of one's own cannot be used to reset it. If Redis is unreachable, logins are not throttled
(a warning is logged) rather than refused.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from redis.exceptions import RedisError

from tutor.errors import RateLimited
from tutor.metrics import RATE_LIMITED

log = logging.getLogger(__name__)


class LoginThrottle:
    """Counts failed logins; refuses attempts past the limit."""

    def __init__(
        self, redis: Any, *, max_failures: int, address_max_failures: int, window_s: int, prefix: str = "login"
    ) -> None:
        self.redis = redis
        self.max_failures = max_failures
        self.address_max_failures = address_max_failures
        self.window_s = window_s
        self.prefix = prefix

    def account_key(self, email: str) -> str:
        """The Redis key of an account's counter (the email is hashed, not stored)."""
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
        return f"{self.prefix}:account:{digest}"

    def address_key(self, address: str) -> str:
        """The Redis key of a client address's counter."""
        return f"{self.prefix}:address:{address}"

    async def check(self, email: str, address: str | None) -> None:
        """Raise :class:`RateLimited` if the account or the address is over its limit."""
        limits = self._limits(email, address)
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for key, _ in limits:
                    pipe.get(key)
                    pipe.ttl(key)
                replies = await pipe.execute()
        except RedisError as exc:
            log.warning("login attempts not throttled (Redis unavailable): %r", exc)
            return
        for index, (_, limit) in enumerate(limits):
            count, ttl = replies[2 * index], replies[2 * index + 1]
            if count is not None and int(count) >= limit:
                retry_after = max(1, int(ttl))
                RATE_LIMITED.labels("login").inc()
                raise RateLimited(
                    f"too many failed login attempts: try again in {retry_after} seconds", retry_after=retry_after
                )

    async def failed(self, email: str, address: str | None) -> None:
        """Count one failed attempt against the account and the address."""
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                for key, _ in self._limits(email, address):
                    pipe.set(key, 0, ex=self.window_s, nx=True)
                    pipe.incr(key)
                await pipe.execute()
        except RedisError as exc:
            log.warning("failed login not counted (Redis unavailable): %r", exc)

    async def succeeded(self, email: str) -> None:
        """Clear the account's counter after a successful login."""
        try:
            await self.redis.delete(self.account_key(email))
        except RedisError as exc:
            log.warning("login counter not cleared (Redis unavailable): %r", exc)

    def _limits(self, email: str, address: str | None) -> list[tuple[str, int]]:
        limits = [(self.account_key(email), self.max_failures)]
        if address:
            limits.append((self.address_key(address), self.address_max_failures))
        return limits
