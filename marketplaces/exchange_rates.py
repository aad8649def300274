"""Exchange rates staff keep current: how many units of a currency one pound buys.

The cost estimate converts fees with these; `flask marketplaces load` seeds missing ones.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from marketplaces.facts import check_currency
from marketplaces.models import ExchangeRate
from marketplaces.versioning import stale_guard, versioned_write
from tradehub.errors import ValidationFailed
from tradehub.extensions import db


def exchange_rates() -> dict[str, ExchangeRate]:
    """Every stored rate by currency code."""
    return {r.currency: r for r in db.session.scalars(select(ExchangeRate))}


@versioned_write("exchange rate")
def update_exchange_rate(
    currency: str,
    units_per_gbp: Decimal,
    source: str,
    as_of: date | None,
    actor,
    expected_version: int | None = None,
) -> ExchangeRate:
    """Add a rate (no `expected_version`) or change one; positive, ISO 4217 code."""
    code = check_currency(currency, "currency")
    if code == "GBP":
        raise ValidationFailed("Pounds need no exchange rate", "currency")
    if units_per_gbp is None or units_per_gbp <= 0:
        raise ValidationFailed("Enter a rate greater than 0", "units_per_gbp")
    rate = db.session.scalar(select(ExchangeRate).where(ExchangeRate.currency == code))
    if rate is None:
        rate = ExchangeRate(currency=code)
        db.session.add(rate)
    elif expected_version is None:
        raise ValidationFailed(
            f"There is already a rate for {code}: change that one instead", "currency"
        )
    else:
        stale_guard(rate, expected_version, "exchange rate")
    rate.units_per_gbp = units_per_gbp
    rate.source = source.strip()
    rate.as_of = as_of
    rate.updated_by_id = getattr(actor, "id", None)
    return rate
