"""Session version on users (issue 13): bumped to end every session of a user at once

Revision ID: c13d5e2a7f10
Revises: b17a9c3e5d21
Create Date: 2026-12-04 16:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c13d5e2a7f10'
down_revision = 'b17a9c3e5d21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(
            sa.Column('session_version', sa.Integer(), nullable=False, server_default='0')
        )


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('session_version')
