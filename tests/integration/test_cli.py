"""The ``tutor`` command against the session's servers."""

from __future__ import annotations

import asyncio
import io
import sys

import pytest

from app import cli

pytestmark = pytest.mark.asyncio


async def test_ingest_folder_and_create_instructor(cli_env, client, factory, tmp_path, capsys, monkeypatch):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    folder = tmp_path / "material"
    (folder / "week1").mkdir(parents=True)
    (folder / "week1" / "intro.md").write_text("# Intro\n\nThe wobbleberry rule says loops end.")
    (folder / "week1" / "notes.rst").write_text("Notes\n=====\n\nThe quillfeather idea is about lists.\n")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    code = await asyncio.to_thread(cli.main, ["ingest", str(folder), "--course", cid])
    assert code == 0
    out = capsys.readouterr().out
    assert "week1/intro.md" in out and "succeeded" in out
    hits = (await client.get(f"/api/courses/{cid}/search/", params={"q": "wobbleberry rule"}, headers=teacher["headers"])).json()
    assert "wobbleberry" in hits["results"][0]["text"]
    listed = (await client.get(f"/api/courses/{cid}/materials/", headers=teacher["headers"])).json()
    assert sorted(m["filename"] for m in listed) == ["week1/intro.md", "week1/notes.rst"]

    monkeypatch.setattr(sys, "stdin", io.StringIO("a long password\n"))
    code = await asyncio.to_thread(
        cli.main, ["create-user", "--email", "prof@example.com", "--name", "Prof", "--role", "instructor", "--password-stdin"]
    )
    assert code == 0
    login = await client.post("/api/auth/login/", json={"email": "prof@example.com", "password": "a long password"})
    assert login.json()["user"]["role"] == "instructor"
