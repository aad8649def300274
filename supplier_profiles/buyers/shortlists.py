"""The shortlist: suppliers a buyer keeps, each with a note. Nothing here commits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from supplier_profiles.buyers.models import SHORTLIST_NOTE_MAX, ShortlistEntry
from supplier_profiles.buyers.permissions import can_use_buyer_area, owns_shortlist_entry
from supplier_profiles.models import Company
from tradehub.errors import NotAllowed, PermissionDenied, ValidationFailed
from tradehub.extensions import db


def _require_buyer_area(user) -> None:
    if not can_use_buyer_area(user):
        raise PermissionDenied("Sign in with a buyer account to keep a shortlist.")


def shortlisted_ids(user) -> set[int]:
    """Ids of the companies on the user's shortlist (empty when signed out)."""
    if not can_use_buyer_area(user):
        return set()
    return set(
        db.session.scalars(
            select(ShortlistEntry.company_id).where(ShortlistEntry.user_id == user.id)
        )
    )


def add_to_shortlist(user, company: Company) -> ShortlistEntry:
    """Keep a published supplier; adding one already there changes nothing."""
    _require_buyer_area(user)
    if not company.is_publishable:
        raise NotAllowed("This supplier is not on TradeHub any more.")
    entry = db.session.scalar(
        select(ShortlistEntry).where(
            ShortlistEntry.user_id == user.id, ShortlistEntry.company_id == company.id
        )
    )
    if entry is None:
        entry = ShortlistEntry(user_id=user.id, company_id=company.id)
        db.session.add(entry)
        db.session.flush()
    return entry


def remove_from_shortlist(user, company: Company) -> None:
    """Drop a supplier from the shortlist (nothing happens when it is not there)."""
    _require_buyer_area(user)
    entry = db.session.scalar(
        select(ShortlistEntry).where(
            ShortlistEntry.user_id == user.id, ShortlistEntry.company_id == company.id
        )
    )
    if entry is not None:
        db.session.delete(entry)
        db.session.flush()


def update_note(user, entry: ShortlistEntry, note: str) -> ShortlistEntry:
    """Change the buyer's own note on a shortlisted supplier."""
    if not owns_shortlist_entry(user, entry):
        raise PermissionDenied("This is not on your shortlist.")
    note = (note or "").strip()
    if len(note) > SHORTLIST_NOTE_MAX:
        raise ValidationFailed(
            f"Your note must be {SHORTLIST_NOTE_MAX} characters or fewer", "note"
        )
    entry.note = note
    db.session.flush()
    return entry


def shortlist(user) -> list[ShortlistEntry]:
    """The user's shortlisted suppliers still shown to buyers, newest first."""
    return list(
        db.session.scalars(
            select(ShortlistEntry)
            .join(Company, ShortlistEntry.company_id == Company.id)
            .where(ShortlistEntry.user_id == user.id, Company.is_publishable)
            .options(selectinload(ShortlistEntry.company))
            .order_by(ShortlistEntry.created_at.desc(), ShortlistEntry.id.desc())
        )
    )
