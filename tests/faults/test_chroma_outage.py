"""chromadb killed during searches and chats: 503 and a chat ``notice``, then recovery without an API restart."""

from __future__ import annotations

import asyncio

import pytest

from tests.faults.helpers import Hammer, course_with_material, until_status
from tests.faults.stack import kill, restart
from tests.sse import collect

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

QUESTION = "How do I repeat a block five times with a for loop?"


async def test_search_and_chat_while_chroma_dies_and_comes_back(stack, client, factory):
    stack.start_worker()
    arranged = await course_with_material(client, factory)
    cid, student = arranged["course"]["id"], arranged["student"]
    search_url = f"/api/courses/{cid}/search/"
    params = {"q": "repeat a block five times"}
    before = await client.get(search_url, params=params, headers=student["headers"])
    assert before.status_code == 200, before.text
    assert before.json()["results"], before.json()

    hammer = Hammer(client, "GET", search_url, params=params, headers=student["headers"]).start()
    await asyncio.sleep(1)
    kill(stack.chroma)
    await asyncio.sleep(2)
    statuses = await hammer.stop()
    assert set(statuses) <= {200, 503}, statuses  # never a 500, never a dropped connection
    assert statuses[503] > 0, statuses
    assert hammer.slowest_s < 20, hammer.slowest_s

    down = await client.get(search_url, params=params, headers=student["headers"])
    assert down.status_code == 503, down.text
    body = down.json()
    assert body["error"] == "unavailable" and "material" in body["detail"], body
    events = await collect(client, {"message": QUESTION, "course_id": cid}, student["headers"])
    kinds = [kind for kind, _ in events]
    assert kinds[-1] == "done", kinds
    notices = [data for kind, data in events if kind == "notice"]
    assert any(n.get("code") == "material_unavailable" for n in notices), events
    assert "citation" not in kinds
    # Everything that does not need the material still works.
    assert (await client.get(f"/api/courses/{cid}/", headers=student["headers"])).status_code == 200

    restart(stack.chroma)  # same port, same data; the API keeps running
    after = await until_status(client, "GET", search_url, 200, params=params, headers=student["headers"])
    assert after.status_code == 200, after.text
    assert after.json()["results"] == before.json()["results"]
    events = await collect(client, {"message": QUESTION, "course_id": cid}, student["headers"])
    kinds = [kind for kind, _ in events]
    assert "citation" in kinds and kinds[-1] == "done", kinds
    assert not [data for kind, data in events if kind == "notice" and data.get("code") == "material_unavailable"]
