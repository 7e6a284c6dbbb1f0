"""Flask extensions, unbound; `create_app()` initialises them."""

import sqlite3

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Integer, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapper

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


@event.listens_for(db.Model, "instrument_class", propagate=True)
def _ids_never_come_back(mapper: Mapper, _class: type) -> None:
    """Every table with an integer surrogate id is AUTOINCREMENT on SQLite.

    Ids leave the database: in URLs, the API, OParl, the audit trail, mails. Without
    AUTOINCREMENT SQLite hands the id of a deleted newest row to the next one, so an old link
    would name another record (PostgreSQL's sequences never go back). Set here, once for every
    model, rather than in each model's `__table_args__`.
    """
    table = mapper.local_table
    key = list(table.primary_key.columns)
    if len(key) == 1 and isinstance(key[0].type, Integer) and not key[0].foreign_keys:
        table.dialect_kwargs["sqlite_autoincrement"] = True


def _foreign_keys_on(dbapi_connection, _connection_record) -> None:
    # SQLite checks foreign keys only when each connection asks, outside a transaction;
    # a new connection is in none yet.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def enforce_sqlite_foreign_keys() -> None:
    """Make every SQLite connection of this process enforce foreign keys, as PostgreSQL does
    (web, CLI, scheduler, jobs and tests all start with `create_app()`, which calls this).
    Registered once however many apps are made; other databases are left alone."""
    if not event.contains(Engine, "connect", _foreign_keys_on):
        event.listen(Engine, "connect", _foreign_keys_on)
