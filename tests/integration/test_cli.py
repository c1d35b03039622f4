"""The ``tutor`` command against the session's servers."""

from __future__ import annotations

import asyncio
import io
import json
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
    # Re-indexing after an upgrade: files whose index is current are left alone.
    assert await asyncio.to_thread(cli.main, ["reindex", "--course", cid]) == 0
    assert f"{cid}: succeeded (2 unchanged)" in capsys.readouterr().out
    assert await asyncio.to_thread(cli.main, ["reindex", "--course", "no-such-course"]) == 1

    monkeypatch.setattr(sys, "stdin", io.StringIO("a long password\n"))
    code = await asyncio.to_thread(
        cli.main, ["create-user", "--email", "prof@example.com", "--name", "Prof", "--role", "instructor", "--password-stdin"]
    )
    assert code == 0
    login = await client.post("/api/auth/login/", json={"email": "prof@example.com", "password": "a long password"})
    assert login.json()["user"]["role"] == "instructor"


async def test_lti_platforms_are_registered_listed_and_removed(cli_env, client, capsys):
    issuer = "https://lms.example.edu"
    base = ["lti", "add-platform", "--issuer", issuer, "--client-id", "cli-client", "--auth-login-url",
            "https://lms.example.edu/auth", "--auth-token-url", "https://lms.example.edu/token",
            "--jwks-url", "https://lms.example.edu/jwks", "--name", "Example LMS"]  # fmt: skip
    assert await asyncio.to_thread(cli.main, [*base, "--deployment-id", "dep-1"]) == 0
    added = json.loads(capsys.readouterr().out)
    assert added["platform"]["deployment_ids"] == ["dep-1"]
    assert added["tool"]["login_url"].endswith("/lti/login/") and added["tool"]["jwks_url"].endswith("/lti/jwks/")
    # The same platform and client again: a second deployment beside the first.
    framed = ["--frame-origin", "https://school.example.edu", "--frame-origin", "https://lms.example.edu/x"]
    assert await asyncio.to_thread(cli.main, [*base, "--deployment-id", "dep-2", *framed]) == 0
    assert json.loads(capsys.readouterr().out)["platform"]["frame_origins"] == [
        "https://school.example.edu", "https://lms.example.edu",
    ]  # fmt: skip
    assert await asyncio.to_thread(cli.main, ["lti", "list"]) == 0
    listed = json.loads(capsys.readouterr().out)["platforms"]
    mine = [p for p in listed if p["issuer"] == issuer]
    assert len(mine) == 1 and mine[0]["deployment_ids"] == ["dep-1", "dep-2"]
    # The registered platform may start a login now.
    started = await client.get("/lti/login/", params={
        "iss": issuer, "login_hint": "x", "target_link_uri": "http://127.0.0.1:8000/lti/launch/",
    })  # fmt: skip
    assert started.status_code == 302 and started.headers["location"].startswith("https://lms.example.edu/auth?")
    for option, value in (("--auth-login-url", "ftp://nope"), ("--jwks-url", "http://lms.example.edu/jwks")):
        bad = [*base[:-2], "--deployment-id", "d", option, value]
        assert await asyncio.to_thread(cli.main, bad) == 1
        assert "https URL" in capsys.readouterr().err
    assert await asyncio.to_thread(cli.main, ["lti", "remove", "--issuer", issuer, "--client-id", "cli-client"]) == 0
    assert await asyncio.to_thread(cli.main, ["lti", "remove", "--issuer", issuer, "--client-id", "cli-client"]) == 1
    gone = await client.get("/lti/login/", params={
        "iss": issuer, "login_hint": "x", "target_link_uri": "http://127.0.0.1:8000/lti/launch/",
    })  # fmt: skip
    assert gone.status_code == 404
