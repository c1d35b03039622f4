"""Waiting in tests for work that finishes elsewhere (the worker, a follow-up task)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any


async def wait_for(check: Callable[[], Awaitable[Any]], limit_s: float = 90) -> Any:
    """Poll ``check`` until it returns something truthy (returned), or fail after ``limit_s`` seconds."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        value = await check()
        if value:
            return value
        await asyncio.sleep(0.3)
    raise AssertionError("condition not met in time")
