"""Money follows its currency's minor units: no "19500.00" for yen."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tradehub.money import minor_units, money_to_json, quantize_money


@pytest.mark.parametrize(
    ("currency", "digits"), [("GBP", 2), ("gbp", 2), ("JPY", 0), ("KWD", 3), ("EUR", 2)]
)
def test_minor_units_come_from_iso_4217(currency, digits):
    assert minor_units(currency) == digits


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("12.5"), "GBP", "12.50"),
        (Decimal("12.505"), "GBP", "12.51"),  # half up, not banker's rounding
        (Decimal("19500"), "JPY", "19500"),
        (Decimal("19500.00"), "JPY", "19500"),
        (Decimal("19500.5"), "JPY", "19501"),
        (Decimal("1.2"), "KWD", "1.200"),
        (Decimal("0"), "USD", "0.00"),
        (7, "GBP", "7.00"),
    ],
)
def test_money_to_json_writes_the_currency_minor_units(amount, currency, expected):
    assert money_to_json(amount, currency) == expected


def test_quantize_money_returns_a_decimal_with_the_currency_exponent():
    assert quantize_money(Decimal("3.14159"), "KWD") == Decimal("3.142")
    assert quantize_money(Decimal("3.14159"), "KWD").as_tuple().exponent == -3
    assert quantize_money(Decimal("1E+3"), "GBP").as_tuple().exponent == -2
