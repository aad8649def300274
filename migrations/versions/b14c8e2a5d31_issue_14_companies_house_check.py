"""Companies House status and when TradeHub last checked it, on each company, so profiles can
say "Companies House: active, checked 1 December 2026" and `flask suppliers recheck` can take
the oldest-checked companies first and back off after errors (#14)

Revision ID: b14c8e2a5d31
Revises: 1c7d0a854e11
Create Date: 2026-12-04 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import tradehub.db_types


# revision identifiers, used by Alembic.
revision = 'b14c8e2a5d31'
down_revision = '1c7d0a854e11'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('companies_house_status', sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column(
                'companies_house_checked_at',
                tradehub.db_types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                'companies_house_next_check_at',
                tradehub.db_types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                'companies_house_failures', sa.Integer(), nullable=False, server_default='0'
            )
        )
        batch_op.create_index(
            'ix_companies_companies_house_next_check_at', ['companies_house_next_check_at']
        )


def downgrade():
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.drop_index('ix_companies_companies_house_next_check_at')
        batch_op.drop_column('companies_house_failures')
        batch_op.drop_column('companies_house_next_check_at')
        batch_op.drop_column('companies_house_checked_at')
        batch_op.drop_column('companies_house_status')
