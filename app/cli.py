"""The ``tutor`` command: serve, seed-demo, create-user, worker, beat, ingest, reindex, lti, policy, doctor."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import TypeAdapter, ValidationError

from app import cli_doctor, cli_lti, cli_policy
from app.embedded.launcher import embedded_services
from tutor.container import Services
from tutor.db import Mongo
from tutor.errors import DomainError
from tutor.logs import configure_logging
from tutor.schemas.users import Email
from tutor.security.password_policy import password_problem
from tutor.seed import DEMO_INSTRUCTOR, DEMO_STUDENT, seed_demo
from tutor.settings import ConfigurationError, Settings, check_production, get_settings


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tutor`` console script."""
    parser = argparse.ArgumentParser(prog="tutor", description="Conversational AI tutor service")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="start embedded services (unless configured) and the API")
    serve.add_argument("--seed", action="store_true", help="load the sample course and demo accounts first")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    sub.add_parser("seed-demo", help="load the sample course and demo accounts, and ingest its material")
    worker = sub.add_parser("worker", help="run a Celery worker for background jobs (ingestion, learner-model updates)")
    worker.add_argument(
        "--beat", action="store_true", help="also run the schedule of periodic jobs (only ever in one process)"
    )
    sub.add_parser("beat", help="run the schedule of periodic jobs (recommender policy training); exactly one")
    ingest = sub.add_parser("ingest", help="ingest a folder (or file) of course material")
    ingest.add_argument("path")
    ingest.add_argument("--course", required=True, help="course id")
    ingest.add_argument("--lesson", default=None, help="attach the files to this lesson")
    reindex = sub.add_parser(
        "reindex", help="index stored course material again where its index is out of date (after an upgrade)"
    )
    reindex.add_argument("--course", default=None, help="only this course (default: every course with material)")
    create_cmd = sub.add_parser("create-user", help="create an account (e.g. an instructor)")
    create_cmd.add_argument("--email", required=True)
    create_cmd.add_argument("--name", required=True)
    create_cmd.add_argument("--role", choices=["student", "instructor"], default="student")
    # Never a password option: argv is visible to other local users (ps) and kept in shell history.
    create_cmd.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of standard input"
    )
    cli_lti.add_parser(sub)
    cli_policy.add_parser(sub)
    cli_doctor.add_parser(sub)
    args = parser.parse_args(argv)
    if args.command == "doctor":  # before the settings are read and refused below: reporting that is its job
        return cli_doctor.run(args)
    settings = get_settings()
    configure_logging(settings.log_format)
    try:
        check_production(settings)
    except ConfigurationError as exc:
        print(f"tutor: configuration error: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return _serve(settings, args)
    if args.command == "seed-demo":
        with embedded_services(settings, with_redis=False) as servers:
            live = servers.settings()
            asyncio.run(_run_with_services(servers.mongodb_url, live, _seed))
            return _ingest_sample(live)
    if args.command == "worker":
        return _worker(settings, beat=args.beat)
    if args.command == "beat":
        return _beat(settings)
    if args.command == "policy":
        return _with_services(settings, lambda services: cli_policy.run(services, args))
    if args.command == "ingest":
        return _ingest(settings, args.path, args.course, args.lesson)
    if args.command == "reindex":
        return _reindex(settings, args.course)
    if args.command == "create-user":
        return _create_user(settings, args)
    if args.command == "lti":
        try:
            return _with_services(settings, lambda services: cli_lti.run(services, args))
        except DomainError as exc:
            print(f"tutor: {exc.message}", file=sys.stderr)
            return 1
    return 2


def _create_user(settings: Settings, args: argparse.Namespace) -> int:
    """Create an account; the password comes from a prompt or stdin and must meet the password policy."""
    try:
        email = TypeAdapter(Email).validate_python(args.email)
    except ValidationError:
        print(f"tutor: not a valid email address: {args.email!r}", file=sys.stderr)
        return 2
    password = _read_password(from_stdin=args.password_stdin)
    if password is None:
        print("tutor: the two passwords differ", file=sys.stderr)
        return 2
    problem = password_problem(password)  # checked again by the service; here before any server starts
    if problem is not None:
        print(f"tutor: {problem[1]}", file=sys.stderr)
        return 2

    async def create(services: Services) -> None:
        user = await services.auth.create_user(email=email, password=password, full_name=args.name, role=args.role)
        print(f"created {user['role']} {user['email']} ({user['id']})")

    try:
        return _with_services(settings, create)
    except DomainError as exc:  # e.g. the email is taken
        print(f"tutor: {exc.message}", file=sys.stderr)
        return 1


def _read_password(*, from_stdin: bool) -> str | None:
    """The password from stdin's first line, or typed twice at a prompt (None when the two differ)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("password: ")
    return password if getpass.getpass("password (again): ") == password else None


async def _seed(services: Services) -> None:
    result = await seed_demo(services)
    print(f"sample catalogue loaded (new courses: {', '.join(result['created_courses']) or 'none'})")


def _with_services(settings: Settings, action: Callable[[Services], Awaitable[Any]]) -> int:
    with embedded_services(settings, with_redis=False) as servers:
        asyncio.run(_run_with_services(servers.mongodb_url, settings, action))
    return 0


async def _run_with_services(
    mongodb_url: str, settings: Settings, action: Callable[[Services], Awaitable[Any]]
) -> None:
    mongo = Mongo(mongodb_url, settings.mongodb_db)
    try:
        await mongo.ensure_indexes()
        await action(Services.build(mongo, settings))
    finally:
        await mongo.close()


def _worker(settings: Settings, *, beat: bool = False) -> int:
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from app.tasks import celery_app

    # The pool comes from make_celery: prefork, because only a child process can be stopped at its time limit.
    argv = ["worker", "--loglevel=INFO", "--without-gossip", "--without-mingle"]
    if beat:  # one process only: every beat queues every periodic job
        argv += ["--beat", f"--schedule={_beat_schedule_file(settings)}"]
    celery_app.worker_main(argv)
    return 0


def _beat(settings: Settings) -> int:
    from app.tasks import celery_app

    celery_app.start(["beat", "--loglevel=INFO", f"--schedule={_beat_schedule_file(settings)}"])
    return 0


def _beat_schedule_file(settings: Settings) -> str:
    """Where beat remembers when each periodic job last ran (so a restart does not run them all again)."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    return str(settings.var_dir / "celerybeat-schedule")


def _ingest(settings: Settings, path: str, course_id: str, lesson_id: str | None) -> int:
    from app.components import pipeline_for
    from ingest import local_run

    with embedded_services(settings, with_redis=False) as servers:
        live = servers.settings()
        summary = local_run.ingest_folder(live, pipeline_for(live), course_id, path, lesson_id)
    for entry in summary["files"]:
        note = f" ({entry['error_code']}: {entry['error']})" if entry["error"] else ""
        print(f"  {entry['status']:>9}  {entry['chunks']:>4} chunks  {entry['filename']}{note}")
    print(f"job {summary['state']}: {summary['chunks_total']} chunks")
    return 0 if summary["state"] == "succeeded" else 1


def _reindex(settings: Settings, course_id: str | None) -> int:
    from app.components import pipeline_for
    from ingest import local_run

    with embedded_services(settings, with_redis=False) as servers:
        live = servers.settings()
        try:
            summaries = local_run.reindex_local(live, pipeline_for(live), course_id)
        except LookupError as exc:
            print(f"tutor: {exc}", file=sys.stderr)
            return 1
    for summary in summaries:
        statuses = [entry["status"] for entry in summary["files"]]
        counts = ", ".join(f"{statuses.count(s)} {s}" for s in dict.fromkeys(statuses))
        print(f"{summary['course_id']}: {summary['state']} ({counts})")
    return 0 if all(s["state"] in ("succeeded", "partial") for s in summaries) else 1


def _ingest_sample(settings: Settings) -> int:
    from app.components import pipeline_for
    from ingest import local_run
    from tutor.seed import material_files

    by_course: dict[str, list[Any]] = {}
    for course_id, lesson_id, _, path in material_files():
        by_course.setdefault(course_id, []).append(local_run.LocalFile(path.name, path.read_bytes(), lesson_id))
    for course_id, files in by_course.items():
        summary = local_run.ingest_local(settings, pipeline_for(settings), course_id, files, progress=False)
        print(f"sample material of {course_id}: {summary['state']}, {summary['chunks_total']} chunks")
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    host = args.host or settings.host
    port = args.port or settings.port
    with embedded_services(settings, with_worker=True) as servers:
        if args.seed:
            asyncio.run(_run_with_services(servers.mongodb_url, settings, _seed))
            _ingest_sample(servers.settings())
        base = f"http://{host}:{port}"
        print(
            f"\n  Web app        {base}/\n  Tutor API      {base}/api/\n  OpenAPI docs   {base}/schema/swagger\n"
            f"  Health         {base}/healthz\n"
            f"  Demo student   {DEMO_STUDENT['email']} / {DEMO_STUDENT['password']}\n"
            f"  Demo instructor {DEMO_INSTRUCTOR['email']} / {DEMO_INSTRUCTOR['password']}\n"
            "  Ctrl-C stops everything.\n",
            flush=True,
        )
        # uvicorn re-raises a SIGTERM it caught once it has shut down; turning it into SystemExit lets
        # the embedded services stop every child they started (as Ctrl-C does) instead of leaving them behind.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        # Our own access line (JSON or text, with the request id and route) replaces uvicorn's.
        uvicorn.run(
            "app.asgi:app_factory", factory=True, host=host, port=port, log_level="info", log_config=None,
            access_log=False,
        )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
