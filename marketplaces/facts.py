"""A marketplace's facts: the data-file shape, checking it, and writing it into the columns.

Drafts, revisions and diffs all use the data-file shape (`FACT_KEYS`), so a diff names the
same keys staff see in the data file; `apply_facts` is the one way facts reach the columns and
the finder's facet rows.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry

from marketplaces.models import (
    COMMISSION_BASES,
    FACET_SOURCES,
    FACT_KEYS,
    FEE_FREQUENCIES,
    GLOBAL_MARKER,
    SETUP_REQUIREMENTS,
    TRANSLATION_NEEDS,
    Marketplace,
    MarketplaceFacet,
)
from supplier_profiles import taxonomies
from tradehub.db_types import utcnow
from tradehub.errors import ValidationFailed


def parse_decimal(value: Any) -> Decimal | None:
    """A number from the data file or a form as Decimal (None when empty)."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationFailed(f"{value!r} is not a number") from exc


def _number(value: Decimal | None) -> float | int | None:
    """A Decimal as the plain JSON number the data file uses (so diffs compare like with like)."""
    if value is None:
        return None
    return float(value)


def _money_fact(
    amount: Decimal | None,
    currency: str | None,
    frequency: str | None = None,
    with_frequency: bool = False,
) -> dict | None:
    if amount is None:
        return None
    fact: dict[str, Any] = {"amount": _number(amount), "currency": currency}
    if with_frequency:
        fact["frequency"] = frequency
    return fact


def facts_of(marketplace: Marketplace) -> dict[str, Any]:
    """The marketplace's published facts in the data-file shape (the shape drafts and diffs use)."""
    m = marketplace
    commission = None
    if m.commission_low_percent is not None or m.commission_high_percent is not None:
        commission = {
            "low_percent": _number(m.commission_low_percent),
            "high_percent": _number(m.commission_high_percent),
        }
    return {
        "name": m.name,
        "website": m.website,
        "countries": GLOBAL_MARKER if m.is_global else list(m.countries or []),
        "product_categories": list(m.product_categories or []),
        "positioning": list(m.positioning or []),
        "commission": commission,
        "commission_basis": m.commission_basis,
        "one_off_registration_fee": _money_fact(
            m.registration_fee_amount, m.registration_fee_currency
        ),
        "membership_fee": _money_fact(
            m.membership_fee_amount,
            m.membership_fee_currency,
            m.membership_fee_frequency,
            with_frequency=True,
        ),
        "deposit": _money_fact(m.deposit_amount, m.deposit_currency),
        "fee_per_listing": bool(m.fee_per_listing),
        "listing_fee": _money_fact(m.listing_fee_amount, m.listing_fee_currency),
        "payment_days": m.payment_days,
        "payout_currencies": list(m.payout_currencies or []),
        "registered_users_millions": _number(m.registered_users_millions),
        "seller_models": list(m.seller_models or []),
        "fulfilment": list(m.fulfilment or []),
        "upload_methods": list(m.upload_methods or []),
        "customer_support_channels": list(m.customer_support_channels or []),
        "seller_support_channels": list(m.seller_support_channels or []),
        "setup_requirements": list(m.setup_requirements or []),
        "product_exclusivity_required": bool(m.product_exclusivity_required),
        "shipping_tracking_required": bool(m.shipping_tracking_required),
        "translation_required_for": list(m.translation_required_for or []),
        "famous_brands": list(m.famous_brands or []),
    }


def current_facts(marketplace: Marketplace) -> dict[str, Any]:
    """What staff are working on: the draft if there is one, else the published facts."""
    if marketplace.draft_facts is not None:
        return {**facts_of(marketplace), **marketplace.draft_facts}
    return facts_of(marketplace)


def is_currency_code(code: str) -> bool:
    """Whether `code` is an ISO 4217 currency code (upper case)."""
    return bool(code) and pycountry.currencies.get(alpha_3=code) is not None


def check_currency(code: Any, where: str) -> str:
    """The ISO 4217 code, upper-cased; ValidationFailed naming `where` if it is not one."""
    code = str(code or "").strip().upper()
    if not is_currency_code(code):
        raise ValidationFailed(
            f"{where}: {code or 'nothing'} is not an ISO 4217 currency code", where
        )
    return code


def _check_country(code: Any, where: str) -> str:
    code = str(code or "").strip().upper()
    if not taxonomies.is_valid("country", code):
        raise ValidationFailed(
            f"{where}: {code or 'nothing'} is not an ISO 3166 country code", where
        )
    return code


def _string_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationFailed(f"{where} must be a list of text values", where)
    return [v.strip() for v in value if v.strip()]


def normalise_facts(raw: dict[str, Any]) -> dict[str, Any]:
    """Check a facts dict (from the data file or a staff form) and return it in canonical form.

    Raises ValidationFailed naming the fact when a value has the wrong type or an unknown code.
    """
    facts: dict[str, Any] = {}
    name = str(raw.get("name") or "").strip()
    if not name:
        raise ValidationFailed("name is missing", "name")
    facts["name"] = name
    facts["website"] = str(raw.get("website") or "").strip()

    countries = raw.get("countries")
    if isinstance(countries, str) and countries.strip().upper() == GLOBAL_MARKER:
        facts["countries"] = GLOBAL_MARKER
    else:
        codes = [_check_country(c, "countries") for c in _string_list(countries, "countries")]
        facts["countries"] = sorted(set(codes))

    for key in (
        "product_categories",
        "positioning",
        "seller_models",
        "fulfilment",
        "upload_methods",
        "customer_support_channels",
        "seller_support_channels",
        "famous_brands",
    ):
        facts[key] = _string_list(raw.get(key), key)

    commission = raw.get("commission")
    if commission:
        low = parse_decimal(commission.get("low_percent"))
        high = parse_decimal(commission.get("high_percent"))
        if low is None or high is None:
            raise ValidationFailed(
                "commission needs both a low and a high percentage", "commission"
            )
        if not (Decimal(0) <= low <= high <= Decimal(100)):
            raise ValidationFailed(
                "commission must be 0–100% with the low end no higher than the high end",
                "commission",
            )
        facts["commission"] = {"low_percent": float(low), "high_percent": float(high)}
    else:
        facts["commission"] = None

    basis = raw.get("commission_basis") or None
    if basis is not None and basis not in COMMISSION_BASES:
        raise ValidationFailed(f"commission_basis: unknown value {basis!r}", "commission_basis")
    facts["commission_basis"] = basis

    for key, with_frequency in (
        ("one_off_registration_fee", False),
        ("membership_fee", True),
        ("deposit", False),
        ("listing_fee", False),
    ):
        fee = raw.get(key)
        if not fee:
            facts[key] = None
            continue
        amount = parse_decimal(fee.get("amount"))
        if amount is None or amount < 0:
            raise ValidationFailed(f"{key}: the amount must be zero or more", key)
        fact = {"amount": float(amount), "currency": check_currency(fee.get("currency"), key)}
        if with_frequency:
            frequency = fee.get("frequency")
            if frequency not in FEE_FREQUENCIES:
                raise ValidationFailed(
                    f"{key}: frequency must be one of {', '.join(FEE_FREQUENCIES)}", key
                )
            fact["frequency"] = frequency
        facts[key] = fact

    facts["fee_per_listing"] = bool(raw.get("fee_per_listing")) or bool(facts["listing_fee"])
    days = raw.get("payment_days")
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or days < 0):
        raise ValidationFailed("payment_days must be a whole number of days", "payment_days")
    facts["payment_days"] = days
    facts["payout_currencies"] = sorted(
        {
            check_currency(c, "payout_currencies")
            for c in _string_list(raw.get("payout_currencies"), "payout_currencies")
        }
    )
    users = parse_decimal(raw.get("registered_users_millions"))
    if users is not None and users < 0:
        raise ValidationFailed(
            "registered_users_millions must be zero or more", "registered_users_millions"
        )
    facts["registered_users_millions"] = None if users is None else float(users)

    setup = _string_list(raw.get("setup_requirements"), "setup_requirements")
    unknown = [s for s in setup if s not in SETUP_REQUIREMENTS]
    if unknown:
        raise ValidationFailed(
            f"setup_requirements: unknown {', '.join(unknown)}", "setup_requirements"
        )
    facts["setup_requirements"] = setup
    translation = _string_list(raw.get("translation_required_for"), "translation_required_for")
    unknown = [t for t in translation if t not in TRANSLATION_NEEDS]
    if unknown:
        raise ValidationFailed(
            f"translation_required_for: unknown {', '.join(unknown)}", "translation_required_for"
        )
    facts["translation_required_for"] = translation
    facts["product_exclusivity_required"] = bool(raw.get("product_exclusivity_required"))
    facts["shipping_tracking_required"] = bool(raw.get("shipping_tracking_required"))
    return {key: facts[key] for key in FACT_KEYS}


def _fee_columns(fee: dict | None) -> tuple[Decimal | None, str | None]:
    if not fee:
        return None, None
    return parse_decimal(fee["amount"]), fee["currency"]


def apply_facts(
    marketplace: Marketplace, facts: dict[str, Any], facts_as_of: datetime | None = None
) -> None:
    """Write canonical facts into the columns and rebuild the finder's facet rows."""
    m = marketplace
    m.name = facts["name"]
    m.website = facts["website"]
    m.is_global = facts["countries"] == GLOBAL_MARKER
    m.countries = [] if m.is_global else list(facts["countries"])
    m.product_categories = list(facts["product_categories"])
    m.positioning = list(facts["positioning"])
    commission = facts["commission"] or {}
    m.commission_low_percent = parse_decimal(commission.get("low_percent"))
    m.commission_high_percent = parse_decimal(commission.get("high_percent"))
    m.commission_basis = facts["commission_basis"]
    m.registration_fee_amount, m.registration_fee_currency = _fee_columns(
        facts["one_off_registration_fee"]
    )
    m.membership_fee_amount, m.membership_fee_currency = _fee_columns(facts["membership_fee"])
    m.membership_fee_frequency = (facts["membership_fee"] or {}).get("frequency")
    m.deposit_amount, m.deposit_currency = _fee_columns(facts["deposit"])
    m.fee_per_listing = facts["fee_per_listing"]
    m.listing_fee_amount, m.listing_fee_currency = _fee_columns(facts["listing_fee"])
    m.payment_days = facts["payment_days"]
    m.payout_currencies = list(facts["payout_currencies"])
    m.registered_users_millions = parse_decimal(facts["registered_users_millions"])
    for key in (
        "seller_models",
        "fulfilment",
        "upload_methods",
        "customer_support_channels",
        "seller_support_channels",
        "setup_requirements",
        "translation_required_for",
        "famous_brands",
    ):
        setattr(m, key, list(facts[key]))
    m.product_exclusivity_required = facts["product_exclusivity_required"]
    m.shipping_tracking_required = facts["shipping_tracking_required"]
    # Loaded facts are as old as the file says, not as new as the load; staff edits are now.
    m.facts_updated_at = facts_as_of or utcnow()

    wanted = {
        (facet, value)
        for facet, key in FACET_SOURCES.items()
        for value in ([] if facts[key] == GLOBAL_MARKER else facts[key])
    }
    for row in list(m.facets):
        if (row.facet, row.value) not in wanted:
            m.facets.remove(row)
        else:
            wanted.discard((row.facet, row.value))
    for facet, value in sorted(wanted):
        m.facets.append(MarketplaceFacet(facet=facet, value=value))


def diff_facts(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, dict]:
    """{fact: {"from": old, "to": new}} for every fact that differs (all facts when no before)."""
    before = before or {}
    return {
        key: {"from": before.get(key), "to": after.get(key)}
        for key in FACT_KEYS
        if before.get(key) != after.get(key)
    }
