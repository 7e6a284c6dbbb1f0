"""The one scheduler process: `flask --app wsgi scheduler`.

APScheduler keeps its jobs in the application database (table apscheduler_jobs). Before it
starts, the process takes a lock that only one process can hold: on PostgreSQL an advisory lock
on a connection held open for the process's life (so a scheduler on another host sharing the
database waits too, and a crashed one frees the lock with its connection); on SQLite, whose file
lives on one host, an exclusive file lock next to the database. A second scheduler started by
mistake waits for the lock instead of running jobs twice, and takes over when the first ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import text
from sqlalchemy.engine import Engine

from ..extensions import db
from ..models import SchedulerRun
from ..models.base import utcnow

log = logging.getLogger("coop.scheduler")

# pg_advisory_lock takes a bigint; this one is "coop" in ASCII plus 1.
ADVISORY_LOCK_KEY = 0x636F6F70_0001
JOB_ID = "daily-reminders"

# The app the jobs run in; set when the scheduler starts (jobs run in worker threads).
_app: Flask | None = None


class LockLost(RuntimeError):
    pass


@contextlib.contextmanager
def _postgres_lock(engine: Engine, poll: float, on_wait: Callable[[], None]) -> Iterator[Callable]:
    conn = engine.connect()
    try:
        waited = False
        while not conn.execute(
            text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY}
        ).scalar():
            conn.rollback()
            if not waited:
                on_wait()
                waited = True
            time.sleep(poll)
        conn.commit()

        def alive() -> None:
            try:
                conn.execute(text("SELECT 1")).scalar()
                conn.commit()
            except Exception as exc:  # the connection, and with it the lock, is gone
                raise LockLost(str(exc)) from exc

        yield alive
    finally:
        with contextlib.suppress(Exception):
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
            conn.commit()
        conn.close()


@contextlib.contextmanager
def _file_lock(path: Path, poll: float, on_wait: Callable[[], None]) -> Iterator[Callable]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        waited = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited:
                    on_wait()
                    waited = True
                time.sleep(poll)
        try:
            yield lambda: None
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def scheduler_lock(engine: Engine, poll: float, on_wait: Callable[[], None]):
    """The lock of the one scheduler for this database; waits while another holds it."""
    if engine.dialect.name == "postgresql":
        return _postgres_lock(engine, poll, on_wait)
    database = engine.url.database
    if not database or database == ":memory:":
        raise RuntimeError("The scheduler needs a database file or PostgreSQL.")
    return _file_lock(Path(database + ".scheduler-lock"), poll, on_wait)


def record_run(job: str, action: Callable[[], str]) -> str:
    """Run `action` and keep a SchedulerRun row: which process, when, what it did."""
    run = SchedulerRun(job=job, host=socket.gethostname(), pid=os.getpid(), started_at=utcnow())
    db.session.add(run)
    db.session.commit()
    try:
        summary = action()
    except Exception as exc:
        db.session.rollback()
        run.summary = f"failed: {exc}"[:1000]
        run.finished_at = utcnow()
        db.session.commit()
        raise
    run.summary = summary[:1000]
    run.finished_at = utcnow()
    db.session.commit()
    return summary


def daily_reminders() -> None:
    """The daily job (referenced by name in the job store)."""
    from . import services

    app = _app or current_app._get_current_object()
    with app.app_context():
        from ..audit import acting_as

        with acting_as(None, "scheduler"):
            summary = record_run(JOB_ID, lambda: str(services.send_reminders()))
        log.info("reminders: %s", summary)
        db.session.remove()


def oparl_sync() -> None:
    """The daily read of the partners' council information systems (referenced by name)."""
    from ..oparl import sync

    app = _app or current_app._get_current_object()
    with app.app_context():
        from ..audit import acting_as

        def all_bodies() -> str:
            lines = []
            for body in sync.bodies_to_sync():
                run, summary = sync.sync_body(body)
                lines.append(f"{body.name}: {'ok' if run.ok else 'failed'}, {summary}")
            return "; ".join(lines) or "no body with an OParl URL"

        with acting_as(None, "scheduler"):
            summary = record_run("oparl-sync", all_bodies)
        log.info("oparl: %s", summary)
        db.session.remove()


def funding_checks() -> None:
    """Right after midnight: the stored funding checks of the new day (their conditions depend
    on the date), so the first funding page of the day need not compute thousands of them."""
    from ..funding import services

    app = _app or current_app._get_current_object()
    with app.app_context():

        def refresh() -> str:
            count = services.refresh_checks()
            db.session.commit()
            return f"{count} funding checks computed"

        summary = record_run("funding-checks", refresh)
        log.info("funding checks: %s", summary)
        db.session.remove()


def housekeeping() -> None:
    """Nightly: forget failed sign-ins that no longer lock anyone, and API idempotency keys
    older than a day."""
    from ..auth import services

    app = _app or current_app._get_current_object()
    with app.app_context():

        def forget() -> str:
            throttles = services.forget_old_throttles()
            keys = services.forget_old_idempotency_keys()
            db.session.commit()
            return f"{throttles} old sign-in throttles and {keys} idempotency keys removed"

        record_run("housekeeping", forget)
        db.session.remove()


def run(app: Flask, *, run_now: bool = False, on_message: Callable[[str], None] = print) -> None:
    """Take the lock (waiting if need be), then run the scheduler until stopped."""
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.blocking import BlockingScheduler

    global _app
    _app = app
    with app.app_context():
        engine = db.engine
        poll = float(app.config["SCHEDULER_LOCK_POLL_SECONDS"])
        hour = int(app.config["REMINDER_HOUR"])
        timezone = app.config["BABEL_DEFAULT_TIMEZONE"]
    on_message(f"Scheduler {socket.gethostname()}:{os.getpid()} asks for the lock …")
    with scheduler_lock(
        engine, poll, lambda: on_message("Another scheduler holds the lock; waiting.")
    ) as alive:
        on_message("Lock acquired; this process runs the jobs.")
        scheduler = BlockingScheduler(
            jobstores={
                "default": SQLAlchemyJobStore(engine=engine, tablename="apscheduler_jobs"),
                "memory": MemoryJobStore(),  # this process's own housekeeping
            },
            timezone=timezone,
        )
        # (function, hour, minute, id, name, hours a missed run may still start late)
        daily = (
            ("daily_reminders", hour, 0, JOB_ID, "Daily reminders", 6),
            ("oparl_sync", max(0, hour - 1), 0, "oparl-sync", "Daily OParl sync", 6),
            ("funding_checks", 0, 5, "funding-checks", "Daily funding checks", 12),
            (
                "housekeeping",
                0,
                15,
                "housekeeping",
                "Forget old failed sign-ins and idempotency keys",
                12,
            ),
        )
        for function, at_hour, at_minute, job_id, name, grace in daily:
            scheduler.add_job(
                f"coop.reminders.scheduler:{function}",
                "cron",
                hour=at_hour,
                minute=at_minute,
                id=job_id,
                name=name,
                replace_existing=True,
                coalesce=True,
                misfire_grace_time=grace * 3600,
            )

        def check_lock() -> None:
            try:
                alive()
            except LockLost as exc:
                on_message(f"Lost the scheduler lock ({exc}); stopping.")
                scheduler.shutdown(wait=False)

        scheduler.add_job(check_lock, "interval", seconds=60, id="lock-check", jobstore="memory")
        if run_now:
            # No trigger: a one-off run as soon as the scheduler starts.
            scheduler.add_job(
                daily_reminders, id="reminders-now", jobstore="memory", misfire_grace_time=None
            )
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            pass
