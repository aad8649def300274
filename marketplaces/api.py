"""The marketplaces JSON API: the finder's filters and sorts, and one marketplace by slug.

Read-only and anonymous, so the blueprint needs no CSRF exemption. Declared with
`tradehub.api.operation`: the pydantic models of `marketplaces.api_schemas` parse the query (a
bad or unknown parameter gets a 400 naming it) and serialise the answer, and the site's OpenAPI
document is generated from them. Only published marketplaces and live offers are ever returned.
v2 lists use the one envelope (data, meta, links); v1 keeps its older shape until its Sunset.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from flask import Blueprint, url_for
from sqlalchemy import func, select

from marketplaces.api_schemas import (
    TAG,
    TRUE_VALUES,
    MarketplaceListParameters,
    MarketplaceListV1,
    MarketplacePage,
)
from marketplaces.api_schemas import (
    Marketplace as MarketplaceBody,
)
from marketplaces.catalogue import get_published, live_offers
from marketplaces.finder import FinderQuery, find_marketplaces
from marketplaces.models import Marketplace, Offer
from tradehub.api import (
    LIST_MAX_AGE,
    Answer,
    ApiError,
    Deprecation,
    newest,
    operation,
    page_links,
    v1_deprecation,
)
from tradehub.dates import UK, uk_today
from tradehub.extensions import db
from tradehub.money import money_to_json

bp = Blueprint("marketplaces_api", __name__, url_prefix="/api")

TAG_NAME = TAG["name"]


def _v1(successor: str) -> Deprecation:
    return v1_deprecation(f"marketplaces_api.{successor}")


def finder_query(params: MarketplaceListParameters) -> FinderQuery:
    """The validated parameters as the finder's query."""
    return FinderQuery(
        categories=list(params.category),
        countries=list(params.country),
        positioning=list(params.positioning),
        fulfilment=list(params.fulfilment),
        seller_models=list(params.seller_model),
        uk_offer=params.uk_offer in TRUE_VALUES,
        no_local_company=params.no_local_company in TRUE_VALUES,
        no_local_bank_account=params.no_local_bank_account in TRUE_VALUES,
        sort=params.sort,
    )


def _start_of_today() -> datetime:
    # Offers start and end on UK dates: what is live can change at midnight with no write.
    return datetime.combine(uk_today(), time(), tzinfo=UK)


def marketplaces_changed_at() -> datetime:
    """When any marketplace or offer last changed, or today began: Last-Modified of lists."""
    return newest(
        db.session.scalar(select(func.max(Marketplace.updated_at))),
        db.session.scalar(select(func.max(Offer.updated_at))),
        _start_of_today(),
    )


def _decimal(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return f"{value.normalize():f}"


def _money(
    amount: Decimal | None,
    currency: str | None,
    frequency: str | None = None,
    with_frequency: bool = False,
) -> dict | None:
    if amount is None:
        return None
    # In the currency's minor units: "12.50" pounds, "19500" yen (the yen has no minor unit).
    money = {"amount": money_to_json(amount, currency), "currency": currency}
    if with_frequency:
        money["frequency"] = frequency
    return money


def offer_json(offer: Offer) -> dict:
    """A live UK offer as the API shows it."""
    return {
        "kind": offer.kind,
        "badge_text": offer.badge_text,
        "summary": offer.summary,
        "terms": offer.terms,
        "eligibility": offer.eligibility,
        "valid_from": offer.valid_from.isoformat() if offer.valid_from else None,
        "valid_until": offer.valid_until.isoformat() if offer.valid_until else None,
    }


def marketplace_json(m: Marketplace, offers: list[Offer]) -> dict:
    """Every public fact of a published marketplace. Decimals are strings, so nothing is lost."""
    return {
        "slug": m.slug,
        "name": m.name,
        "url": url_for("marketplaces.marketplace", slug=m.slug, _external=True),
        "website": m.website,
        "worldwide": m.is_global,
        "countries": [] if m.is_global else list(m.countries),
        "product_categories": list(m.product_categories),
        "positioning": list(m.positioning),
        "commission": {
            "low_percent": _decimal(m.commission_low_percent),
            "high_percent": _decimal(m.commission_high_percent),
            "basis": m.commission_basis,
        },
        "fees": {
            "one_off_registration": _money(m.registration_fee_amount, m.registration_fee_currency),
            "membership": _money(
                m.membership_fee_amount,
                m.membership_fee_currency,
                m.membership_fee_frequency,
                with_frequency=True,
            ),
            "deposit": _money(m.deposit_amount, m.deposit_currency),
            "per_listing": {
                "charged": m.fee_per_listing,
                "amount": _money(m.listing_fee_amount, m.listing_fee_currency),
            },
        },
        "payment_days": m.payment_days,
        "payout_currencies": list(m.payout_currencies),
        "registered_users_millions": _decimal(m.registered_users_millions),
        "seller_models": list(m.seller_models),
        "fulfilment": list(m.fulfilment),
        "upload_methods": list(m.upload_methods),
        "customer_support_channels": list(m.customer_support_channels),
        "seller_support_channels": list(m.seller_support_channels),
        "setup_requirements": list(m.setup_requirements),
        "translation_required_for": list(m.translation_required_for),
        "product_exclusivity_required": m.product_exclusivity_required,
        "shipping_tracking_required": m.shipping_tracking_required,
        "famous_brands": list(m.famous_brands),
        "uk_offers": [offer_json(o) for o in offers],
        "facts_updated_at": m.facts_updated_at.isoformat(),
    }


_LIST_DESCRIPTION = (
    "Filters are OR within a parameter and AND across parameters. A marketplace that sells "
    "worldwide matches every country. Only published marketplaces and their live (published, "
    "in-date) UK offers are returned. Unknown parameters are refused."
)
_LIST = {
    "tag": TAG_NAME,
    "description": _LIST_DESCRIPTION,
    "query": MarketplaceListParameters,
    "max_age": LIST_MAX_AGE,
}


def _page(params: MarketplaceListParameters):
    result = find_marketplaces(finder_query(params), page=params.page, per_page=params.per_page)
    today = uk_today()
    items = [marketplace_json(m, live_offers(m, today)) for m in result.items]
    return result, items


@bp.get("/v2/marketplaces")
@operation(
    operation_id="listMarketplaces",
    summary="Published partner marketplaces, filtered and sorted like the finder",
    response=MarketplacePage,
    **_LIST,
)
def list_marketplaces(params: MarketplaceListParameters) -> Answer:
    """A page of marketplaces in the list envelope."""
    result, items = _page(params)
    body = {
        "data": items,
        "meta": {
            "total": result.total,
            "page": params.page,
            "per_page": params.per_page,
            "pages": result.pages,
        },
        "links": page_links(params.page, result.pages),
    }
    return Answer(body, marketplaces_changed_at())


@bp.get("/v1/marketplaces")
@operation(
    operation_id="listMarketplacesV1",
    summary="Published partner marketplaces (v1 shape)",
    response=MarketplaceListV1,
    deprecation=_v1("list_marketplaces"),
    **_LIST,
)
def list_marketplaces_v1(params: MarketplaceListParameters) -> Answer:
    """v1: total, page, per_page, pages, next, previous and marketplaces at the top level."""
    result, items = _page(params)
    page = params.page
    links = page_links(page, result.pages)
    body = {
        "total": result.total,
        "page": page,
        "per_page": params.per_page,
        "pages": result.pages,
        "next": links["next"],
        "previous": links["prev"] if 1 < page <= result.pages + 1 else None,
        "marketplaces": items,
    }
    return Answer(body, marketplaces_changed_at())


def _one(slug: str) -> Answer:
    found = get_published(slug)
    if found is None:
        raise ApiError(404, f"No published marketplace has the slug {slug!r}.")
    changed = newest(found.updated_at, *(o.updated_at for o in found.offers), _start_of_today())
    return Answer(marketplace_json(found, live_offers(found)), changed)


_ONE = {
    "summary": "One published marketplace with every fact and its live UK offers",
    "tag": TAG_NAME,
    "response": MarketplaceBody,
    "path_parameters": {"slug": "The marketplace's slug, as in its page's web address."},
    "errors": {404: "No published marketplace has this slug."},
}


@bp.get("/v2/marketplaces/<slug>")
@operation(operation_id="getMarketplace", **_ONE)
def get_marketplace(slug: str) -> Answer:
    """One published marketplace with its live UK offers; 404 JSON otherwise."""
    return _one(slug)


@bp.get("/v1/marketplaces/<slug>")
@operation(operation_id="getMarketplaceV1", deprecation=_v1("get_marketplace"), **_ONE)
def get_marketplace_v1(slug: str) -> Answer:
    """v1 of one marketplace: the same body as v2."""
    return _one(slug)
