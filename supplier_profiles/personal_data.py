"""What supplier profiles hold about a person, for "Download your data" and "Delete your
account" (registered with `tradehub.personal_data` from `init_app`).

- the company the person belongs to (all its profile details if they own it);
- enquiries they sent (matched by their account's address) and enquiries their company received;
- as a buyer (issue 11's tables): their shortlist, saved searches and buying requests with the
  suppliers' responses.

Deleting an account: an owned company must be transferred or deleted first; a membership of
someone else's company ends; enquiries the person sent stay with the company that received
them, with the sender's name, organisation, address and IP removed; the shortlist, saved
searches and buying requests (with their matches, responses and audit) are deleted.
"""

from __future__ import annotations

from sqlalchemy import select, update

from supplier_profiles.buyers.models import (
    BuyingRequest,
    BuyingRequestAudit,
    BuyingRequestMatch,
    BuyingRequestResponse,
    SavedSearch,
    SavedSearchSeen,
    ShortlistEntry,
)
from supplier_profiles.models import ALL_PROFILE_FIELDS, CompanyMember, Enquiry
from tradehub.accounts.models import User, normalise_email
from tradehub.extensions import db
from tradehub.personal_data import register_personal_data


def _memberships(user: User) -> list[CompanyMember]:
    return db.session.scalars(
        select(CompanyMember).where(CompanyMember.user_id == user.id).order_by(CompanyMember.id)
    ).all()


def export_companies(user: User) -> list[dict]:
    """The person's company membership, with the whole profile when they own it."""
    rows = []
    for member in _memberships(user):
        company = member.company
        row = {"your_role": member.role.value, "member_since": member.created_at}
        row["company"] = {field: getattr(company, field) for field in ALL_PROFILE_FIELDS}
        if member.is_owner:
            row["case_studies"] = [
                {
                    "title": c.title,
                    "summary": c.summary,
                    "description": c.description,
                    "website": c.website,
                    "testimonial": c.testimonial,
                    "testimonial_source": c.testimonial_source,
                    "created_at": c.created_at,
                }
                for c in company.case_studies
            ]
        rows.append(row)
    return rows


def _enquiry(enquiry: Enquiry, sender: bool) -> dict:
    row = {
        "company": enquiry.company.name,
        "subject": enquiry.subject,
        "message": enquiry.message,
        "sent_at": enquiry.created_at,
        "status": enquiry.status.value,
    }
    if not sender:
        row.update(
            {
                "from_name": enquiry.full_name,
                "from_organisation": enquiry.organisation,
                "from_email": enquiry.email,
                "from_country": enquiry.country,
            }
        )
    return row


def export_enquiries_sent(user: User) -> list[dict]:
    """Enquiries sent from the person's email address."""
    enquiries = db.session.scalars(
        select(Enquiry).where(Enquiry.email == normalise_email(user.email)).order_by(Enquiry.id)
    )
    return [_enquiry(enquiry, sender=True) for enquiry in enquiries]


def export_enquiries_received(user: User) -> list[dict]:
    """Enquiries buyers sent to the company the person belongs to."""
    company_ids = [member.company_id for member in _memberships(user)]
    if not company_ids:
        return []
    enquiries = db.session.scalars(
        select(Enquiry).where(Enquiry.company_id.in_(company_ids)).order_by(Enquiry.id)
    )
    return [_enquiry(enquiry, sender=False) for enquiry in enquiries]


def owned_company_blockers(user: User) -> list[str]:
    """An owned company that is not deleted must be handed on or deleted first."""
    return [
        f"You own {member.company.name}. Make another member its owner, or delete the "
        "company, before you delete your account."
        for member in _memberships(user)
        if member.is_owner and member.company.deleted_at is None
    ]


def erase_memberships(user: User) -> None:
    """End the person's memberships (an owner's company is already deleted by then)."""
    db.session.execute(db.delete(CompanyMember).where(CompanyMember.user_id == user.id))


def anonymise_enquiries_sent(user: User) -> None:
    """Keep sent enquiries for the companies that received them, without the sender."""
    db.session.execute(
        update(Enquiry)
        .where(Enquiry.email == normalise_email(user.email))
        .values(full_name="Deleted user", organisation="", email="", sender_ip="")
        .execution_options(synchronize_session=False)
    )


def export_shortlist(user: User) -> list[dict]:
    """Suppliers the person shortlisted, with their own notes."""
    entries = db.session.scalars(
        select(ShortlistEntry).where(ShortlistEntry.user_id == user.id).order_by(ShortlistEntry.id)
    )
    return [{"company": e.company.name, "note": e.note, "added_at": e.created_at} for e in entries]


def export_saved_searches(user: User) -> list[dict]:
    """The person's saved searches and how often they are emailed."""
    searches = db.session.scalars(
        select(SavedSearch).where(SavedSearch.user_id == user.id).order_by(SavedSearch.id)
    )
    return [
        {
            "name": s.name,
            "words": s.query_text,
            "filters": s.filters,
            "language": s.language,
            "alerts": s.frequency.value,
            "last_alert_at": s.last_alert_at,
            "created_at": s.created_at,
        }
        for s in searches
    ]


def export_buying_requests(user: User) -> list[dict]:
    """The person's buying requests and the responses suppliers sent to them."""
    requests = db.session.scalars(
        select(BuyingRequest).where(BuyingRequest.buyer_id == user.id).order_by(BuyingRequest.id)
    )
    return [
        {
            "title": r.title,
            "description": r.description,
            "industry": r.industry,
            "quantity": r.quantity,
            "unit": r.unit,
            "destination_country": r.destination_country,
            "deadline": r.deadline,
            "budget": f"{r.budget_amount} {r.budget_currency}" if r.budget_amount else "",
            "status": r.status.value,
            "rejection_reason": r.rejection_reason,
            "sent_from_ip": r.sender_ip,
            "created_at": r.created_at,
            "responses": [
                {
                    "company": response.company.name,
                    "message": response.message,
                    "price": response.price,
                    "lead_time": response.lead_time,
                    "minimum_order": response.minimum_order,
                    "sent_at": response.created_at,
                }
                for response in r.responses
            ],
        }
        for r in requests
    ]


def erase_buyer_data(user: User) -> None:
    """Delete the shortlist, saved searches and buying requests, children first."""
    searches = select(SavedSearch.id).where(SavedSearch.user_id == user.id)
    requests = select(BuyingRequest.id).where(BuyingRequest.buyer_id == user.id)
    for statement in (
        db.delete(SavedSearchSeen).where(SavedSearchSeen.saved_search_id.in_(searches)),
        db.delete(SavedSearch).where(SavedSearch.user_id == user.id),
        db.delete(ShortlistEntry).where(ShortlistEntry.user_id == user.id),
        db.delete(BuyingRequestMatch).where(BuyingRequestMatch.request_id.in_(requests)),
        db.delete(BuyingRequestResponse).where(BuyingRequestResponse.request_id.in_(requests)),
        db.delete(BuyingRequestAudit).where(BuyingRequestAudit.request_id.in_(requests)),
        db.delete(BuyingRequest).where(BuyingRequest.buyer_id == user.id),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))


def register(app) -> None:
    """Add supplier profiles' sections to the export and to account deletion."""
    register_personal_data(
        app,
        "companies",
        "Your company",
        export_companies,
        erase=erase_memberships,
        blockers=owned_company_blockers,
        on_deletion="If you own a company you must make another member its owner or delete it "
        "first. If you are an editor of a company, you stop being one.",
    )
    register_personal_data(
        app,
        "enquiries_sent",
        "Enquiries you sent",
        export_enquiries_sent,
        erase=anonymise_enquiries_sent,
        on_deletion="Enquiries you sent stay with the companies that received them, with your "
        "name, organisation and email address removed.",
    )
    register_personal_data(
        app,
        "shortlist",
        "Your shortlist",
        export_shortlist,
        erase=erase_buyer_data,
        on_deletion="Your shortlist, saved searches and buying requests (with the responses "
        "suppliers sent you) are deleted.",
    )
    register_personal_data(app, "saved_searches", "Your saved searches", export_saved_searches)
    register_personal_data(app, "buying_requests", "Your buying requests", export_buying_requests)
    register_personal_data(
        app,
        "enquiries_received",
        "Enquiries your company received",
        export_enquiries_received,
    )
