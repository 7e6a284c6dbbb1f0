"""Import jobs: an uploaded file is checked (preview), and the rows the person confirms are
stored. A small file is worked through in the request; a large one (more than
IMPORT_INLINE_ROWS rows) by a job of the queue (`coop.queue`, run by `flask worker`), which
writes its progress to the job record, so that every instance can show it; if its worker dies,
another one takes the job up again and goes on after the last stored batch.

This module commits, like `coop.jobs`: a background job's progress and each stored batch must
be visible to the other instances while the job runs. Nothing is stored before the person
confirms; confirming claims the job in one UPDATE, so a double click or a second instance
cannot store it twice."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from ..audit import acting_as
from ..auth import permissions
from ..errors import PermissionDenied
from ..extensions import db
from ..models import Body, ImportJob, ResolutionKind, Role, User
from ..models.base import utcnow
from . import plan as planning
from .reading import UnreadableFile, read_table

log = logging.getLogger("coop.imports")

BATCH = 200  # rows stored per transaction
STALE_AFTER = timedelta(minutes=10)  # a running job without progress for this long has died
KEEP = timedelta(days=14)  # finished jobs (and their files) are removed after this


def districts_for(actor: User) -> list[Body]:
    """The districts whose matrix `actor` may import: a coordinator's or an editor's own,
    every district for an administrator."""
    from ..bodies import services as bodies

    if actor.role == Role.ADMIN:
        return bodies.districts()
    own = permissions.coordinator_district_id(actor)
    body = db.session.get(Body, own) if own else None
    return [body] if body is not None else []


def start(
    kind: str,
    district: Body,
    actor: User,
    file_name: str,
    data: bytes,
    locale: str,
    *,
    store: bool = False,
) -> ImportJob:
    """Keep the file as a job and check it: at once when small, else in the background;
    `store` (the API without dry run) then stores the valid rows without a preview.
    UnreadableFile when it is no table (then nothing is kept)."""
    if kind not in planning.KINDS:
        raise ValueError(kind)
    allowed = {d.id for d in districts_for(actor)}
    if not permissions.can_import(actor, kind) or district.id not in allowed:
        raise PermissionDenied(_("Your role does not allow this."))
    table = read_table(file_name, data)
    job = ImportJob(
        kind=kind,
        district_id=district.id,
        user_id=actor.id,
        file_name=file_name[:255],
        content=data,
        state="checking",
        total=len(table.rows),
        result={"locale": locale, "dry_run": not store, "store": store},
    )
    db.session.add(job)
    db.session.commit()
    if job.total <= current_app.config.get("IMPORT_INLINE_ROWS", 500):
        _check(job, table)
    else:
        _background(job.id, "check")
    return job


def _locale(job: ImportJob) -> str:
    return (job.result or {}).get("locale") or "de"


def _check(job: ImportJob, table=None) -> None:
    with force_locale(_locale(job)):
        if table is None:
            table = read_table(job.file_name, job.content)
        actor = job.user

        def progress(done: int) -> None:
            job.done = done
            job.updated_at = utcnow()
            db.session.commit()

        result = planning.plan(job.kind, table, job.district, actor, progress)
    store = bool((job.result or {}).get("store"))
    job.result = {"locale": _locale(job), "dry_run": not store, "store": store, **result.as_dict()}
    job.done = job.total
    job.state = "checked"
    job.updated_at = utcnow()
    db.session.commit()
    if store and job.user is not None:
        confirm(job, job.user, inline=True)


# The kinds of decision a whole file may be stored as (a status report never decides).
FILE_KINDS = (
    ResolutionKind.BASIC_DECISION,
    ResolutionKind.ASSESSMENT_MANDATE,
    ResolutionKind.ACCESSION,
    ResolutionKind.FINANCING,
    ResolutionKind.OTHER,
)


def confirm(job: ImportJob, actor: User, *, inline: bool = False, kind: str | None = None) -> bool:
    """Store the valid rows of a checked job, once: False when it was already claimed. `kind`:
    the kind of decision every new resolution of the file is stored as (the preview's choice;
    a basic decision by default)."""
    if job.user_id != actor.id:
        raise PermissionDenied(_("Your role does not allow this."))
    if kind in {k.value for k in FILE_KINDS} and job.state == "checked":
        result = dict(job.result or {})
        result["actions"] = [
            {**a, "data": {**a["data"], "kind": kind}} if a.get("op") == "create_resolution" else a
            for a in result.get("actions", [])
        ]
        job.result = result
        db.session.flush()
    claimed = db.session.execute(
        update(ImportJob)
        .where(ImportJob.id == job.id, ImportJob.state == "checked")
        .values(state="storing", done=0, updated_at=utcnow())
    ).rowcount
    db.session.commit()
    if not claimed:
        return False
    db.session.refresh(job)
    if inline or job.valid_rows_count() <= current_app.config.get("IMPORT_INLINE_ROWS", 500):
        _store(job)
    else:
        _background(job.id, "store")
    return True


def _store(job: ImportJob, *, resume: bool = False) -> None:
    actions = list(job.result.get("actions", []))
    rows = sorted({a["row"] for a in actions})
    # Taken up again after its worker died: the batches before `done` are stored, and their
    # counts and problems were committed with them (job.progress).
    first = (job.done or 0) if resume else 0
    progress = dict(job.progress or {}) if first else {}
    stored_rows = int(progress.get("stored_rows", 0))
    stored_actions = int(progress.get("stored_actions", 0))
    problems: list[dict] = list(progress.get("problems", []))
    problems_total = int(progress.get("problems_total", 0))
    actor = job.user
    with (
        force_locale(_locale(job)),
        acting_as(actor.id if actor else None, f"{actor.email if actor else 'system'} (Import)"),
    ):
        for start in range(first - first % BATCH, len(rows), BATCH):
            batch = set(rows[start : start + BATCH])
            done, failed = planning.apply([a for a in actions if a["row"] in batch], actor)
            stored_rows += len({a["row"] for a in done})
            stored_actions += len(done)
            problems_total += len(failed)
            problems.extend(asdict(f) for f in failed[: planning.SHOWN + 1 - len(problems)])
            job.done = min(len(rows), start + BATCH)
            job.updated_at = utcnow()
            job.progress = {
                "stored_rows": stored_rows,
                "stored_actions": stored_actions,
                "problems": problems,
                "problems_total": problems_total,
            }
            # Each batch is kept with its progress: a job that dies keeps what it stored, and
            # the worker that takes it up again goes on with the next batch.
            db.session.commit()
    result = dict(job.result)
    result["stored_rows"] = stored_rows
    result["stored_actions"] = stored_actions
    result["store_problems"] = problems[: planning.SHOWN]
    result["store_problems_total"] = problems_total
    if problems_total > planning.SHOWN:
        result["store_problems_more_from"] = problems[planning.SHOWN]["row"]
    job.result = result
    job.state = "stored"
    job.updated_at = utcnow()
    db.session.commit()


def _background(job_id: int, phase: str) -> None:
    """Put the phase on the job queue: a `flask worker` process runs it (coop.jobs)."""
    from .. import queue

    queue.defer(f"import-{phase}", lock=f"import-{job_id}", job_id=job_id)


def run_job(job_id: int) -> None:
    """Check or store a job, as its state says, in a worker. Run again after its worker died,
    storing goes on after the last batch it kept (whose progress was committed with it), so
    each row is stored once; checking stores nothing and starts again."""
    db.session().expire_on_commit = False  # thousands of rows, committed as they go
    job = db.session.get(ImportJob, job_id)
    if job is None:
        return  # discarded meanwhile
    try:
        # by the job's state: a check that stores at once (the API without dry run) is taken
        # up again while storing
        if job.state == "checking":
            _check(job)
        elif job.state == "storing":
            _store(job, resume=True)
    except Exception:
        log.exception("import job %s failed", job_id)
        db.session.rollback()
        db.session.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id)
            .values(state="failed", updated_at=utcnow())
        )
        db.session.commit()


def problems(job: ImportJob, key: str = "problems") -> list[dict]:
    """The problems the job kept under `key` ("problems" of the check, "store_problems" of
    storing), with a last line counting those left out."""
    return planning.listed(job.result or {}, key)


def stalled(job: ImportJob) -> bool:
    """Running, but without progress for STALE_AFTER: its process has ended."""
    return job.state in ("checking", "storing") and utcnow() - job.updated_at > STALE_AFTER


def load(job_id: int, actor: User) -> ImportJob | None:
    """The person's own job (an import is nobody else's business), or None."""
    # read afresh: a background job (possibly of another instance) moves it on meanwhile
    job = db.session.get(ImportJob, job_id, populate_existing=True)
    if job is None or job.user_id != actor.id:
        return None
    return job


def recent(actor: User, limit: int = 10) -> list[ImportJob]:
    """The person's latest imports, newest first."""
    return list(
        db.session.scalars(
            select(ImportJob)
            .where(ImportJob.user_id == actor.id)
            .order_by(ImportJob.created_at.desc(), ImportJob.id.desc())
            .limit(limit)
        )
    )


def discard(job: ImportJob) -> bool:
    """Throw a job and its file away, unless it is still being worked on (then False);
    nothing hangs on a job (flushes)."""
    if job.state not in ("checked", "stored", "failed") and not stalled(job):
        return False
    db.session.delete(job)
    db.session.flush()
    return True


def purge() -> int:
    """Remove jobs (and their files) older than KEEP."""
    return db.session.execute(
        delete(ImportJob).where(ImportJob.created_at < utcnow() - KEEP)
    ).rowcount


__all__ = [
    "UnreadableFile",
    "confirm",
    "discard",
    "districts_for",
    "load",
    "problems",
    "purge",
    "recent",
    "stalled",
    "start",
]
