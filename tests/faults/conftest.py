"""Fault-injection fixtures: each test module gets a stack of its own (see tests/faults/stack.py).

``client`` and ``factory`` are redefined here so that, inside tests/faults/, they talk to the module's
stack rather than the session's shared servers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.conftest import Factory
from tests.faults.stack import FaultStack
from tutor.container import Services
from tutor.db import Mongo


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultStack]:
    """This module's own servers and API."""
    built = FaultStack(tmp_path_factory.mktemp("faults"))
    try:
        yield built
    finally:
        built.close()


@pytest.fixture(scope="module")
async def stack_services(stack: FaultStack) -> AsyncIterator[Services]:
    """Services on the module's database (to create instructors, as the CLI does)."""
    mongo = Mongo(stack.settings.mongodb_url or "", stack.settings.mongodb_db)
    try:
        yield Services.build(mongo, stack.settings)
    finally:
        await mongo.close()


@pytest.fixture
async def client(stack: FaultStack) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the module's API; a short timeout, since "fail fast" is part of what is tested."""
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
        yield http


@pytest.fixture
def factory(client: httpx.AsyncClient, stack_services: Services) -> Factory:
    """Test data on the module's stack."""
    return Factory(client, stack_services)
