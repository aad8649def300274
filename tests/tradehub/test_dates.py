"""UK dates: the Europe/London zone and England and Wales working days, with worked examples.

Bank holidays come from the `holidays` library; the dates below are the published ones,
written out so a wrong calendar shows up here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tradehub.dates import (
    UK,
    add_working_days,
    bank_holidays,
    is_working_day,
    to_uk,
    uk_now,
    uk_today,
    working_days_between,
)


def test_england_and_wales_bank_holidays_2027():
    assert bank_holidays(2027) >= {
        date(2027, 1, 1),  # New Year's Day
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday
        date(2027, 5, 3),  # Early May
        date(2027, 5, 31),  # Spring
        date(2027, 8, 30),  # Summer (not Scotland's first Monday in August)
        date(2027, 12, 27),  # Christmas Day (substitute)
        date(2027, 12, 28),  # Boxing Day (substitute)
    }
    assert date(2027, 8, 2) not in bank_holidays(2027)  # Scottish summer holiday
    assert date(2027, 3, 17) not in bank_holidays(2027)  # St Patrick's Day (Northern Ireland)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2027, 3, 25), True),  # Thursday
        (date(2027, 3, 26), False),  # Good Friday
        (date(2027, 3, 27), False),  # Saturday
        (date(2027, 3, 28), False),  # Sunday
        (date(2027, 3, 29), False),  # Easter Monday
        (date(2027, 3, 30), True),  # Tuesday
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Monday + 5 working days = next Monday.
        (date(2027, 3, 1), 5, date(2027, 3, 8)),
        # Wednesday before Easter: Thu 25 (1), [Fri 26, Sat, Sun, Mon 29 off], Tue 30 (2),
        # Wed 31 (3), Thu 1 Apr (4), Fri 2 Apr (5).
        (date(2027, 3, 24), 5, date(2027, 4, 2)),
        # Christmas 2027: Thu 23 Dec: Fri 24 (1), [Sat 25, Sun 26, Mon 27 and Tue 28 are the
        # substitute days], Wed 29 (2), Thu 30 (3), Fri 31 (4), [New Year's Day 2028 is a
        # Saturday, so Mon 3 Jan is its substitute], Tue 4 Jan (5).
        (date(2027, 12, 23), 5, date(2028, 1, 4)),
        # Saturday counts from Monday: Mon-Fri.
        (date(2027, 3, 6), 5, date(2027, 3, 12)),
        (date(2027, 3, 6), 0, date(2027, 3, 6)),
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected
    assert working_days_between(start, expected) == days


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2027, 1, 1), -1)


def test_uk_time_follows_british_summer_time():
    # 23:30 UTC on 31 May 2027 is already 1 June in London (BST, UTC+1).
    assert to_uk(datetime(2027, 5, 31, 23, 30, tzinfo=UTC)).date() == date(2027, 6, 1)
    # Naive timestamps are UTC, the way the database stores them; winter is GMT.
    naive = datetime(2027, 1, 31, 23, 30)  # noqa: DTZ001 (what SQLite hands back)
    assert to_uk(naive).date() == date(2027, 1, 31)
    assert uk_now().tzinfo is UK
    assert uk_today() == uk_now().date()
