"""Partner API keys (issue 17): hashed keys with their own rate limit, issued by staff

Revision ID: b17a9c3e5d21
Revises: e4a1f0c2b9d7
Create Date: 2026-12-04 16:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

from tradehub.db_types import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'b17a9c3e5d21'
down_revision = 'e4a1f0c2b9d7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('partner_name', sa.String(length=200), nullable=False),
        sa.Column('contact_email', sa.String(length=320), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('requests_per_minute', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['users.id'],
            name=op.f('fk_api_keys_created_by_id_users'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
        sa.UniqueConstraint('prefix', name=op.f('uq_api_keys_prefix')),
    )


def downgrade():
    op.drop_table('api_keys')
