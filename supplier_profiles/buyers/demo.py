"""The demo buyer `flask demo seed` adds: one confirmed buyer with a saved search and one open
buying request answered by two demo food suppliers, so every buyer page has something to show.

Idempotent: a rerun finds the buyer and changes nothing.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from search_index.errors import SearchError
from supplier_profiles.buyers import saved_searches
from supplier_profiles.buyers.models import (
    AlertFrequency,
    BuyingRequest,
    BuyingRequestAudit,
    BuyingRequestMatch,
    BuyingRequestResponse,
    RequestAuditAction,
    RequestStatus,
    ResponseNotice,
    SavedSearch,
)
from supplier_profiles.models import Company
from tradehub.accounts.models import Role, User
from tradehub.accounts.passwords import hash_password
from tradehub.dates import uk_today
from tradehub.db_types import utcnow
from tradehub.extensions import db

DEMO_BUYER_EMAIL = "demo-buyer@example.com"

_RESPONSES = [
    (
        "We make cloth-bound farmhouse cheddar and can send 400 kg in 2 kg truckles, chilled, "
        "to Paris within three weeks of your order.",
        "£14.20 a kilogram, delivered to Paris",
        "3 weeks",
        "100 kilograms",
    ),
    (
        "Our mature cheddar is aged 18 months; we already supply two French importers and can "
        "add your delicatessens to a weekly chilled run.",
        "£12.90 a kilogram, ex works",
        "10 days",
        "200 kilograms",
    ),
]


def seed_demo_buyer(password: str | None = None) -> tuple[User, str | None]:
    """Create the demo buyer and their data unless they exist. Returns (user, the password
    when it was just set, else None). Flushes and commits (a CLI step, not a service)."""
    user = db.session.scalar(select(User).where(User.email == DEMO_BUYER_EMAIL))
    if user is not None:
        return user, None
    password = password or secrets.token_urlsafe(12)
    user = User(
        email=DEMO_BUYER_EMAIL,
        full_name="Camille Martin",
        password_hash=hash_password(password),
        role=Role.BUYER,
        email_confirmed_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()

    filters = {"industry": ["FOOD_AND_DRINK"]}
    try:
        saved_searches.save_search(
            user, "Food and drink suppliers", "", filters, AlertFrequency.WEEKLY
        )
    except SearchError:  # search down: keep the search; its first alert lists every match
        db.session.add(
            SavedSearch(
                user_id=user.id,
                name="Food and drink suppliers",
                query_text="",
                filters=filters,
                frequency=AlertFrequency.WEEKLY,
                next_attempt_at=saved_searches.next_alert_at(AlertFrequency.WEEKLY, utcnow()),
            )
        )

    now = utcnow()
    request = BuyingRequest(
        buyer_id=user.id,
        title="Mature cheddar for 12 delicatessens in Paris",
        description=(
            "We run 12 delicatessens in Paris and want a UK farmhouse cheddar, aged at least "
            "12 months, in 2 kg truckles. First order about 400 kg, then monthly."
        ),
        industry="FOOD_AND_DRINK",
        quantity=400,
        unit="kilograms",
        destination_country="FR",
        deadline=uk_today() + timedelta(days=30),
        response_notice=ResponseNotice.EACH,
        status=RequestStatus.OPEN,
        approved_at=now,
        next_match_at=now + timedelta(hours=1),
    )
    db.session.add(request)
    db.session.flush()
    db.session.add(
        BuyingRequestAudit(
            request_id=request.id, action=RequestAuditAction.SUBMITTED, actor_id=user.id
        )
    )
    db.session.add(BuyingRequestAudit(request_id=request.id, action=RequestAuditAction.APPROVED))
    suppliers = list(
        db.session.scalars(
            select(Company)
            .where(Company.is_publishable, Company.industries.is_not(None))
            .order_by(Company.id)
        )
    )
    food = [c for c in suppliers if "FOOD_AND_DRINK" in (c.industries or [])][:2]
    for company, (message, price, lead_time, minimum) in zip(food, _RESPONSES, strict=False):
        db.session.add(BuyingRequestMatch(request_id=request.id, company_id=company.id))
        db.session.add(
            BuyingRequestResponse(
                request_id=request.id,
                company_id=company.id,
                message=message,
                price=price,
                lead_time=lead_time,
                minimum_order=minimum,
                buyer_notified_at=now,
            )
        )
    db.session.commit()
    return user, password
