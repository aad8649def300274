"""What every supplier service shares: the audit row, the search mark, permission checks,
slugs and taxonomy checks."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

from slugify import slugify
from sqlalchemy import select

from supplier_profiles import taxonomies
from supplier_profiles.models import AuditAction, Company, CompanyAuditEntry
from supplier_profiles.permissions import can_edit_company
from supplier_profiles.search_documents import mark_company_changed
from tradehub.accounts.models import User
from tradehub.errors import PermissionDenied, ValidationFailed
from tradehub.extensions import db
from tradehub.permissions import is_staff


def mark_changed(company: Company) -> None:
    """Tell search this company's document may have changed (outbox row in this transaction)."""
    db.session.flush()
    mark_company_changed(company.id)


def audit(company: Company, action: AuditAction, actor: User | None, reason: str = "") -> None:
    """Record a traceable event on the company (written with it, even before its first flush)."""
    db.session.add(
        CompanyAuditEntry(
            company=company,
            action=action,
            actor_id=actor.id if actor else None,
            reason=reason,
        )
    )


def require_editor(user: User, company: Company) -> None:
    """Refuse anyone who is not an owner or editor of the company."""
    if not can_edit_company(user, company):
        raise PermissionDenied("You are not a member of this company.")


def require_staff(user: User) -> None:
    """Refuse anyone who is not department staff."""
    if not is_staff(user):
        raise PermissionDenied("Only department staff can do this.")


def slug_candidates(text: str, max_length: int = 100) -> Iterator[str]:
    """URL slugs for `text` in the order they are tried: "acme", "acme-2", "acme-3", ..."""
    base = slugify(text, max_length=max_length, word_boundary=True) or "item"
    yield base
    for n in itertools.count(2):
        yield f"{base}-{n}"


def unique_slug(model, text: str, max_length: int = 100, exclude_id: int | None = None) -> str:
    """A URL slug from `text` that no other row of `model` uses ("acme", "acme-2", ...)."""
    for candidate in slug_candidates(text, max_length):
        stmt = select(model.id).where(model.slug == candidate)
        if exclude_id is not None:
            stmt = stmt.where(model.id != exclude_id)
        if db.session.scalar(stmt) is None:
            return candidate
    raise AssertionError("slug_candidates never ends")


class SlugAllocator:
    """unique_slug for many new rows of one model, answered from memory: the slugs in use are
    read once (a bulk import would otherwise query once per slug tried)."""

    def __init__(self, model) -> None:
        self.taken: set[str] = set(db.session.scalars(select(model.slug)))

    def allocate(self, text: str, max_length: int = 100) -> str:
        """The first free slug for `text`, reserved for the caller."""
        for candidate in slug_candidates(text, max_length):
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        raise AssertionError("slug_candidates never ends")


def check_codes(group: str, codes: Sequence[str], field: str) -> list[str]:
    """The codes without blanks and repeats; ValidationFailed when one is not in `group`."""
    codes = list(dict.fromkeys(code for code in codes if code))
    bad = [code for code in codes if not taxonomies.is_valid(group, code)]
    if bad:
        raise ValidationFailed(f"Select from the list ({', '.join(bad)} is not an option)", field)
    return codes
