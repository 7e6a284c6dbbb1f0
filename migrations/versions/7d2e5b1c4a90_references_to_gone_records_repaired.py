"""Rows that name a record which is gone are repaired, once, on SQLite (which enforced no
foreign keys before issue 26): deleted where they belong to it or cannot be without it,
cleared where the reference is optional (coop/integrity.py has the rule)

Revision ID: 7d2e5b1c4a90
Revises: 6a1f3c2d9e01
Create Date: 2026-12-07 22:30:00

"""

import logging

from alembic import op

from coop import integrity

revision = "7d2e5b1c4a90"
down_revision = "6a1f3c2d9e01"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return  # PostgreSQL has always enforced its foreign keys
    # env.py turned SQLite's foreign keys off: every row the repair takes is found and reported
    for finding in integrity.repair(bind):
        log.warning("repaired %s", finding)


def downgrade():
    pass  # what was repaired stays repaired: the rows named records that were gone
