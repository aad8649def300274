"""Selling Online Overseas: partner marketplaces, their UK offers, revisions and exchange rates.

A marketplace's columns hold its *published* facts (what the public sees). Staff edits are kept
in `draft_facts` until they publish, so a live page never shows half-finished changes; every save
and every publication writes a `MarketplaceRevision` with a JSON diff. List facts are also
written to `marketplace_facets` rows so the finder filters in SQL on every database.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    and_,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tradehub.accounts.models import User
from tradehub.db_types import utcnow
from tradehub.extensions import db
from tradehub.i18n import N_


def _enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        enum_cls, name=name, values_callable=lambda e: [m.value for m in e], validate_strings=True
    )


class MarketplaceState(enum.StrEnum):
    """Whether the public can see a marketplace."""

    DRAFT = "draft"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"

    @property
    def label(self) -> str:
        """Human name for tags and lists."""
        return self.value.capitalize()


class OfferState(enum.StrEnum):
    """Whether the public can see an offer (and only while it is valid)."""

    DRAFT = "draft"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"

    @property
    def label(self) -> str:
        """Human name for tags and lists."""
        return self.value.capitalize()


# The vocabularies used by the data file. Labels are what people read; codes are stored.
GLOBAL_MARKER = "GLOBAL"  # the data file writes `"countries": "GLOBAL"` for worldwide marketplaces

PRODUCT_CATEGORIES = (
    "Arts, crafts and hobbies",
    "Baby and toddler",
    "Books, music and film",
    "Business, industrial and science",
    "Cameras, lenses and photography",
    "Celebration and ceremonial",
    "Clothing and accessories",
    "Computer software and games",
    "DIY, tools and hardware",
    "Electronics, computing and communications",
    "Food and drink",
    "Furniture",
    "Garden and outdoor",
    "Health and beauty",
    "Home and lifestyle",
    "Luggage and bags",
    "Mature",
    "Pet care",
    "Sports and leisure",
    "Stationery and office supplies",
    "Toys and games",
    "Vehicle parts and accessories",
)
POSITIONING = (N_("Economy"), N_("Mid-Range"), N_("Premium"), N_("Luxury"))
SELLER_MODELS = (N_("Seller"), N_("Wholesale"))
FULFILMENT = (N_("Fulfilled by seller"), N_("Fulfilled by marketplace"))
UPLOAD_METHODS = (N_("API"), N_("Content Management System"), N_("Spreadsheet/CSV"))
SUPPORT_CHANNELS = (
    N_("Email"),
    N_("Telephone"),
    N_("Help Centre"),
    N_("Webchat"),
    N_("Social Media"),
    N_("Tutorials"),
)
COMMISSION_BASES = {
    "category_dependent": N_("Depends on the product category"),
    "volume_dependent": N_("Depends on sales volume"),
    "wholesale_price": N_("No commission: the marketplace buys your goods at a wholesale price"),
    "negotiated": N_("Negotiated with each seller"),
}
FEE_FREQUENCIES = {"monthly": N_("a month"), "quarterly": N_("a quarter"), "yearly": N_("a year")}
FEE_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
SETUP_REQUIREMENTS = {
    "local_company": N_("A company registered in the marketplace's country"),
    "local_bank_account": N_("A bank account in the marketplace's country"),
    "local_returns_address": N_("A returns address in the marketplace's country"),
}
TRANSLATION_NEEDS = {
    "product_content": N_("Product listings and descriptions"),
    "application": N_("The application to join"),
    "negotiation": N_("Negotiations with the marketplace"),
    "seller_support": N_("Seller support conversations"),
}
OFFER_KINDS = {
    "commission_reduction": N_("Reduced commission"),
    "fee_waiver": N_("Fee waived"),
    "fee_reduction": N_("Reduced fees"),
    "free_period": N_("Free period"),
    "free_listings": N_("Free listings"),
    "marketing_package": N_("Marketing package"),
    "other": N_("UK offer"),
}

# The facts a marketplace has, in the shape of the data file (minus `slug` and `uk_offer`).
# `facts_of(marketplace)` and `apply_facts` convert between this shape and the columns; drafts,
# revisions and diffs all use it, so a diff names the same keys staff see in the data file.
FACT_KEYS = (
    "name",
    "website",
    "countries",
    "product_categories",
    "positioning",
    "commission",
    "commission_basis",
    "one_off_registration_fee",
    "membership_fee",
    "deposit",
    "fee_per_listing",
    "listing_fee",
    "payment_days",
    "payout_currencies",
    "registered_users_millions",
    "seller_models",
    "fulfilment",
    "upload_methods",
    "customer_support_channels",
    "seller_support_channels",
    "setup_requirements",
    "product_exclusivity_required",
    "shipping_tracking_required",
    "translation_required_for",
    "famous_brands",
)

# Facet rows written for the finder: facet name -> fact key.
FACET_SOURCES = {
    "country": "countries",
    "category": "product_categories",
    "positioning": "positioning",
    "fulfilment": "fulfilment",
    "seller_model": "seller_models",
    "setup": "setup_requirements",
}

_MONEY = Numeric(14, 2)
_PERCENT = Numeric(5, 2)


class Marketplace(db.Model):
    """A partner e-marketplace; the columns are the facts the public sees once published."""

    __tablename__ = "marketplaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    website: Mapped[str] = mapped_column(String(500), default="")
    is_global: Mapped[bool] = mapped_column(Boolean, default=False)
    countries: Mapped[list] = mapped_column(JSON, default=list)
    product_categories: Mapped[list] = mapped_column(JSON, default=list)
    positioning: Mapped[list] = mapped_column(JSON, default=list)
    commission_low_percent: Mapped[Decimal | None] = mapped_column(_PERCENT)
    commission_high_percent: Mapped[Decimal | None] = mapped_column(_PERCENT)
    commission_basis: Mapped[str | None] = mapped_column(String(40))
    registration_fee_amount: Mapped[Decimal | None] = mapped_column(_MONEY)
    registration_fee_currency: Mapped[str | None] = mapped_column(String(3))
    membership_fee_amount: Mapped[Decimal | None] = mapped_column(_MONEY)
    membership_fee_currency: Mapped[str | None] = mapped_column(String(3))
    membership_fee_frequency: Mapped[str | None] = mapped_column(String(20))
    deposit_amount: Mapped[Decimal | None] = mapped_column(_MONEY)
    deposit_currency: Mapped[str | None] = mapped_column(String(3))
    fee_per_listing: Mapped[bool] = mapped_column(Boolean, default=False)
    listing_fee_amount: Mapped[Decimal | None] = mapped_column(_MONEY)
    listing_fee_currency: Mapped[str | None] = mapped_column(String(3))
    payment_days: Mapped[int | None] = mapped_column(Integer)
    payout_currencies: Mapped[list] = mapped_column(JSON, default=list)
    registered_users_millions: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    seller_models: Mapped[list] = mapped_column(JSON, default=list)
    fulfilment: Mapped[list] = mapped_column(JSON, default=list)
    upload_methods: Mapped[list] = mapped_column(JSON, default=list)
    customer_support_channels: Mapped[list] = mapped_column(JSON, default=list)
    seller_support_channels: Mapped[list] = mapped_column(JSON, default=list)
    setup_requirements: Mapped[list] = mapped_column(JSON, default=list)
    product_exclusivity_required: Mapped[bool] = mapped_column(Boolean, default=False)
    shipping_tracking_required: Mapped[bool] = mapped_column(Boolean, default=False)
    translation_required_for: Mapped[list] = mapped_column(JSON, default=list)
    famous_brands: Mapped[list] = mapped_column(JSON, default=list)

    state: Mapped[MarketplaceState] = mapped_column(
        _enum(MarketplaceState, "marketplace_state"), default=MarketplaceState.DRAFT, index=True
    )
    # Staff edits not yet published, in the FACT_KEYS shape; None when there are none.
    draft_facts: Mapped[dict | None] = mapped_column(JSON)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    facts_updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    offers: Mapped[list[Offer]] = relationship(
        back_populates="marketplace", cascade="all, delete-orphan", order_by="Offer.id"
    )
    facets: Mapped[list[MarketplaceFacet]] = relationship(
        back_populates="marketplace", cascade="all, delete-orphan"
    )
    revisions: Mapped[list[MarketplaceRevision]] = relationship(
        back_populates="marketplace",
        cascade="all, delete-orphan",
        order_by="MarketplaceRevision.id.desc()",
    )

    __mapper_args__ = {"version_id_col": version}

    @hybrid_property
    def is_published(self) -> bool:
        """Published marketplaces are the only ones the public sees (also a SQL condition)."""
        return self.state == MarketplaceState.PUBLISHED

    @property
    def has_draft(self) -> bool:
        """Whether staff have saved changes that are not yet published."""
        return self.draft_facts is not None

    @property
    def requires_local_company(self) -> bool:
        """A company in the marketplace's country is needed to sell there."""
        return "local_company" in (self.setup_requirements or [])

    @property
    def requires_local_bank_account(self) -> bool:
        """A bank account in the marketplace's country is needed to be paid."""
        return "local_bank_account" in (self.setup_requirements or [])

    @property
    def has_commission(self) -> bool:
        """Whether the commission range is known."""
        return self.commission_low_percent is not None and self.commission_high_percent is not None

    def __repr__(self) -> str:
        return f"<Marketplace {self.slug} {self.state.value}>"


class MarketplaceFacet(db.Model):
    """One filterable value of a marketplace (a country, a category, ...) for the finder."""

    __tablename__ = "marketplace_facets"

    id: Mapped[int] = mapped_column(primary_key=True)
    marketplace_id: Mapped[int] = mapped_column(ForeignKey("marketplaces.id", ondelete="CASCADE"))
    facet: Mapped[str] = mapped_column(String(30))
    value: Mapped[str] = mapped_column(String(100))

    marketplace: Mapped[Marketplace] = relationship(back_populates="facets")

    __table_args__ = (
        UniqueConstraint(
            "marketplace_id", "facet", "value", name="uq_marketplace_facets_marketplace_facet_value"
        ),
        Index("ix_marketplace_facets_facet_value", "facet", "value"),
    )


class RevisionAction(enum.StrEnum):
    """What a revision recorded."""

    CREATED = "created"
    LOADED = "loaded"
    DRAFT_SAVED = "draft_saved"
    DRAFT_DISCARDED = "draft_discarded"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"

    @property
    def label(self) -> str:
        """Human name for the history list."""
        return {
            RevisionAction.CREATED: "Created",
            RevisionAction.LOADED: "Loaded from the data file",
            RevisionAction.DRAFT_SAVED: "Draft saved",
            RevisionAction.DRAFT_DISCARDED: "Draft discarded",
            RevisionAction.PUBLISHED: "Published",
            RevisionAction.UNPUBLISHED: "Unpublished",
        }[self]


class MarketplaceRevision(db.Model):
    """Who changed a marketplace, when, and what: `changes` is {fact: {"from": x, "to": y}}."""

    __tablename__ = "marketplace_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    marketplace_id: Mapped[int] = mapped_column(
        ForeignKey("marketplaces.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[RevisionAction] = mapped_column(
        _enum(RevisionAction, "marketplace_revision_action")
    )
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    marketplace: Mapped[Marketplace] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()


class Offer(db.Model):
    """A negotiated UK offer on one marketplace; public only while published and in date."""

    __tablename__ = "marketplace_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    marketplace_id: Mapped[int] = mapped_column(
        ForeignKey("marketplaces.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40), default="other")
    badge_text: Mapped[str] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(String(500))
    terms: Mapped[str] = mapped_column(Text, default="")
    eligibility: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    state: Mapped[OfferState] = mapped_column(
        _enum(OfferState, "marketplace_offer_state"), default=OfferState.DRAFT, index=True
    )
    # "data-file" for the offer `flask marketplaces load` manages; None for staff-made offers.
    source: Mapped[str | None] = mapped_column(String(40))
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    marketplace: Mapped[Marketplace] = relationship(back_populates="offers")
    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def kind_label(self) -> str:
        """Human name of the kind of offer."""
        return OFFER_KINDS.get(self.kind, OFFER_KINDS["other"])

    def has_ended(self, today: date) -> bool:
        """Its last valid day is before `today`: it can no longer be live or be published."""
        return self.valid_until is not None and self.valid_until < today

    @hybrid_method
    def is_live(self, today: date) -> bool:
        """Published and valid on `today` (a UK date); `Offer.is_live(today)` is the SQL form."""
        return (
            self.state == OfferState.PUBLISHED
            and (self.valid_from is None or self.valid_from <= today)
            and (self.valid_until is None or self.valid_until >= today)
        )

    @is_live.inplace.expression
    @classmethod
    def _is_live_expression(cls, today: date):
        return and_(
            cls.state == OfferState.PUBLISHED,
            or_(cls.valid_from.is_(None), cls.valid_from <= today),
            or_(cls.valid_until.is_(None), cls.valid_until >= today),
        )


class ExchangeRate(db.Model):
    """How many units of `currency` one pound buys; staff keep these current."""

    __tablename__ = "marketplace_exchange_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), unique=True)
    units_per_gbp: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    source: Mapped[str] = mapped_column(String(300), default="")
    as_of: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
