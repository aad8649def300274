"""Money amounts rounded and written in their currency's minor units (JPY has none, KWD three).

The number of minor units comes from the CLDR data in `babel` (ISO 4217), so no table of
currencies is kept here. Amounts are `Decimal`; JSON carries them as strings so nothing is lost.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision


def minor_units(currency_code: str) -> int:
    """Digits after the decimal point for `currency_code`: GBP 2, JPY 0, KWD 3."""
    return get_currency_precision(currency_code.upper())


def quantize_money(amount: Decimal | int | str, currency: str) -> Decimal:
    """`amount` rounded half up to the currency's minor unit (12.505 GBP -> 12.51)."""
    exponent = Decimal(1).scaleb(-minor_units(currency))
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


def money_to_json(amount: Decimal | int | str, currency: str) -> str:
    """The amount as a JSON string with exactly the currency's minor units ("19500", "12.50")."""
    return f"{quantize_money(amount, currency):f}"
