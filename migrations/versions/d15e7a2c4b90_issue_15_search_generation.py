"""The search index's generation: one row whose number goes up after every change to the live
index is visible (an outbox batch applied, a reindex swapped in). Each process keeps search
results keyed by it and reads it once a search, so a repeated search skips the engine until
the next change, in every process alike (#15)

Revision ID: d15e7a2c4b90
Revises: c14a9f3e7b52
Create Date: 2026-12-04 22:40:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd15e7a2c4b90'
down_revision = 'c14a9f3e7b52'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_generation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('generation', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_generation')),
    )
    op.execute("INSERT INTO search_generation (id, generation) VALUES (1, 0)")


def downgrade():
    op.drop_table('search_generation')
