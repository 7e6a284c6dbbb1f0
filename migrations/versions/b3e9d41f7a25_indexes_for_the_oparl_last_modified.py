"""Indexes for the OParl lists' Last-Modified: the latest change of an initiative and the
latest removal over every body are read by index, not by scanning the tables

Revision ID: b3e9d41f7a25
Revises: a7c41e9d2b60
Create Date: 2026-12-07 23:40:00

"""

from alembic import op

revision = "b3e9d41f7a25"
down_revision = "a7c41e9d2b60"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_initiatives_modified_at", "initiatives", ["modified_at"], unique=False)
    op.create_index(
        "ix_oparl_published_marks_touched_at",
        "oparl_published_marks",
        ["touched_at"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_oparl_published_marks_touched_at", table_name="oparl_published_marks")
    op.drop_index("ix_initiatives_modified_at", table_name="initiatives")
