"""Upload → Celery worker → index → search, over real HTTP, Redis, a worker process and chromadb."""

from __future__ import annotations

import asyncio
import io
import time

import pytest

pytestmark = pytest.mark.asyncio

LOOPS_MD = b"""# Loops

## For loops

A for loop walks over every item of a sequence. The zebracorn counter example adds one per item.

## While loops

A while loop repeats as long as its condition stays true; remember to change the condition.
"""

TRANSCRIPT = b"""WEBVTT

00:00:01.000 --> 00:00:05.000
Welcome to the lecture about quokkaflux iteration.

00:00:05.000 --> 00:00:09.000
Today we count items with a loop.
"""


def citation_course_title(hits: list[dict]) -> str:
    return str(hits[0]["citation"]["heading_path"][0])


def docx_bytes() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading("Dictionaries", level=1)
    doc.add_paragraph("A dictionary maps keys to values; the marmalion key lookup is fast.")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def pdf_bytes(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 10, text)
    return bytes(pdf.output())


async def wait_job(client, job_id: str, headers: dict, limit_s: float = 180) -> dict:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        job = (await client.get(f"/api/ingest/jobs/{job_id}/", headers=headers)).json()
        if job["state"] in ("succeeded", "partial", "failed"):
            return job
        await asyncio.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish: {job}")


async def upload(client, course_id: str, headers: dict, files: list[tuple[str, bytes]], lesson_id: str | None = None):
    params = {"lesson_id": lesson_id} if lesson_id else None
    multipart = [("data", (name, data, "application/octet-stream")) for name, data in files]
    return await client.post(f"/api/courses/{course_id}/materials/", files=multipart, headers=headers, params=params)


async def test_upload_ingest_search_with_citations(client, factory, worker):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    res = await upload(
        client, cid, teacher["headers"],
        [("loops.md", LOOPS_MD), ("lecture.vtt", TRANSCRIPT), ("dicts.docx", docx_bytes()), ("notes.pdf", pdf_bytes("The glimmerwick theorem holds on page one."))],
        lesson_id="l1",
    )  # fmt: skip
    assert res.status_code == 202, res.text
    job = await wait_job(client, res.json()["id"], teacher["headers"])
    assert job["state"] == "succeeded", job
    assert job["chunks_done"] == job["chunks_total"] > 0
    assert {f["status"] for f in job["files"]} == {"indexed"}

    student = await factory.student()
    search = await client.get(f"/api/courses/{cid}/search/", params={"q": "zebracorn"}, headers=student["headers"])
    assert search.status_code == 403
    await client.post("/api/courses/enroll/", json={"course_id": cid}, headers=student["headers"])
    hits = (
        await client.get(f"/api/courses/{cid}/search/", params={"q": "zebracorn counter"}, headers=student["headers"])
    ).json()["results"]
    top = hits[0]
    assert "zebracorn" in top["text"]
    citation = top["citation"]
    assert citation["lesson_id"] == "l1" and citation["source_name"] == "loops.md"
    assert citation["heading_path"][:3] == [citation_course_title(hits), "Basics", "Loops"]
    assert citation["course_id"] == cid
    vtt = (
        await client.get(f"/api/courses/{cid}/search/", params={"q": "quokkaflux"}, headers=student["headers"])
    ).json()["results"][0]
    assert vtt["citation"]["start_seconds"] == 1.0
    pdf = (
        await client.get(f"/api/courses/{cid}/search/", params={"q": "glimmerwick theorem"}, headers=student["headers"])
    ).json()["results"][0]
    assert pdf["citation"]["page"] == 1
    docx = (
        await client.get(
            f"/api/courses/{cid}/search/", params={"q": "marmalion key lookup"}, headers=student["headers"]
        )
    ).json()["results"][0]
    assert docx["citation"]["source_name"] == "dicts.docx"

    # Another course never returns this course's material.
    other_teacher = await factory.instructor()
    other = (await factory.course(other_teacher))["id"]
    await client.post("/api/courses/enroll/", json={"course_id": other}, headers=student["headers"])
    leaked = (
        await client.get(f"/api/courses/{other}/search/", params={"q": "zebracorn"}, headers=student["headers"])
    ).json()
    assert all("zebracorn" not in hit["text"] for hit in leaked["results"])

    listed = (await client.get(f"/api/courses/{cid}/materials/", headers=teacher["headers"])).json()
    assert sorted(m["filename"] for m in listed) == ["dicts.docx", "lecture.vtt", "loops.md", "notes.pdf"]
    assert all("storage_key" not in m for m in listed)


async def test_replace_and_delete(client, factory, worker, settings):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    h = teacher["headers"]
    job = await wait_job(
        client,
        (await upload(client, cid, h, [("topic.md", b"# Topic\n\nThe old fact is pelicanberry.")])).json()["id"],
        h,
    )
    assert job["state"] == "succeeded"
    same = await wait_job(
        client,
        (await upload(client, cid, h, [("topic.md", b"# Topic\n\nThe old fact is pelicanberry.")])).json()["id"],
        h,
    )
    assert same["files"][0]["status"] == "unchanged"
    changed = await wait_job(
        client,
        (await upload(client, cid, h, [("topic.md", b"# Topic\n\nThe new fact is orangutwig.")])).json()["id"],
        h,
    )
    assert changed["files"][0]["status"] == "indexed"
    results = (
        await client.get(f"/api/courses/{cid}/search/", params={"q": "pelicanberry old fact"}, headers=h)
    ).json()["results"]
    assert all("pelicanberry" not in r["text"] for r in results)
    assert any("orangutwig" in r["text"] for r in results)
    material = (await client.get(f"/api/courses/{cid}/materials/", headers=h)).json()[0]
    assert (await client.delete(f"/api/courses/{cid}/materials/{material['id']}/", headers=h)).status_code == 204
    results = (await client.get(f"/api/courses/{cid}/search/", params={"q": "orangutwig"}, headers=h)).json()["results"]
    assert results == []
    files_dir = settings.var_dir / "files" / "courses" / cid
    assert not any(p.is_file() for p in files_dir.rglob("*")) if files_dir.exists() else True
    assert (await client.delete(f"/api/courses/{cid}/materials/{material['id']}/", headers=h)).status_code == 404


async def test_bad_uploads_are_refused_and_lose_nothing(client, factory, worker):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    h = teacher["headers"]
    ok = await wait_job(
        client,
        (await upload(client, cid, h, [("keep.md", b"# Keep\n\nThe keeper word is fennelquartz.")])).json()["id"],
        h,
    )
    assert ok["state"] == "succeeded"
    assert (await upload(client, cid, h, [("tool.exe", b"MZ\x90\x00binary")])).status_code == 415
    assert (await upload(client, cid, h, [("pic.png", b"\x89PNG\r\n\x1a\nxxxx")])).status_code == 415
    assert (await upload(client, cid, h, [("big.md", b"# Big\n" + b"a" * (1024 * 1024 + 10))])).status_code == 413
    assert (await upload(client, cid, h, [("empty.md", b"")])).status_code == 400
    assert (await upload(client, cid, h, [("fake.md", pdf_bytes("a pdf in disguise"))])).status_code in (400, 415)
    assert (await client.post(f"/api/courses/{cid}/materials/", headers=h)).status_code == 415
    assert (await client.post(f"/api/courses/{cid}/materials/", json={"a": 1}, headers=h)).status_code == 415
    empty_form = await client.post(
        f"/api/courses/{cid}/materials/",
        data={"x": "1"},
        files=[],
        headers={**h, "Content-Type": "multipart/form-data; boundary=abc"},
    )
    assert empty_form.status_code == 400
    res = await upload(
        client,
        cid,
        h,
        [("broken.pdf", b"%PDF-1.4\n garbage that is not a pdf"), ("fine.md", b"# Fine\n\nAll good here.")],
    )
    assert res.status_code == 202
    job = await wait_job(client, res.json()["id"], h)
    assert job["state"] == "partial"
    broken = next(f for f in job["files"] if f["filename"] == "broken.pdf")
    assert broken["status"] == "failed" and broken["error_code"] and broken["error"]
    assert "Traceback" not in broken["error"]
    latin = await wait_job(
        client, (await upload(client, cid, h, [("latin.txt", b"caf\xe9 \xff\xfe\xfa bytes")])).json()["id"], h
    )
    assert latin["files"][0]["status"] in ("failed", "indexed")
    blank_pdf = await wait_job(client, (await upload(client, cid, h, [("scan.pdf", pdf_bytes(""))])).json()["id"], h)
    assert blank_pdf["files"][0]["error_code"] in ("no_text_layer", "empty_file")
    still = (await client.get(f"/api/courses/{cid}/search/", params={"q": "fennelquartz"}, headers=h)).json()["results"]
    assert any("fennelquartz" in r["text"] for r in still)


async def test_students_cannot_upload_or_read_jobs(client, factory):
    teacher = await factory.instructor()
    cid = (await factory.course(teacher))["id"]
    res = await upload(client, cid, teacher["headers"], [("a.md", b"# A\n\ntext")])
    job_id = res.json()["id"]
    student = await factory.student()
    await client.post("/api/courses/enroll/", json={"course_id": cid}, headers=student["headers"])
    assert (await upload(client, cid, student["headers"], [("b.md", b"# B\n\ntext")])).status_code == 403
    assert (await client.get(f"/api/courses/{cid}/materials/", headers=student["headers"])).status_code == 403
    assert (await client.get(f"/api/ingest/jobs/{job_id}/", headers=student["headers"])).status_code == 403
    other = await factory.instructor()
    assert (await upload(client, cid, other["headers"], [("c.md", b"# C\n\ntext")])).status_code == 403
    assert (await client.get(f"/api/ingest/jobs/{job_id}/", headers=other["headers"])).status_code == 403
    assert (await client.get(f"/api/ingest/jobs/{job_id}/retry/", headers=other["headers"])).status_code in (403, 405)
