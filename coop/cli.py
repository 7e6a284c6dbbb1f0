"""flask commands: `flask --app wsgi <group> <command>`."""

from __future__ import annotations

import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from . import audit
from .errors import ServiceError
from .extensions import db

bodies_cli = AppGroup("bodies", help="The partner registry.")
users_cli = AppGroup("users", help="Accounts.")
tokens_cli = AppGroup("tokens", help="API tokens.")
demo_cli = AppGroup("demo", help="Demo data.")
reminders_cli = AppGroup("reminders", help="Deadline and session reminders by e-mail.")
oparl_cli = AppGroup("oparl", help="The partners' council information systems (OParl).")


def _fail(exc: ServiceError):
    db.session.rollback()
    details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
    raise click.ClickException(f"{exc.message} {details}".strip())


@bodies_cli.command("import-gv100ad")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--district",
    "districts",
    multiple=True,
    metavar="KEY",
    help="Only this district (5-digit key, e.g. 05762); repeatable.",
)
def import_gv100ad(path: str, districts: tuple[str, ...]):
    """Import districts, collective municipalities and municipalities from a GV100AD file."""
    from .bodies import gv100ad

    for key in districts:
        if not (len(key) == 5 and key.isdigit()):
            raise click.BadParameter(
                f"{key!r} is not a 5-digit district key", param_hint="--district"
            )
    started = time.perf_counter()
    summary = gv100ad.Summary()
    records = gv100ad.read(path, districts, summary.skipped)
    with audit.acting_as(None, "import GV100AD (CLI)"):
        with click.progressbar(length=len(records), label="Importing", file=None) as bar:
            gv100ad.import_records(records, summary, progress=bar.update)
        db.session.commit()
    click.echo(f"{summary} in {time.perf_counter() - started:.1f} s")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "coordinator", "partner_editor", "funding_officer", "viewer"]),
)
@click.option(
    "--password",
    required=True,
    help="At least 12 characters, hard to guess, not the e-mail address.",
)
@click.option("--name", default="")
@click.option("--body-ags", default=None, help="AGS of the body the account is bound to.")
def create_user(email, role, password, name, body_ags):
    """Create an account."""
    from flask_babel import gettext as _
    from sqlalchemy import select

    from .commands import bind
    from .errors import ValidationError
    from .models import Body
    from .users import services
    from .users.schemas import UserCreate

    body_id = None
    if body_ags:
        body = db.session.scalar(select(Body).where(Body.ags == body_ags))
        if body is None:
            raise click.ClickException(f"No body with AGS {body_ags}.")
        body_id = body.id
    with audit.acting_as(None, "CLI"):
        try:
            command, errors = bind(
                UserCreate,
                {"email": email, "role": role, "password": password, "name": name},
            )
            if errors:
                raise ValidationError(_("Please correct the marked fields."), errors)
            command.body_id = body_id
            user = services.create_user(command, actor=None)
        except ServiceError as exc:
            _fail(exc)
        db.session.commit()
    click.echo(f"Created {user.email} ({user.role.value}).")


@users_cli.command("list")
def list_users():
    """List accounts: e-mail, role, body, active."""
    from sqlalchemy import select

    from .models import User

    for user in db.session.scalars(select(User).order_by(User.email)):
        body = user.body.name if user.body else "-"
        click.echo(
            f"{user.email}\t{user.role.value}\t{body}\t{'active' if user.active else 'inactive'}"
        )


@tokens_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", default="cli", help="A label to tell the token apart.")
def create_token(email, name):
    """Create an API token for an account; prints the secret alone on the last line."""
    from .auth import services
    from .auth.services import find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account {email}.")
    with audit.acting_as(None, "CLI"):
        _token, secret = services.issue_token(user, name)
        db.session.commit()
    click.echo(f"Token for {user.email} (shown once, store it safely):")
    click.echo(secret)


@tokens_cli.command("revoke")
@click.argument("prefix")
def revoke_token(prefix):
    """Revoke every unrevoked token whose secret starts with PREFIX (at least 10 characters)."""
    from sqlalchemy import select

    from .auth import services
    from .models import ApiToken

    if len(prefix) < 10:
        raise click.BadParameter("give at least the first 10 characters", param_hint="PREFIX")
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.prefix == prefix[:10])).all()
    with audit.acting_as(None, "CLI"):
        for token in tokens:
            services.revoke_token(token)
        db.session.commit()
    click.echo(f"Revoked {len(tokens)} token(s).")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Only when the registry has no bodies yet.")
def load_demo(if_empty: bool):
    """Load the demo districts, municipalities and one account per role; print the logins."""
    from . import demo

    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("Refusing to load demo accounts in production.")
    if if_empty and not demo.is_empty():
        click.echo("Database not empty: demo data not loaded.")
    else:
        with audit.acting_as(None, "demo loader"):
            summary = demo.load()
            db.session.commit()
        click.echo(f"Demo data: {summary}")
    click.echo("Demo accounts (role, e-mail, password):")
    for role, email, password in demo.credentials():
        click.echo(f"  {role:16} {email:40} {password}")


@demo_cli.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask.")
def reset_demo(yes: bool):
    """Put the demo back as on the first start: the SQLite database of `make run` is made anew
    (every change, account and mail in it is gone), migrated and loaded with the demo."""
    from pathlib import Path

    from flask_migrate import upgrade

    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("Refusing to reset in production.")
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise click.ClickException(
            "Only the demo's SQLite database is reset; this one is "
            f"{url.get_backend_name()}. Empty it yourself if you mean to."
        )
    if not yes:
        click.confirm(f"Delete {url.database} and load the demo again?", abort=True)
    db.session.remove()
    db.engine.dispose()
    Path(url.database).unlink(missing_ok=True)
    upgrade()
    ctx = click.get_current_context()
    ctx.invoke(load_demo, if_empty=False)


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="Only show who would get what; send nothing.")
@click.option(
    "--date",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Run as if today were this day (YYYY-MM-DD).",
)
def send_reminders(dry_run: bool, on):
    """Send today's reminders; each goes to each person once, however often this runs."""
    from . import jobs, mail

    day = on.date() if on else None
    try:
        if dry_run:
            summary = jobs.send_reminders(day, dry_run=True)
        else:
            with audit.acting_as(None, "reminders (CLI)"):
                text = jobs.record_run("reminders-cli", lambda: str(jobs.send_reminders(day)))
            click.echo(text)
            return
    except mail.MailNotConfigured:
        raise click.ClickException(
            "MAIL_SERVER is not set. Set MAIL_SERVER (and MAIL_PORT, MAIL_FROM) or use --dry-run."
        ) from None
    for line in summary.lines:
        click.echo(f"  {line}")
    click.echo(f"Dry run: {summary}; nothing sent.")


@click.command("scheduler")
@with_appcontext
@click.option("--run-now", is_flag=True, help="Also run the reminders once right after start.")
def run_scheduler(run_now: bool):
    """Run the one scheduler process (daily reminders). A second one waits for the lock."""
    from . import scheduler

    scheduler.run(
        current_app._get_current_object(),
        run_now=run_now,
        on_message=lambda m: click.echo(m, err=True),
    )


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="Stop when no job is waiting (else run until stopped).")
@click.option(
    "--concurrency", type=int, default=None, help="Jobs at once (default QUEUE_CONCURRENCY)."
)
def run_worker(burst: bool, concurrency: int | None):
    """Run jobs of the queue: imports, council system reads, e-mails. Start one or more per
    machine; they share the queue in the database."""
    from . import jobs, queue

    if jobs.REMINDERS not in queue.TASKS:  # importing coop.jobs registers the tasks
        raise click.ClickException("The tasks of coop.jobs are not registered.")
    app = current_app._get_current_object()
    click.echo("Worker started; waiting for jobs …", err=True)
    queue.work(app, burst=burst, concurrency=concurrency or app.config["QUEUE_CONCURRENCY"])


@oparl_cli.command("parse-result")
@click.argument("text")
def parse_result(text: str):
    """What the parser makes of a council's free-text result, as JSON."""
    import json

    from .oparl.results import parse_result as parse

    click.echo(json.dumps(parse(text).as_dict(), ensure_ascii=False))


@oparl_cli.command("sync")
@click.option("--body", "body_id", type=int, default=None, help="Only this body (its id).")
@click.option("--full", is_flag=True, help="Read everything again, not only what changed.")
def oparl_sync(body_id, full):
    """Read the council information systems of the bodies with an OParl URL; propose
    resolutions for the initiatives' papers."""
    from . import jobs
    from .oparl import sync

    bodies = sync.bodies_to_sync(body_id)
    if not bodies:
        raise click.ClickException(
            "No body with an OParl URL" + (f" and id {body_id}." if body_id else ".")
        )
    failed = False
    for body in bodies:
        click.echo(f"{body.name}: {body.oparl_url}")
        with click.progressbar(length=0, label="  reading", file=None, show_pos=True) as bar:

            def progress(_list: str, n: int) -> None:
                bar.length = (bar.length or 0) + n
                bar.update(n)

            with audit.acting_as(None, "OParl sync (CLI)"):
                run, summary = jobs.sync_body(body, full=full, progress=progress)
        click.echo(f"  {summary}")
        for where, why in summary.skipped[:20]:
            click.echo(f"  skipped: {where}: {why}")
        if len(summary.skipped) > 20:
            click.echo(f"  … and {len(summary.skipped) - 20} more skipped")
        failed = failed or not run.ok
    if failed:
        raise SystemExit(1)


funding_cli = AppGroup("funding", help="Funding programmes and grants.")


@funding_cli.command("refresh-checks")
def refresh_checks():
    """Compute the stored funding check of every grant whose inputs or day changed."""
    from . import jobs

    click.echo(jobs.refresh_funding_checks() + ".")


search_cli = AppGroup("search", help="The search across papers, initiatives and resolutions.")


@search_cli.command("reindex")
def search_reindex():
    """Build the search index again from every initiative, resolution and synced paper."""
    from .search import services as search

    written = search.reindex_all()
    db.session.commit()
    click.echo(f"{written} entries indexed.")


@search_cli.command("alerts")
def search_alerts():
    """Tell the owners of saved searches of new matches now (the scheduler does it daily)."""
    from . import jobs

    click.echo(jobs.notify_saved_searches() + ".")


bench_cli = AppGroup("bench", help="Data and measurements at scale.")


@bench_cli.command("seed")
@click.option(
    "--scale",
    type=click.Choice(["national", "district"]),
    default="district",
    show_default=True,
    help="national: whole directory, 8,000 initiatives; district: a small set of that shape.",
)
def bench_seed(scale: str):
    """Fill an empty, migrated database with data at scale and print the counts."""
    from .demo import scale as scaled

    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("Refusing to load benchmark data in production.")
    if not scaled.is_empty():
        raise click.ClickException("The database already holds initiatives; use an empty one.")
    with audit.acting_as(None, "bench seed"):
        counts = scaled.seed(scale, log=click.echo)
    for line in counts.lines():
        click.echo(line)


integrity_cli = AppGroup(
    "db-integrity", help="Every reference names a record that exists (SQLite did not check)."
)


def _enforcement(connection) -> None:
    from . import integrity

    enforced = integrity.foreign_keys_enforced(connection)
    if enforced is not None:
        click.echo(
            f"SQLite enforces foreign keys on this connection: {'yes' if enforced else 'NO'}"
        )


@integrity_cli.command("check")
def integrity_check():
    """List the rows that name a record which is gone and what `repair` would do with them;
    exit with 1 if there are any. Changes nothing."""
    from . import integrity

    with db.engine.connect() as connection:
        _enforcement(connection)
        found = integrity.check(connection)
        left = integrity.foreign_key_violations(connection)
    for finding in found:
        click.echo(f"  {finding}")
    if left and not found:  # keys the check cannot follow (to a table that is gone)
        click.echo(f"  {integrity.describe(integrity.violation_counts(left))}")
    if found or left:
        click.echo("Broken references; `flask db-integrity repair` repairs them.")
        raise SystemExit(1)
    click.echo("No broken references.")


@integrity_cli.command("repair")
def integrity_repair():
    """Repair the rows that name a record which is gone: delete those that belong to it or
    cannot be without it (with their own parts), clear optional references; print each."""
    from . import integrity

    with db.engine.connect() as connection:
        try:
            done = integrity.repair_database(connection)
        except integrity.IntegrityProblem as exc:
            raise click.ClickException(f"Nothing repaired: {exc}") from None
        _enforcement(connection)
    for finding in done:
        click.echo(f"  {finding}")
    click.echo(
        f"Repaired {len(done)} kind(s) of broken reference." if done else "No broken references."
    )


def init_cli(app: Flask) -> None:
    """Register the `flask` command groups."""
    groups = (
        bodies_cli,
        users_cli,
        tokens_cli,
        demo_cli,
        reminders_cli,
        oparl_cli,
        bench_cli,
        funding_cli,
        search_cli,
        integrity_cli,
    )
    for group in (*groups, run_scheduler, run_worker):
        app.cli.add_command(group)
