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


def featured_marketplaces(limit: int = 3, today: date | None = None) -> list[Marketplace]:
    """A few published marketplaces to show first, rotating daily among those with a live offer.

    The marketplaces with a live UK offer, by name, are taken `limit` at a time starting at an
    offset that moves on by `limit` each day (the same all day, for every visitor). When fewer
    than `limit` have a live offer, the biggest other marketplaces fill the rest.
    """
    today = today or uk_today()
    published = db.session.scalars(
        select(Marketplace)
        .where(Marketplace.is_published)
        .options(selectinload(Marketplace.offers))
        .order_by(
            case((has_live_offer(today), 0), else_=1),
            Marketplace.registered_users_millions.desc().nulls_last(),
            func.lower(Marketplace.name),
        )
    ).all()
    with_offer = sorted(
        (m for m in published if live_offers(m, today)), key=lambda m: (m.name.lower(), m.id)
    )
    if len(with_offer) <= limit:
        rest = [m for m in published if m not in with_offer]
        return with_offer + rest[: limit - len(with_offer)]
    start = (today.toordinal() * limit) % len(with_offer)
    return [with_offer[(start + i) % len(with_offer)] for i in range(limit)]
