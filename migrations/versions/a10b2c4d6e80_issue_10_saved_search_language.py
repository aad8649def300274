"""A saved search keeps the language it was saved in, so its alerts search a buyer's word for a
taxonomy term as the English label too, and link back in that language (#10)

Revision ID: a10b2c4d6e80
Revises: 9a1c5e7d3b20
Create Date: 2026-12-04 19:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a10b2c4d6e80'
down_revision = '9a1c5e7d3b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('language', sa.String(length=10), nullable=False, server_default='en')
        )


def downgrade():
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.drop_column('language')
