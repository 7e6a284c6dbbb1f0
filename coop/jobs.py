"""Scheduled and command-line jobs: thin calls into the services, and the one place that decides
when their work is committed. Services flush; a job commits per page or per batch, and each
commit below says why it is there.

The tasks at the end are what `flask worker` processes run (`coop.queue`); the scheduler
(`coop.scheduler`) only puts the day's tasks on the queue (`coop.jobs:daily_reminders` and so
on); the CLI (`coop.cli`) calls the same functions directly.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable

from flask import Flask, current_app
from sqlalchemy import select, text

from . import queue
from .audit import acting_as
from .core import clock
from .extensions import db
from .models import Body, OParlSync, SchedulerRun
from .models.base import utcnow
from .queue import task

log = logging.getLogger("coop.jobs")

REMINDERS = "daily-reminders"

# The app the scheduled jobs run in; set when the scheduler starts (jobs run in worker threads).
_app: Flask | None = None


class PartlyFailed(Exception):
    """Some items of a job failed; every other item was done. The message says what was done
    and names each item that failed, with its error (kept in the run's summary)."""


def _finish(summary: str, failed: list[str]) -> str:
    if failed:
        shown = "; ".join(failed[:20]) + ("; …" if len(failed) > 20 else "")
        raise PartlyFailed(f"{summary}; {len(failed)} failed: {shown}")
    return summary


def _why(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


def bind(app: Flask) -> None:
    """Run the scheduled jobs in `app` (the scheduler calls them outside any app context)."""
    global _app
    _app = app


def record_run(job: str, action: Callable[[], str]) -> str:
    """Run `action` and keep a SchedulerRun row: which process, when, what it did."""
    run = SchedulerRun(job=job, host=socket.gethostname(), pid=os.getpid(), started_at=utcnow())
    db.session.add(run)
    # Committed before the work starts, so that a run that dies still shows who started it.
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


# --- reminders --------------------------------------------------------------------------------


def send_reminders(today=None, *, dry_run: bool = False):
    """Send today's reminders, each to each person once; a dry run only names them.

    A person's reminders are claimed and the claim committed *before* the e-mail leaves: another
    process running at the same time then fails on the unique key instead of sending it again.
    A failed send gives the claim back (committed), so the next run tries again."""
    from sqlalchemy.exc import IntegrityError

    from . import mail
    from .reminders import services as reminders

    summary, deliveries = reminders.due_deliveries(today)
    if dry_run:
        return summary
    failed: list[str] = []
    for delivery in deliveries:
        try:
            reminders.claim(delivery)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            summary.already_claimed += 1
            continue
        try:
            subject, text = reminders.compose(delivery)
            summary.sent += mail.send_all([mail.build_message(delivery.user.email, subject, text)])
        except Exception as exc:  # this person's e-mail; the others still go
            log.exception("reminder to user %s not sent", delivery.user.id)
            db.session.rollback()
            reminders.release(delivery)
            db.session.commit()
            failed.append(f"{delivery.user.email} ({_why(exc)})")
    _finish(str(summary), failed)
    return summary


def send_digests(today=None) -> str:
    """Each person's digest of what happened on what they follow, daily or on Mondays. What
    a digest tells of is claimed (committed) before it leaves, so no instance sends it twice;
    a failed send gives the claim back."""
    from sqlalchemy import update

    from . import mail
    from .models import User
    from .reminders import digest, notifications

    today = today or clock.today()
    sent = 0
    failed: list[str] = []
    for user in digest.recipients(today):
        items = notifications.feed(user, after=user.digest_activity_id, limit=digest.ITEMS)
        if not items:
            continue
        before, last = user.digest_activity_id, items[0].id
        claimed = db.session.execute(
            update(User)
            .where(User.id == user.id, User.digest_activity_id == before)
            .values(digest_activity_id=last)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if not claimed:
            continue
        try:
            subject, text, html = digest.compose(user, items)
            message = mail.build_message(user.email, subject, text)
            message.add_alternative(html, subtype="html")
            sent += mail.send_all([message])
        except Exception as exc:  # this person's digest; the others still go
            log.exception("digest to user %s not sent", user.id)
            db.session.rollback()
            db.session.execute(
                update(User)
                .where(User.id == user.id, User.digest_activity_id == last)
                .values(digest_activity_id=before)
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
            failed.append(f"{user.email} ({_why(exc)})")
    return _finish(f"{sent} digests sent", failed)


# --- OParl ------------------------------------------------------------------------------------


ANALYZE_EVERY = 5_000  # new objects of a run between two refreshes of the table's statistics


def sync_body(
    body: Body,
    *,
    fetcher=None,
    full: bool = False,
    progress: Callable[[str, int], None] | None = None,
):
    """Read what changed at the body's council information system, keep it, and derive
    proposals. Returns the run and its summary."""
    from .oparl import sync
    from .search import services as search

    reading = sync.BodyReading(body, fetcher=fetcher, full=full)
    started = utcnow()
    # The run is visible at once (its start is the next run's `modified_since`).
    db.session.commit()
    analysed = 0
    for list_name, count in reading.pages():
        # Each page is kept, whatever happens later: a connection lost on page 300 of a large
        # server costs one page, not the 299 before it (and memory stays flat).
        db.session.commit()
        if reading.summary.new - analysed >= ANALYZE_EVERY:
            # PostgreSQL plans a page's lookup by its statistics; a first run that grows the
            # table from nothing to 50,000 rows would otherwise look up each page by scanning
            # the body's rows (its autovacuum catches up only minutes later)
            analysed = reading.summary.new
            if db.session.get_bind().dialect.name == "postgresql":
                db.session.execute(text("ANALYZE oparl_objects"))
                db.session.commit()
        if progress:
            progress(list_name, count)
    run: OParlSync = reading.finish()
    # what the run brought becomes searchable with it
    search.index_papers(body.id, since=None if full else started)
    db.session.commit()
    return run, reading.summary


def notify_saved_searches() -> str:
    """Tell each saved search's owner of the papers and records that match since they last
    heard, and propose new papers to the initiative a search names. A search is marked as
    told before its e-mail leaves (committed): a crash loses at most one e-mail, never sends
    one twice, and another instance never takes the same search. A search that fails is named
    in the run's summary; the others are still told."""
    from .models import SavedSearch

    until = utcnow()
    told = proposed = 0
    failed: list[str] = []
    ids = list(db.session.scalars(select(SavedSearch.id).order_by(SavedSearch.id)))
    for saved_id in ids:
        try:
            done = _tell_saved_search(saved_id, until)
        except Exception as exc:  # this search; the others are still told
            log.exception("saved search %s not told", saved_id)
            db.session.rollback()
            failed.append(f"saved search {saved_id} ({_why(exc)})")
            continue
        if done is not None:
            told += done[0]
            proposed += done[1]
    return _finish(f"{told} searches told of new matches, {proposed} proposals", failed)


def _tell_saved_search(saved_id: int, until) -> tuple[int, int] | None:
    """Tell one saved search's owner of its new matches: (e-mails sent, proposals made), or
    None when another instance has it or it is told already."""
    from .mail import build_message, send_all
    from .models import OParlObject, SavedSearch
    from .oparl import sync
    from .search import services as search

    proposed = 0
    saved = db.session.scalar(
        select(SavedSearch)
        .where(SavedSearch.id == saved_id, SavedSearch.notified_until < until)
        .with_for_update(skip_locked=True)
    )
    if saved is None:
        return None
    matches = search.new_matches(saved, until)
    saved.notified_until = until
    if matches and saved.initiative is not None:
        papers = [m for m in matches if m.kind == "paper"]
        rows = db.session.scalars(
            select(OParlObject).where(OParlObject.id.in_([m.ref_id for m in papers]))
        ).all()
        for body_id in {r.body_id for r in rows}:
            proposed += sync.propose_papers(
                body_id,
                [r for r in rows if r.body_id == body_id],
                saved.initiative,
                f"„{saved.name}“",
            )
    message = None
    if matches:
        subject, text_ = search.compose_alert(saved, matches)
        message = build_message(saved.user.email, subject, text_)
    db.session.commit()
    if message is not None:
        send_all([message])
        return 1, proposed
    return 0, proposed


def sync_all_bodies() -> str:
    """Every body with an OParl URL, one after the other; one line of summary each."""
    from .oparl import sync

    lines, failed = [], []
    for body in sync.bodies_to_sync():
        name = body.name
        try:
            run, summary = sync_body(body)
        except Exception as exc:  # this body; the others are still read
            log.exception("sync of body %s failed", body.id)
            db.session.rollback()
            failed.append(f"{name} ({_why(exc)})")
            continue
        lines.append(f"{name}: {'ok' if run.ok else 'failed'}, {summary}")
    return _finish("; ".join(lines) or "no body with an OParl URL", failed)


# --- funding and housekeeping -----------------------------------------------------------------


def refresh_funding_checks() -> str:
    """The stored funding checks of every grant whose inputs or day changed."""
    from .funding import services

    count = services.refresh_checks()
    # One commit for the whole batch: the checks of one day belong together.
    db.session.commit()
    return f"{count} funding checks computed"


def forget_old_records() -> str:
    """Failed sign-ins that no longer lock anyone and rate-limit counts older than a day, API
    idempotency keys older than a day, uploaded import files older than two weeks,
    notifications older than a year, change history older than AUDIT_RETENTION_DAYS (where
    set), what lies in the recycle bin longer than 30 days, mails of the outbox older than
    OUTBOX_DAYS, and used or expired links to set a password."""
    from datetime import timedelta

    from sqlalchemy import delete

    from . import ratelimit, trash
    from .auth import services
    from .imports import services as imports
    from .models import AccessLink, OutboxMail
    from .models.base import utcnow
    from .reminders import notifications
    from .users import privacy

    throttles = services.forget_old_throttles() + ratelimit.forget_old()
    keys = services.forget_old_idempotency_keys()
    files = imports.purge()
    old_news = notifications.forget_old_activities()
    days = int(current_app.config.get("AUDIT_RETENTION_DAYS") or 0)
    entries = privacy.prune_audit(days)
    finished = queue.forget_finished()
    binned = trash.purge_expired()
    now = utcnow()
    outbox_days = int(current_app.config.get("OUTBOX_DAYS") or 30)
    mails = db.session.execute(
        delete(OutboxMail).where(OutboxMail.created_at < now - timedelta(days=outbox_days))
    ).rowcount
    links = db.session.execute(
        delete(AccessLink).where(
            (AccessLink.expires_at < now - timedelta(days=1)) | AccessLink.used_at.is_not(None)
        )
    ).rowcount
    db.session.commit()
    return (
        f"{throttles} old sign-in throttles, {keys} idempotency keys, {files} import files, "
        f"{old_news} old notifications and {entries} audit entries older than "
        f"{days or 'unlimited'} days removed; {finished} finished queue jobs forgotten; "
        f"{binned} records removed from the recycle bin, {mails} old mails of the outbox and "
        f"{links} used or expired password links"
    )


# --- the tasks of the queue (coop.queue), run by `flask worker` -------------------------------


def _recorded(job: str, action: Callable[[], str], actor: str | None = None) -> str:
    if actor:
        with acting_as(None, actor):
            summary = record_run(job, action)
    else:
        summary = record_run(job, action)
    log.info("%s: %s", job, summary)
    return summary


@task(REMINDERS)
def reminders_task() -> str:
    """The daily reminder e-mails."""
    return _recorded(REMINDERS, lambda: str(send_reminders()), "scheduler")


@task("oparl-sync")
def oparl_sync_task() -> str:
    """The daily read of the partners' council information systems: one job per body, so
    that several workers read several systems at once and one slow server holds up no other."""

    def queue_bodies() -> str:
        from .oparl import sync

        ids = [body.id for body in sync.bodies_to_sync()]
        for body_id in ids:
            queue.defer("oparl-sync-body", lock=f"oparl-sync-body-{body_id}", body_id=body_id)
        return f"{len(ids)} bodies queued to be read"

    return _recorded("oparl-sync", queue_bodies, "scheduler")


@task("oparl-sync-body")
def oparl_sync_body_task(body_id: int) -> str:
    """Read one body's council information system (the run is kept as its OParlSync)."""

    def read() -> str:
        body = db.session.get(Body, body_id)
        if body is None or not body.oparl_url:
            return "no OParl URL (any more)"
        run, summary = sync_body(body)
        return f"{body.name}: {'ok' if run.ok else 'failed'}, {summary}"

    return _recorded(f"oparl-sync-body-{body_id}", read, "scheduler")


@task("funding-checks")
def funding_checks_task() -> str:
    """Right after midnight: the stored funding checks of the new day (their conditions depend
    on the date), so the first funding page of the day need not compute thousands of them."""
    return _recorded("funding-checks", refresh_funding_checks)


@task("saved-searches")
def saved_searches_task() -> str:
    """After the sync: saved searches tell their owners of new matches."""
    return _recorded("saved-searches", notify_saved_searches, "scheduler")


@task("housekeeping")
def housekeeping_task() -> str:
    """Nightly: forget old failed sign-ins, idempotency keys, finished queue jobs."""
    return _recorded("housekeeping", forget_old_records)


@task("digests")
def digests_task() -> str:
    """Every morning: the e-mail digests of those who chose them."""
    return _recorded("digests", send_digests, "scheduler")


@task("import-check")
def import_check_task(job_id: int) -> None:
    """Check an uploaded file (a large one; a small one is checked in the request)."""
    from .imports import services as imports

    imports.run_job(job_id)


@task("import-store")
def import_store_task(job_id: int) -> None:
    """Store the confirmed rows of an import, continuing after the last stored batch."""
    from .imports import services as imports

    imports.run_job(job_id)


# --- what the scheduler does: put the day's tasks on the queue ---------------------------------


def _enqueue(name: str) -> None:
    app = _app or current_app._get_current_object()
    with app.app_context():
        # one waiting job per task: a scheduler that catches up does not queue it twice
        queue.defer(name, lock=name)
        db.session.remove()


def daily_reminders() -> None:
    """The daily reminder e-mails."""
    _enqueue(REMINDERS)


def oparl_sync() -> None:
    """The daily read of the partners' council information systems."""
    _enqueue("oparl-sync")


def funding_checks() -> None:
    """The stored funding checks of the new day."""
    _enqueue("funding-checks")


def saved_search_alerts() -> None:
    """Saved searches tell their owners of new matches."""
    _enqueue("saved-searches")


def housekeeping() -> None:
    """Forget what is old."""
    _enqueue("housekeeping")


def digests() -> None:
    """The e-mail digests."""
    _enqueue("digests")
