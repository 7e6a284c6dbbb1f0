"""Savings estimates: revenue lines and one-off revenue, allocation values per year, the
discounting convention, and cost rates with their published annual figure

Existing estimates keep discounting at the start of each year (their figures stay as they
were); new ones discount at the end of each year as WiBe 5.0 does.

Revision ID: ec36b0c83764
Revises: 93ce32df24e1
Create Date: 2026-11-30 08:05:00

"""
import sqlalchemy as sa
from alembic import op

import coop.models.base  # noqa: F401

revision = "ec36b0c83764"
down_revision = "93ce32df24e1"
branch_labels = None
depends_on = None

CHECKS = {
    # table, constraint, column: (old codes, new codes)
    ("cost_lines", "costsection", "section"): (
        ("baseline", "shared", "remaining"),
        ("baseline", "shared", "remaining", "revenue"),
    ),
    ("cost_lines", "costcategory", "category"): (
        ("staff", "material", "licences", "hardware", "services", "other"),
        ("staff", "material", "licences", "hardware", "services", "fees", "other"),
    ),
    ("cost_events", "costeventkind", "kind"): (
        ("one_off", "funding"),
        ("one_off", "funding", "one_off_revenue"),
    ),
}


def _allow(which: int):
    for (table, name, column), codes in CHECKS.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
        with op.batch_alter_table(table) as batch:
            batch.create_check_constraint(
                op.f(f"ck_{table}_{name}"), sa.column(column).in_(codes[which])
            )


def upgrade():
    op.create_table(
        "cost_partner_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("workstations", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("cases", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.CheckConstraint(
            "cases IS NULL OR cases >= 0", name=op.f("ck_cost_partner_years_cases_min")
        ),
        sa.CheckConstraint(
            "population IS NULL OR population >= 0",
            name=op.f("ck_cost_partner_years_population_min"),
        ),
        sa.CheckConstraint(
            "workstations IS NULL OR workstations >= 0",
            name=op.f("ck_cost_partner_years_workstations_min"),
        ),
        sa.ForeignKeyConstraint(
            ["body_id"], ["bodies.id"],
            name=op.f("fk_cost_partner_years_body_id_bodies"), ondelete="RESTRICT",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["model_id"], ["cost_models.id"],
            name=op.f("fk_cost_partner_years_model_id_cost_models"), ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_partner_years")),
        sa.UniqueConstraint("model_id", "body_id", "year", name="one_row_per_partner_and_year"),
    )
    with op.batch_alter_table("cost_partner_years") as batch:
        batch.create_index(batch.f("ix_cost_partner_years_model_id"), ["model_id"], unique=False)
    with op.batch_alter_table("cost_models") as batch:
        batch.add_column(
            sa.Column(
                "discount_timing",
                sa.Enum("end", "start", name="discounttiming", native_enum=False,
                        create_constraint=True, length=10),
                server_default="end",
                nullable=False,
            )
        )  # fmt: skip
    # the figures of existing estimates do not move
    op.execute("UPDATE cost_models SET discount_timing = 'start'")
    with op.batch_alter_table("cost_rates") as batch:
        batch.add_column(sa.Column("annual_cost", sa.Numeric(precision=14, scale=2)))
        batch.create_check_constraint(
            op.f("ck_cost_rates_annual_cost_positive"), "annual_cost IS NULL OR annual_cost > 0"
        )
    _allow(1)


def downgrade():
    op.execute("DELETE FROM cost_lines WHERE section = 'revenue'")
    op.execute("UPDATE cost_lines SET category = 'other' WHERE category = 'fees'")
    op.execute("DELETE FROM cost_events WHERE kind = 'one_off_revenue'")
    _allow(0)
    with op.batch_alter_table("cost_rates") as batch:
        batch.drop_constraint(op.f("ck_cost_rates_annual_cost_positive"), type_="check")
        batch.drop_column("annual_cost")
    with op.batch_alter_table("cost_models") as batch:
        batch.drop_constraint(op.f("ck_cost_models_discounttiming"), type_="check")
        batch.drop_column("discount_timing")
    with op.batch_alter_table("cost_partner_years") as batch:
        batch.drop_index(batch.f("ix_cost_partner_years_model_id"))
    op.drop_table("cost_partner_years")
