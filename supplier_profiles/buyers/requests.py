"""Buying requests: one buyer's request for quotation, offered to many suppliers.

The journey, one function per move (each writes its audit row where a traceable move happens):
`post_request` (spam defences, limits; auto-approved for a buyer with an earlier approved
request when BUYING_REQUEST_AUTO_APPROVE is on) → `approve_request` / `reject_request` (staff)
→ `match_request` (search layer: text and industry, publishable suppliers only, best 25;
later-published suppliers are offered it by `offer_to_new_suppliers`) → `save_response`
(suppliers; one per company) → `mark_responses_read` / `reply_to_response` (the buyer; a reply
opens an enquiry in the company's inbox) → `close_request` (the buyer, the 10th response, or
the deadline). Nothing here commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import current_app, url_for
from flask_babel import gettext
from sqlalchemy import func, select, update

from search_index import service as search_service
from search_index.base import SearchQuery
from search_index.errors import SearchError
from supplier_profiles import taxonomies
from supplier_profiles.buyers.models import (
    REJECTION_REASON_MAX,
    RESPONSE_MESSAGE_MAX,
    BuyingRequest,
    BuyingRequestAudit,
    BuyingRequestMatch,
    BuyingRequestResponse,
    CloseReason,
    RequestAuditAction,
    RequestStatus,
    ResponseNotice,
)
from supplier_profiles.buyers.permissions import (
    can_edit_response,
    can_post_buying_request,
    can_see_request_as_supplier,
    owns_buying_request,
)
from supplier_profiles.models import ENQUIRY_MESSAGE_MAX, ENQUIRY_SUBJECT_MAX, Company, Enquiry
from supplier_profiles.permissions import can_edit_company
from tradehub import form_defences
from tradehub.dates import uk_today
from tradehub.db_types import utcnow
from tradehub.errors import NotAllowed, PermissionDenied, ValidationFailed
from tradehub.extensions import db
from tradehub.mail import queue_email
from tradehub.permissions import is_staff

log = logging.getLogger(__name__)

OPEN_REQUESTS_MAX = 3
NEW_PER_DAY_MAX = 5
DEADLINE_MIN_DAYS = 1
DEADLINE_MAX_DAYS = 60
MATCH_LIMIT = 25
RESPONSES_TO_CLOSE = 10
# How often an open request is offered to suppliers published since it was approved.
LATE_MATCH_INTERVAL = timedelta(hours=1)
DIGEST_INTERVAL = timedelta(days=1)
_FORM_SALT = "buying-request-form"


@dataclass(frozen=True)
class RequestDetails:
    """What the buyer typed, validated by BuyingRequestForm."""

    title: str
    description: str
    industry: str
    quantity: int | None
    unit: str
    destination_country: str
    deadline: date
    budget_amount: Decimal | None
    budget_currency: str
    response_notice: ResponseNotice


@dataclass(frozen=True)
class ResponseDetails:
    """What the supplier typed, validated by ResponseForm."""

    message: str
    price: str = ""
    lead_time: str = ""
    minimum_order: str = ""


def _audit(request: BuyingRequest, action: RequestAuditAction, actor, reason: str = "") -> None:
    db.session.add(
        BuyingRequestAudit(
            request_id=request.id,
            action=action,
            actor_id=getattr(actor, "id", None),
            reason=reason,
        )
    )


def request_url(request: BuyingRequest) -> str:
    """The buyer's page for the request."""
    return url_for("supplier_profiles_buyers.buying_request", request_id=request.id, _external=True)


def supplier_request_url(request: BuyingRequest) -> str:
    """A supplier's page for the request."""
    return url_for(
        "supplier_profiles_exporter.buying_request", request_id=request.id, _external=True
    )


# --- spam defences (the contact form's, for this form) -----------------------------------------


def issue_form_token(user, issued_at: float | None = None) -> str:
    """A signed token saying when the request form was shown to `user`."""
    return form_defences.issue_form_token(_FORM_SALT, {"u": user.id}, issued_at)


def check_fill_time(user, token: str | None, now: float | None = None) -> None:
    """Refuse a form not shown by us to this user, filled in too fast, or too old."""
    form_defences.check_form_token(_FORM_SALT, token, "description", expect={"u": user.id}, now=now)


def check_rate_limit(sender_ip: str) -> None:
    """Refuse when this IP address has posted too many requests lately."""
    # Raises form_defences.RateLimited (a ValidationFailed) saying the window to wait.
    form_defences.hit_limits(
        current_app.config["BUYING_REQUEST_RATE_LIMIT_IP"],
        "buying-request-ip",
        sender_ip or "unknown",
        form_defences.IP_LIMIT_MESSAGE,
        "title",
    )


# --- posting -----------------------------------------------------------------------------------


def open_request_count(user) -> int:
    """Requests of the user that are waiting for approval or open."""
    today = uk_today()
    return (
        db.session.scalar(
            select(func.count())
            .select_from(BuyingRequest)
            .where(
                BuyingRequest.buyer_id == user.id,
                BuyingRequest.status.in_([RequestStatus.PENDING, RequestStatus.OPEN]),
                BuyingRequest.deadline >= today,
            )
        )
        or 0
    )


def _check_details(details: RequestDetails) -> None:
    today = uk_today()
    if not details.title.strip():
        raise ValidationFailed(gettext("Enter what you need"), "title")
    if not details.description.strip():
        raise ValidationFailed(gettext("Describe what you need"), "description")
    if not taxonomies.is_valid("industry", details.industry):
        raise ValidationFailed(gettext("Select an industry"), "industry")
    if not taxonomies.is_valid("country", details.destination_country):
        raise ValidationFailed(gettext("Select the country the goods go to"), "destination_country")
    if (
        not today + timedelta(days=DEADLINE_MIN_DAYS)
        <= details.deadline
        <= today + timedelta(days=DEADLINE_MAX_DAYS)
    ):
        raise ValidationFailed(
            gettext(
                "The deadline must be between %(low)s and %(high)s days from today",
                low=DEADLINE_MIN_DAYS,
                high=DEADLINE_MAX_DAYS,
            ),
            "deadline",
        )
    if details.budget_amount is not None and not details.budget_currency:
        raise ValidationFailed(gettext("Select the currency of your budget"), "budget_currency")


def post_request(
    user, details: RequestDetails, *, form_token: str | None, honeypot: str | None, sender_ip: str
) -> BuyingRequest:
    """Store a buyer's request after the spam defences and limits; it waits for staff unless
    the buyer already had one approved (and auto-approval is on)."""
    if not can_post_buying_request(user):
        raise PermissionDenied("Only confirmed buyer accounts can post buying requests.")
    form_defences.check_honeypot(honeypot)
    check_fill_time(user, form_token)
    _check_details(details)
    if open_request_count(user) >= OPEN_REQUESTS_MAX:
        raise ValidationFailed(
            gettext(
                "You already have %(num)s open requests. Close one before you post another.",
                num=OPEN_REQUESTS_MAX,
            ),
            "title",
        )
    posted_today = db.session.scalar(
        select(func.count())
        .select_from(BuyingRequest)
        .where(
            BuyingRequest.buyer_id == user.id,
            BuyingRequest.created_at >= utcnow() - timedelta(days=1),
        )
    )
    if (posted_today or 0) >= NEW_PER_DAY_MAX:
        raise ValidationFailed(
            gettext(
                "You can post %(num)s requests a day. Try again tomorrow.", num=NEW_PER_DAY_MAX
            ),
            "title",
        )
    check_rate_limit(sender_ip)
    request = BuyingRequest(
        buyer_id=user.id,
        title=details.title.strip(),
        description=details.description.strip(),
        industry=details.industry,
        quantity=details.quantity,
        unit=(details.unit or "").strip() if details.quantity else "",
        destination_country=details.destination_country,
        deadline=details.deadline,
        budget_amount=details.budget_amount,
        budget_currency=details.budget_currency if details.budget_amount is not None else "",
        response_notice=details.response_notice,
        sender_ip=(sender_ip or "")[:45],
    )
    db.session.add(request)
    db.session.flush()
    _audit(request, RequestAuditAction.SUBMITTED, user)
    had_approved = db.session.scalar(
        select(BuyingRequest.id).where(
            BuyingRequest.buyer_id == user.id,
            BuyingRequest.approved_at.is_not(None),
            BuyingRequest.id != request.id,
        )
    )
    if had_approved is not None and current_app.config["BUYING_REQUEST_AUTO_APPROVE"]:
        _open(request, None, RequestAuditAction.AUTO_APPROVED)
    db.session.flush()
    return request


# --- moderation --------------------------------------------------------------------------------


def _require_staff(user) -> None:
    if not is_staff(user):
        raise PermissionDenied("Only department staff can moderate buying requests.")


def _open(request: BuyingRequest, actor, action: RequestAuditAction) -> None:
    now = utcnow()
    request.status = RequestStatus.OPEN
    request.approved_at = now
    request.next_match_at = now + LATE_MATCH_INTERVAL
    _audit(request, action, actor)
    db.session.flush()
    try:
        match_request(request)
    except SearchError as exc:
        # Offered by the next `flask alerts send` instead: approval never fails on search.
        log.warning("Matching buying request %s failed, retried later: %s", request.id, exc)
        request.next_match_at = now
    db.session.flush()


def approve_request(request: BuyingRequest, staff) -> BuyingRequest:
    """Open a waiting request and offer it to the suppliers that match it."""
    _require_staff(staff)
    if request.status is not RequestStatus.PENDING:
        raise NotAllowed("This request has already been moderated.")
    _open(request, staff, RequestAuditAction.APPROVED)
    return request


def reject_request(request: BuyingRequest, staff, reason: str) -> BuyingRequest:
    """Refuse a waiting request; the buyer sees the reason on the request page."""
    _require_staff(staff)
    if request.status is not RequestStatus.PENDING:
        raise NotAllowed("This request has already been moderated.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(gettext("Enter the reason the buyer will see"), "reason")
    if len(reason) > REJECTION_REASON_MAX:
        raise ValidationFailed(
            f"Reason must be {REJECTION_REASON_MAX:,} characters or fewer", "reason"
        )
    request.status = RequestStatus.REJECTED
    request.rejection_reason = reason
    _audit(request, RequestAuditAction.REJECTED, staff, reason)
    queue_email(
        request.buyer.email,
        f"Your buying request was not approved: {request.title}",
        "buying_request_rejected",
        request=request,
        request_url=request_url(request),
    )
    db.session.flush()
    return request


# --- matching ----------------------------------------------------------------------------------


def _candidate_ids(request: BuyingRequest) -> list[int]:
    """Best matches first: the title within the industry, then the title in any industry; the
    industry alone only when the words match nobody."""
    queries = [
        SearchQuery(text=request.title, filters={"industry": [request.industry]}, per_page=25),
        SearchQuery(text=request.title, per_page=25),
    ]
    ids: list[int] = []
    for query in queries:
        for hit in search_service.search(query).hits:
            if hit.id not in ids:
                ids.append(hit.id)
    if not ids:
        query = SearchQuery(filters={"industry": [request.industry]}, per_page=25)
        ids = [hit.id for hit in search_service.search(query).hits]
    return ids


def _offer(request: BuyingRequest, companies: list[Company], late: bool) -> list[Company]:
    offered = set(
        db.session.scalars(
            select(BuyingRequestMatch.company_id).where(BuyingRequestMatch.request_id == request.id)
        )
    )
    fresh = [c for c in companies if c.id not in offered]
    for company in fresh:
        db.session.add(BuyingRequestMatch(request_id=request.id, company_id=company.id, late=late))
        for member in company.members:
            queue_email(
                member.user.email,
                f"A buyer is asking for quotes: {request.title}",
                "buying_request_offered",
                request=request,
                company=company,
                url=supplier_request_url(request),
            )
    db.session.flush()
    return fresh


def _eligible(ids: list[int], request: BuyingRequest) -> list[Company]:
    if not ids:
        return []
    by_id = {
        c.id: c
        for c in db.session.scalars(
            select(Company).where(
                Company.id.in_(ids),
                Company.is_publishable,
                Company.accepts_buying_requests.is_(True),
            )
        )
    }
    # A buyer who is also a member of a supplier is never offered their own request.
    return [
        by_id[i]
        for i in ids
        if i in by_id and not any(m.user_id == request.buyer_id for m in by_id[i].members)
    ]


def match_request(request: BuyingRequest) -> list[Company]:
    """Offer an approved request to the best 25 matching suppliers (each company once)."""
    companies = _eligible(_candidate_ids(request), request)[:MATCH_LIMIT]
    return _offer(request, companies, late=False)


def offer_to_new_suppliers(request: BuyingRequest, now: datetime) -> list[Company]:
    """Offer an open request to matching suppliers published (or verified) since it was
    approved; the first match after a failed approval-time search offers it to everyone."""
    if not request.is_open_on(uk_today()):
        request.next_match_at = None
        return []
    first_time = (
        db.session.scalar(
            select(BuyingRequestMatch.id).where(BuyingRequestMatch.request_id == request.id)
        )
        is None
    )
    companies = _eligible(_candidate_ids(request), request)
    if not first_time:
        since = request.approved_at
        companies = [
            c for c in companies if max(c.published_at or since, c.verified_at or since) > since
        ]
    fresh = _offer(request, companies[:MATCH_LIMIT], late=not first_time)
    request.next_match_at = now + LATE_MATCH_INTERVAL
    db.session.flush()
    return fresh


# --- responses ---------------------------------------------------------------------------------


def response_of(request: BuyingRequest, company: Company) -> BuyingRequestResponse | None:
    """The company's response to the request, if it answered."""
    return db.session.scalar(
        select(BuyingRequestResponse).where(
            BuyingRequestResponse.request_id == request.id,
            BuyingRequestResponse.company_id == company.id,
        )
    )


def _response_count(request: BuyingRequest) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(BuyingRequestResponse)
            .where(BuyingRequestResponse.request_id == request.id)
        )
        or 0
    )


def save_response(
    request: BuyingRequest, company: Company, user, details: ResponseDetails
) -> BuyingRequestResponse:
    """Answer a request for the company, or change the answer until the buyer has read it.
    The 10th response closes the request."""
    if not can_see_request_as_supplier(user, company, request):
        raise PermissionDenied("This request is not open to your company.")
    message = (details.message or "").strip()
    if not message:
        raise ValidationFailed(gettext("Enter your answer to the buyer"), "message")
    if len(message) > RESPONSE_MESSAGE_MAX:
        raise ValidationFailed(
            f"Your answer must be {RESPONSE_MESSAGE_MAX:,} characters or fewer", "message"
        )
    response = response_of(request, company)
    if response is not None:
        if not can_edit_response(user, response):
            raise NotAllowed("The buyer has read your response, so it can no longer be changed.")
        response.message = message
        response.price = details.price.strip()
        response.lead_time = details.lead_time.strip()
        response.minimum_order = details.minimum_order.strip()
        response.author_id = user.id
        db.session.flush()
        return response
    # One row lock per request keeps the count exact when suppliers answer at the same time.
    db.session.execute(
        update(BuyingRequest)
        .where(BuyingRequest.id == request.id)
        .values(status=BuyingRequest.status)
    )
    if _response_count(request) >= RESPONSES_TO_CLOSE:
        raise NotAllowed("This request has closed: it already has 10 responses.")
    response = BuyingRequestResponse(
        request_id=request.id,
        company_id=company.id,
        author_id=user.id,
        message=message,
        price=details.price.strip(),
        lead_time=details.lead_time.strip(),
        minimum_order=details.minimum_order.strip(),
    )
    db.session.add(response)
    db.session.flush()
    if request.response_notice is ResponseNotice.EACH:
        queue_email(
            request.buyer.email,
            f"{company.name} answered your request: {request.title}",
            "buying_request_response",
            request=request,
            response=response,
            company=company,
            request_url=request_url(request),
        )
        response.buyer_notified_at = utcnow()
    elif request.next_digest_at is None:
        request.next_digest_at = utcnow() + DIGEST_INTERVAL
    if _response_count(request) >= RESPONSES_TO_CLOSE:
        _close(request, None, CloseReason.RESPONSES)
    db.session.flush()
    return response


def send_digest(request: BuyingRequest, now: datetime) -> int:
    """One mail to the buyer with the responses not yet sent to them; returns how many."""
    responses = [r for r in request.responses if r.buyer_notified_at is None]
    request.next_digest_at = None
    if responses:
        queue_email(
            request.buyer.email,
            f"{len(responses)} new response{'s' if len(responses) != 1 else ''} to your "
            f"request: {request.title}",
            "buying_request_digest",
            request=request,
            responses=responses,
            request_url=request_url(request),
        )
        for response in responses:
            response.buyer_notified_at = now
    db.session.flush()
    return len(responses)


def mark_responses_read(request: BuyingRequest, user) -> int:
    """The buyer opened the request: its responses can no longer be changed."""
    if not owns_buying_request(user, request):
        raise PermissionDenied("This is not your request.")
    now = utcnow()
    unread = [r for r in request.responses if r.read_at is None]
    for response in unread:
        response.read_at = now
    db.session.flush()
    return len(unread)


def reply_to_response(response: BuyingRequestResponse, user, message: str) -> Enquiry:
    """The buyer answers a supplier: this opens an enquiry in the company's inbox, which is
    when the supplier first learns the buyer's email address."""
    request = response.request
    if not owns_buying_request(user, request):
        raise PermissionDenied("This is not your request.")
    if response.enquiry_id is not None:
        raise NotAllowed(
            gettext(
                "You have already replied. Carry on the conversation by email with the supplier."
            )
        )
    message = (message or "").strip()
    if not message:
        raise ValidationFailed(gettext("Enter your reply"), "message")
    if len(message) > ENQUIRY_MESSAGE_MAX:
        raise ValidationFailed(
            f"Your reply must be {ENQUIRY_MESSAGE_MAX:,} characters or fewer", "message"
        )
    company = response.company
    enquiry = Enquiry(
        company_id=company.id,
        full_name=user.full_name or user.email,
        organisation="",
        country=request.destination_country,
        email=user.email,
        industry=request.industry,
        subject=f"Re: {request.title}"[:ENQUIRY_SUBJECT_MAX],
        message=message,
    )
    db.session.add(enquiry)
    db.session.flush()
    response.enquiry_id = enquiry.id
    response.read_at = response.read_at or utcnow()
    recipients = [company.email] if company.email else [m.user.email for m in company.members]
    for address in recipients:
        queue_email(
            address,
            f"The buyer replied to your response: {request.title}",
            "buying_request_reply",
            reply_to=user.email,
            request=request,
            enquiry=enquiry,
            company=company,
            enquiry_url=url_for(
                "supplier_profiles_exporter.enquiry", enquiry_id=enquiry.id, _external=True
            ),
        )
    db.session.flush()
    return enquiry


# --- closing -----------------------------------------------------------------------------------


def _close(request: BuyingRequest, actor, reason: CloseReason) -> None:
    request.status = RequestStatus.CLOSED
    request.close_reason = reason
    request.closed_at = utcnow()
    request.next_match_at = None
    _audit(request, RequestAuditAction.CLOSED, actor, reason.value)


def close_request(request: BuyingRequest, user) -> BuyingRequest:
    """The buyer stops taking responses (a waiting request is withdrawn the same way)."""
    if not owns_buying_request(user, request):
        raise PermissionDenied("This is not your request.")
    if request.status not in (RequestStatus.PENDING, RequestStatus.OPEN) or not (
        request.deadline >= uk_today()
    ):
        raise NotAllowed(gettext("This request is already closed."))
    _close(request, user, CloseReason.BUYER)
    db.session.flush()
    return request


def close_past_deadline(request: BuyingRequest) -> None:
    """Record that an open request's deadline has passed (it stopped being open at midnight)."""
    if request.status is RequestStatus.OPEN and request.deadline < uk_today():
        _close(request, None, CloseReason.DEADLINE)
        db.session.flush()


# --- supplier side -----------------------------------------------------------------------------


def requests_for_company(company: Company) -> list[BuyingRequest]:
    """Open requests offered to the company, soonest deadline first."""
    return list(
        db.session.scalars(
            select(BuyingRequest)
            .join(BuyingRequestMatch, BuyingRequestMatch.request_id == BuyingRequest.id)
            .where(
                BuyingRequestMatch.company_id == company.id,
                BuyingRequest.is_open_on(uk_today()),
            )
            .order_by(BuyingRequest.deadline, BuyingRequest.id)
        )
    )


def set_accepts_buying_requests(company: Company, user, accepts: bool) -> Company:
    """A company opts in to, or out of, being offered buying requests."""
    if not can_edit_company(user, company):
        raise PermissionDenied("You are not a member of this company.")
    company.accepts_buying_requests = accepts
    db.session.flush()
    return company
