"""Every repository over one database, built in one place (the API, the worker and the CLI use it alike)."""

from __future__ import annotations

from dataclasses import dataclass

from tutor.db import Mongo
from tutor.repositories.content_gaps import ContentGapRepository
from tutor.repositories.course_removals import CourseRemovalRepository
from tutor.repositories.courses import CourseRepository
from tutor.repositories.credentials import CredentialRepository
from tutor.repositories.enrollments import EnrollmentRepository
from tutor.repositories.feedback import FeedbackRepository, InteractionRepository
from tutor.repositories.learner_stamp import LearnerStamp
from tutor.repositories.leases import JobLeaseRepository
from tutor.repositories.lti import (
    LtiCodeRepository,
    LtiContextRepository,
    LtiDeepLinkRepository,
    LtiGradeLinkRepository,
    LtiIdentityRepository,
    LtiPlatformRepository,
    LtiStateRepository,
)
from tutor.repositories.materials import JobRepository, MaterialRepository
from tutor.repositories.policy_decisions import PolicyDecisionRepository
from tutor.repositories.progress import ProgressRepository, QuizAttemptRepository
from tutor.repositories.question_drafts import QuestionDraftRepository, QuestionJobRepository
from tutor.repositories.recommendations import RecommendationRepository
from tutor.repositories.sessions import SessionRepository
from tutor.repositories.thread_archive import ThreadArchiveRepository
from tutor.repositories.threads import ThreadRepository
from tutor.repositories.usage import CapCounterRepository, UsageRepository
from tutor.repositories.users import UserRepository


@dataclass(frozen=True)
class Repositories:
    """One repository per collection of the tutor core."""

    users: UserRepository
    credentials: CredentialRepository
    courses: CourseRepository
    enrollments: EnrollmentRepository
    progress: ProgressRepository
    attempts: QuizAttemptRepository
    threads: ThreadRepository
    archive: ThreadArchiveRepository
    sessions: SessionRepository
    recommendations: RecommendationRepository
    feedback: FeedbackRepository
    interactions: InteractionRepository
    policy_decisions: PolicyDecisionRepository
    job_leases: JobLeaseRepository
    removals: CourseRemovalRepository
    materials: MaterialRepository
    jobs: JobRepository
    drafts: QuestionDraftRepository
    question_jobs: QuestionJobRepository
    lti_platforms: LtiPlatformRepository
    lti_states: LtiStateRepository
    lti_identities: LtiIdentityRepository
    lti_contexts: LtiContextRepository
    lti_codes: LtiCodeRepository
    lti_deep_links: LtiDeepLinkRepository
    lti_grade_links: LtiGradeLinkRepository
    usage: UsageRepository
    usage_caps: CapCounterRepository
    content_gaps: ContentGapRepository
    learner_stamp: LearnerStamp

    @classmethod
    def over(cls, mongo: Mongo) -> Repositories:
        """The repositories of ``mongo``'s collections."""
        threads = ThreadRepository(mongo.collection("chat_threads"))
        stamp = LearnerStamp(mongo.collection("users"))
        return cls(
            users=UserRepository(mongo.collection("users")),
            credentials=CredentialRepository(mongo.collection("users")),
            courses=CourseRepository(mongo.collection("courses")),
            enrollments=EnrollmentRepository(mongo.collection("enrollments"), stamp),
            progress=ProgressRepository(mongo.collection("user_progress"), stamp),
            attempts=QuizAttemptRepository(mongo.collection("quiz_attempts")),
            threads=threads,
            archive=ThreadArchiveRepository(mongo.collection("chat_archive"), threads),
            sessions=SessionRepository(mongo.collection("sessions")),
            recommendations=RecommendationRepository(mongo.collection("ai_recommendations"), stamp),
            feedback=FeedbackRepository(mongo.collection("recommendation_feedback")),
            interactions=InteractionRepository(mongo.collection("recommendation_interactions")),
            policy_decisions=PolicyDecisionRepository(mongo.collection("policy_decisions")),
            job_leases=JobLeaseRepository(mongo.collection("job_leases")),
            removals=CourseRemovalRepository(mongo.collection("course_removals")),
            materials=MaterialRepository(mongo.collection("materials")),
            jobs=JobRepository(mongo.collection("ingest_jobs")),
            drafts=QuestionDraftRepository(mongo.collection("question_drafts")),
            question_jobs=QuestionJobRepository(mongo.collection("question_jobs")),
            lti_platforms=LtiPlatformRepository(mongo.collection("lti_platforms")),
            lti_states=LtiStateRepository(mongo.collection("lti_states")),
            lti_identities=LtiIdentityRepository(mongo.collection("lti_identities")),
            lti_contexts=LtiContextRepository(mongo.collection("lti_contexts")),
            lti_codes=LtiCodeRepository(mongo.collection("lti_codes")),
            lti_deep_links=LtiDeepLinkRepository(mongo.collection("lti_deep_links")),
            lti_grade_links=LtiGradeLinkRepository(mongo.collection("lti_grade_links")),
            usage=UsageRepository(mongo.collection("usage_daily")),
            usage_caps=CapCounterRepository(mongo.collection("usage_caps")),
            content_gaps=ContentGapRepository(mongo.collection("content_gaps")),
            learner_stamp=stamp,
        )
