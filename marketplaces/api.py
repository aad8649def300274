"""The marketplaces JSON API: the finder's filters and sorts, and one marketplace by slug.

Read-only and anonymous, so the blueprint needs no CSRF exemption. A bad or unknown parameter
gets a 400 whose error names it; only published marketplaces and live offers are ever returned.
Described in the site's OpenAPI document by `marketplaces.openapi`.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, jsonify, request, url_for
from werkzeug.datastructures import MultiDict

from marketplaces.catalogue import get_published, live_offers
from marketplaces.finder import SORTS, FinderQuery, find_marketplaces
from marketplaces.models import (
    FULFILMENT,
    POSITIONING,
    PRODUCT_CATEGORIES,
    SELLER_MODELS,
    Marketplace,
    Offer,
)
from supplier_profiles import taxonomies
from tradehub.dates import uk_today
from tradehub.handlers import MESSAGES
from tradehub.money import money_to_json

bp = Blueprint("marketplaces_api", __name__, url_prefix="/api/v1")

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 1000
LIST_PARAMETERS = {
    "category": PRODUCT_CATEGORIES,
    "country": None,  # any ISO 3166-1 alpha-2 code
    "positioning": POSITIONING,
    "fulfilment": FULFILMENT,
    "seller_model": SELLER_MODELS,
}
FLAG_PARAMETERS = ("uk_offer", "no_local_company", "no_local_bank_account")
SINGLE_PARAMETERS = ("sort", "page", "per_page", *FLAG_PARAMETERS)
KNOWN_PARAMETERS = frozenset({*LIST_PARAMETERS, *SINGLE_PARAMETERS})
TRUE_VALUES = {"true": True, "1": True, "false": False, "0": False}


class BadParameter(ValueError):
    """A query parameter the API refuses; `parameter` names it."""

    def __init__(self, parameter: str, detail: str):
        super().__init__(detail)
        self.parameter = parameter


def api_error(status: int, detail: str, parameter: str | None = None):
    """The API's error body (the site-wide shape); `parameter` names the one at fault."""
    error = {"status": status, "title": MESSAGES.get(status, MESSAGES[500])[0], "detail": detail}
    if parameter is not None:
        error["parameter"] = parameter
    return jsonify({"error": error}), status


def _integer(args: MultiDict, name: str, default: int, maximum: int) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise BadParameter(name, f"{name} must be a whole number from 1 to {maximum}")
    return int(raw)


def parse_query(args: MultiDict) -> tuple[FinderQuery, int, int]:
    """Turn the query string into (FinderQuery, page, per_page), or raise BadParameter."""
    for name in args:
        if name not in KNOWN_PARAMETERS:
            raise BadParameter(
                name,
                f"{name} is not a parameter of this endpoint; use "
                f"{', '.join(sorted(KNOWN_PARAMETERS))}",
            )
    for name in SINGLE_PARAMETERS:
        if len(args.getlist(name)) > 1:
            raise BadParameter(name, f"{name} may be given only once")
    values: dict[str, list[str]] = {}
    for name, allowed in LIST_PARAMETERS.items():
        given = [v.strip() for v in args.getlist(name) if v.strip()]
        if name == "country":
            given = [v.upper() for v in given]
            bad = [v for v in given if not taxonomies.is_valid("country", v)]
            if bad:
                raise BadParameter(
                    name,
                    f"country must be an ISO 3166-1 alpha-2 code, like FR; {bad[0]!r} is not one",
                )
        else:
            bad = [v for v in given if v not in allowed]
            if bad:
                raise BadParameter(name, f"{name} {bad[0]!r} is not one of: {', '.join(allowed)}")
        values[name] = given
    flags = {}
    for name in FLAG_PARAMETERS:
        raw = (args.get(name) or "false").strip().lower()
        if raw not in TRUE_VALUES:
            raise BadParameter(name, f"{name} must be true or false")
        flags[name] = TRUE_VALUES[raw]
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        raise BadParameter("sort", f"sort must be one of: {', '.join(SORTS)}")
    query = FinderQuery(
        categories=values["category"],
        countries=values["country"],
        positioning=values["positioning"],
        fulfilment=values["fulfilment"],
        seller_models=values["seller_model"],
        sort=sort,
        **flags,
    )
    page = _integer(args, "page", 1, MAX_PAGE)
    per_page = _integer(args, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    return query, page, per_page


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


def _page_link(page: int) -> str:
    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return url_for("marketplaces_api.list_marketplaces", _external=True, **args)


@bp.get("/marketplaces")
def list_marketplaces():
    """Published marketplaces filtered and sorted like the finder, a page at a time."""
    try:
        query, page, per_page = parse_query(request.args)
    except BadParameter as exc:
        return api_error(400, str(exc), exc.parameter)
    result = find_marketplaces(query, page=page, per_page=per_page)
    today = uk_today()
    return jsonify(
        {
            "total": result.total,
            "page": page,
            "per_page": per_page,
            "pages": result.pages,
            "next": _page_link(page + 1) if page < result.pages else None,
            "previous": _page_link(page - 1) if 1 < page <= result.pages + 1 else None,
            "marketplaces": [marketplace_json(m, live_offers(m, today)) for m in result.items],
        }
    )


@bp.get("/marketplaces/<slug>")
def get_marketplace(slug: str):
    """One published marketplace with its live UK offers; 404 JSON otherwise."""
    found = get_published(slug)
    if found is None:
        return api_error(404, f"No published marketplace has the slug {slug!r}.")
    return jsonify(marketplace_json(found, live_offers(found)))
