"""Wiring: repositories and services built once per process from settings and a Mongo client."""

from __future__ import annotations

from dataclasses import dataclass

from tutor.db import Mongo
from tutor.repositories.course_removals import CourseRemovalRepository
from tutor.repositories.courses import CourseRepository
from tutor.repositories.credentials import CredentialRepository
from tutor.repositories.enrollments import EnrollmentRepository
from tutor.repositories.progress import ProgressRepository, QuizAttemptRepository
from tutor.repositories.recommendations import RecommendationRepository
from tutor.repositories.sessions import SessionRepository
from tutor.repositories.thread_archive import ThreadArchiveRepository
from tutor.repositories.threads import ThreadRepository
from tutor.repositories.users import UserRepository
from tutor.security.tokens import TokenService
from tutor.services.account import AccountService, PersonalRecords
from tutor.services.auth import AuthService
from tutor.services.conversations import ConversationService
from tutor.services.course_content import CourseContentService
from tutor.services.courses import CourseService
from tutor.services.enrollment import EnrollmentService
from tutor.services.practice import PracticeService
from tutor.services.progress import ProgressService, QuizHook
from tutor.services.sessions import SessionService
from tutor.services.thread_archive import ThreadArchiveService
from tutor.settings import Settings


@dataclass
class Services:
    """Every service of the tutor core."""

    mongo: Mongo
    settings: Settings
    tokens: TokenService
    sessions: SessionService
    auth: AuthService
    courses: CourseService
    content: CourseContentService
    enrollment: EnrollmentService
    progress: ProgressService
    conversations: ConversationService
    practice: PracticeService
    account: AccountService

    @classmethod
    def build(cls, mongo: Mongo, settings: Settings, on_quiz_submitted: QuizHook | None = None) -> Services:
        """Build the services over ``mongo``."""
        users = UserRepository(mongo.collection("users"))
        course_repo = CourseRepository(mongo.collection("courses"))
        enrollments = EnrollmentRepository(mongo.collection("enrollments"))
        progress = ProgressRepository(mongo.collection("user_progress"))
        attempts = QuizAttemptRepository(mongo.collection("quiz_attempts"))
        tokens = TokenService(settings.jwt)
        threads = ThreadRepository(mongo.collection("chat_threads"))
        archive = ThreadArchiveRepository(mongo.collection("chat_archive"), threads)
        credentials = CredentialRepository(mongo.collection("users"))
        sessions = SessionService(SessionRepository(mongo.collection("sessions")), credentials, users, tokens)
        catalog = CourseService(course_repo, enrollments)
        enrollment = EnrollmentService(enrollments, course_repo, progress)
        grading = ProgressService(progress, attempts, course_repo, enrollment, on_quiz_submitted)
        return cls(
            mongo=mongo,
            settings=settings,
            tokens=tokens,
            sessions=sessions,
            auth=AuthService(users, credentials, sessions, allow_instructor_signup=settings.allow_instructor_signup),
            courses=catalog,
            content=CourseContentService(course_repo, catalog),
            enrollment=enrollment,
            progress=grading,
            conversations=ConversationService(threads, ThreadArchiveService(archive, settings.chat_max_messages)),
            # Shares ``grading``'s on_quiz_submitted hook, which the API sets after building.
            practice=PracticeService(course_repo, progress, attempts, enrollment, grading),
            account=AccountService(
                PersonalRecords(
                    users=users,
                    courses=course_repo,
                    enrollments=enrollments,
                    progress=progress,
                    attempts=attempts,
                    threads=threads,
                    archive=archive,
                    recommendations=RecommendationRepository(mongo.collection("ai_recommendations")),
                    sessions=sessions.sessions,
                    removals=CourseRemovalRepository(mongo.collection("course_removals")),
                )
            ),
        )
