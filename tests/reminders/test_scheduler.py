"""The one scheduler: two processes on the same PostgreSQL database, one puts the job on the
queue, the other waits and takes over when the first ends; two workers share the queue and
the job runs once. Real processes, real database, real SMTP server."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from coop.audit import acting_as
from coop.extensions import db
from coop.models import ReminderSent, SchedulerRun
from tests import factories
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]


class Process:
    """A `flask scheduler` (or `flask worker`) process whose stderr lines are collected."""

    def __init__(self, env: dict, *command: str):
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                "wsgi",
                *(command or ("scheduler", "--run-now")),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line.strip())

    def said(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def runs() -> list[SchedulerRun]:
    db.session.expire_all()
    return db.session.scalars(select(SchedulerRun).order_by(SchedulerRun.id)).all()


def test_two_schedulers_on_postgresql_run_the_job_once(pg_app, postgresql_url, smtp):
    with acting_as(None, "test"):
        seed = factories.make_seed()
        nrw = factories.program()
        ini = factories.initiative(seed)
        soon = (date.today() + timedelta(days=3)).isoformat()
        factories.grant(
            ini,
            nrw,
            status="approved",
            application_date="2022-04-29",
            amount_granted="245000",
            tranches=[{"date": soon, "amount": "45000", "state": "planned"}],
        )
        db.session.commit()
    env = {
        **os.environ,
        "COOP_ENV": "development",
        "DATABASE_URL": postgresql_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "SCHEDULER_LOCK_POLL_SECONDS": "0.5",
    }
    workers = [Process(env, "worker"), Process(env, "worker")]
    first = Process(env)
    second = None

    def queue_empty() -> bool:
        waiting = db.session.execute(
            text("SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')")
        ).scalar()
        db.session.commit()
        return waiting == 0

    try:
        assert wait_for(lambda: first.said("Lock acquired")), first.lines
        second = Process(env)
        assert wait_for(lambda: second.said("Another scheduler holds the lock; waiting.")), (
            second.lines
        )
        assert wait_for(lambda: len(runs()) == 1 and runs()[0].finished_at is not None)
        assert wait_for(queue_empty)  # nothing else waits or runs: the job ran once
        done = runs()
        assert len(done) == 1, [(r.pid, r.summary) for r in done]
        assert done[0].pid in {w.proc.pid for w in workers}  # a worker ran it, not a scheduler
        assert "2 e-mails sent" in done[0].summary  # the coordinator and the funding officer
        assert not second.said("Lock acquired")
        sent = db.session.scalar(select(func.count(ReminderSent.id)))
        assert len(smtp.messages) == 2 and sent == 2
        # the first ends; the second takes over and its run sends nothing twice
        first.stop()
        assert wait_for(lambda: second.said("Lock acquired")), second.lines
        assert wait_for(lambda: len(runs()) == 2 and runs()[1].finished_at is not None)
        assert runs()[1].pid in {w.proc.pid for w in workers}
        assert "0 e-mails sent" in runs()[1].summary
        assert len(smtp.messages) == 2
    finally:
        first.stop()
        if second is not None:
            second.stop()
        for w in workers:
            w.stop()


def test_on_sqlite_a_second_scheduler_waits_for_the_file_lock(tmp_path):
    from coop.scheduler import _file_lock

    path = tmp_path / "coop.sqlite.scheduler-lock"
    events: list[str] = []

    def second():
        with _file_lock(path, 0.05, lambda: events.append("waiting")):
            events.append("second has it")

    with _file_lock(path, 0.05, lambda: events.append("first waited")):
        thread = threading.Thread(target=second)
        thread.start()
        assert wait_for(lambda: "waiting" in events, timeout=5)
        assert "second has it" not in events
    thread.join(5)
    assert events == ["waiting", "second has it"]
