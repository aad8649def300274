"""The buyers' periodic work, run by `flask alerts send` (safe with several workers).

Each row is claimed with `SELECT ... FOR UPDATE SKIP LOCKED` (on SQLite, which has no row locks,
the database write lock is taken first, as tradehub.outbox does), worked on and committed on its
own, so two workers never handle the same saved search or request and a crash loses at most the
row in hand.

- saved-search alerts that are due (supplier_profiles.buyers.saved_searches);
- daily digests of responses for buyers who chose them;
- open requests offered to suppliers published since approval (hourly per request);
- open requests whose deadline passed recorded as closed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import false, select, update

from search_index.errors import SearchError
from supplier_profiles.buyers import requests as request_services
from supplier_profiles.buyers.models import BuyingRequest, RequestStatus
from supplier_profiles.buyers.saved_searches import send_due_alerts
from tradehub.after_commit import process_after_commit
from tradehub.dates import uk_today
from tradehub.db_types import utcnow
from tradehub.extensions import db

log = logging.getLogger(__name__)


@dataclass
class JobReport:
    """What one run did."""

    alerts_run: int = 0
    alert_mails: int = 0
    alert_failures: int = 0
    digests: int = 0
    offered: int = 0
    match_failures: int = 0
    closed: int = 0

    @property
    def handled(self) -> int:
        """Rows worked on (0: nothing was due)."""
        return self.alerts_run + self.alert_failures + self.digests + self.offered + self.closed

    def summary(self) -> str:
        """One line for the CLI."""
        return (
            f"Saved searches checked: {self.alerts_run}, alert emails: {self.alert_mails}, "
            f"failed: {self.alert_failures}; response digests: {self.digests}; "
            f"suppliers newly offered requests: {self.offered} "
            f"(matching failed for {self.match_failures}); requests closed at deadline: "
            f"{self.closed}"
        )


def _claim_request(*where, after_id: int) -> BuyingRequest | None:
    """Lock the next request matching `where` that no other worker holds."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(BuyingRequest).where(false()).values(title=""))
    return db.session.scalar(
        select(BuyingRequest)
        .where(BuyingRequest.id > after_id, *where)
        .order_by(BuyingRequest.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def _each_request(where: tuple, work: Callable[[BuyingRequest], None], limit: int) -> int:
    done = last_id = 0
    while done < limit:
        request = _claim_request(*where, after_id=last_id)
        if request is None:
            db.session.commit()
            break
        last_id = request.id
        work(request)
        db.session.commit()
        done += 1
    return done


def run_jobs(limit: int = 500, progress: Callable[[str], None] | None = None) -> JobReport:
    """Run every kind of due work once (each kind at most `limit` rows)."""
    report = JobReport()
    say = progress or (lambda _text: None)

    say("Saved-search alerts")
    report.alerts_run, report.alert_mails, report.alert_failures = send_due_alerts(limit)

    say("Response digests")
    now = utcnow()

    def digest(request: BuyingRequest) -> None:
        report.digests += 1 if request_services.send_digest(request, now) else 0

    _each_request((BuyingRequest.next_digest_at <= now,), digest, limit)

    say("Offering open requests to newly published suppliers")
    today = uk_today()

    def offer(request: BuyingRequest) -> None:
        try:
            report.offered += len(request_services.offer_to_new_suppliers(request, now))
        except SearchError as exc:
            db.session.rollback()
            report.match_failures += 1
            log.warning("Matching buying request %s failed: %s", request.id, exc)

    _each_request(
        (BuyingRequest.next_match_at <= now, BuyingRequest.is_open_on(today)), offer, limit
    )

    say("Closing requests past their deadline")

    def close(request: BuyingRequest) -> None:
        request_services.close_past_deadline(request)
        report.closed += 1

    _each_request(
        (BuyingRequest.status == RequestStatus.OPEN, BuyingRequest.deadline < today), close, limit
    )
    return report


# One batch of `flask worker` (tradehub.worker): small, so other jobs get their turn.
WORKER_BATCH = 50


def run_worker_batch() -> int:
    """`flask worker`'s job: one bounded run of everything due; returns the rows handled.
    The mails it queued go out now (and the worker's email-outbox job retries any that fail)."""
    report = run_jobs(limit=WORKER_BATCH)
    process_after_commit()
    return report.handled
