"""The job queue (coop.queue): background work runs in `flask worker` processes. On
PostgreSQL a worker killed in the middle of a 10,000-row import leaves it to another worker,
which finishes it with every row stored once; on SQLite the same rules hold for the table
queue. Real processes and a real database; each wait is for a state, never a fixed time."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from coop import queue
from coop.audit import acting_as
from coop.extensions import db
from coop.imports import services as imports
from coop.models import ImportJob, Initiative, QueuedTask
from coop.models.base import utcnow
from tests import factories, waiting

ROOT = Path(__file__).resolve().parents[1]


def wait_for(condition, timeout=300.0, step=0.05):
    return waiting.wait_for(condition, timeout, step)


def worker(database_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "COOP_ENV": "development",
        "DATABASE_URL": database_url,
        "QUEUE_HEARTBEAT_SECONDS": "0.5",
        "QUEUE_STALLED_SECONDS": "3",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def matrix(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Vorhaben", "Aufgabenbereich", "Phase", "Kreis Höxter", "Brakel"])
    for n in range(rows):
        writer.writerow([f"Vorhaben {n:05d}", "IT-Betrieb", "Idee", "Federführung", "Partner"])
    return out.getvalue().encode("utf-8")


def job_state(job_id: int) -> tuple[str, int]:
    db.session.expire_all()
    job = db.session.get(ImportJob, job_id)
    return job.state, job.done


def test_a_killed_worker_leaves_the_import_to_another_that_stores_each_row_once(
    pg_app, postgresql_url
):
    with acting_as(None, "test"):
        seed = factories.make_seed()
        db.session.commit()
    actor = seed.users["coordinator"]
    with pg_app.test_request_context():
        job = imports.start(
            "initiatives",
            seed.bodies["hoexter"],
            actor,
            "matrix.csv",
            matrix(10_000),
            "de",
            store=True,
        )
        job_id = job.id
    assert job_state(job_id) == ("checking", 0)  # queued, not worked in the request
    first = worker(postgresql_url)
    second = None
    try:
        # the first worker checks the file and has stored some batches, not all
        assert wait_for(lambda: job_state(job_id)[0] == "storing" and job_state(job_id)[1] >= 400)
        first.send_signal(signal.SIGKILL)
        first.wait()
        state, done = job_state(job_id)
        assert state == "storing" and done < 10_000, (state, done)
        second = worker(postgresql_url)
        assert wait_for(lambda: job_state(job_id)[0] == "stored"), job_state(job_id)
    finally:
        stop(first)
        if second is not None:
            stop(second)
    db.session.expire_all()
    titles = db.session.scalars(select(Initiative.title)).all()
    assert len(titles) == 10_000 and len(set(titles)) == 10_000
    job = db.session.get(ImportJob, job_id)
    assert job.result["stored_rows"] == 10_000
    assert job.result["store_problems_total"] == 0


def test_two_workers_never_claim_the_same_job_and_a_lock_waits(sqlite_app):
    """The table queue of SQLite: each claim takes one job; a job of a held lock waits until
    the holder is done, a second job of a lock still waiting is not queued."""
    with sqlite_app.test_request_context():
        queue.defer("housekeeping", lock="house")
        queue.defer("housekeeping", lock="house")  # already waiting: not queued again
        queue.defer("import-check", lock="import-7", job_id=7)
        assert db.session.scalar(select(func.count(QueuedTask.id))) == 2
        a = queue.claim_next("a", 60)
        b = queue.claim_next("b", 60)
        assert (a[1], b[1]) == ("housekeeping", "import-check")
        queue.defer("import-store", lock="import-7", job_id=7)  # the check is running
        assert queue.claim_next("c", 60) is None  # import-store waits for import-7's lock
        queue._finish(b[0], "b", None)
        c = queue.claim_next("c", 60)
        assert c[1:] == ("import-store", {"job_id": 7})


def test_a_job_whose_worker_stopped_beating_is_claimed_again(sqlite_app):
    with sqlite_app.test_request_context():
        queue.defer("import-store", lock="import-8", job_id=8)
        taken = queue.claim_next("dead", 60)
        assert queue.claim_next("alive", 60) is None
        db.session.execute(
            update(QueuedTask)
            .where(QueuedTask.id == taken[0])
            .values(heartbeat_at=utcnow() - timedelta(seconds=120))
        )
        db.session.commit()
        again = queue.claim_next("alive", 60)
        assert again[0] == taken[0]
        db.session.expire_all()
        row = db.session.get(QueuedTask, taken[0])
        assert (row.worker, row.attempts, row.state) == ("alive", 2, "doing")


def test_a_failing_job_is_kept_with_its_error_and_the_worker_goes_on(sqlite_app):
    with sqlite_app.test_request_context():
        queue.defer("oparl-sync-body", body_id=999_999)  # no such body: nothing to read
        queue.TASKS["coop-test-fails"] = lambda: 1 / 0
        try:
            db.session.add(QueuedTask(task="coop-test-fails", args={}, state="todo"))
            db.session.commit()
            queue.work(sqlite_app, burst=True)
        finally:
            del queue.TASKS["coop-test-fails"]
        rows = {r["task"]: r for r in queue.overview()}
        assert rows["oparl-sync-body"]["state"] == "succeeded"
        assert rows["coop-test-fails"]["state"] == "failed"
        assert "ZeroDivisionError" in rows["coop-test-fails"]["error"]


def test_admins_see_the_queue_in_words_others_do_not(app, client, auth, seed):
    queue.defer("housekeeping", lock="housekeeping")
    queue.defer("import-check", lock="import-5", job_id=5)
    auth.login("admin@test.example")
    page = client.get("/reminders/").get_data(as_text=True)
    assert "Aufträge der Warteschlange" in page
    assert "Aufräumen" in page and "Import prüfen" in page and "wartet" in page
    assert "import-check" not in page and "todo" not in page
    queue.work(app, burst=True)  # the import is gone: the job ends without work
    page = client.get("/reminders/").get_data(as_text=True)
    assert "wartet" not in page.split("Aufträge der Warteschlange")[1]
    auth.logout()
    auth.login("funding_officer@test.example")
    page = client.get("/reminders/").get_data(as_text=True)
    assert "Aufträge der Warteschlange" not in page


def test_a_job_that_queues_jobs_has_them_run_by_the_worker(app):
    """The daily OParl sync queues one job per body from inside a worker: a task's own defer
    works in the worker of either backend, and a burst worker runs what it queued."""
    from coop.models import SchedulerRun

    queue.TASKS["coop-test-queues"] = lambda: queue.defer("housekeeping", lock="housekeeping")
    try:
        with app.test_request_context():
            queue.defer("coop-test-queues")
        queue.work(app, burst=True)
    finally:
        del queue.TASKS["coop-test-queues"]
    db.session.expire_all()
    assert db.session.scalars(select(SchedulerRun.job)).all() == ["housekeeping"]
