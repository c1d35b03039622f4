"""MongoDB connection (PyMongo's async API) and the indexes the queries need."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

Document = dict[str, Any]

INDEXES: dict[str, list[tuple[list[tuple[str, int]], dict[str, Any]]]] = {
    "users": [([("email", ASCENDING)], {"unique": True})],
    "courses": [
        ([("instructor_id", ASCENDING)], {}),
        ([("category", ASCENDING), ("difficulty_level", ASCENDING)], {}),
        ([("tags", ASCENDING)], {}),
        ([("created_at", DESCENDING)], {}),
    ],
    "enrollments": [
        ([("user_id", ASCENDING), ("course_id", ASCENDING)], {"unique": True}),
        ([("course_id", ASCENDING)], {}),
    ],
    "user_progress": [
        ([("user_id", ASCENDING), ("course_id", ASCENDING)], {"unique": True}),
        ([("course_id", ASCENDING)], {}),
    ],
    "quiz_attempts": [
        ([("user_id", ASCENDING), ("course_id", ASCENDING), ("answered_at", ASCENDING)], {}),
        ([("course_id", ASCENDING), ("answered_at", ASCENDING)], {}),
    ],
    "materials": [([("course_id", ASCENDING), ("filename", ASCENDING)], {})],
    "ingest_jobs": [([("course_id", ASCENDING), ("created_at", DESCENDING)], {})],
    "question_drafts": [([("course_id", ASCENDING), ("status", ASCENDING), ("created_at", DESCENDING)], {})],
    "question_jobs": [([("course_id", ASCENDING), ("created_at", DESCENDING)], {})],
    "chat_threads": [
        ([("user_id", ASCENDING), ("updated_at", DESCENDING)], {}),
        # Conversation review: a course's threads with reviewable messages, flagged ones first.
        ([("course_id", ASCENDING), ("review_stats.flagged", DESCENDING), ("review_stats.last_at", DESCENDING)], {}),
    ],
    # Tokens per course, student, day and model; read per course and date range, and per student.
    "usage_daily": [
        ([("course_id", ASCENDING), ("day", ASCENDING)], {}),
        ([("user_id", ASCENDING), ("course_id", ASCENDING), ("day", ASCENDING)], {}),
    ],
    "usage_caps": [([("user_id", ASCENDING)], {})],
    # Questions the tutor declined as not covered (no link to who asked), newest first per course.
    "content_gaps": [([("course_id", ASCENDING), ("created_at", DESCENDING)], {})],
    # Messages moved out of threads past the cap, read back per thread or per user (export, deletion).
    "chat_archive": [
        ([("thread_id", ASCENDING), ("created_at", ASCENDING)], {}),
        ([("user_id", ASCENDING), ("thread_id", ASCENDING)], {}),
    ],
    "ai_recommendations": [([("user_id", ASCENDING)], {"unique": True})],
    # A student's latest answer per recommended item; read back by the training job (newest first) and
    # when a student's activity may follow an accepted recommendation.
    "recommendation_feedback": [
        ([("user_id", ASCENDING), ("item_type", ASCENDING), ("course_id", ASCENDING), ("item_id", ASCENDING)],
         {"unique": True}),
        ([("user_id", ASCENDING), ("course_id", ASCENDING), ("action", ASCENDING)], {}),
        ([("updated_at", DESCENDING)], {}),
    ],
    "recommendation_interactions": [
        ([("user_id", ASCENDING), ("at", ASCENDING)], {}),
        ([("feedback_id", ASCENDING)], {}),
    ],
    "policy_decisions": [
        ([("decided_at", DESCENDING)], {}),
        ([("decision", ASCENDING), ("decided_at", DESCENDING)], {}),
    ],
    # Login sessions (refresh-token families): found by user on revocation, removed once expired.
    "sessions": [([("user_id", ASCENDING)], {}), ([("expires_at", ASCENDING)], {"expireAfterSeconds": 0})],
    # LTI: one registration per platform and client; login states and launch codes expire on their own.
    "lti_platforms": [([("issuer", ASCENDING), ("client_id", ASCENDING)], {"unique": True})],
    "lti_states": [([("expires_at", ASCENDING)], {"expireAfterSeconds": 0})],
    "lti_codes": [([("expires_at", ASCENDING)], {"expireAfterSeconds": 0})],
    "lti_deep_links": [([("expires_at", ASCENDING)], {"expireAfterSeconds": 0})],
    "lti_grade_links": [
        ([("user_id", ASCENDING), ("course_id", ASCENDING)], {}),
        ([("course_id", ASCENDING), ("updated_at", DESCENDING)], {}),
    ],
    "lti_identities": [([("user_id", ASCENDING)], {})],
    "lti_contexts": [([("course_id", ASCENDING)], {})],
}


class Mongo:
    """Owns the client and hands out collections."""

    def __init__(self, url: str, database: str) -> None:
        self.client: AsyncMongoClient[Document] = AsyncMongoClient(
            url, tz_aware=True, serverSelectionTimeoutMS=5000, uuidRepresentation="standard"
        )
        self.db: AsyncDatabase[Document] = self.client[database]

    def collection(self, name: str) -> AsyncCollection[Document]:
        """The collection called ``name``."""
        return self.db[name]

    async def ensure_indexes(self) -> None:
        """Create every index the service relies on (idempotent)."""
        for name, specs in INDEXES.items():
            for keys, options in specs:
                await self.db[name].create_index(keys, **options)

    async def ping(self) -> bool:
        """Whether the server answers."""
        try:
            await self.client.admin.command("ping")
        except Exception:
            return False
        return True

    async def close(self) -> None:
        """Close the client."""
        await self.client.close()
