"""Widen case_studies.industry and enquiries.industry to 60 characters: industry codes reach
45 (MECHANICAL_ELECTRICAL_AND_PROCESS_ENGINEERING), which PostgreSQL refused in String(40).

Revision ID: a7c3e91f4b20
Revises: 43cd139c2f08
Create Date: 2026-11-29 02:35:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e91f4b20'
down_revision = '43cd139c2f08'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('case_studies', 'enquiries'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('industry', existing_type=sa.String(length=40),
                                  type_=sa.String(length=60), existing_nullable=False)


def downgrade():
    for table in ('case_studies', 'enquiries'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('industry', existing_type=sa.String(length=60),
                                  type_=sa.String(length=40), existing_nullable=False)
