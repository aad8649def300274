"""Negotiated UK offers, as staff manage them: draft, change, publish, unpublish.

Whether the public sees an offer is `Offer.is_live(today)` (and its marketplace being
published: `catalogue.live_offers`). Functions flush; the view commits.
"""

from __future__ import annotations

from datetime import date

from marketplaces.models import OFFER_KINDS, Marketplace, Offer, OfferState
from marketplaces.versioning import stale_guard, versioned_write
from tradehub.dates import uk_today
from tradehub.db_types import utcnow
from tradehub.errors import NotAllowed, ValidationFailed


def _check_offer_dates(valid_from: date | None, valid_until: date | None) -> None:
    if valid_from and valid_until and valid_until <= valid_from:
        raise ValidationFailed("The end date must be after the start date", "valid_until")


@versioned_write("offer")
def save_offer(
    marketplace: Marketplace,
    offer: Offer | None,
    actor,
    *,
    kind: str,
    badge_text: str,
    summary: str,
    terms: str,
    eligibility: str,
    valid_from: date | None,
    valid_until: date | None,
    expected_version: int | None = None,
) -> Offer:
    """Create an offer as a draft, or change one (a published offer stays published)."""
    if kind not in OFFER_KINDS:
        raise ValidationFailed("Choose what kind of offer this is", "kind")
    _check_offer_dates(valid_from, valid_until)
    if offer is None:
        offer = Offer(state=OfferState.DRAFT)
        marketplace.offers.append(offer)
    else:
        if offer.marketplace_id != marketplace.id:
            raise NotAllowed("This offer belongs to another marketplace.")
        stale_guard(offer, expected_version, "offer")
    offer.kind = kind
    offer.badge_text = badge_text.strip()
    offer.summary = summary.strip()
    offer.terms = terms.strip()
    offer.eligibility = eligibility.strip()
    offer.valid_from = valid_from
    offer.valid_until = valid_until
    offer.updated_by_id = getattr(actor, "id", None)
    return offer


@versioned_write("offer")
def publish_offer(offer: Offer, actor, expected_version: int) -> Offer:
    """Make an offer public (it shows only between its valid-from and valid-until dates)."""
    stale_guard(offer, expected_version, "offer")
    if offer.state == OfferState.PUBLISHED:
        raise NotAllowed("This offer is already published.")
    _check_offer_dates(offer.valid_from, offer.valid_until)
    if offer.has_ended(uk_today()):
        raise ValidationFailed(
            f"This offer ended on {offer.valid_until:%-d %B %Y}: change its end date to publish it",
            "valid_until",
        )
    offer.state = OfferState.PUBLISHED
    offer.published_at = utcnow()
    offer.updated_by_id = getattr(actor, "id", None)
    return offer


@versioned_write("offer")
def unpublish_offer(offer: Offer, actor, expected_version: int) -> Offer:
    """Hide an offer from every public page and the API."""
    stale_guard(offer, expected_version, "offer")
    if offer.state != OfferState.PUBLISHED:
        raise NotAllowed("This offer is not published.")
    offer.state = OfferState.UNPUBLISHED
    offer.updated_by_id = getattr(actor, "id", None)
    return offer
