"""What the application workflow holds about a person, for "Download your data" and "Delete
your account" (registered with `tradehub.personal_data` from `marketplaces.init_app`).

Applications the person made are exported with their answers and their history (who acted is
given only as a role). On deletion they are kept for the department's records, with the
person's contact details removed; a partner's link to their marketplace ends.
"""

from __future__ import annotations

from sqlalchemy import select, update

from marketplaces.applications.models import Application, PartnerAccount
from tradehub.accounts.models import User
from tradehub.extensions import db
from tradehub.personal_data import register_personal_data

ANSWER_FIELDS = (
    "contact_name",
    "contact_job_title",
    "contact_email",
    "contact_phone",
    "business_name",
    "company_number",
    "company_type",
    "website",
    "employees",
    "turnover",
    "postcode",
    "sku_count",
    "has_trademarks",
    "trademarks",
    "product_description",
    "product_categories",
    "export_experience",
    "marketplaces_used",
    "pitch",
)


def export_applications(user: User) -> list[dict]:
    """The person's applications: answers, state and history."""
    applications = db.session.scalars(
        select(Application).where(Application.applicant_id == user.id).order_by(Application.id)
    )
    return [
        {
            "reference": application.reference,
            "marketplace": application.marketplace.name,
            "status": application.status.label,
            "created_at": application.created_at,
            "submitted_at": application.submitted_at,
            "closed_at": application.closed_at,
            "answers": {field: getattr(application, field) for field in ANSWER_FIELDS},
            "history": [
                {
                    "at": event.created_at,
                    "move": event.move,
                    "by": "you" if event.actor_id == user.id else event.actor_role,
                    "from": event.from_status.label if event.from_status else "",
                    "to": event.to_status.label,
                    "message": event.message,
                }
                for event in application.status_events
            ],
        }
        for application in applications
    ]


def anonymise_applications(user: User) -> None:
    """Keep applications for the department's records, without the person's contact details."""
    db.session.execute(
        update(Application)
        .where(Application.applicant_id == user.id)
        .values(contact_name="", contact_job_title="", contact_email="", contact_phone="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(db.delete(PartnerAccount).where(PartnerAccount.user_id == user.id))


def register(app) -> None:
    """Add applications to the export and to account deletion."""
    register_personal_data(
        app,
        "applications",
        "Your marketplace applications",
        export_applications,
        erase=anonymise_applications,
        on_deletion="Your marketplace applications are kept for the department's records, "
        "with your name, job title, email address and phone number removed.",
    )
