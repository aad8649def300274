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

