"""Single-use contact form tokens (issue 13): enquiries.form_token_id, unique

Revision ID: c13f9b4d2e60
Revises: c16a2d7e4f10
Create Date: 2026-12-04 16:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c13f9b4d2e60'
down_revision = 'c16a2d7e4f10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enquiries') as batch_op:
        batch_op.add_column(sa.Column('form_token_id', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint('uq_enquiries_form_token_id', ['form_token_id'])


def downgrade():
    with op.batch_alter_table('enquiries') as batch_op:
        batch_op.drop_constraint('uq_enquiries_form_token_id', type_='unique')
        batch_op.drop_column('form_token_id')
