"""The 5-working-day response deadline, with worked examples.

The working-day calendar itself (England and Wales bank holidays, weekends) is tested in
tests/tradehub/test_dates.py; these check the application rule built on it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from marketplaces.applications.deadlines import RESPONSE_WORKING_DAYS, response_due_at


def test_staff_owe_a_response_within_five_working_days():
    assert RESPONSE_WORKING_DAYS == 5


def test_response_is_due_at_the_end_of_the_fifth_working_day_uk_time():
    # Submitted Friday 26 Feb 2027 at 4pm UK (GMT): due by the end of Friday 5 March.
    due = response_due_at(datetime(2027, 2, 26, 16, 0, tzinfo=UTC))
    assert due == datetime(2027, 3, 5, 23, 59, 59, tzinfo=UTC)
    # 11:30pm UTC on Monday 31 May 2027 is already Tuesday 1 June in London (BST), and
    # Monday was the Spring bank holiday anyway: Wed 2 (1) ... Tue 8 June (5), 23:59:59 BST.
    due = response_due_at(datetime(2027, 5, 31, 23, 30, tzinfo=UTC))
    assert due == datetime(2027, 6, 8, 22, 59, 59, tzinfo=UTC)
    assert due.tzinfo is UTC


def test_a_submission_over_easter_is_due_after_the_bank_holidays():
    # Wednesday 24 March 2027, 10am: Thu 25 (1), [Good Friday, weekend, Easter Monday],
    # Tue 30 (2), Wed 31 (3), Thu 1 Apr (4), Fri 2 Apr (5), 23:59:59 BST = 22:59:59 UTC.
    due = response_due_at(datetime(2027, 3, 24, 10, 0, tzinfo=UTC))
    assert due == datetime(2027, 4, 2, 22, 59, 59, tzinfo=UTC)


def test_a_saturday_submission_counts_from_monday():
    # Saturday 6 March 2027: Mon 8 (1) ... Fri 12 (5).
    due = response_due_at(datetime(2027, 3, 6, 12, 0, tzinfo=UTC))
    assert due == datetime(2027, 3, 12, 23, 59, 59, tzinfo=UTC)
