"""Search outbox rows name a document of the registered source: company_id -> document_id

Revision ID: e4a1f0c2b9d7
Revises: a7c3e91f4b20
Create Date: 2026-12-04 13:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e4a1f0c2b9d7'
down_revision = 'a7c3e91f4b20'
branch_labels = None
depends_on = None


def upgrade():
    # search_index no longer knows companies: a row names the document source's id.
    with op.batch_alter_table('search_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_search_outbox_company_id')
        batch_op.alter_column('company_id', new_column_name='document_id')
    with op.batch_alter_table('search_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_search_outbox_document_id', ['document_id'], unique=False)


def downgrade():
    with op.batch_alter_table('search_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_search_outbox_document_id')
        batch_op.alter_column('document_id', new_column_name='company_id')
    with op.batch_alter_table('search_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_search_outbox_company_id', ['company_id'], unique=False)
