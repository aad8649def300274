"""The rules of supplier profiles. Every function changes state, flushes and never commits."""

from __future__ import annotations

from slugify import slugify
from sqlalchemy import select

from supplier_profiles.models import Company, CompanyMember, MemberRole
from tradehub.accounts.models import User
from tradehub.errors import Conflict
from tradehub.extensions import db


def _mark_changed(company: Company) -> None:
    """Tell search this company's document may have changed (outbox row in this transaction)."""
    from search_index.indexing import mark_company_changed

    db.session.flush()
    mark_company_changed(company.id)


def unique_slug(model, text: str, max_length: int = 100, exclude_id: int | None = None) -> str:
    """A URL slug from `text` that no other row of `model` uses ("acme", "acme-2", ...)."""
    base = slugify(text, max_length=max_length, word_boundary=True) or "company"
    candidate, n = base, 1
    while True:
        stmt = select(model.id).where(model.slug == candidate)
        if exclude_id is not None:
            stmt = stmt.where(model.id != exclude_id)
        if db.session.scalar(stmt) is None:
            return candidate
        n += 1
        candidate = f"{base}-{n}"


def company_for_user(user) -> Company | None:
    """The (not deleted) company `user` is a member of, or None."""
    if user is None or not getattr(user, "is_authenticated", False) or user.id is None:
        return None
    return db.session.scalar(
        select(Company)
        .join(CompanyMember, CompanyMember.company_id == Company.id)
        .where(CompanyMember.user_id == user.id, Company.deleted_at.is_(None))
    )


def membership_for_user(user) -> CompanyMember | None:
    """The user's membership row (owner or editor), or None."""
    if user is None or not getattr(user, "is_authenticated", False) or user.id is None:
        return None
    return db.session.scalar(
        select(CompanyMember)
        .join(Company, CompanyMember.company_id == Company.id)
        .where(CompanyMember.user_id == user.id, Company.deleted_at.is_(None))
    )


def create_company(owner: User, *, name: str, company_type: str, number: str | None = None,
                   **fields) -> Company:
    """Create a company with `owner` as its owner; flushes, never commits.

    Raises Conflict when the user already belongs to a company or the Companies House number
    is already registered here.
    """
    if membership_for_user(owner) is not None:
        raise Conflict("You already belong to a company profile.")
    number = (number or "").strip().upper() or None
    if number is not None and db.session.scalar(
        select(Company.id).where(Company.number == number)
    ) is not None:
        raise Conflict(f"Company {number} already has a profile on TradeHub.")
    company = Company(
        name=name.strip(),
        company_type=company_type,
        number=number,
        slug=unique_slug(Company, name),
        **fields,
    )
    db.session.add(company)
    db.session.add(CompanyMember(company=company, user_id=owner.id, role=MemberRole.OWNER))
    db.session.flush()
    _mark_changed(company)
    return company
