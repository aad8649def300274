"""UK working days: weekdays that are not bank holidays in England and Wales.

Bank holidays come from the maintained `holidays` library, so new years and one-off holidays
(a coronation, a jubilee) arrive with a package upgrade instead of a hand-kept list.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

UK = ZoneInfo("Europe/London")

# England and Wales share one bank-holiday calendar; `holidays` files it under the ENG region.
_COUNTRY = "GB"
_SUBDIVISION = "ENG"

# Staff owe the applicant a first response within this many working days of submission.
RESPONSE_WORKING_DAYS = 5


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


def response_due_at(submitted_at: datetime, days: int = RESPONSE_WORKING_DAYS) -> datetime:
    """When a response to something submitted at `submitted_at` becomes overdue (UTC).

    The deadline is the end of the `days`-th working day after the UK calendar day of
    submission: a Friday-afternoon submission is due by the end of the following Friday, and
    one made on a Saturday counts from the Monday.
    """
    local_day = submitted_at.astimezone(UK).date()
    due_day = add_working_days(local_day, days)
    end_of_day = datetime.combine(due_day, time(23, 59, 59), tzinfo=UK)
    return end_of_day.astimezone(UTC)
