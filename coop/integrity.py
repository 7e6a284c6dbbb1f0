"""Every reference names a record that exists: find the rows that name one which is gone, and
repair them.

SQLite checked no foreign keys until coop asked it to on every connection (issue 26), so an
older SQLite database may hold such rows: a grant of a deleted initiative, a participant of a
deleted body. PostgreSQL always enforced its foreign keys; there the check finds nothing.

The foreign keys are read from the database, not from the models, so that a migration can
repair a database of its own revision with the same code as `flask db-integrity repair`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import (
    Connection,
    and_,
    column,
    delete,
    exists,
    func,
    inspect,
    select,
    table,
    update,
)

DELETE = "delete"
SET_NULL = "set null"

# A row of these tables names a record of its own: the stored file of a grant's paper or of a
# resolution. Deleting the row deletes the file with it (the models' cascades), and so does the
# repair, where nothing else names the record.
OWNS = {("grant_documents", "document_id"), ("resolutions", "document_id")}

SHOWN_KEYS = 20


class IntegrityProblem(RuntimeError):
    """The database still breaks a foreign key after a migration or a repair."""


@dataclass(frozen=True)
class Reference:
    """One foreign key as the database declares it."""

    table: str
    columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]
    on_delete: str  # CASCADE, SET NULL, RESTRICT or NO ACTION
    optional: bool  # every column may be NULL
    key: tuple[str, ...]  # the primary key of `table`, to name its rows

    @property
    def action(self) -> str:
        """What the repair does to a row that names a missing parent: what the database does
        when a parent goes (CASCADE: the row belongs to it; SET NULL); where the reference
        should have stopped the parent's delete (RESTRICT, NO ACTION), an optional reference is
        cleared, and a required one takes the row with it, which cannot be without it (a
        grant of a deleted initiative, a participant of a deleted body)."""
        if self.on_delete == "CASCADE":
            return DELETE
        if self.on_delete == "SET NULL" or self.optional:
            return SET_NULL
        return DELETE


@dataclass(frozen=True)
class Finding:
    """Rows of one table that name a missing record, and what the repair does (or did)."""

    table: str
    key: tuple[str, ...]  # the names of the primary key's columns
    keys: tuple[tuple, ...]  # the rows, by their primary key
    action: str
    columns: tuple[str, ...]
    why: str

    def __str__(self) -> str:
        n = len(self.keys)
        done = "deleted" if self.action == DELETE else f"{', '.join(self.columns)} set to NULL"
        shown = [_row(row) for row in self.keys[:SHOWN_KEYS] if row]
        more = ", …" if n > SHOWN_KEYS else ""
        ids = f" ({_row(self.key)} {', '.join(shown)}{more})" if shown else ""
        return f"{self.table}: {n} row{'s' if n != 1 else ''}{ids} {done}: {self.why}"


def _row(values: tuple) -> str:
    return str(values[0]) if len(values) == 1 else "(" + ", ".join(map(str, values)) + ")"


def references(connection: Connection) -> list[Reference]:
    """Every foreign key of the database, as declared there."""
    inspector = inspect(connection)
    tables = set(inspector.get_table_names())
    found = []
    for name in sorted(tables):
        foreign_keys = inspector.get_foreign_keys(name)
        if not foreign_keys:
            continue
        nullable = {c["name"]: c["nullable"] for c in inspector.get_columns(name)}
        key = tuple(inspector.get_pk_constraint(name)["constrained_columns"])
        for fk in foreign_keys:
            if fk["referred_table"] not in tables or not fk["referred_columns"]:
                continue  # names no table: PRAGMA foreign_key_check will tell
            columns = tuple(fk["constrained_columns"])
            found.append(
                Reference(
                    table=name,
                    columns=columns,
                    parent=fk["referred_table"],
                    parent_columns=tuple(fk["referred_columns"]),
                    on_delete=(fk.get("options", {}).get("ondelete") or "NO ACTION").upper(),
                    optional=all(nullable.get(c, True) for c in columns),
                    key=key,
                )
            )
    return found


def _orphans(ref: Reference, *more: str):
    """The table of `ref` (with the columns `more` besides its own) and the condition of its
    rows whose parent is missing (a reference with a NULL column names nothing, as in SQL's
    MATCH SIMPLE)."""
    names = dict.fromkeys((*ref.columns, *ref.key, *more))
    child = table(ref.table, *(column(c) for c in names))
    parent = table(ref.parent, *(column(c) for c in ref.parent_columns)).alias("parent_row")
    named = and_(*(child.c[c].is_not(None) for c in ref.columns))
    present = exists().where(
        *(parent.c[p] == child.c[c] for c, p in zip(ref.columns, ref.parent_columns, strict=True))
    )
    return child, and_(named, ~present)


def _keys(connection: Connection, ref: Reference) -> tuple[tuple, ...]:
    child, orphaned = _orphans(ref)
    if not ref.key:  # a table without a primary key: its rows can only be counted
        count = connection.scalar(select(func.count()).select_from(child).where(orphaned))
        return ((),) * (count or 0)
    cols = [child.c[c] for c in ref.key]
    rows = connection.execute(select(*cols).where(orphaned).order_by(*cols))
    return tuple(tuple(row) for row in rows)


def _finding(ref: Reference, keys: tuple[tuple, ...]) -> Finding:
    return Finding(
        table=ref.table,
        key=ref.key,
        keys=keys,
        action=ref.action,
        columns=ref.columns,
        why=f"{', '.join(ref.columns)} names a missing row of {ref.parent} "
        f"(ON DELETE {ref.on_delete}{', required' if not ref.optional else ''})",
    )


def check(connection: Connection) -> list[Finding]:
    """The rows that name a missing record now, and what the repair would do to them (it may
    then take their own parts with them: the tranches of a deleted grant). Reads only."""
    found = []
    for ref in references(connection):
        keys = _keys(connection, ref)
        if keys:
            found.append(_finding(ref, keys))
    return found


def repair(connection: Connection) -> list[Finding]:
    """Delete or clear, by the rule of `Reference.action`, every row that names a missing
    record, until none is left; the parts of a deleted row follow it. Returns what was done.
    Run it with SQLite's foreign keys off (`sqlite_foreign_keys_off`), so that every row it
    takes is reported rather than taken silently by a cascade; the caller commits."""
    refs = references(connection)
    done: list[Finding] = []
    owned: dict[tuple[str, str], set] = {}
    for _ in range(len(refs) + 1):
        changed = False
        for ref in refs:
            keys = _keys(connection, ref)
            if not keys:
                continue
            changed = True
            owns = [r for r in refs if r.table == ref.table and (r.table, *r.columns) in OWNS]
            child, orphaned = _orphans(ref, *(r.columns[0] for r in owns))
            if ref.action == DELETE:
                for r in owns:  # before the rows go: the records they own
                    named = child.c[r.columns[0]]
                    ids = connection.scalars(select(named).where(orphaned, named.is_not(None)))
                    owned.setdefault((r.parent, r.parent_columns[0]), set()).update(ids)
                connection.execute(delete(child).where(orphaned))
            else:
                connection.execute(
                    update(child).where(orphaned).values({c: None for c in ref.columns})
                )
            done.append(_finding(ref, keys))
        if not changed:
            break
    else:
        raise IntegrityProblem("the repair does not come to an end")
    done.extend(_delete_owned(connection, refs, owned))
    return done


def _delete_owned(connection, refs, owned) -> list[Finding]:
    """Delete the records that deleted rows owned, where nothing else names them."""
    done = []
    for (parent, key), ids in sorted(owned.items()):
        record = table(parent, column(key))
        unnamed = [
            ~exists().where(table(r.table, column(r.columns[0])).c[r.columns[0]] == record.c[key])
            for r in refs
            if r.parent == parent and r.parent_columns == (key,)
        ]
        ordered = sorted(ids)
        gone: list[tuple] = []
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            gone += [
                tuple(row)
                for row in connection.execute(
                    select(record.c[key]).where(record.c[key].in_(chunk), *unnamed)
                )
            ]
        for start in range(0, len(gone), 500):
            chunk = [i for (i,) in gone[start : start + 500]]
            connection.execute(delete(record).where(record.c[key].in_(chunk)))
        if gone:
            owners = " or ".join(sorted(o for o, _c in OWNS))
            why = f"owned by a deleted row of {owners}, named by nothing else"
            done.append(Finding(parent, (key,), tuple(sorted(gone)), DELETE, (key,), why))
    return done


def foreign_key_violations(connection: Connection) -> list[tuple]:
    """SQLite's own check of every foreign key: (table, rowid, parent, fkid) per broken
    reference; empty on other databases, which enforce their keys."""
    if connection.dialect.name != "sqlite":
        return []
    return [tuple(row) for row in connection.exec_driver_sql("PRAGMA foreign_key_check")]


def foreign_keys_enforced(connection: Connection) -> bool | None:
    """Whether SQLite enforces foreign keys on this connection; None on other databases."""
    if connection.dialect.name != "sqlite":
        return None
    return bool(connection.exec_driver_sql("PRAGMA foreign_keys").scalar())


@contextmanager
def sqlite_foreign_keys_off(connection: Connection) -> Iterator[None]:
    """Foreign keys off on this SQLite connection for the block, on again afterwards; nothing
    on other databases. SQLite changes the setting only outside a transaction: the block
    starts without one and must end without one (committed or rolled back)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    if connection.in_transaction():
        connection.commit()
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()
    try:
        yield
    finally:
        if connection.in_transaction():
            connection.rollback()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        enforced = foreign_keys_enforced(connection)
        connection.commit()
        if not enforced:  # never hand a connection without foreign keys back to the pool
            connection.invalidate()


def repair_database(connection: Connection) -> list[Finding]:
    """Repair in one transaction (SQLite's foreign keys off meanwhile), and commit only when
    SQLite's own check then finds nothing broken. Returns what was done."""
    with sqlite_foreign_keys_off(connection):
        with connection.begin():
            done = repair(connection)
            left = foreign_key_violations(connection)
            if left:
                raise IntegrityProblem(describe(violation_counts(left)))
    return done


def violation_counts(rows: list[tuple]) -> Counter:
    """PRAGMA foreign_key_check's rows counted per (table, missing parent's table)."""
    return Counter((t, p) for t, _rowid, p, _fkid in rows)


def describe(counts: Counter) -> str:
    """Broken references in a sentence: how many rows of which table name a missing row of
    which other table."""
    return "; ".join(
        f"{n} row(s) of {t} name a missing row of {p}" for (t, p), n in sorted(counts.items())
    )
