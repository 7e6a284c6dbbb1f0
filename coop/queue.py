"""The job queue: background work runs in `flask worker` processes, never in a web worker.

A task is a function of `coop.jobs` registered under a name (`@task("import-store")`); the web
app or the scheduler defers it by name with keyword arguments of plain JSON values, and a
worker runs it in an app context. Two backends, one interface:

- **PostgreSQL** (production): procrastinate. Its tables and functions live in the
  application database (applied by the migrations), workers on several machines share it,
  take new jobs at once (LISTEN/NOTIFY), send heartbeats, and a job's `lock` keeps two workers
  from running the same job at once. A job whose worker stopped sending heartbeats (killed,
  machine gone) is put back by any other worker after QUEUE_STALLED_SECONDS and run again.
- **SQLite** (the embedded default of `make run`, one machine): the table `queued_tasks`, with
  the same rules (claim in one UPDATE, heartbeat, lock, stalled jobs taken up again). SQLite
  serialises writers, so a claim is atomic without row locks.

Tasks are written to be run again: an import continues after the last stored batch, a sync
reads from its last run, the e-mail jobs claim each message before it leaves.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import text

from .extensions import db
from .models.base import utcnow

log = logging.getLogger("coop.queue")

TASKS: dict[str, Callable[..., object]] = {}


def task(name: str):
    """Register a function as the task `name` (its keyword arguments are the job's)."""

    def register(fn):
        TASKS[name] = fn
        return fn

    return register


def _postgres(app: Flask) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def _known(name: str) -> None:
    if name not in TASKS:
        raise KeyError(
            f"unknown task {name!r} (the worker imports coop.jobs, which registers them)"
        )


def defer(name: str, *, lock: str | None = None, **kwargs) -> None:
    """Put the task on the queue. With `lock`, no two jobs of that lock run at once, and a
    job of that lock still waiting is not queued a second time. The task is found by its name
    in the worker (this layer does not import the tasks' module)."""
    app = current_app._get_current_object()
    json.dumps(kwargs)  # plain values only: a worker on another machine reads them
    if _postgres(app):
        _defer_postgres(app, name, lock, kwargs)
    else:
        _sqlite_defer(name, lock, kwargs)


def _in_app(app: Flask, name: str, kwargs: dict) -> None:
    with app.app_context():
        try:
            TASKS[name](**kwargs)
        finally:
            db.session.remove()


# --- PostgreSQL: procrastinate -------------------------------------------------------------


def _procrastinate(app: Flask):
    """The procrastinate app of this Flask app, with every task; not yet opened."""
    import procrastinate

    papp = app.extensions.get("coop_queue")
    if papp is None:
        with app.app_context():
            conninfo = db.engine.url.set(drivername="postgresql").render_as_string(
                hide_password=False
            )
        connector = procrastinate.PsycopgConnector(
            conninfo=conninfo, min_size=1, max_size=int(app.config["QUEUE_POOL_SIZE"])
        )
        papp = procrastinate.App(connector=connector)
        papp.coop_conninfo = conninfo
        papp.coop_sync_open = False
        for name in TASKS:

            def run_task(_name=name, **kwargs):
                _in_app(app, _name, kwargs)

            papp.task(name=name, queue="coop")(run_task)
        app.extensions["coop_queue"] = papp
    return papp


def _defer_postgres(app: Flask, name: str, lock: str | None, kwargs: dict) -> None:
    from procrastinate import exceptions

    papp = _procrastinate(app)
    connector = papp.connector
    if not getattr(connector, "_async_pool", None) and not papp.coop_sync_open:
        # a web process defers now and then: a connection per defer, none kept idle
        from psycopg_pool import NullConnectionPool

        papp.open(NullConnectionPool(papp.coop_conninfo, max_size=4, open=True))
        papp.coop_sync_open = True
    try:
        papp.configure_task(name, lock=lock, queueing_lock=lock).defer(**kwargs)
    except exceptions.AlreadyEnqueued:
        log.info("task %s (%s) is already waiting", name, lock)


def _work_postgres(app: Flask, *, burst: bool, concurrency: int) -> None:
    papp = _procrastinate(app)
    heartbeat = float(app.config["QUEUE_HEARTBEAT_SECONDS"])
    stalled = float(app.config["QUEUE_STALLED_SECONDS"])

    async def retry_stalled() -> int:
        jobs = await papp.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled)
        for job in jobs:
            log.warning("job %s (%s) lost its worker; it is run again", job.id, job.task_name)
            await papp.job_manager.retry_job(job)
        return len(list(jobs))

    async def main() -> None:
        async with papp.open_async():
            await retry_stalled()
            worker = asyncio.create_task(
                papp.run_worker_async(
                    queues=["coop"],
                    concurrency=concurrency,
                    wait=not burst,
                    update_heartbeat_interval=heartbeat,
                    stalled_worker_timeout=stalled,
                    install_signal_handlers=not burst,
                    listen_notify=not burst,
                    delete_jobs="successful",
                )
            )
            while not worker.done():
                done, _pending = await asyncio.wait({worker}, timeout=stalled)
                if not done:
                    await retry_stalled()
            await worker

    asyncio.run(main())


# --- SQLite: the table queued_tasks ----------------------------------------------------------


def _sqlite_defer(name: str, lock: str | None, kwargs: dict) -> None:
    from sqlalchemy import select

    from .models import QueuedTask

    if lock is not None:
        waiting = db.session.scalar(
            select(QueuedTask.id).where(QueuedTask.lock == lock, QueuedTask.state == "todo")
        )
        if waiting:
            return
    db.session.add(QueuedTask(task=name, args=kwargs, lock=lock, state="todo"))
    # visible to the workers at once, like procrastinate's defer on its own connection
    db.session.commit()


def claim_next(worker: str, stalled_seconds: float):
    """The next job this worker may run (id, task, args), marked as its own; or None. One
    UPDATE: SQLite runs one writer at a time, so two workers never claim the same job."""
    from sqlalchemy import and_, exists, or_, select, update
    from sqlalchemy.orm import aliased

    from .models import QueuedTask as Q

    now = utcnow()
    stale = now - timedelta(seconds=stalled_seconds)
    other = aliased(Q)
    held = exists().where(
        other.lock == Q.lock, other.id != Q.id, other.state == "doing", other.heartbeat_at >= stale
    )
    claimable = (
        select(Q.id)
        .where(
            or_(Q.state == "todo", and_(Q.state == "doing", Q.heartbeat_at < stale)),
            or_(Q.lock.is_(None), ~held),
        )
        .order_by(Q.id)
        .limit(1)
        .scalar_subquery()
    )
    row = db.session.execute(
        update(Q)
        .where(Q.id == claimable)
        .values(state="doing", worker=worker, heartbeat_at=now, attempts=Q.attempts + 1)
        .returning(Q.id, Q.task, Q.args)
        .execution_options(synchronize_session=False)
    ).first()
    db.session.commit()
    if row is None:
        return None
    return row.id, row.task, dict(row.args or {})


def _finish(job_id: int, worker: str, error: str | None) -> None:
    from sqlalchemy import update

    from .models import QueuedTask as Q

    db.session.execute(
        update(Q)
        .where(Q.id == job_id, Q.worker == worker)
        .values(state="failed" if error else "succeeded", finished_at=utcnow(), error=error)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _beat(app: Flask, job_id: int, worker: str, every: float, stop: threading.Event) -> None:
    """Heartbeats of the running job, from this worker process (not a web worker)."""
    with app.app_context():
        engine = db.engine
    from sqlalchemy import update

    from .models import QueuedTask as Q

    while not stop.wait(every):
        with engine.begin() as conn:
            conn.execute(
                update(Q)
                .where(Q.id == job_id, Q.worker == worker, Q.state == "doing")
                .values(heartbeat_at=utcnow())
            )


def _work_sqlite(app: Flask, *, burst: bool) -> None:
    worker = f"{socket.gethostname()}:{os.getpid()}"
    heartbeat = float(app.config["QUEUE_HEARTBEAT_SECONDS"])
    stalled = float(app.config["QUEUE_STALLED_SECONDS"])
    poll = float(app.config["QUEUE_POLL_SECONDS"])
    while True:
        with app.app_context():
            claimed = claim_next(worker, stalled)
            db.session.remove()
        if claimed is None:
            if burst:
                return
            time.sleep(poll)
            continue
        job_id, name, kwargs = claimed
        stop = threading.Event()
        beat = threading.Thread(
            target=_beat, args=(app, job_id, worker, heartbeat, stop), daemon=True
        )
        beat.start()
        error = None
        try:
            _known(name)
            _in_app(app, name, kwargs)
        except Exception as exc:  # the job failed; the worker goes on with the next
            log.exception("job %s (%s) failed", job_id, name)
            error = f"{type(exc).__name__}: {exc}"[:1000]
        finally:
            stop.set()
            beat.join()
        with app.app_context():
            _finish(job_id, worker, error)
            db.session.remove()


def work(app: Flask, *, burst: bool = False, concurrency: int = 1) -> None:
    """Run jobs until stopped; with `burst`, until no job is waiting (the tests, the CLI).
    The caller has imported the module of the tasks (`flask worker` imports coop.jobs)."""
    if not TASKS:
        raise RuntimeError("no tasks registered: import coop.jobs before running a worker")
    if _postgres(app):
        _work_postgres(app, burst=burst, concurrency=concurrency)
    else:
        _work_sqlite(app, burst=burst)


def overview(limit: int = 20) -> list[dict]:
    """The latest jobs of the queue, newest first: task, state, attempts, error, times (for
    the admins' page). Procrastinate deletes succeeded jobs; failed ones stay."""
    if db.engine.dialect.name == "postgresql":
        rows = db.session.execute(
            text(
                "SELECT j.id, j.task_name AS task, j.status AS state, j.attempts, "
                "j.lock, (SELECT max(e.at) FROM procrastinate_events e WHERE e.job_id = j.id) "
                "AS at FROM procrastinate_jobs j ORDER BY j.id DESC LIMIT :n"
            ),
            {"n": limit},
        ).mappings()
        return [dict(r, error=None) for r in rows]
    from sqlalchemy import select

    from .models import QueuedTask as Q

    return [
        {
            "id": q.id,
            "task": q.task,
            "state": q.state,
            "attempts": q.attempts,
            "lock": q.lock,
            "at": q.finished_at or q.heartbeat_at or q.created_at,
            "error": q.error,
        }
        for q in db.session.scalars(select(Q).order_by(Q.id.desc()).limit(limit))
    ]


def forget_finished(days: int = 14) -> int:
    """Finished jobs of the SQLite queue older than `days` (procrastinate deletes its own)."""
    if db.engine.dialect.name == "postgresql":
        return 0
    from sqlalchemy import delete

    from .models import QueuedTask as Q

    return db.session.execute(
        delete(Q).where(
            Q.state.in_(("succeeded", "failed")), Q.created_at < utcnow() - timedelta(days=days)
        )
    ).rowcount
