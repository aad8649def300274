"""Buyers contacting suppliers: the enquiry service and its spam defences.

The defences need no outside service:

- a honeypot field people never see (bots fill it);
- a minimum fill time: the form carries a signed timestamp of when it was shown, and a message
  sent faster than a person could type it is refused;
- rate limits per IP address and per sender email, kept in Flask-Limiter's storage (memory in
  one process, Redis through RATELIMIT_STORAGE_URI for several);
- the staff-managed list of blocked senders (one address, or a whole domain): their messages
  are dropped silently and they see the normal "sent" page, so a spammer learns nothing.

Every refusal is a ValidationFailed naming the form field to show it beside, so the view keeps
what the buyer typed. Nothing here commits: the view does.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import force_locale, gettext
from sqlalchemy import select

from supplier_profiles.models import BlockedSender, BlockedSenderKind, Company, Enquiry
from tradehub import form_defences
from tradehub.errors import Conflict, NotAllowed, ValidationFailed
from tradehub.extensions import db
from tradehub.form_defences import (
    EXPIRED_MESSAGE,
    IP_LIMIT_MESSAGE,
    check_honeypot,
    hit_limits,
)
from tradehub.i18n import N_
from tradehub.mail import queue_email

# Defaults; each can be changed in the app config (tests and deployments).
DEFAULT_IP_LIMIT = "5 per 10 minutes;20 per day"
DEFAULT_SENDER_LIMIT = "3 per hour;10 per day"

_TOKEN_SALT = "supplier-contact-form"  # noqa: S105 (a salt that names the purpose, not a secret)

SENDER_LIMIT_MESSAGE = N_(
    "You have sent too many messages from this email address. Wait %(wait)s, then try again."
)


@dataclass(frozen=True)
class EnquiryDetails:
    """What the buyer typed, already validated by ContactSupplierForm."""

    full_name: str
    organisation: str
    country: str
    email: str
    industry: str
    subject: str
    message: str


def issue_form_token(company: Company, issued_at: float | None = None) -> str:
    """A signed token saying when the contact form for `company` was shown (single use)."""
    payload = {"c": company.id, "n": secrets.token_hex(12)}
    return form_defences.issue_form_token(_TOKEN_SALT, payload, issued_at)


def check_fill_time(company: Company, token: str | None, now: float | None = None) -> str:
    """Refuse a form that was not shown by us for this company, was filled in too fast, or is
    too old; return the token's single-use id."""
    payload = form_defences.check_form_token(
        _TOKEN_SALT, token, "message", expect={"c": company.id}, now=now
    )
    token_id = payload.get("n")
    if not isinstance(token_id, str) or not token_id:
        raise ValidationFailed(gettext(EXPIRED_MESSAGE), "message")
    return token_id[:32]


def normalise_email(address: str) -> str:
    """Lower-case and trimmed: how addresses are compared and stored for blocking."""
    return address.strip().lower()


def email_domain(address: str) -> str:
    """The part after the @, lower-case."""
    return normalise_email(address).rpartition("@")[2]


def is_blocked(address: str) -> bool:
    """Whether staff blocked this address, its domain, or a parent domain of it."""
    address = normalise_email(address)
    domain = email_domain(address)
    labels = domain.split(".")
    domains = [".".join(labels[i:]) for i in range(len(labels) - 1)]
    found = db.session.scalar(
        select(BlockedSender.id)
        .where(
            ((BlockedSender.kind == BlockedSenderKind.EMAIL) & (BlockedSender.value == address))
            | ((BlockedSender.kind == BlockedSenderKind.DOMAIN) & BlockedSender.value.in_(domains))
        )
        .limit(1)
    )
    return found is not None


def check_rate_limits(sender_ip: str, sender_email: str) -> None:
    """Refuse when this IP address or this sender has sent too many enquiries lately."""
    config = current_app.config
    hit_limits(
        config.get("CONTACT_RATE_LIMIT_IP", DEFAULT_IP_LIMIT),
        "supplier-contact-ip",
        sender_ip or "unknown",
        IP_LIMIT_MESSAGE,
        "email",
    )
    hit_limits(
        config.get("CONTACT_RATE_LIMIT_SENDER", DEFAULT_SENDER_LIMIT),
        "supplier-contact-sender",
        normalise_email(sender_email),
        SENDER_LIMIT_MESSAGE,
        "email",
    )


def send_enquiry(
    company: Company,
    details: EnquiryDetails,
    *,
    form_token: str | None,
    honeypot: str | None,
    sender_ip: str,
) -> Enquiry | None:
    """Store a buyer's enquiry, mail it to the company (reply-to the buyer) and confirm it to
    the buyer. Raises ValidationFailed (with the field to show it beside) when a spam defence
    refuses it (form_defences.RateLimited for the rate limits); returns None, storing and sending
    nothing, for a blocked sender (who is shown the normal "sent" page), and the enquiry already
    stored for a form sent twice (its token is single-use). Flushes, never commits."""
    if not company.is_publishable:
        raise NotAllowed("This supplier is not taking enquiries through TradeHub.")
    if not company.email:
        raise NotAllowed("This supplier has no contact address yet.")
    check_honeypot(honeypot)
    token_id = check_fill_time(company, form_token)
    already = db.session.scalar(select(Enquiry).where(Enquiry.form_token_id == token_id))
    if already is not None:
        # The same form sent again (a double click, a replay): nothing new is stored or sent.
        return already
    if is_blocked(details.email):
        return None
    check_rate_limits(sender_ip, details.email)

    enquiry = Enquiry(
        company_id=company.id,
        full_name=details.full_name.strip(),
        organisation=details.organisation.strip(),
        country=details.country,
        email=normalise_email(details.email),
        industry=details.industry,
        subject=details.subject.strip(),
        message=details.message.strip(),
        sender_ip=(sender_ip or "")[:45],
        form_token_id=token_id,
    )
    db.session.add(enquiry)
    db.session.flush()
    # The supplier reads English; the buyer's confirmation is in the buyer's language, and its
    # link opens the profile in it.
    with force_locale("en_GB"):
        queue_email(
            company.email,
            f"Enquiry from TradeHub: {enquiry.subject}",
            "enquiry_to_company",
            reply_to=enquiry.email,
            company=company,
            enquiry=enquiry,
            company_url=url_for(
                "supplier_profiles.company_profile", slug=company.slug, lang=None, _external=True
            ),
        )
    queue_email(
        enquiry.email,
        gettext("Your message to %(name)s has been sent", name=company.name),
        "enquiry_confirmation",
        company=company,
        enquiry=enquiry,
        company_url=url_for("supplier_profiles.company_profile", slug=company.slug, _external=True),
    )
    return enquiry


# --- staff: blocked senders ------------------------------------------------------------------


def block_sender(kind: str, value: str, reason: str, actor) -> BlockedSender:
    """Add an address or domain to the blocked list. Raises Conflict when it is there already."""
    kind_enum = BlockedSenderKind(kind)
    value = value.strip().lower()
    exists = db.session.scalar(
        select(BlockedSender.id).where(
            BlockedSender.kind == kind_enum, BlockedSender.value == value
        )
    )
    if exists is not None:
        raise ValidationFailed(f"{value} is already blocked.", "value")
    blocked = BlockedSender(
        kind=kind_enum, value=value, reason=reason.strip(), created_by_id=getattr(actor, "id", None)
    )
    db.session.add(blocked)
    db.session.flush()
    return blocked


def unblock_sender(blocked_id: int) -> BlockedSender:
    """Lift a block. Raises Conflict when it was already removed."""
    blocked = db.session.get(BlockedSender, blocked_id)
    if blocked is None:
        raise Conflict("That sender is no longer blocked.")
    db.session.delete(blocked)
    db.session.flush()
    return blocked
