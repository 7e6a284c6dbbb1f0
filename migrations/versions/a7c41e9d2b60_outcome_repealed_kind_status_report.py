"""a council may repeal its decision (outcome 'repealed'); a paper may be a status report
(kind 'status_report', Sachstandsbericht), which is taken note of and never decides

Revision ID: a7c41e9d2b60
Revises: 8f3a6c2e1b47
Create Date: 2026-12-07 22:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c41e9d2b60"
down_revision = "8f3a6c2e1b47"
branch_labels = None
depends_on = None

OUTCOMES = (
    "scheduled",
    "adopted",
    "adopted_amended",
    "rejected",
    "deferred",
    "withdrawn",
    "noted",
    "referred",
)
KINDS = ("assessment_mandate", "basic_decision", "accession", "financing", "other")
# column -> (its CHECK's name part, the tables that have it)
CHECKS = {
    "outcome": ("outcome", ("resolutions", "proposals", "result_readings")),
    "kind": ("resolutionkind", ("resolutions", "proposals")),
}


def _allow(column: str, values) -> None:
    """The column stays VARCHAR(40); only its CHECK of the allowed codes changes. On SQLite
    the table is rebuilt: it keeps AUTOINCREMENT, the largest id it gave out (revision
    8f3a6c2e1b47: ids never come back) and its triggers."""
    bind = op.get_bind()
    part, tables = CHECKS[column]
    for table in tables:
        triggers, given_out = [], None
        if bind.dialect.name == "sqlite":
            given_out = bind.execute(
                sa.text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": table}
            ).scalar()
            triggers = (
                bind.execute(
                    sa.text(
                        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"
                    ),
                    {"t": table},
                )
                .scalars()
                .all()
            )
        kwargs = {"table_kwargs": {"sqlite_autoincrement": True}}
        with op.batch_alter_table(table, **kwargs) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_{part}"), type_="check")
        with op.batch_alter_table(table, **kwargs) as batch:
            batch.create_check_constraint(op.f(f"ck_{table}_{part}"), sa.column(column).in_(values))
        for sql in triggers:
            op.execute(sql)
        if given_out is not None:
            # the rebuilt table counts on from its largest id; a deleted newest id would return
            done = bind.execute(
                sa.text("UPDATE sqlite_sequence SET seq = max(seq, :n) WHERE name = :t"),
                {"n": given_out, "t": table},
            ).rowcount
            if not done:
                bind.execute(
                    sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :n)"),
                    {"n": given_out, "t": table},
                )


def upgrade():
    _allow("outcome", (*OUTCOMES, "repealed"))
    _allow("kind", (*KINDS, "status_report"))


def downgrade():
    # the nearest earlier codes: a repeal leaves no decision in force, as a withdrawal did;
    # a status report is a paper of another kind
    for table in ("resolutions", "proposals", "result_readings"):
        op.execute(f"UPDATE {table} SET outcome = 'withdrawn' WHERE outcome = 'repealed'")
    for table in ("resolutions", "proposals"):
        op.execute(f"UPDATE {table} SET kind = 'other' WHERE kind = 'status_report'")
    _allow("outcome", OUTCOMES)
    _allow("kind", KINDS)
