"""``tutor.cpu.run_cpu``: CPU work leaves the event loop, on a pool no bigger than configured."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Iterator

import pytest

from tutor import cpu

REQUEST: contextvars.ContextVar[str] = contextvars.ContextVar("request", default="none")


@pytest.fixture()
def two_workers() -> Iterator[None]:
    before = cpu.workers()
    cpu.configure(2)
    try:
        yield
    finally:
        cpu.configure(before)


async def test_work_runs_off_the_loop_bounded_by_the_pool_size(two_workers: None) -> None:
    loop_thread = threading.get_ident()
    lock = threading.Lock()
    running = peak = 0
    threads: set[int] = set()

    def busy() -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
            threads.add(threading.get_ident())
        time.sleep(0.05)  # blocking: it would stall the loop if it ran there
        with lock:
            running -= 1
        return 1

    ticks = 0

    async def heartbeat() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    beat = asyncio.create_task(heartbeat())
    results = await asyncio.gather(*(cpu.run_cpu(busy) for _ in range(8)))
    beat.cancel()
    assert results == [1] * 8
    assert peak == 2 and len(threads) <= 2 and loop_thread not in threads
    assert ticks >= 5  # the loop kept running while the pool worked (8 x 50 ms on 2 threads ~ 200 ms)


async def test_context_arguments_and_errors_carry_over() -> None:
    REQUEST.set("req-42")

    def seen(prefix: str, *, suffix: str) -> str:
        return prefix + REQUEST.get() + suffix

    assert await cpu.run_cpu(seen, "<", suffix=">") == "<req-42>"

    def fails() -> None:
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        await cpu.run_cpu(fails)


def test_the_pool_size_is_validated() -> None:
    with pytest.raises(ValueError):
        cpu.configure(0)
    with pytest.raises(ValueError):
        cpu.configure(cpu.MAX_WORKERS + 1)
