"""Wiring: repositories and services built once per process from settings and a Mongo client."""

from __future__ import annotations

from dataclasses import dataclass

from tutor.db import Mongo
from tutor.lti.keys import LazyToolKeys
from tutor.lti.platform_keys import PlatformKeys
from tutor.lti.services_client import PlatformServices
from tutor.repositories.bundle import Repositories
from tutor.security.tokens import TokenService
from tutor.services.account import AccountService
from tutor.services.account_cache import AccountCache
from tutor.services.auth import AuthService
from tutor.services.catalogue_cache import CatalogueCache
from tutor.services.content_gaps import ContentGapService
from tutor.services.conversations import ConversationService
from tutor.services.course_content import CourseContentService
from tutor.services.courses import CourseService
from tutor.services.enrollment import EnrollmentService
from tutor.services.learner_cache import LearnerCache, LearnerReads
from tutor.services.login_throttle import LoginThrottle
from tutor.services.lti import LtiRecords, LtiService
from tutor.services.lti_accounts import LtiAccounts
from tutor.services.lti_deep_linking import DeepLinkingService
from tutor.services.lti_grades import GradePassback
from tutor.services.lti_platforms import LtiPlatformService
from tutor.services.lti_roster import RosterSync
from tutor.services.policy_decisions import PolicyDecisionService
from tutor.services.practice import PracticeService
from tutor.services.progress import ProgressService, QuizHook
from tutor.services.pseudonyms import StudentLabels
from tutor.services.ratelimit import RateLimiter
from tutor.services.recommendation_feedback import FeedbackService
from tutor.services.review import ReviewService
from tutor.services.sessions import SessionService
from tutor.services.thread_archive import ThreadArchiveService
from tutor.services.usage import Prices, UsageService
from tutor.settings import Settings, resolve_jwt_secret


@dataclass
class Services:
    """Every service of the tutor core."""

    mongo: Mongo
    records: Repositories
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
    lti: LtiService
    lti_platforms: LtiPlatformService
    tool_keys: LazyToolKeys
    learner: LearnerReads
    feedback: FeedbackService
    policy_decisions: PolicyDecisionService
    usage: UsageService
    review: ReviewService
    content_gaps: ContentGapService

    @classmethod
    def build(
        cls,
        mongo: Mongo,
        settings: Settings,
        on_quiz_submitted: QuizHook | None = None,
        login_throttle: LoginThrottle | None = None,
        on_progress_changed: QuizHook | None = None,
        feedback_limiter: RateLimiter | None = None,
    ) -> Services:
        """Build the services over ``mongo``.

        Args:
            mongo: The database.
            settings: Service settings.
            on_quiz_submitted: Called after every graded quiz or practice answer (the API queues a
                learner-model refresh); None in the CLI.
            login_throttle: Counts failed logins (the API's, in Redis); None where nobody logs in.
            on_progress_changed: Called after a graded quiz or a completed lesson (the API queues the
                LMS grade passback); None in the CLI.
            feedback_limiter: Counts a student's answers about recommendations (the API's, in Redis).
        """
        repos = Repositories.over(mongo)
        tokens = TokenService(settings.jwt)
        sessions = SessionService(
            repos.sessions, repos.credentials, repos.users, tokens, AccountCache(settings.auth_cache_s)
        )
        catalog = CourseService(
            repos.courses, repos.enrollments, CatalogueCache(repos.courses, settings.catalogue_cache_s)
        )
        learner_cache = LearnerCache()
        repos.learner_stamp.listeners.append(learner_cache.forget)
        learner = LearnerReads(learner_cache, repos.progress, repos.enrollments, repos.recommendations)
        feedback = FeedbackService(repos.feedback, repos.interactions, catalog, learner, feedback_limiter)
        enrollment = EnrollmentService(repos.enrollments, repos.courses, repos.progress, feedback.on_activity)
        auth = AuthService(
            repos.users,
            repos.credentials,
            sessions,
            allow_instructor_signup=settings.allow_instructor_signup,
            throttle=login_throttle,
        )
        lti_records = LtiRecords(
            repos.lti_platforms, repos.lti_states, repos.lti_identities, repos.lti_contexts, repos.lti_codes
        )
        keys = LazyToolKeys(settings.lti_private_key, settings.lti_previous_public_key, settings.var_dir / "lti_keys")
        deep_linking = DeepLinkingService(
            repos.lti_deep_links, repos.lti_platforms, repos.courses, keys, f"{settings.base_url}/lti/launch/"
        )
        platform_services = PlatformServices(keys)
        grades = GradePassback(
            repos.lti_grade_links, repos.lti_platforms, repos.progress, repos.courses, platform_services
        )
        accounts = LtiAccounts(repos.lti_identities, repos.users, auth)
        roster = RosterSync(repos.lti_contexts, repos.lti_platforms, accounts, enrollment, platform_services)
        lti = LtiService(
            lti_records, auth, accounts, repos.courses, enrollment, PlatformKeys(), deep_linking, grades, roster
        )
        grading = ProgressService(
            repos.progress,
            repos.attempts,
            repos.courses,
            enrollment,
            on_quiz_submitted,
            on_progress_changed,
            learner,
            feedback.on_activity,
        )
        students = StudentLabels(repos.users, resolve_jwt_secret(settings))
        usage = UsageService(
            repos.usage,
            repos.usage_caps,
            catalog,
            students,
            Prices(settings.llm_prices, settings.llm_currency),
            settings.chat_turn_reserve_tokens,
        )
        return cls(
            mongo=mongo,
            records=repos,
            settings=settings,
            tokens=tokens,
            sessions=sessions,
            auth=auth,
            courses=catalog,
            content=CourseContentService(repos.courses, catalog),
            enrollment=enrollment,
            progress=grading,
            conversations=ConversationService(
                repos.threads, ThreadArchiveService(repos.archive, settings.chat_max_messages), catalog
            ),
            # Shares ``grading``'s on_quiz_submitted hook.
            practice=PracticeService(repos.courses, repos.progress, repos.attempts, enrollment, grading),
            account=AccountService(repos, sessions),
            lti=lti,
            lti_platforms=LtiPlatformService(repos.lti_platforms),
            tool_keys=keys,
            learner=learner,
            feedback=feedback,
            policy_decisions=PolicyDecisionService(repos.policy_decisions, settings.policy_training),
            usage=usage,
            review=ReviewService(catalog, repos.threads, repos.archive, students),
            content_gaps=ContentGapService(repos.content_gaps, catalog),
        )
