"""Who may do what in the buyer features, in one place.

- The buyer area (shortlist, saved searches, requests) is for buyer and exporter accounts; the
  blueprint guard checks the role, these functions check ownership.
- Only a confirmed buyer account posts buying requests.
- A request's page and responses belong to its buyer; another user gets 404, never a hint.
- A supplier sees a request only while it is open and offered to its company; a response is
  its company's: members of that company (owners and editors) write and edit it.
"""

from __future__ import annotations

from sqlalchemy import select

from supplier_profiles.buyers.models import (
    BuyingRequest,
    BuyingRequestMatch,
    BuyingRequestResponse,
    SavedSearch,
    ShortlistEntry,
)
from supplier_profiles.models import Company
from supplier_profiles.permissions import can_edit_company
from tradehub.accounts.models import Role
from tradehub.dates import uk_today
from tradehub.extensions import db


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.id is not None


def can_use_buyer_area(user) -> bool:
    """Buyers, and exporters buying for themselves, keep shortlists and saved searches."""
    return _signed_in(user) and user.has_role(Role.BUYER, Role.EXPORTER)


def can_post_buying_request(user) -> bool:
    """A signed-in buyer account whose email address is confirmed."""
    return _signed_in(user) and user.has_role(Role.BUYER) and user.email_confirmed


def owns_shortlist_entry(user, entry: ShortlistEntry | None) -> bool:
    """The entry is on this user's shortlist."""
    return _signed_in(user) and entry is not None and entry.user_id == user.id


def owns_saved_search(user, saved: SavedSearch | None) -> bool:
    """The saved search is this user's."""
    return _signed_in(user) and saved is not None and saved.user_id == user.id


def owns_buying_request(user, request: BuyingRequest | None) -> bool:
    """The request was posted by this user."""
    return _signed_in(user) and request is not None and request.buyer_id == user.id


def is_offered_to(request: BuyingRequest, company: Company) -> bool:
    """The request was offered to the company (on approval or later)."""
    return (
        db.session.scalar(
            select(BuyingRequestMatch.id).where(
                BuyingRequestMatch.request_id == request.id,
                BuyingRequestMatch.company_id == company.id,
            )
        )
        is not None
    )


def can_see_request_as_supplier(user, company: Company | None, request: BuyingRequest) -> bool:
    """A member of a company the request was offered to, while the request is open."""
    return (
        company is not None
        and can_edit_company(user, company)
        and request.is_open_on(uk_today())
        and is_offered_to(request, company)
    )


def can_edit_response(user, response: BuyingRequestResponse | None) -> bool:
    """Members of the responding company, until the buyer has read it and while it is open."""
    return (
        response is not None
        and can_edit_company(user, response.company)
        and response.read_at is None
        and response.request.is_open_on(uk_today())
    )
