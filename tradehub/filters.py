"""Jinja filters shared by every template."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from tradehub.dates import to_uk


def uk_datetime(value: datetime | None, fmt: str = "%-d %B %Y at %-I:%M%p") -> str:
    """A timestamp in UK time, the way GOV.UK writes it (5 January 2027 at 2:30pm)."""
    if value is None:
        return ""
    return to_uk(value).strftime(fmt).replace("AM", "am").replace("PM", "pm")


def uk_date(value: datetime | None) -> str:
    """A date in UK time (5 January 2027)."""
    return uk_datetime(value, "%-d %B %Y")


def register(app: Flask) -> None:
    """Make the filters available to templates."""
    app.jinja_env.filters["uk_datetime"] = uk_datetime
    app.jinja_env.filters["uk_date"] = uk_date
