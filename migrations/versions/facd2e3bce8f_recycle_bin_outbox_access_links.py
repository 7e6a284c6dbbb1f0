"""The recycle bin (trash_items), the outbox of e-mails, single-use links to set a password,
and the audit trail's actions "restore" and "purge"

Revision ID: facd2e3bce8f
Revises: c5d1e8a0f3b4
Create Date: 2026-12-08 02:30:36.459348

"""
import sqlalchemy as sa
from alembic import op

import coop.models.base


revision = 'facd2e3bce8f'
down_revision = 'c5d1e8a0f3b4'
branch_labels = None
depends_on = None

OLD = ("create", "update", "delete")
NEW = (*OLD, "restore", "purge")


def _actions(values):
    """The action column stays VARCHAR(10); only its CHECK of the allowed codes changes. SQLite
    rebuilds the table, keeping AUTOINCREMENT (ids are never given out twice)."""
    keep = {"table_kwargs": {"sqlite_autoincrement": True}}
    with op.batch_alter_table("audit_entries", **keep) as batch:
        batch.drop_constraint(op.f("ck_audit_entries_auditaction"), type_="check")
    with op.batch_alter_table("audit_entries", **keep) as batch:
        batch.create_check_constraint(
            op.f("ck_audit_entries_auditaction"), sa.column("action").in_(values)
        )


def upgrade():
    op.create_table('outbox_mails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', coop.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('recipients', sa.String(length=2000), nullable=False),
    sa.Column('reply_to', sa.String(length=254), nullable=True),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('sensitive', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_mails')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('outbox_mails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_mails_created_at'), ['created_at'], unique=False)

    op.create_table('access_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=10), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', coop.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', coop.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('used_at', coop.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_access_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_access_links_token_hash')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('access_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_links_user_id'), ['user_id'], unique=False)

    op.create_table('trash_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_type', sa.String(length=50), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('context', sa.String(length=400), nullable=True),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', coop.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', coop.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_by_label', sa.String(length=254), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=True),
    sa.Column('links', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_trash_items_deleted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trash_items')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('trash_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trash_items_deleted_by_id'), ['deleted_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trash_items_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trash_items_expires_at'), ['expires_at'], unique=False)

    _actions(NEW)


def downgrade():
    op.execute("DELETE FROM audit_entries WHERE action IN ('restore', 'purge')")
    _actions(OLD)
    with op.batch_alter_table('trash_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trash_items_expires_at'))
        batch_op.drop_index(batch_op.f('ix_trash_items_district_id'))
        batch_op.drop_index(batch_op.f('ix_trash_items_deleted_by_id'))

    op.drop_table('trash_items')
    with op.batch_alter_table('access_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_links_user_id'))

    op.drop_table('access_links')
    with op.batch_alter_table('outbox_mails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_mails_created_at'))

    op.drop_table('outbox_mails')
