"""What the public may see: published marketplaces and their live UK offers.

The rules themselves are on the models (`Marketplace.is_published`, `Offer.is_live(today)`),
usable in Python and SQL; this module is the queries every public page and the API share.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import selectinload

from marketplaces.models import Marketplace, Offer
from tradehub.dates import uk_today
from tradehub.extensions import db


def live_offers(marketplace: Marketplace, today: date | None = None) -> list[Offer]:
    """The marketplace's offers the public may see today (none if it is not published)."""
    if not marketplace.is_published:
        return []
    today = today or uk_today()
    return [o for o in marketplace.offers if o.is_live(today)]


def has_live_offer(today: date):
    """SQL condition: the marketplace has at least one offer live on `today`."""
    return exists().where(Offer.marketplace_id == Marketplace.id, Offer.is_live(today))


def published_marketplaces() -> Sequence[Marketplace]:
    """Every published marketplace, by name."""
    return db.session.scalars(
        select(Marketplace)
        .where(Marketplace.is_published)
        .options(selectinload(Marketplace.offers))
        .order_by(func.lower(Marketplace.name))
    ).all()


def get_published(slug: str) -> Marketplace | None:
    """A published marketplace by slug, or None."""
    return db.session.scalar(
        select(Marketplace)
        .where(Marketplace.slug == slug, Marketplace.is_published)
        .options(selectinload(Marketplace.offers))
    )


def data_last_updated() -> datetime | None:
    """When the published marketplace facts last changed."""
    return db.session.scalar(
        select(func.max(Marketplace.facts_updated_at)).where(Marketplace.is_published)
    )


def featured_marketplaces(limit: int = 3) -> Sequence[Marketplace]:
    """A few published marketplaces to show first: those with a live UK offer, most users first."""
    return db.session.scalars(
        select(Marketplace)
        .where(Marketplace.is_published)
        .options(selectinload(Marketplace.offers))
        .order_by(
            case((has_live_offer(uk_today()), 0), else_=1),
            Marketplace.registered_users_millions.desc().nulls_last(),
            func.lower(Marketplace.name),
        )
        .limit(limit)
    ).all()
