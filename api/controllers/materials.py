"""Course material upload, listing, deletion, ingestion job status and search."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post
from litestar.datastructures import UploadFile
from litestar.params import Parameter

from api.auth import instructor_only
from api.params import PathId
from api.schemas.convert import typed
from api.schemas.materials import IngestJobOut, MaterialOut, SearchOut
from api.schemas.operations import MultipartUploadOperation
from ingest.service import MaterialService, Upload
from tutor.errors import InvalidInput, UnsupportedMedia
from tutor.schemas.common import ID_PATTERN
from tutor.services.principal import Principal


class MaterialController(Controller):
    """Materials of a course."""

    tags = ["materials"]

    @post(
        "/api/courses/{course_id:str}/materials/",
        guards=[instructor_only],
        status_code=202,
        summary="Upload course material (multipart, several files)",
        operation_class=MultipartUploadOperation,
    )
    async def upload(
        self,
        course_id: PathId,
        request: Request[Any, Any, Any],
        materials: MaterialService,
        principal: Principal,
        lesson_id: Annotated[str | None, Parameter(query="lesson_id", pattern=ID_PATTERN)] = None,
    ) -> IngestJobOut:
        """Store the files (multipart/form-data, any field name, several files) and queue their ingestion.

        Poll the returned job at ``/api/ingest/jobs/{id}/``.
        """
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise UnsupportedMedia("send the files as multipart/form-data")
        form = await request.form()
        files = [value for _, value in form.multi_items() if isinstance(value, UploadFile)]
        if not files:
            raise InvalidInput("attach at least one file")
        uploads = [Upload(filename=f.filename or "unnamed", data=await f.read()) for f in files]
        return typed(await materials.upload(principal, course_id, uploads, lesson_id), IngestJobOut)

    @post(
        "/api/courses/{course_id:str}/materials/reindex/",
        guards=[instructor_only],
        status_code=202,
        summary="Index the course's stored material again",
    )
    async def reindex(
        self, course_id: PathId, materials: MaterialService, principal: Principal
    ) -> list[IngestJobOut]:
        """Queue every stored file of the course (one job per 50 files); files whose index is current end
        ``unchanged``. Refresh jobs queued in the last ten minutes and not started are answered instead.

        Titles changed by an edit are re-indexed on their own; this is for a course indexed under an
        older index format, or a change made while the job queue was down. 409 when there is no material.
        """
        return typed(await materials.reindex(principal, course_id), list[IngestJobOut])

    @get("/api/courses/{course_id:str}/materials/", guards=[instructor_only], summary="List course material")
    async def list_materials(
        self, course_id: PathId, materials: MaterialService, principal: Principal
    ) -> list[MaterialOut]:
        """Every material of the course with its ingestion status."""
        return typed(await materials.list(principal, course_id), list[MaterialOut])

    @delete(
        "/api/courses/{course_id:str}/materials/{document_id:str}/",
        guards=[instructor_only],
        summary="Delete a material and its chunks",
    )
    async def delete_material(
        self, course_id: PathId, document_id: PathId, materials: MaterialService, principal: Principal
    ) -> None:
        """Remove the material everywhere (vector store, lexical index, storage)."""
        await materials.delete(principal, course_id, document_id)

    @get("/api/ingest/jobs/{job_id:str}/", guards=[instructor_only], summary="Ingestion job status")
    async def job(self, job_id: PathId, materials: MaterialService, principal: Principal) -> IngestJobOut:
        """State, files, chunks done/total and per-file errors."""
        return typed(await materials.job(principal, job_id), IngestJobOut)

    @post("/api/ingest/jobs/{job_id:str}/retry/", guards=[instructor_only], status_code=202, summary="Run a job again")
    async def retry(self, job_id: PathId, materials: MaterialService, principal: Principal) -> IngestJobOut:
        """Re-queue an ingestion job; re-running never duplicates chunks."""
        return typed(await materials.retry(principal, job_id), IngestJobOut)

    @get("/api/courses/{course_id:str}/search/", summary="Search a course's material")
    async def search(
        self,
        course_id: PathId,
        materials: MaterialService,
        principal: Principal,
        q: Annotated[str, Parameter(min_length=1, max_length=500)],
        k: Annotated[int, Parameter(ge=1, le=20)] = 5,
        lesson_id: Annotated[str | None, Parameter(pattern=ID_PATTERN)] = None,
    ) -> SearchOut:
        """Passages with citations (enrolled students and the course's instructor)."""
        return typed(await materials.search(principal, course_id, q, k, lesson_id), SearchOut)
