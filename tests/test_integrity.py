"""Integrity on the embedded database as on PostgreSQL (issue 26): every connection enforces
foreign keys, ids are never given out twice, and `flask db-integrity` finds and repairs rows
that name a record which is gone."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import Enum, Integer, delete, insert, select, text
from sqlalchemy.exc import IntegrityError

import coop.models  # noqa: F401  (every table in the metadata)
from coop import create_app, jobs
from coop.audit import acting_as
from coop.extensions import db
from coop.funding import services as funding
from coop.models import Body, Document, Grant, Resolution, Tranche, TrancheState, User
from coop.resolutions import services as resolutions
from coop.resolutions.documents import store_pdf
from coop.resolutions.schemas import ResolutionRecord
from tests import factories

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "6a1f3c2d9e01"  # the last revision before issue 26

# The tables whose rows have an integer id of their own: it leaves the database (URLs, API,
# OParl, audit trail, mails), so none may come back.
ID_TABLES = sorted(
    t.name
    for t in db.metadata.sorted_tables
    if len(t.primary_key.columns) == 1
    and isinstance(next(iter(t.primary_key.columns)).type, Integer)
    and not next(iter(t.primary_key.columns)).foreign_keys
)

# --- rows of any table, built from the metadata -------------------------------------------------

_numbers = itertools.count(1)


def _value(column, n: int):
    kind = getattr(column.type, "impl_instance", column.type)  # what a TypeDecorator stores
    if isinstance(kind, Enum):
        return next(iter(kind.enum_class)) if kind.enum_class else kind.enums[0]
    python = kind.python_type
    if python is str:
        return f"r{n}"[: kind.length] if getattr(kind, "length", None) else f"r{n}"
    if python is datetime:
        return datetime.now(UTC)
    return {
        int: 1,  # within every range the CHECKs allow (horizon 1..50, counts >= 0 …)
        Decimal: Decimal("0.5"),  # a rate is a fraction; an amount above zero
        bool: False,
        date: date(2024, 1, 1),
        object: {},  # JSON
        bytes: b"x",
        float: 0.5,
    }[python]


# What a table's CHECKs need beyond its required columns.
NEEDS = {
    "cost_lines": {"amount": lambda c: Decimal("1")},
    "follows": {"initiative_id": lambda c: _row(c, "initiatives")},
}

# A follow follows one thing: the grant alone when the grant is the one tried.
ALONE = {("follows", "grant_id"): {"initiative_id": None}}


def _row(connection, name: str, **values) -> int:
    """Insert a row of `name` with its required columns (and a new parent for each required
    reference); return its id."""
    table = db.metadata.tables[name]
    n = next(_numbers)
    row = {k: f(connection) for k, f in NEEDS.get(name, {}).items()} | values
    for column in table.columns:
        if column.name in row or column.nullable:
            continue
        if column.primary_key and not column.foreign_keys:  # the id: the database gives it
            continue
        if column.default is not None or column.server_default is not None:
            continue
        parent = next(iter(column.foreign_keys), None)
        if parent is not None:
            row[column.name] = _row(connection, parent.column.table.name)
        else:
            row[column.name] = _value(column, n)
    return connection.execute(insert(table).values(row)).inserted_primary_key[0]


def _sqlite(app) -> bool:
    return db.engine.dialect.name == "sqlite"


# --- ids ----------------------------------------------------------------------------------------


def test_a_deleted_newest_row_does_not_give_its_id_to_the_next(app):
    came_back = []
    for name in ID_TABLES:
        if name == "data_generation":
            continue  # one row, id 1, never deleted (coop/cache.py)
        table = db.metadata.tables[name]
        with db.engine.begin() as connection:
            deleted = _row(connection, name)
        with db.engine.begin() as connection:
            connection.execute(delete(table).where(table.c.id == deleted))
        with db.engine.begin() as connection:
            new = _row(connection, name)
            connection.execute(delete(table).where(table.c.id == new))
        if new <= deleted:
            came_back.append(f"{name}: {deleted} given out again as {new}")
    assert not came_back, came_back


def test_the_database_keeps_count_of_every_id_given_out(app):
    if _sqlite(app):
        ddl = dict(db.session.execute(text("SELECT name, sql FROM sqlite_master")).all())
        plain = [name for name in ID_TABLES if "AUTOINCREMENT" not in ddl[name]]
    else:  # a sequence per id column; it never goes back
        plain = [
            name
            for name in ID_TABLES
            if db.session.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": name})
            is None
        ]
    assert plain == []


def test_the_resolution_of_another_body_never_gets_a_deleted_resolutions_id(seed, ini):
    """The case of the demo: OParl's agendaitem/<id> named another body's resolution."""
    with acting_as(None, "test"):
        first = factories.resolution(ini, seed.bodies["brakel"])
        db.session.commit()
        gone = first.id
        resolutions.delete_resolution(first)
        db.session.commit()
        other = factories.resolution(ini, seed.bodies["nieheim"])
        db.session.commit()
    assert other.id > gone


# --- foreign keys -------------------------------------------------------------------------------


def _enforced() -> int:
    return db.session.execute(text("PRAGMA foreign_keys")).scalar()


def test_every_sqlite_connection_enforces_foreign_keys(sqlite_app, sqlite_url):
    assert _enforced() == 1  # the connection the migrations used went back with them on
    db.session.remove()
    db.engine.dispose()
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=sqlite_url)
    with other.app_context():
        assert _enforced() == 1
        db.session.remove()
        db.engine.dispose()


def test_a_job_in_its_own_thread_and_app_enforces_foreign_keys(sqlite_app, sqlite_url):
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=sqlite_url)
    summaries = []

    def worker():  # as the scheduler runs a job: another thread, the app it was bound to
        with other.app_context():
            summaries.append(jobs.record_run("foreign-keys", lambda: str(_enforced())))
            db.session.remove()
            db.engine.dispose()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert summaries == ["1"]


def test_the_flask_command_line_enforces_foreign_keys(sqlite_app, sqlite_url):
    env = {**os.environ, "COOP_ENV": "testing", "DATABASE_URL": sqlite_url}
    env.pop("FLASK_APP", None)
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db-integrity", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SQLite enforces foreign keys on this connection: yes" in result.stdout


def test_a_reference_to_a_missing_record_is_refused(app):
    accepted = []
    references = [
        (table.name, column.name)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if column.foreign_keys
    ]
    assert len(references) > 40
    for name, column in references:
        values = {column: 2_000_000_000, **ALONE.get((name, column), {})}
        with db.engine.connect() as connection:
            try:
                _row(connection, name, **values)
            except IntegrityError as exc:
                assert "foreign key" in str(exc.orig).lower(), exc.orig
            else:
                accepted.append(f"{name}.{column}")
            connection.rollback()
    assert accepted == []


# --- check and repair ---------------------------------------------------------------------------


def test_a_clean_database_has_nothing_to_check_or_repair(app, seed, ini, nrw):
    with acting_as(None, "test"):
        factories.grant(ini, nrw)
        factories.resolution(ini, seed.bodies["brakel"])
        db.session.commit()
    runner = app.test_cli_runner()
    check = runner.invoke(args=["db-integrity", "check"])
    assert check.exit_code == 0, check.output
    assert "No broken references." in check.output
    repair = runner.invoke(args=["db-integrity", "repair"])
    assert repair.exit_code == 0, repair.output
    assert "No broken references." in repair.output
    assert ("enforces foreign keys" in check.output) == _sqlite(app)


def _file(seed, ini, nrw) -> dict:
    """A grant with a tranche and a paper, a resolution with its paper, an account bound to
    Dataport: what a deleted initiative and a deleted body leave behind."""
    with acting_as(None, "test"):
        grant = factories.grant(ini, nrw)
        grant.tranches.append(
            Tranche(due_on=date(2022, 9, 1), amount=Decimal("45000"), state=TrancheState.PLANNED)
        )
        item = funding.add_document(
            grant, "Bescheid", store_pdf("b.pdf", factories.PDF), actor=None
        )
        resolution = resolutions.create_resolution(
            ini,
            ResolutionRecord.model_validate(
                {
                    "body_id": seed.bodies["brakel"].id,
                    "organ": "Rat",
                    "kind": "basic_decision",
                    "session_date": "2022-02-23",
                    "outcome": "adopted",
                }
            ),
            actor=None,
            document=store_pdf("r.pdf", factories.PDF),
        )
        viewer = seed.users["viewer"]
        viewer.body_id = seed.bodies["dataport"].id
        db.session.commit()
        return {
            "grant": grant.id,
            "tranche": grant.tranches[0].id,
            "papers": {item.document_id, resolution.document_id},
            "resolution": resolution.id,
            "viewer": viewer.id,
        }


def _delete_unchecked(*statements: tuple[str, dict]) -> None:
    """Delete as coop did before issue 26: SQLite checking no foreign key."""
    db.session.remove()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        for sql, params in statements:
            connection.execute(text(sql), params)
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_repair_deletes_what_belonged_to_a_gone_record_and_clears_optional_references(
    app, seed, ini, nrw
):
    made = _file(seed, ini, nrw)
    _delete_unchecked(
        ("DELETE FROM initiatives WHERE id = :id", {"id": ini.id}),
        ("DELETE FROM bodies WHERE id = :id", {"id": seed.bodies["dataport"].id}),
    )
    runner = app.test_cli_runner()

    check = runner.invoke(args=["db-integrity", "check"])
    assert check.exit_code == 1, check.output
    assert f"grants: 1 row (id {made['grant']}) deleted: initiative_id names a missing" in (
        check.output
    )
    assert f"users: 1 row (id {made['viewer']}) body_id set to NULL" in check.output

    repair = runner.invoke(args=["db-integrity", "repair"])
    assert repair.exit_code == 0, repair.output
    for line in (
        f"grants: 1 row (id {made['grant']}) deleted",
        f"grant_tranches: 1 row (id {made['tranche']}) deleted",
        "grant_documents: 1 row",
        f"resolutions: 1 row (id {made['resolution']}) deleted",
        "initiative_participants: 4 rows",
        "milestones: 1 row",
        "documents: 2 rows",
        f"users: 1 row (id {made['viewer']}) body_id set to NULL",
    ):
        assert line in repair.output, repair.output

    assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
    assert db.session.get(Grant, made["grant"]) is None
    assert db.session.get(Resolution, made["resolution"]) is None
    assert (
        db.session.scalars(select(Document.id).where(Document.id.in_(made["papers"]))).all() == []
    )
    assert db.session.get(User, made["viewer"]).body_id is None
    again = runner.invoke(args=["db-integrity", "check"])
    assert again.exit_code == 0 and "No broken references." in again.output


# --- the migration of an existing database ------------------------------------------------------


def test_upgrading_an_existing_sqlite_database_repairs_it_and_keeps_ids_given_out(tmp_path):
    url = f"sqlite:///{tmp_path}/existing.sqlite"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(revision=BEFORE)
        with acting_as(None, "test"):
            seed = factories.make_seed()
            ini = factories.initiative(seed)
            program = factories.program()
            db.session.commit()
            grant = factories.grant(ini, program)
            newest = factories.resolution(ini, seed.bodies["brakel"])
            db.session.commit()
            grant_id, deleted = grant.id, newest.id
            bodies = {key: body.id for key, body in seed.bodies.items()}
            # the newest: its id would come back (deleted without the recycle bin, which this
            # old schema does not have)
            db.session.delete(newest)
            db.session.commit()
        _delete_unchecked(("DELETE FROM initiatives WHERE id = :id", {"id": ini.id}))

        upgrade()

        assert _enforced() == 1  # the connection of the migrations went back with them on
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
        assert db.session.get(Grant, grant_id) is None
        ddl = db.session.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'resolutions'"))
        assert "AUTOINCREMENT" in ddl
        seed.bodies = {key: db.session.get(Body, id_) for key, id_ in bodies.items()}
        with acting_as(None, "test"):
            other = factories.initiative(seed, title="Gemeinsamer Bauhof")
            again = factories.resolution(other, seed.bodies["nieheim"])
            db.session.commit()
        assert again.id > deleted
        # the search keeps its full-text index in step after the rebuild (its triggers)
        triggers = db.session.scalars(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        ).all()
        assert triggers == ["search_entries_ad", "search_entries_ai", "search_entries_au"]

        downgrade(revision=BEFORE)
        ddl = db.session.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'resolutions'"))
        assert "AUTOINCREMENT" not in ddl
        upgrade()
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
        db.session.remove()
        db.engine.dispose()
