"""Staff changes to a marketplace: create, save a draft, discard it, publish, unpublish.

The columns hold the published facts; staff edits wait in `draft_facts` until published, and
every change writes a `MarketplaceRevision` with its diff. Functions flush; the view commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from marketplaces.facts import apply_facts, current_facts, diff_facts, facts_of, normalise_facts
from marketplaces.models import Marketplace, MarketplaceRevision, MarketplaceState, RevisionAction
from marketplaces.versioning import stale_guard, versioned_write
from tradehub.db_types import utcnow
from tradehub.errors import NotAllowed, ValidationFailed
from tradehub.extensions import db


def record_revision(
    marketplace: Marketplace, action: RevisionAction, changes: dict, author=None
) -> None:
    """Write who changed the marketplace, how, and which facts (`changes` from diff_facts)."""
    # Added through the session, not `marketplace.revisions`, so the history is never loaded.
    db.session.add(
        MarketplaceRevision(
            marketplace=marketplace,
            action=action,
            changes=changes,
            author_id=getattr(author, "id", None),
        )
    )


REQUIRED_AT_PUBLISH = {
    "name": "a name",
    "website": "a website address",
    "countries": "at least one country (or worldwide)",
    "product_categories": "at least one product category",
    "positioning": "at least one market positioning",
    "commission": "a commission range (0% to 0% if it charges none)",
    "payment_days": "how many days until sellers are paid",
    "payout_currencies": "at least one payout currency",
    "seller_models": "at least one seller model",
    "fulfilment": "at least one fulfilment model",
    "upload_methods": "at least one way to upload products",
    "seller_support_channels": "at least one seller support channel",
}


def missing_for_publication(facts: dict[str, Any]) -> list[str]:
    """What a marketplace still needs before it can be published, in words staff understand."""
    missing = []
    for key, words in REQUIRED_AT_PUBLISH.items():
        value = facts.get(key)
        if value is None or value == "" or value == []:
            missing.append(words)
    fee = facts.get("membership_fee")
    if fee and not fee.get("frequency"):
        missing.append("how often the membership fee is charged")
    return missing


class PublishBlocked(ValidationFailed):
    """Publishing was refused; `missing` lists the facts still needed (shown by the button)."""

    def __init__(self, missing: list[str]):
        super().__init__(
            "The marketplace cannot be published until it has: " + "; ".join(missing) + ".",
            "publish",
        )
        self.missing = missing


def create_marketplace(name: str, slug: str, actor) -> Marketplace:
    """A new draft marketplace with only a name and a slug; staff fill in the facts."""
    slug = slug.strip().lower()
    if db.session.scalar(select(Marketplace.id).where(Marketplace.slug == slug)) is not None:
        raise ValidationFailed("A marketplace with this web address name already exists", "slug")
    marketplace = Marketplace(slug=slug, name=name.strip(), state=MarketplaceState.DRAFT)
    db.session.add(marketplace)
    facts = facts_of(marketplace) | {
        "name": name.strip(),
        "website": "",
        "countries": [],
        "fee_per_listing": False,
        "product_exclusivity_required": False,
        "shipping_tracking_required": False,
    }
    for key in (
        "product_categories",
        "positioning",
        "payout_currencies",
        "seller_models",
        "fulfilment",
        "upload_methods",
        "customer_support_channels",
        "seller_support_channels",
        "setup_requirements",
        "translation_required_for",
        "famous_brands",
    ):
        facts[key] = []
    marketplace.draft_facts = facts
    record_revision(marketplace, RevisionAction.CREATED, diff_facts(None, facts), actor)
    db.session.flush()
    return marketplace


@versioned_write("marketplace")
def save_draft(
    marketplace: Marketplace, raw_facts: dict[str, Any], actor, expected_version: int
) -> Marketplace:
    """Keep staff edits as a draft (the public page is unchanged until published)."""
    stale_guard(marketplace, expected_version, "marketplace")
    facts = normalise_facts(raw_facts)
    before = current_facts(marketplace)
    changes = diff_facts(before, facts)
    if not changes:
        return marketplace
    published = facts_of(marketplace)
    marketplace.draft_facts = None if (marketplace.is_published and facts == published) else facts
    record_revision(marketplace, RevisionAction.DRAFT_SAVED, changes, actor)
    return marketplace


@versioned_write("marketplace")
def discard_draft(marketplace: Marketplace, actor, expected_version: int) -> Marketplace:
    """Throw away unpublished edits, going back to the published facts."""
    stale_guard(marketplace, expected_version, "marketplace")
    if marketplace.draft_facts is None:
        raise NotAllowed("There is no draft to discard.")
    if marketplace.published_at is None:
        raise NotAllowed("This marketplace has never been published, so its draft is all it has.")
    changes = diff_facts(marketplace.draft_facts, facts_of(marketplace))
    marketplace.draft_facts = None
    record_revision(marketplace, RevisionAction.DRAFT_DISCARDED, changes, actor)
    return marketplace


def changes_since_publication(marketplace: Marketplace) -> dict[str, dict]:
    """What the draft changes compared with the published page ({} when nothing)."""
    if marketplace.draft_facts is None:
        return {}
    if marketplace.published_at is None:
        return diff_facts(None, current_facts(marketplace))
    return diff_facts(facts_of(marketplace), current_facts(marketplace))


@versioned_write("marketplace")
def publish_marketplace(marketplace: Marketplace, actor, expected_version: int) -> Marketplace:
    """Check the required facts, then make the draft (or the current facts) public."""
    stale_guard(marketplace, expected_version, "marketplace")
    facts = current_facts(marketplace)
    missing = missing_for_publication(facts)
    if missing:
        raise PublishBlocked(missing)
    if marketplace.is_published and marketplace.draft_facts is None:
        raise NotAllowed("This marketplace is already published and has no unpublished changes.")
    changes = diff_facts(None if marketplace.published_at is None else facts_of(marketplace), facts)
    apply_facts(marketplace, facts)
    marketplace.draft_facts = None
    marketplace.state = MarketplaceState.PUBLISHED
    marketplace.published_at = utcnow()
    marketplace.published_by_id = getattr(actor, "id", None)
    record_revision(marketplace, RevisionAction.PUBLISHED, changes, actor)
    return marketplace


@versioned_write("marketplace")
def unpublish_marketplace(marketplace: Marketplace, actor, expected_version: int) -> Marketplace:
    """Hide a marketplace (and so its offers) from every public page and the API."""
    stale_guard(marketplace, expected_version, "marketplace")
    if not marketplace.is_published:
        raise NotAllowed("This marketplace is not published.")
    marketplace.state = MarketplaceState.UNPUBLISHED
    record_revision(marketplace, RevisionAction.UNPUBLISHED, {}, actor)
    return marketplace
