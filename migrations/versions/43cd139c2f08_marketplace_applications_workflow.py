"""Marketplace applications: the tracked workflow (applications, audit events, staff notes,
partner accounts). One open application per company and marketplace is enforced by a partial
unique index; status values by a CHECK constraint.

Revision ID: 43cd139c2f08
Revises: 536614f2d32b
Create Date: 2026-11-29 02:11:48.375659

"""
from alembic import op
import sqlalchemy as sa

import tradehub.db_types


# revision identifiers, used by Alembic.
revision = '43cd139c2f08'
down_revision = '536614f2d32b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('marketplace_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('marketplace_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'under_review', 'info_requested', 'referred', 'accepted', 'declined', 'withdrawn', name='application_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_job_title', sa.String(length=100), nullable=False),
    sa.Column('contact_email', sa.String(length=320), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('business_name', sa.String(length=255), nullable=False),
    sa.Column('company_number', sa.String(length=8), nullable=False),
    sa.Column('company_type', sa.String(length=40), nullable=False),
    sa.Column('website', sa.String(length=255), nullable=False),
    sa.Column('employees', sa.String(length=20), nullable=False),
    sa.Column('turnover', sa.String(length=20), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('sku_count', sa.Integer(), nullable=True),
    sa.Column('has_trademarks', sa.Boolean(), nullable=True),
    sa.Column('trademarks', sa.Text(), nullable=False),
    sa.Column('product_description', sa.Text(), nullable=False),
    sa.Column('product_categories', sa.JSON(), nullable=False),
    sa.Column('export_experience', sa.String(length=20), nullable=False),
    sa.Column('marketplaces_used', sa.String(length=500), nullable=False),
    sa.Column('pitch', sa.Text(), nullable=False),
    sa.Column('steps_completed', sa.Integer(), nullable=False),
    sa.Column('last_action_token', sa.String(length=64), nullable=True),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('created_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_submitted_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('response_due_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_response_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('referred_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status = 'draft' OR company_id IS NOT NULL", name=op.f('ck_marketplace_applications_company_after_draft')),
    sa.CheckConstraint('sku_count IS NULL OR sku_count >= 1', name=op.f('ck_marketplace_applications_sku_count_positive')),
    sa.ForeignKeyConstraint(['applicant_id'], ['users.id'], name=op.f('fk_marketplace_applications_applicant_id_users')),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['users.id'], name=op.f('fk_marketplace_applications_assigned_to_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_marketplace_applications_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['marketplace_id'], ['marketplaces.id'], name=op.f('fk_marketplace_applications_marketplace_id_marketplaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marketplace_applications'))
    )
    with op.batch_alter_table('marketplace_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marketplace_applications_applicant_id'), ['applicant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_marketplace_applications_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_marketplace_applications_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_marketplace_applications_marketplace_id'), ['marketplace_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_marketplace_applications_response_due_at'), ['response_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_marketplace_applications_status'), ['status'], unique=False)
        batch_op.create_index('uq_marketplace_applications_draft_per_applicant', ['applicant_id', 'marketplace_id'], unique=True, sqlite_where=sa.text("company_id IS NULL AND status = 'draft'"), postgresql_where=sa.text("company_id IS NULL AND status = 'draft'"))
        batch_op.create_index('uq_marketplace_applications_open_per_company', ['company_id', 'marketplace_id'], unique=True, sqlite_where=sa.text("status NOT IN ('accepted', 'declined', 'withdrawn')"), postgresql_where=sa.text("status NOT IN ('accepted', 'declined', 'withdrawn')"))

    op.create_table('marketplace_partner_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('marketplace_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['marketplace_id'], ['marketplaces.id'], name=op.f('fk_marketplace_partner_accounts_marketplace_id_marketplaces'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_marketplace_partner_accounts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marketplace_partner_accounts')),
    sa.UniqueConstraint('user_id', name=op.f('uq_marketplace_partner_accounts_user_id'))
    )
    with op.batch_alter_table('marketplace_partner_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marketplace_partner_accounts_marketplace_id'), ['marketplace_id'], unique=False)

    op.create_table('marketplace_application_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('status', 'assignment', name='application_event_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('move', sa.String(length=40), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.Enum('draft', 'submitted', 'under_review', 'info_requested', 'referred', 'accepted', 'declined', 'withdrawn', name='application_event_from_status', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('to_status', sa.Enum('draft', 'submitted', 'under_review', 'info_requested', 'referred', 'accepted', 'declined', 'withdrawn', name='application_event_to_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_marketplace_application_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['application_id'], ['marketplace_applications.id'], name=op.f('fk_marketplace_application_events_application_id_marketplace_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marketplace_application_events'))
    )
    with op.batch_alter_table('marketplace_application_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marketplace_application_events_application_id'), ['application_id'], unique=False)

    op.create_table('marketplace_application_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['marketplace_applications.id'], name=op.f('fk_marketplace_application_notes_application_id_marketplace_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_marketplace_application_notes_author_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marketplace_application_notes'))
    )
    with op.batch_alter_table('marketplace_application_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marketplace_application_notes_application_id'), ['application_id'], unique=False)



def downgrade():
    with op.batch_alter_table('marketplace_application_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marketplace_application_notes_application_id'))

    op.drop_table('marketplace_application_notes')
    with op.batch_alter_table('marketplace_application_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marketplace_application_events_application_id'))

    op.drop_table('marketplace_application_events')
    with op.batch_alter_table('marketplace_partner_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marketplace_partner_accounts_marketplace_id'))

    op.drop_table('marketplace_partner_accounts')
    with op.batch_alter_table('marketplace_applications', schema=None) as batch_op:
        batch_op.drop_index('uq_marketplace_applications_open_per_company', sqlite_where=sa.text("status NOT IN ('accepted', 'declined', 'withdrawn')"), postgresql_where=sa.text("status NOT IN ('accepted', 'declined', 'withdrawn')"))
        batch_op.drop_index('uq_marketplace_applications_draft_per_applicant', sqlite_where=sa.text("company_id IS NULL AND status = 'draft'"), postgresql_where=sa.text("company_id IS NULL AND status = 'draft'"))
        batch_op.drop_index(batch_op.f('ix_marketplace_applications_status'))
        batch_op.drop_index(batch_op.f('ix_marketplace_applications_response_due_at'))
        batch_op.drop_index(batch_op.f('ix_marketplace_applications_marketplace_id'))
        batch_op.drop_index(batch_op.f('ix_marketplace_applications_company_id'))
        batch_op.drop_index(batch_op.f('ix_marketplace_applications_assigned_to_id'))
        batch_op.drop_index(batch_op.f('ix_marketplace_applications_applicant_id'))

    op.drop_table('marketplace_applications')
