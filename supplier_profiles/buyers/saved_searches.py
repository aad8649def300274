"""Saved searches and their email alerts.

A saved search keeps the Find a Supplier text and filters. When it is saved, the suppliers it
finds then are recorded as seen; each alert run searches again (through search_index, which
holds only publishable suppliers), mails the suppliers not seen before in one digest and
records them, so each supplier is sent at most once per saved search and nothing is sent when
nothing is new. Alert rows are claimed with SKIP LOCKED (tradehub.outbox.claim), so several
workers can run `flask alerts send` at once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import force_locale, gettext
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select

from search_index import service as search_service
from search_index.base import MAX_PER_PAGE, SearchQuery
from search_index.errors import SearchError
from supplier_profiles import taxonomies
from supplier_profiles.buyers.models import (
    SAVED_SEARCH_NAME_MAX,
    AlertFrequency,
    SavedSearch,
    SavedSearchSeen,
)
from supplier_profiles.buyers.permissions import can_use_buyer_area, owns_saved_search
from supplier_profiles.models import Company
from tradehub.db_types import utcnow
from tradehub.errors import PermissionDenied, ValidationFailed
from tradehub.extensions import db
from tradehub.i18n import DEFAULT, PARAMETER, language_for
from tradehub.mail import queue_email
from tradehub.outbox import claim, record_failure

log = logging.getLogger(__name__)

# How far down each search an alert looks: the most recently updated matches come first, so
# new and changed suppliers are always within it.
SCAN_LIMIT = 500
# Suppliers named in one digest; the mail links to the search for the rest.
DIGEST_SHOWN = 20
SAVED_SEARCHES_MAX = 25
INTERVALS = {AlertFrequency.DAILY: timedelta(days=1), AlertFrequency.WEEKLY: timedelta(days=7)}
_UNSUBSCRIBE_SALT = "saved-search-unsubscribe"


def _query(
    text: str, filters: Mapping[str, Sequence[str]], language: str, page: int = 1
) -> SearchQuery:
    """The search as Find a Supplier runs it in `language`: a buyer's word for a taxonomy term
    is searched as typed and as the English label (taxonomies.cross_language_search)."""
    chosen = language_for(language) or DEFAULT
    with force_locale(chosen.locale):
        text, alternatives = taxonomies.cross_language_search(text)
    return SearchQuery(
        text=text,
        alternatives=alternatives,
        filters=filters,
        sort="updated",
        page=page,
        per_page=MAX_PER_PAGE,
    )


def matching_ids(
    text: str, filters: Mapping[str, Sequence[str]], language: str = DEFAULT.tag
) -> list[int]:
    """Ids of the (publishable) suppliers the search finds, most recently updated first."""
    ids: list[int] = []
    for page in range(1, SCAN_LIMIT // MAX_PER_PAGE + 1):
        result = search_service.search(_query(text, filters, language, page))
        ids.extend(hit.id for hit in result.hits)
        if len(result.hits) < MAX_PER_PAGE:
            break
    return ids


def next_alert_at(frequency: AlertFrequency, now: datetime) -> datetime:
    """When a search with this frequency is next due (far ahead when alerts are off)."""
    return now + INTERVALS.get(frequency, timedelta(days=3650))


def save_search(
    user,
    name: str,
    text: str,
    filters: Mapping[str, Sequence[str]],
    frequency: AlertFrequency,
    language: str = DEFAULT.tag,
) -> SavedSearch:
    """Keep a search, in the site language it was made in; what it finds now counts as seen,
    so the first alert has only news."""
    if not can_use_buyer_area(user):
        raise PermissionDenied("Sign in with a buyer account to save searches.")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(gettext("Enter a name for this search"), "name")
    if len(name) > SAVED_SEARCH_NAME_MAX:
        raise ValidationFailed(f"Name must be {SAVED_SEARCH_NAME_MAX} characters or fewer", "name")
    count = len(
        list(db.session.scalars(select(SavedSearch.id).where(SavedSearch.user_id == user.id)))
    )
    if count >= SAVED_SEARCHES_MAX:
        raise ValidationFailed(
            f"You can keep up to {SAVED_SEARCHES_MAX} saved searches. Delete one first.", "name"
        )
    clean_filters = {group: sorted(set(values)) for group, values in filters.items() if values}
    language = (language_for(language) or DEFAULT).tag
    seen = matching_ids(text, clean_filters, language)
    now = utcnow()
    saved = SavedSearch(
        user_id=user.id,
        name=name,
        query_text=text,
        filters=clean_filters,
        language=language,
        frequency=frequency,
        next_attempt_at=next_alert_at(frequency, now),
        last_alert_at=now,
    )
    db.session.add(saved)
    db.session.flush()
    db.session.add_all(SavedSearchSeen(saved_search_id=saved.id, company_id=cid) for cid in seen)
    db.session.flush()
    return saved


def change_frequency(user, saved: SavedSearch, frequency: AlertFrequency) -> SavedSearch:
    """Daily, weekly or no emails; the next alert is counted from now."""
    if not owns_saved_search(user, saved):
        raise PermissionDenied("This is not your saved search.")
    _set_frequency(saved, frequency)
    return saved


def _set_frequency(saved: SavedSearch, frequency: AlertFrequency) -> None:
    saved.frequency = frequency
    saved.next_attempt_at = next_alert_at(frequency, utcnow())
    saved.attempts = 0
    saved.last_error = None
    db.session.flush()


def delete_saved_search(user, saved: SavedSearch) -> None:
    """Forget a saved search and what it has sent."""
    if not owns_saved_search(user, saved):
        raise PermissionDenied("This is not your saved search.")
    db.session.execute(delete(SavedSearchSeen).where(SavedSearchSeen.saved_search_id == saved.id))
    db.session.delete(saved)
    db.session.flush()


def saved_searches(user) -> list[SavedSearch]:
    """The user's saved searches, newest first."""
    return list(
        db.session.scalars(
            select(SavedSearch)
            .where(SavedSearch.user_id == user.id)
            .order_by(SavedSearch.created_at.desc(), SavedSearch.id.desc())
        )
    )


# --- unsubscribe (no sign-in: the link is signed) ----------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT)


def unsubscribe_token(saved: SavedSearch) -> str:
    """A signed token naming one saved search (it stays valid: unsubscribing is idempotent)."""
    return _serializer().dumps({"s": saved.id, "u": saved.user_id})


def saved_search_for_token(token: str) -> SavedSearch | None:
    """The saved search a genuine token names, or None (bad signature, or deleted since)."""
    try:
        payload = _serializer().loads(token)
        saved_id, user_id = int(payload["s"]), int(payload["u"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    saved = db.session.get(SavedSearch, saved_id)
    return saved if saved is not None and saved.user_id == user_id else None


def unsubscribe(saved: SavedSearch) -> SavedSearch:
    """Stop the alert emails of one saved search (the search itself is kept)."""
    _set_frequency(saved, AlertFrequency.OFF)
    return saved


# --- the alert run -----------------------------------------------------------------------------


def search_url(saved: SavedSearch) -> str:
    """The Find a Supplier page for this saved search, in the language it was saved in."""
    args = {"q": saved.query_text} if saved.query_text else {}
    args.update(saved.filters or {})
    if saved.language and saved.language != DEFAULT.tag:
        args[PARAMETER] = saved.language
    return url_for("supplier_profiles.find_a_supplier", _external=True, **args)


def send_alert(saved: SavedSearch, now: datetime) -> int:
    """Mail the suppliers this search finds that its owner has not been sent; returns how many.

    The caller holds the row's lock (claimed) and commits.
    """
    found = matching_ids(saved.query_text, saved.filters or {}, saved.language)
    seen = set(
        db.session.scalars(
            select(SavedSearchSeen.company_id).where(SavedSearchSeen.saved_search_id == saved.id)
        )
    )
    new_ids = [cid for cid in found if cid not in seen]
    companies = []
    if new_ids:
        by_id = {
            c.id: c
            for c in db.session.scalars(
                select(Company).where(Company.id.in_(new_ids), Company.is_publishable)
            )
        }
        companies = [by_id[cid] for cid in new_ids if cid in by_id]
    if companies:
        token = unsubscribe_token(saved)
        unsubscribe_url = url_for(
            "supplier_profiles_alerts.unsubscribe", token=token, _external=True
        )
        queue_email(
            saved.user.email,
            f"{len(companies)} new supplier{'s' if len(companies) != 1 else ''} for ‘{saved.name}’",
            "saved_search_alert",
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            saved=saved,
            companies=companies[:DIGEST_SHOWN],
            more=max(len(companies) - DIGEST_SHOWN, 0),
            search_url=search_url(saved),
            unsubscribe_url=unsubscribe_url,
        )
        db.session.add_all(
            SavedSearchSeen(saved_search_id=saved.id, company_id=c.id) for c in companies
        )
        saved.last_alert_at = now
    saved.attempts = 0
    saved.last_error = None
    saved.next_attempt_at = next_alert_at(saved.frequency, now)
    db.session.flush()
    return len(companies)


def send_due_alerts(limit: int = 500) -> tuple[int, int, int]:
    """Run every due alert once, each claimed and committed on its own.

    Returns (searches run, mails queued, failures). A search engine failure backs the row off
    and the run goes on with the next one.
    """
    ran = mailed = failed = 0
    last_id = 0
    while ran + failed < limit:
        rows = claim(
            SavedSearch, SavedSearch.frequency != AlertFrequency.OFF, limit=1, after_id=last_id
        )
        if not rows:
            db.session.commit()
            break
        saved = rows[0]
        last_id = saved.id
        now = utcnow()
        try:
            sent = send_alert(saved, now)
        except SearchError as exc:
            db.session.rollback()
            saved = db.session.get(SavedSearch, last_id)
            if saved is not None:
                record_failure([saved], exc, now)
            failed += 1
            log.warning("Alert for saved search %s failed: %s", last_id, exc)
        else:
            ran += 1
            mailed += 1 if sent else 0
        db.session.commit()
    return ran, mailed, failed
