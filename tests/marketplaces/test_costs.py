"""Cost estimate and money formatting, with the worked examples written out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplaces.costs import (
    estimate_monthly_cost,
    format_commission,
    format_money,
    to_gbp,
    to_pennies,
)
from marketplaces.facts import apply_facts, normalise_facts
from marketplaces.models import Marketplace
from tests.factories import marketplace_facts

BASE = "/selling-online-overseas"


@pytest.mark.parametrize(
    ("amount", "currency", "frequency", "expected"),
    [
        (Decimal("1000"), "GBP", None, "£1,000.00"),
        (Decimal("80"), "GBP", None, "£80.00"),
        (Decimal("31.992"), "GBP", None, "£31.99"),
        (Decimal("0.005"), "GBP", None, "£0.01"),  # half a penny rounds up
        (Decimal("1234567.891"), "GBP", None, "£1,234,567.89"),
        (Decimal("39.99"), "USD", "monthly", "USD 39.99 a month"),
        (Decimal("1000"), "USD", "yearly", "USD 1,000.00 a year"),
        (Decimal("19500"), "JPY", "monthly", "JPY 19,500 a month"),  # yen have no minor unit
        (Decimal("19500.4"), "JPY", None, "JPY 19,500"),  # rounded to the whole yen
        (Decimal("12.3456"), "KWD", None, "KWD 12.346"),  # dinars have three decimals
        (Decimal("29.99"), "CAD", "monthly", "CAD 29.99 a month"),
        (Decimal("-12.5"), "GBP", None, "-£12.50"),
        (None, "GBP", None, ""),
    ],
)
def test_format_money(amount, currency, frequency, expected):
    assert format_money(amount, currency, frequency) == expected


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (Decimal("8"), Decimal("15"), "8% to 15%"),
        (Decimal("9.85"), Decimal("9.85"), "9.85%"),
        (Decimal("3.50"), Decimal("15.00"), "3.5% to 15%"),
        (None, None, ""),
    ],
)
def test_format_commission(low, high, expected):
    assert format_commission(low, high) == expected


def test_rounding_is_half_up_to_the_penny():
    assert to_pennies(Decimal("2.345")) == Decimal("2.35")
    assert to_pennies(Decimal("2.344")) == Decimal("2.34")


def _marketplace(**facts) -> Marketplace:
    marketplace = Marketplace(slug="example", name="Example")
    apply_facts(marketplace, normalise_facts(marketplace_facts(**facts)))
    return marketplace


RATES = {"USD": Decimal("1.25"), "JPY": Decimal("150"), "EUR": Decimal("1.20")}


def test_worked_example_commission_range_and_monthly_membership_in_dollars():
    # £1,000 sales at 8–15% commission = £80.00–£150.00;
    # membership USD 39.99/month at 1.25 USD per GBP = 39.99 / 1.25 = £31.992 → £31.99;
    # total £111.99–£181.99.
    marketplace = _marketplace(
        commission={"low_percent": 8, "high_percent": 15},
        membership_fee={"amount": 39.99, "currency": "USD", "frequency": "monthly"},
    )

    estimate = estimate_monthly_cost(marketplace, Decimal("1000"), 50, RATES)

    commission, membership = estimate.lines
    assert (commission.low, commission.high) == (Decimal("80.00"), Decimal("150.00"))
    assert (membership.low, membership.high) == (Decimal("31.99"), Decimal("31.99"))
    assert membership.working == "USD 39.99 a month at 1.25 USD to £1"
    assert (estimate.total_low, estimate.total_high) == (Decimal("111.99"), Decimal("181.99"))
    assert estimate.complete


def test_worked_example_yearly_fee_is_spread_over_twelve_months():
    # USD 1,000 a year at 1.25 USD per GBP = £800 a year = £66.666… a month → £66.67.
    # £2,500 sales at 2–10% = £50.00–£250.00; total £116.67–£316.67.
    marketplace = _marketplace(
        commission={"low_percent": 2, "high_percent": 10},
        membership_fee={"amount": 1000, "currency": "USD", "frequency": "yearly"},
    )

    estimate = estimate_monthly_cost(marketplace, Decimal("2500"), 0, RATES)

    assert estimate.lines[1].low == Decimal("66.67")
    assert estimate.lines[1].working.endswith("spread over 12 months")
    assert (estimate.total_low, estimate.total_high) == (Decimal("116.67"), Decimal("316.67"))


def test_worked_example_listing_fees_in_euros():
    # 120 listings × EUR 0.35 = EUR 42.00; at 1.20 EUR per GBP = £35.00.
    # £400 sales at 10% = £40.00; total £75.00.
    marketplace = _marketplace(
        commission={"low_percent": 10, "high_percent": 10},
        fee_per_listing=True,
        listing_fee={"amount": 0.35, "currency": "EUR"},
    )

    estimate = estimate_monthly_cost(marketplace, Decimal("400"), 120, RATES)

    assert [(line.label, line.low) for line in estimate.lines] == [
        ("Commission", Decimal("40.00")),
        ("Listing fees", Decimal("35.00")),
    ]
    assert estimate.total_high == Decimal("75.00")


def test_wholesale_marketplaces_charge_no_commission():
    marketplace = _marketplace(
        commission={"low_percent": 0, "high_percent": 0}, commission_basis="wholesale_price"
    )

    estimate = estimate_monthly_cost(marketplace, Decimal("1000"), 10, RATES)

    assert estimate.total_high == Decimal("0.00")
    assert "buys your goods at a wholesale price" in estimate.notes[0]


def test_unknown_listing_fee_and_missing_rate_make_the_estimate_incomplete():
    marketplace = _marketplace(
        fee_per_listing=True,
        membership_fee={"amount": 600, "currency": "MXN", "frequency": "monthly"},
    )

    estimate = estimate_monthly_cost(marketplace, Decimal("1000"), 10, RATES)

    assert not estimate.complete
    assert [line.label for line in estimate.lines] == ["Commission"]
    assert any("no exchange rate for MXN" in note for note in estimate.notes)
    assert any("fee per listing but has not told us how much" in n for n in estimate.notes)


def test_one_off_fees_are_shown_apart_from_the_monthly_total():
    # JPY 60,000 registration at 150 JPY per GBP = £400.00, not part of the monthly total.
    marketplace = _marketplace(one_off_registration_fee={"amount": 60000, "currency": "JPY"})

    estimate = estimate_monthly_cost(marketplace, Decimal("1000"), 10, RATES)

    assert estimate.one_off == ["One-off registration fee: JPY 60,000 (about £400.00)"]
    assert estimate.total_high == Decimal("150.00")


def test_to_gbp_divides_by_units_per_pound():
    assert to_gbp(Decimal("150"), "JPY", RATES) == Decimal("1")
    assert to_gbp(Decimal("12.34"), "GBP", {}) == Decimal("12.34")


def test_cost_estimate_page_for_rakuten_with_the_seed_rates(client, loaded):
    # Seed rate JPY 141.80 per £1. £1,000 sales at 8–12% = £80.00–£120.00;
    # membership JPY 19,500 / 141.80 = £137.517… → £137.52; total £217.52–£257.52.
    response = client.get(f"{BASE}/cost-estimate?monthly_sales=1000&listings=10&slug=rakuten")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "£80.00" in html and "£120.00" in html
    assert "JPY 19,500 a month at 141.8 JPY to £1" in html
    assert "£137.52" in html
    assert "£217.52" in html and "£257.52" in html
    assert "One-off registration fee: JPY 60,000 (about £423.13)" in html
    assert "How we work it out" in html
    assert "Amazon USA" not in html.split("How we work it out")[0].split("Estimated monthly")[1]


def test_cost_estimate_page_explains_bad_input(client, loaded):
    response = client.get(f"{BASE}/cost-estimate?monthly_sales=lots&listings=-1")

    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html
    assert "Number of listings must be between 0 and 1,000,000" in html
    assert "Estimated monthly cost" not in html


@pytest.mark.parametrize("typed", ["5,000", "£5,000", " 5000 ", "£5000.00"])
def test_cost_estimate_reads_amounts_as_people_type_them(client, loaded, typed):
    response = client.get(
        f"{BASE}/cost-estimate", query_string={"monthly_sales": typed, "listings": "1,000"}
    )
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" not in html
    assert "Estimated monthly cost" in html


def test_cost_estimate_says_what_to_enter_for_unreadable_numbers(client, loaded):
    html = client.get(f"{BASE}/cost-estimate?monthly_sales=lots&listings=abc").get_data(
        as_text=True
    )
    assert "Enter your expected monthly sales as a number of pounds, like 5000" in html
    assert "Enter the number of product listings as a whole number, like 250" in html
    assert "Not a valid" not in html


def test_cost_estimate_page_without_input_shows_only_the_form(client, loaded):
    html = client.get(f"{BASE}/cost-estimate").get_data(as_text=True)

    assert "govuk-error-summary" not in html
    assert "Expected monthly sales, in pounds" in html
    assert "Estimated monthly cost" not in html
