"""The response deadline: staff owe an applicant a first response within 5 UK working days.

Working days (weekdays that are not England and Wales bank holidays) are `tradehub.dates`;
how many of them staff have, and when the last one ends, is this package's rule.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from tradehub.dates import UK, add_working_days, to_uk

# Staff owe the applicant a first response within this many working days of submission.
RESPONSE_WORKING_DAYS = 5


def response_due_at(submitted_at: datetime, days: int = RESPONSE_WORKING_DAYS) -> datetime:
    """When a response to something submitted at `submitted_at` becomes overdue (UTC).

    The deadline is the end of the `days`-th working day after the UK calendar day of
    submission: a Friday-afternoon submission is due by the end of the following Friday, and
    one made on a Saturday counts from the Monday.
    """
    local_day = to_uk(submitted_at).date()
    due_day = add_working_days(local_day, days)
    end_of_day = datetime.combine(due_day, time(23, 59, 59), tzinfo=UK)
    return end_of_day.astimezone(UTC)
