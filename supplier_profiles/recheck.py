"""Re-checking companies at Companies House: `flask suppliers recheck` and the worker's
"companies-house-recheck" job (safe with several workers).

Companies with a Companies House number are checked oldest-checked first (never checked
first), a bounded batch at a time. Each company is claimed with `SELECT ... FOR UPDATE SKIP
LOCKED` (on SQLite, which has no row locks, the database write lock is taken first, as
tradehub.outbox does), checked and committed on its own.

- Companies House answers: its status and the time are stored on the company
  (services.companies.record_companies_house_status); the next check is due after
  COMPANIES_HOUSE_RECHECK_INTERVAL (30 days). A company it lists as closed (dissolved,
  removed, ...) is unpublished through the normal transition (audit entry, search outbox)
  and its owner is emailed; it cannot be published again while that status stands.
- Companies House fails (down, busy, times out, or answers 404 for a number it knew): nothing
  is unpublished; the company's next check backs off (1 hour, doubling, at most a day).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import false, or_, select, update

from supplier_profiles.models import Company
from supplier_profiles.services import publishing
from supplier_profiles.services.companies import record_companies_house_status
from tradehub.after_commit import process_after_commit
from tradehub.companies_house import (
    CompaniesHouseClient,
    CompaniesHouseUnavailable,
    CompanyNotFound,
)
from tradehub.db_types import utcnow
from tradehub.extensions import db

log = logging.getLogger(__name__)

FIRST_BACKOFF = timedelta(hours=1)
MAX_BACKOFF = timedelta(days=1)
WORKER_BATCH = 20  # each check is one HTTP call of up to COMPANIES_HOUSE_TIMEOUT seconds


@dataclass
class RecheckReport:
    """What one run did."""

    checked: int = 0
    unpublished: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.checked + self.failed

    def summary(self) -> str:
        """One line for the CLI."""
        return (
            f"Companies checked at Companies House: {self.checked}; unpublished as closed: "
            f"{self.unpublished}; not checked (Companies House failed, will retry later): "
            f"{self.failed}"
        )


def _due(now: datetime) -> tuple:
    return (
        Company.number.is_not(None),
        Company.deleted_at.is_(None),
        or_(
            Company.companies_house_next_check_at.is_(None),
            Company.companies_house_next_check_at <= now,
        ),
    )


def due_count(now: datetime | None = None) -> int:
    """How many companies are due a check now."""
    return db.session.query(Company.id).filter(*_due(now or utcnow())).count()


def _claim_next(now: datetime, skip: set[int]) -> Company | None:
    """Lock the oldest-checked due company that no other worker holds."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(Company).where(false()).values(name=Company.name))
    stmt = (
        select(Company)
        .where(*_due(now))
        .order_by(Company.companies_house_checked_at.asc().nulls_first(), Company.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if skip:
        stmt = stmt.where(Company.id.not_in(skip))
    return db.session.scalar(stmt)


def backoff(failures: int) -> timedelta:
    """How long to wait before checking again after `failures` failures in a row."""
    return min(FIRST_BACKOFF * 2 ** max(failures - 1, 0), MAX_BACKOFF)


def recheck_company(company: Company, client: CompaniesHouseClient, report: RecheckReport) -> None:
    """Ask Companies House about one company and act on the answer (the caller commits)."""
    now = utcnow()
    try:
        profile = client.get_company(company.number or "")
    except (CompaniesHouseUnavailable, CompanyNotFound) as exc:
        company.companies_house_failures += 1
        company.companies_house_next_check_at = now + backoff(company.companies_house_failures)
        log.warning("Companies House re-check of %s failed: %s", company.number, exc)
        report.failed += 1
        return
    record_companies_house_status(company, profile.status, now)
    report.checked += 1
    if profile.is_closed and company.published:
        publishing.unpublish_closed_company(company)
        report.unpublished += 1


def recheck_due(limit: int, advance: Callable[[int], None] | None = None) -> RecheckReport:
    """Check up to `limit` due companies, each committed on its own."""
    client = CompaniesHouseClient.from_config(current_app.config)
    report = RecheckReport()
    seen: set[int] = set()
    now = utcnow()
    while len(seen) < limit:
        company = _claim_next(now, seen)
        if company is None:
            db.session.commit()
            break
        seen.add(company.id)
        recheck_company(company, client, report)
        db.session.commit()
        if advance is not None:
            advance(1)
    process_after_commit()
    return report


def run_worker_batch() -> int:
    """`flask worker`'s job: one bounded batch; returns the companies handled."""
    return recheck_due(WORKER_BATCH).handled
