"""UK dates in one place: the Europe/London zone and working days (England and Wales).

Bank holidays come from the maintained `holidays` library, so new years and one-off holidays
(a coronation, a jubilee) arrive with a package upgrade instead of a hand-kept list.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

UK = ZoneInfo("Europe/London")

# England and Wales share one bank-holiday calendar; `holidays` files it under the ENG region.
_COUNTRY = "GB"
_SUBDIVISION = "ENG"


def uk_now() -> datetime:
    """The current time in the UK (aware, Europe/London)."""
    return datetime.now(UK)


def uk_today() -> date:
    """Today's date in the UK: offers, deadlines and verification dates are UK dates."""
    return uk_now().date()


def to_uk(value: datetime) -> datetime:
    """`value` in UK time; a naive datetime is taken to be UTC (how the database stores it)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UK)


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays in `year`, including substitute ("observed") days."""
    return frozenset(holidays.country_holidays(_COUNTRY, subdiv=_SUBDIVISION, years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a bank holiday."""
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (`start` itself never counts)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """How many working days fall after `start` up to and including `end` (0 if end <= start)."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count
