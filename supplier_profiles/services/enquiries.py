"""The company's enquiries inbox: replying to buyers and filing enquiries by status. (Buyers
sending enquiries, and the spam defences, are in supplier_profiles.contact.)"""

from __future__ import annotations

from sqlalchemy import func, select

from supplier_profiles.models import Company, Enquiry, EnquiryStatus
from supplier_profiles.services.common import require_editor
from tradehub.accounts.models import User
from tradehub.db_types import utcnow
from tradehub.errors import ValidationFailed
from tradehub.extensions import db
from tradehub.mail import queue_email


def set_enquiry_status(enquiry: Enquiry, user: User, status: EnquiryStatus) -> Enquiry:
    """Move an enquiry between new, replied and archived."""
    require_editor(user, enquiry.company)
    enquiry.status = status
    db.session.flush()
    return enquiry


def reply_to_enquiry(enquiry: Enquiry, user: User, message: str) -> Enquiry:
    """Email the buyer; their answer goes to the company's contact address (Reply-To)."""
    company = enquiry.company
    require_editor(user, company)
    message = (message or "").strip()
    if not message:
        raise ValidationFailed("Enter your reply", "message")
    reply_to = company.email or user.email
    queue_email(
        enquiry.email,
        f"Re: {enquiry.subject}",
        "supplier_enquiry_reply",
        reply_to=reply_to,
        enquiry=enquiry,
        company=company,
        sender=user,
        message=message,
    )
    enquiry.status = EnquiryStatus.REPLIED
    enquiry.replied_at = utcnow()
    db.session.flush()
    return enquiry


def count_new_enquiries(company: Company) -> int:
    """How many enquiries nobody has dealt with yet."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Enquiry)
            .where(Enquiry.company_id == company.id, Enquiry.status == EnquiryStatus.NEW)
        )
        or 0
    )
