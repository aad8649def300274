"""Money: formatting amounts with their currency, and the monthly cost estimate in pounds.

All arithmetic is Decimal. Each line of an estimate is rounded to the penny (half up) once,
and totals add the rounded lines, so the figures a user sees always add up. Amounts are shown
in their currency's minor units (`tradehub.money`): pence for pounds, none for yen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import format_decimal, gettext, ngettext

from marketplaces.models import FEE_FREQUENCIES, FEE_MONTHS, Marketplace
from tradehub import i18n
from tradehub.i18n import N_
from tradehub.money import quantize_money

HUNDRED = Decimal(100)


def to_pennies(amount: Decimal) -> Decimal:
    """Round pounds to the penny, half up (the way people round money)."""
    return quantize_money(amount, "GBP")


def format_money(amount, currency: str = "GBP", frequency: str | None = None) -> str:
    """`£1,234.50`, `USD 39.99 a month`, `JPY 19,500 a month`; empty for no amount.

    Written in the reader's locale (`tradehub.i18n.format_money`): pounds with the locale's
    pound sign, other currencies by their ISO 4217 code, which is never ambiguous (unlike "$").
    `frequency` (monthly, quarterly, yearly) adds "a month" etc.
    """
    if amount is None:
        return ""
    text = i18n.format_money(amount, currency)
    if frequency:
        text += f" {gettext(FEE_FREQUENCIES.get(frequency, frequency))}"
    return text


def format_percent(value) -> str:
    """`8%`, `9.85%`, `3.5%`: no trailing zeros."""
    if value is None:
        return ""
    return i18n.format_percent(value)


def format_commission(low, high) -> str:
    """`8% to 15%`, or `10%` when both ends are the same; empty when unknown."""
    if low is None or high is None:
        return ""
    if Decimal(str(low)) == Decimal(str(high)):
        return format_percent(low)
    return gettext("%(low)s to %(high)s", low=format_percent(low), high=format_percent(high))


class MissingRate(LookupError):
    """No exchange rate is stored for a currency a fee is charged in."""

    def __init__(self, currency: str):
        super().__init__(currency)
        self.currency = currency


def to_gbp(amount: Decimal, currency: str, rates: Mapping[str, Decimal]) -> Decimal:
    """Convert `amount` of `currency` to pounds, unrounded: amount / (units per pound)."""
    currency = currency.upper()
    if currency == "GBP":
        return amount
    rate = rates.get(currency)
    if rate is None:
        raise MissingRate(currency)
    return amount / rate


@dataclass
class CostLine:
    """One part of a monthly cost, in pounds (rounded), with how it was worked out."""

    label: str
    low: Decimal | None
    high: Decimal | None
    working: str


@dataclass
class CostEstimate:
    """The estimated monthly cost of selling on one marketplace."""

    marketplace: Marketplace
    lines: list[CostLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    one_off: list[str] = field(default_factory=list)
    complete: bool = True

    @property
    def total_low(self) -> Decimal:
        """The sum of the low ends of the known lines."""
        return sum((line.low for line in self.lines if line.low is not None), Decimal("0.00"))

    @property
    def total_high(self) -> Decimal:
        """The sum of the high ends of the known lines."""
        return sum((line.high for line in self.lines if line.high is not None), Decimal("0.00"))


def estimate_monthly_cost(
    marketplace: Marketplace, monthly_sales: Decimal, listings: int, rates: Mapping[str, Decimal]
) -> CostEstimate:
    """Commission (low and high end), membership per month and listing fees, in pounds."""
    m = marketplace
    estimate = CostEstimate(marketplace=m)
    sales = Decimal(monthly_sales)

    if m.commission_basis == "wholesale_price":
        estimate.notes.append(
            gettext(
                "No commission: this marketplace buys your goods at a wholesale "
                "price, so your margin is set when you agree that price."
            )
        )
        estimate.lines.append(
            CostLine(
                gettext("Commission"),
                Decimal("0.00"),
                Decimal("0.00"),
                gettext("not charged (wholesale model)"),
            )
        )
    elif m.has_commission:
        low = to_pennies(sales * m.commission_low_percent / HUNDRED)
        high = to_pennies(sales * m.commission_high_percent / HUNDRED)
        estimate.lines.append(
            CostLine(
                gettext("Commission"),
                low,
                high,
                f"{format_money(sales)} × "
                f"{format_commission(m.commission_low_percent, m.commission_high_percent)}",
            )
        )
        if m.commission_basis == "category_dependent":
            estimate.notes.append(
                gettext(
                    "Commission depends on the product category: the low and high "
                    "figures are the cheapest and dearest categories."
                )
            )
        elif m.commission_basis == "negotiated":
            estimate.notes.append(
                gettext("Commission is negotiated with each seller; the range is typical.")
            )
        elif m.commission_basis == "volume_dependent":
            estimate.notes.append(gettext("Commission depends on your sales volume."))
    else:
        estimate.complete = False
        estimate.notes.append(
            gettext("The marketplace has not published its commission, so it is not included.")
        )

    if m.membership_fee_amount is not None:
        months = FEE_MONTHS.get(m.membership_fee_frequency or "monthly", 1)
        fee_text = format_money(
            m.membership_fee_amount, m.membership_fee_currency, m.membership_fee_frequency
        )
        try:
            monthly = to_pennies(
                to_gbp(m.membership_fee_amount, m.membership_fee_currency, rates) / months
            )
        except MissingRate as exc:
            estimate.complete = False
            estimate.notes.append(
                gettext(
                    "Membership (%(fee)s) is not included: there is no exchange rate for "
                    "%(currency)s.",
                    fee=fee_text,
                    currency=exc.currency,
                )
            )
        else:
            working = fee_text
            if m.membership_fee_currency != "GBP":
                working = gettext(
                    "%(fee)s at %(rate)s",
                    fee=working,
                    rate=_rate_text(rates, m.membership_fee_currency),
                )
            if months != 1:
                working = gettext(
                    "%(fee)s, spread over %(months)s months", fee=working, months=months
                )
            estimate.lines.append(CostLine(gettext("Membership"), monthly, monthly, working))

    if m.fee_per_listing:
        if m.listing_fee_amount is not None and m.listing_fee_currency:
            try:
                each = to_gbp(m.listing_fee_amount, m.listing_fee_currency, rates)
            except MissingRate as exc:
                estimate.complete = False
                estimate.notes.append(
                    gettext(
                        "Listing fees are not included: there is no exchange rate for "
                        "%(currency)s.",
                        currency=exc.currency,
                    )
                )
            else:
                total = to_pennies(each * listings)
                estimate.lines.append(
                    CostLine(
                        gettext("Listing fees"),
                        total,
                        total,
                        ngettext(
                            "%(listings)s listing × %(fee)s",
                            "%(listings)s listings × %(fee)s",
                            listings,
                            listings=i18n.format_number(listings),
                            fee=format_money(m.listing_fee_amount, m.listing_fee_currency),
                        ),
                    )
                )
        else:
            estimate.complete = False
            estimate.notes.append(
                gettext(
                    "This marketplace charges a fee per listing but has not told us "
                    "how much, so listing fees are not included."
                )
            )

    for label, amount, currency in (
        (N_("One-off registration fee"), m.registration_fee_amount, m.registration_fee_currency),
        (N_("Deposit"), m.deposit_amount, m.deposit_currency),
    ):
        if amount is None:
            continue
        text = gettext(
            "%(label)s: %(amount)s", label=gettext(label), amount=format_money(amount, currency)
        )
        if currency != "GBP":
            try:
                text = gettext(
                    "%(text)s (about %(pounds)s)",
                    text=text,
                    pounds=format_money(to_gbp(amount, currency, rates)),
                )
            except MissingRate:
                text = gettext("%(text)s (no exchange rate to convert it)", text=text)
        estimate.one_off.append(text)
    return estimate


def format_rate(value) -> str:
    """An exchange rate with every decimal it has, in the reader's locale ("1.16", "1,16")."""
    return format_decimal(Decimal(value).normalize(), format="#,##0.######")


def _rate_text(rates: Mapping[str, Decimal], currency: str) -> str:
    return gettext(
        "%(rate)s %(currency)s to £1", rate=format_rate(rates[currency]), currency=currency
    )


def estimate_all(
    marketplaces: Iterable[Marketplace],
    monthly_sales: Decimal,
    listings: int,
    rates: Mapping[str, Decimal],
) -> list[CostEstimate]:
    """Estimates for several marketplaces, cheapest (by the high end) first."""
    estimates = [estimate_monthly_cost(m, monthly_sales, listings, rates) for m in marketplaces]
    return sorted(estimates, key=lambda e: (e.total_high, e.marketplace.name))
