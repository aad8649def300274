"""Selling Online Overseas: marketplaces, finder facets, revisions, UK offers and exchange rates

Revision ID: 536614f2d32b
Revises: 5b1c0e7a9d42
Create Date: 2026-11-29 02:06:47.065257

"""
from alembic import op
import sqlalchemy as sa

import tradehub.db_types

# revision identifiers, used by Alembic.
revision = '536614f2d32b'
down_revision = '5b1c0e7a9d42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('marketplace_exchange_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('units_per_gbp', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('updated_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_marketplace_exchange_rates_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marketplace_exchange_rates')),
    sa.UniqueConstraint('currency', name=op.f('uq_marketplace_exchange_rates_currency'))
    )
    op.create_table('marketplaces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('website', sa.String(length=500), nullable=False),
    sa.Column('is_global', sa.Boolean(), nullable=False),
    sa.Column('countries', sa.JSON(), nullable=False),
    sa.Column('product_categories', sa.JSON(), nullable=False),
    sa.Column('positioning', sa.JSON(), nullable=False),
    sa.Column('commission_low_percent', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('commission_high_percent', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('commission_basis', sa.String(length=40), nullable=True),
    sa.Column('registration_fee_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('registration_fee_currency', sa.String(length=3), nullable=True),
    sa.Column('membership_fee_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('membership_fee_currency', sa.String(length=3), nullable=True),
    sa.Column('membership_fee_frequency', sa.String(length=20), nullable=True),
    sa.Column('deposit_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('deposit_currency', sa.String(length=3), nullable=True),
    sa.Column('fee_per_listing', sa.Boolean(), nullable=False),
    sa.Column('listing_fee_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('listing_fee_currency', sa.String(length=3), nullable=True),
    sa.Column('payment_days', sa.Integer(), nullable=True),
    sa.Column('payout_currencies', sa.JSON(), nullable=False),
    sa.Column('registered_users_millions', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('seller_models', sa.JSON(), nullable=False),
    sa.Column('fulfilment', sa.JSON(), nullable=False),
    sa.Column('upload_methods', sa.JSON(), nullable=False),
    sa.Column('customer_support_channels', sa.JSON(), nullable=False),
    sa.Column('seller_support_channels', sa.JSON(), nullable=False),
    sa.Column('setup_requirements', sa.JSON(), nullable=False),
    sa.Column('product_exclusivity_required', sa.Boolean(), nullable=False),
    sa.Column('shipping_tracking_required', sa.Boolean(), nullable=False),
    sa.Column('translation_required_for', sa.JSON(), nullable=False),
    sa.Column('famous_brands', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'published', 'unpublished', name='marketplace_state'), nullable=False),
    sa.Column('draft_facts', sa.JSON(), nullable=True),
    sa.Column('published_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('facts_updated_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_marketplaces_published_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marketplaces')),
    sa.UniqueConstraint('slug', name=op.f('uq_marketplaces_slug'))
    )
    with op.batch_alter_table('marketplaces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marketplaces_state'), ['state'], unique=False)

    op.create_table('marketplace_facets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('marketplace_id', sa.Integer(), nullable=False),
    sa.Column('facet', sa.String(length=30), nullable=False),
    sa.Column('value', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['marketplace_id'], ['marketplaces.id'], name=op.f('fk_marketplace_facets_marketplace_id_marketplaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marketplace_facets')),
    sa.UniqueConstraint('marketplace_id', 'facet', 'value', name='uq_marketplace_facets_marketplace_facet_value')
    )
    with op.batch_alter_table('marketplace_facets', schema=None) as batch_op:
        batch_op.create_index('ix_marketplace_facets_facet_value', ['facet', 'value'], unique=False)

    op.create_table('marketplace_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('marketplace_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('badge_text', sa.String(length=60), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.Column('eligibility', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('state', sa.Enum('draft', 'published', 'unpublished', name='marketplace_offer_state'), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=True),
    sa.Column('published_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['marketplace_id'], ['marketplaces.id'], name=op.f('fk_marketplace_offers_marketplace_id_marketplaces'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_marketplace_offers_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marketplace_offers'))
    )
    with op.batch_alter_table('marketplace_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marketplace_offers_marketplace_id'), ['marketplace_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_marketplace_offers_state'), ['state'], unique=False)

    op.create_table('marketplace_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('marketplace_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.Enum('created', 'loaded', 'draft_saved', 'draft_discarded', 'published', 'unpublished', name='marketplace_revision_action'), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('created_at', tradehub.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_marketplace_revisions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['marketplace_id'], ['marketplaces.id'], name=op.f('fk_marketplace_revisions_marketplace_id_marketplaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marketplace_revisions'))
    )
    with op.batch_alter_table('marketplace_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marketplace_revisions_marketplace_id'), ['marketplace_id'], unique=False)



def downgrade():
    with op.batch_alter_table('marketplace_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marketplace_revisions_marketplace_id'))

    op.drop_table('marketplace_revisions')
    with op.batch_alter_table('marketplace_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marketplace_offers_state'))
        batch_op.drop_index(batch_op.f('ix_marketplace_offers_marketplace_id'))

    op.drop_table('marketplace_offers')
    with op.batch_alter_table('marketplace_facets', schema=None) as batch_op:
        batch_op.drop_index('ix_marketplace_facets_facet_value')

    op.drop_table('marketplace_facets')
    with op.batch_alter_table('marketplaces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marketplaces_state'))

    op.drop_table('marketplaces')
    op.drop_table('marketplace_exchange_rates')
    for name in ('marketplace_revision_action', 'marketplace_offer_state', 'marketplace_state'):
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)
