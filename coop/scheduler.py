"""The one scheduler process: `flask --app wsgi scheduler`. It only puts each day's tasks on
the job queue at their hour (`coop.jobs`); `flask worker` processes run them.

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

from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import Engine

from . import jobs
from .extensions import db

log = logging.getLogger("coop.scheduler")

# pg_advisory_lock takes a bigint; this one is "coop" in ASCII plus 1.
ADVISORY_LOCK_KEY = 0x636F6F70_0001


class LockLost(RuntimeError):
    """The database connection that held the scheduler's lock is gone."""


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


def run(app: Flask, *, run_now: bool = False, on_message: Callable[[str], None] = print) -> None:
    """Take the lock (waiting if need be), then run the scheduler until stopped."""
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.blocking import BlockingScheduler

    jobs.bind(app)
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
            ("daily_reminders", hour, 0, jobs.REMINDERS, "Daily reminders", 6),
            ("oparl_sync", max(0, hour - 1), 0, "oparl-sync", "Daily OParl sync", 6),
            (
                "saved_search_alerts",
                max(0, hour - 1),
                45,
                "saved-searches",
                "Saved searches tell of new matches",
                6,
            ),
            ("funding_checks", 0, 5, "funding-checks", "Daily funding checks", 12),
            ("digests", hour, 30, "digests", "E-mail digests of notifications", 6),
            (
                "housekeeping",
                0,
                15,
                "housekeeping",
                "Forget old failed sign-ins, idempotency keys and audit entries",
                12,
            ),
        )
        for function, at_hour, at_minute, job_id, name, grace in daily:
            scheduler.add_job(
                f"coop.jobs:{function}",
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
                jobs.daily_reminders, id="reminders-now", jobstore="memory", misfire_grace_time=None
            )
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            pass
