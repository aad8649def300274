"""Factories for marketplaces and offers (shared with the application tests)."""

from __future__ import annotations

import factory

from marketplaces.models import Marketplace, MarketplaceState, Offer, OfferState
from marketplaces.services import apply_facts, normalise_facts
from tests.factories import BaseFactory
from tradehub.db_types import utcnow


def marketplace_facts(**overrides) -> dict:
    """A complete, publishable set of facts in the data-file shape."""
    facts = {
        "name": "Example Market",
        "website": "https://market.example",
        "countries": ["FR", "DE"],
        "product_categories": ["Clothing and accessories", "Home and lifestyle"],
        "positioning": ["Mid-Range"],
        "commission": {"low_percent": 8.0, "high_percent": 15.0},
        "commission_basis": "category_dependent",
        "one_off_registration_fee": None,
        "membership_fee": None,
        "deposit": None,
        "fee_per_listing": False,
        "listing_fee": None,
        "payment_days": 14,
        "payout_currencies": ["EUR", "GBP"],
        "registered_users_millions": 10.0,
        "seller_models": ["Seller"],
        "fulfilment": ["Fulfilled by seller"],
        "upload_methods": ["API"],
        "customer_support_channels": ["Email"],
        "seller_support_channels": ["Email", "Telephone"],
        "setup_requirements": [],
        "product_exclusivity_required": False,
        "shipping_tracking_required": True,
        "translation_required_for": ["product_content"],
        "famous_brands": [],
    }
    facts.update(overrides)
    return facts


class MarketplaceFactory(BaseFactory):
    """A published marketplace; pass `facts={...}` to change any fact in the data-file shape."""

    class Meta:
        model = Marketplace

    slug = factory.Sequence(lambda n: f"market-{n}")
    name = factory.Sequence(lambda n: f"Market {n}")
    state = MarketplaceState.PUBLISHED
    published_at = factory.LazyFunction(utcnow)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        facts = marketplace_facts(name=kwargs["name"])
        facts.update(kwargs.pop("facts", None) or {})
        obj = model_class(*args, **kwargs)
        apply_facts(obj, normalise_facts(facts))
        session = cls._meta.sqlalchemy_session_factory()
        session.add(obj)
        session.flush()
        return obj


class OfferFactory(BaseFactory):
    """A published UK offer with no end date."""

    class Meta:
        model = Offer

    marketplace = factory.SubFactory(MarketplaceFactory)
    kind = "commission_reduction"
    badge_text = "UK offer: reduced commission"
    summary = factory.Sequence(lambda n: f"Commission 2 points lower for UK sellers ({n})")
    terms = "For new sellers only."
    eligibility = "UK-registered companies."
    state = OfferState.PUBLISHED
    valid_from = None
    valid_until = None


# --- marketplace applications (the "applications" engineer's section) ------------------------

from marketplaces.applications.models import (  # noqa: E402  (kept with the section it serves)
    Application,
    ApplicationStatus,
    PartnerAccount,
)
from marketplaces.applications.working_days import response_due_at  # noqa: E402
from supplier_profiles.models import Company, CompanyMember, MemberRole  # noqa: E402
from tests.factories import UserFactory  # noqa: E402
from tradehub.accounts.models import Role  # noqa: E402


class ApplicantCompanyFactory(BaseFactory):
    """A company whose owner is `owner` (an exporter made for it unless given)."""

    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Harbour Knitwear {n} Ltd")
    slug = factory.Sequence(lambda n: f"harbour-knitwear-{n}")
    company_type = "COMPANIES_HOUSE"
    number = factory.Sequence(lambda n: f"{n:08d}")
    website = "https://knitwear.example"
    employees = "11-50"
    postal_code = "TR18 4AA"
    owner = factory.SubFactory(UserFactory, role=Role.EXPORTER)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        owner = kwargs.pop("owner")
        company = super()._create(model_class, *args, **kwargs)
        company.members.append(CompanyMember(user_id=owner.id, role=MemberRole.OWNER))
        cls._meta.sqlalchemy_session_factory().flush()
        return company


# Timestamps each state implies, so an application made in any state is consistent.
_SUBMITTED_STATES = set(ApplicationStatus) - {ApplicationStatus.DRAFT}
_REFERRED_STATES = {ApplicationStatus.REFERRED, ApplicationStatus.ACCEPTED}


class ApplicationFactory(BaseFactory):
    """A complete application (all four steps answered) in `status` (draft by default).

    `applicant` is the company's owner. Pass `referred=True` for a declined or withdrawn
    application that had reached the marketplace.
    """

    class Meta:
        model = Application

    marketplace = factory.SubFactory(MarketplaceFactory)
    company = factory.SubFactory(ApplicantCompanyFactory)
    applicant_id = factory.LazyAttribute(lambda o: o.company.members[0].user_id)
    status = ApplicationStatus.DRAFT
    contact_name = "Morwenna Trevithick"
    contact_job_title = "Director"
    contact_email = factory.Sequence(lambda n: f"morwenna{n}@knitwear.example")
    contact_phone = "01632 960 001"
    business_name = factory.LazyAttribute(lambda o: o.company.name)
    company_number = factory.LazyAttribute(lambda o: o.company.number or "")
    company_type = "COMPANIES_HOUSE"
    website = "https://knitwear.example"
    employees = "11-50"
    turnover = "500k_1m"
    postcode = "TR18 4AA"
    sku_count = 120
    has_trademarks = True
    trademarks = "HARBOUR (UK00003123456, EU 018123456)"
    product_description = "Hand-finished wool jumpers and scarves knitted in Cornwall."
    product_categories = factory.LazyFunction(lambda: ["Clothing and accessories"])
    export_experience = "offline"
    marketplaces_used = ""
    pitch = "Our jumpers sell well to visitors from France and Germany; we ship within 2 days."
    steps_completed = 4
    referred = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        referred = kwargs.pop("referred", False)
        status = kwargs.get("status", ApplicationStatus.DRAFT)
        now = utcnow()
        if status in _SUBMITTED_STATES:
            kwargs.setdefault("submitted_at", now)
            kwargs.setdefault("last_submitted_at", now)
        if status in {ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW}:
            kwargs.setdefault("response_due_at", response_due_at(now))
        if status in _REFERRED_STATES or referred:
            kwargs.setdefault("referred_at", now)
        if status.is_closed:
            kwargs.setdefault("closed_at", now)
        return super()._create(model_class, *args, **kwargs)


class PartnerAccountFactory(BaseFactory):
    """A partner user linked to `marketplace`."""

    class Meta:
        model = PartnerAccount

    user = factory.SubFactory(UserFactory, role=Role.PARTNER)
    marketplace = factory.SubFactory(MarketplaceFactory)
