"""Amount per member municipality of an administrative union (Hessen), and the legal form
'administrative_union' (Gemeindeverwaltungsverband, Verwaltungsgemeinschaft)

Revision ID: 93ce32df24e1
Revises: 92e877ed55ac
Create Date: 2026-11-30 07:11:35.901289

"""
import sqlalchemy as sa
from alembic import op

revision = "93ce32df24e1"
down_revision = "92e877ed55ac"
branch_labels = None
depends_on = None

OLD = (
    "working_group",
    "agreement_mandate",
    "agreement_delegation",
    "special_purpose_association",
    "joint_enterprise",
    "company",
    "outsourcing",
    "undecided",
)
NEW = (*OLD, "administrative_union")


def _allow(values):
    """legal_form stays VARCHAR(40); only its CHECK of the allowed codes changes."""
    with op.batch_alter_table("initiatives") as batch:
        batch.drop_constraint(op.f("ck_initiatives_legalform"), type_="check")
    with op.batch_alter_table("initiatives") as batch:
        batch.create_check_constraint(
            op.f("ck_initiatives_legalform"), sa.column("legal_form").in_(values)
        )


def upgrade():
    with op.batch_alter_table("funding_programs") as batch:
        batch.add_column(sa.Column("amount_per_member", sa.Numeric(14, 2), nullable=True))
        batch.create_check_constraint(
            op.f("ck_funding_programs_amount_per_member_not_negative"),
            "amount_per_member IS NULL OR amount_per_member >= 0",
        )
    _allow(NEW)


def downgrade():
    op.execute(
        "UPDATE initiatives SET legal_form = 'undecided' WHERE legal_form = 'administrative_union'"
    )
    _allow(OLD)
    with op.batch_alter_table("funding_programs") as batch:
        batch.drop_constraint(
            op.f("ck_funding_programs_amount_per_member_not_negative"), type_="check"
        )
        batch.drop_column("amount_per_member")
