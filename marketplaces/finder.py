"""The finder and the comparison: filter, sort and page the published marketplaces.

Filters read the `marketplace_facets` rows (OR within a group, AND across groups), so they run
in SQL on every database. The API and the finder page share `FinderQuery` and `SORTS`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext
from sqlalchemy import Float, case, cast, exists, func, literal, or_, select
from sqlalchemy.orm import selectinload

from marketplaces.catalogue import has_live_offer
from marketplaces.models import Marketplace, MarketplaceFacet
from tradehub.dates import uk_today
from tradehub.errors import ValidationFailed
from tradehub.extensions import db
from tradehub.i18n import N_

# The service is for selling abroad: the United Kingdom is home, never a country to sell to
# (the finder form does not offer it; the form and the API refuse it with HOME_COUNTRY_REFUSAL).
HOME_COUNTRY = "GB"
HOME_COUNTRY_REFUSAL = N_(
    "Choose a country outside the United Kingdom: this service is for selling abroad"
)


SORTS = {
    "relevance": N_("Relevance"),
    "users": N_("Registered users (most first)"),
    "commission": N_("Commission (lowest first)"),
    "name": N_("Name (A to Z)"),
}


@dataclass
class FinderQuery:
    """The finder's filters: OR within a group, AND across groups."""

    categories: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    positioning: list[str] = field(default_factory=list)
    fulfilment: list[str] = field(default_factory=list)
    seller_models: list[str] = field(default_factory=list)
    uk_offer: bool = False
    no_local_company: bool = False
    no_local_bank_account: bool = False
    sort: str = "relevance"


def _facet_exists(facet: str, values: Iterable[str]):
    return exists().where(
        MarketplaceFacet.marketplace_id == Marketplace.id,
        MarketplaceFacet.facet == facet,
        MarketplaceFacet.value.in_(list(values)),
    )


def _facet_count(facet: str):
    """SQL: how many values of `facet` the marketplace has (at least 1, to divide by)."""
    counted = (
        select(func.count(MarketplaceFacet.id))
        .where(MarketplaceFacet.marketplace_id == Marketplace.id, MarketplaceFacet.facet == facet)
        .correlate(Marketplace)
        .scalar_subquery()
    )
    return cast(func.coalesce(func.nullif(counted, 0), 1), Float)


def relevance_score(query: FinderQuery):
    """SQL: the focus score of a marketplace for the chosen countries and categories."""
    total = literal(0.0, Float)
    for facet, values in (("category", query.categories), ("country", query.countries)):
        if not values:
            continue
        share = literal(1.0, Float) / _facet_count(facet)
        for value in values:
            total = total + case((_facet_exists(facet, [value]), share), else_=literal(0.0, Float))
    return total


def finder_select(query: FinderQuery, today: date | None = None):
    """The SELECT for published marketplaces matching `query`, in the chosen order."""
    today = today or uk_today()
    stmt = select(Marketplace).where(Marketplace.is_published)
    if query.categories:
        stmt = stmt.where(_facet_exists("category", query.categories))
    if query.countries:
        stmt = stmt.where(
            or_(Marketplace.is_global.is_(True), _facet_exists("country", query.countries))
        )
    if query.positioning:
        stmt = stmt.where(_facet_exists("positioning", query.positioning))
    if query.fulfilment:
        stmt = stmt.where(_facet_exists("fulfilment", query.fulfilment))
    if query.seller_models:
        stmt = stmt.where(_facet_exists("seller_model", query.seller_models))
    has_offer = has_live_offer(today)
    if query.uk_offer:
        stmt = stmt.where(has_offer)
    if query.no_local_company:
        stmt = stmt.where(~_facet_exists("setup", ["local_company"]))
    if query.no_local_bank_account:
        stmt = stmt.where(~_facet_exists("setup", ["local_bank_account"]))

    users = Marketplace.registered_users_millions.desc().nulls_last()
    if query.sort == "name":
        order = [func.lower(Marketplace.name)]
    elif query.sort == "users":
        order = [users, func.lower(Marketplace.name)]
    elif query.sort == "commission":
        order = [
            Marketplace.commission_low_percent.asc().nulls_last(),
            Marketplace.commission_high_percent.asc().nulls_last(),
            func.lower(Marketplace.name),
        ]
    else:
        # Relevance favours focus: each chosen country the marketplace sells in scores
        # 1 / (countries it serves) and each chosen category 1 / (categories it sells), so a
        # Poland-only marketplace ranks above one spread over sixteen countries, and a
        # clothing-only one above a department store. Worldwide marketplaces match every
        # country but score nothing for it. Ties: a UK offer, then the biggest audiences.
        order = []
        if query.categories or query.countries:
            order.append(relevance_score(query).desc())
        order += [case((has_offer, 0), else_=1), users, func.lower(Marketplace.name)]
    return stmt.options(selectinload(Marketplace.offers)).order_by(*order)


def find_marketplaces(query: FinderQuery, page: int = 1, per_page: int = 10):
    """One page of matching published marketplaces (a Flask-SQLAlchemy Pagination)."""
    return db.paginate(
        finder_select(query), page=page, per_page=per_page, error_out=False, max_per_page=100
    )


def facet_choices(facet: str) -> list[str]:
    """The values of one facet that published marketplaces use, for the finder's options."""
    return list(
        db.session.scalars(
            select(MarketplaceFacet.value)
            .join(Marketplace)
            .where(Marketplace.is_published, MarketplaceFacet.facet == facet)
            .distinct()
            .order_by(MarketplaceFacet.value)
        )
    )


MAX_COMPARE = 4


def compare_marketplaces(slugs: list[str]) -> list[Marketplace]:
    """The published marketplaces named, in the order given; unknown or unpublished ones dropped."""
    slugs = list(dict.fromkeys(slugs))  # the same marketplace twice counts once
    if len(slugs) > MAX_COMPARE:
        raise ValidationFailed(
            gettext(
                "You can compare up to %(most)s marketplaces at a time. "
                "You chose %(chosen)s: remove %(extra)s to continue.",
                most=MAX_COMPARE,
                chosen=len(slugs),
                extra=len(slugs) - MAX_COMPARE,
            ),
            "slug",
        )
    found = {
        m.slug: m
        for m in db.session.scalars(
            select(Marketplace)
            .where(Marketplace.slug.in_(slugs), Marketplace.is_published)
            .options(selectinload(Marketplace.offers))
        )
    }
    ordered: list[Marketplace] = []
    for slug in slugs:
        if slug in found and found[slug] not in ordered:
            ordered.append(found[slug])
    return ordered
