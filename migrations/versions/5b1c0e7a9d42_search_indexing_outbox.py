"""Search indexing outbox: companies whose search document must be refreshed

Revision ID: 5b1c0e7a9d42
Revises: 1206b688d1a5
Create Date: 2026-11-29 02:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import tradehub.db_types


# revision identifiers, used by Alembic.
revision = '5b1c0e7a9d42'
down_revision = '1206b688d1a5'
branch_labels = None
depends_on = None


def upgrade():
    # No foreign key to companies on purpose: a hard-deleted company's row must survive so its
    # document is removed from the index too.
    op.create_table('search_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('op', sa.String(length=10), nullable=False),
    sa.Column('created_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("op IN ('upsert', 'delete')", name=op.f('ck_search_outbox_op')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_outbox'))
    )
    with op.batch_alter_table('search_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_outbox_company_id'), ['company_id'], unique=False)
        batch_op.create_index('ix_search_outbox_next_attempt_at', ['next_attempt_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('search_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_search_outbox_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_search_outbox_company_id'))

    op.drop_table('search_outbox')
