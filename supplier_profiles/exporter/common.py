"""The exporter area's blueprint (/profile, UK business accounts only) and what its pages share:
loading the signed-in user's company, and the links on "Your account"."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from supplier_profiles.models import CaseStudy, Company, Enquiry
from supplier_profiles.permissions import company_for_user, membership_for_user
from supplier_profiles.services.enquiries import count_new_enquiries
from tradehub.accounts.models import Role
from tradehub.extensions import db, limiter
from tradehub.permissions import guard_blueprint

exporter_bp = Blueprint("supplier_profiles_exporter", __name__, url_prefix="/profile")

# Every exporter page needs a signed-in UK business account; anyone else is sent to sign in
# or refused.
guard_blueprint(exporter_bp, Role.EXPORTER)


def company_required(view):
    """Load the signed-in user's company (and membership); without one, go and create it."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        member = membership_for_user(current_user)
        if member is None:
            flash("Create your company profile first.", "info")
            return redirect(url_for("supplier_profiles_exporter.create_company"))
        return view(member.company, member, *args, **kwargs)

    return wrapped


UPLOAD_LIMIT_MESSAGE = (
    "You have uploaded too many images in a short time. "
    "Wait an hour, then try again: what you typed was not saved."
)


def _no_file_sent() -> bool:
    return not any(upload.filename for upload in request.files.values())


def _uploader_key() -> str:
    # The guard runs after the limiter, so an anonymous request is keyed by its address.
    if current_user.is_authenticated:
        return f"upload-user:{current_user.id}"
    return f"upload-ip:{request.remote_addr}"


def upload_limited(view):
    """Limit POSTs that carry a file, per user and per IP address (UPLOAD_RATE_LIMIT*):
    decoding images is the most expensive thing a visitor can ask for."""
    view = limiter.limit(
        lambda: current_app.config["UPLOAD_RATE_LIMIT_IP"],
        methods=["POST"],
        exempt_when=_no_file_sent,
        error_message=UPLOAD_LIMIT_MESSAGE,
    )(view)
    return limiter.limit(
        lambda: current_app.config["UPLOAD_RATE_LIMIT"],
        methods=["POST"],
        key_func=_uploader_key,
        exempt_when=_no_file_sent,
        error_message=UPLOAD_LIMIT_MESSAGE,
    )(view)


def case_study_or_404(company: Company, study_id: int) -> CaseStudy:
    """One of the company's case studies, or 404."""
    study = db.session.get(CaseStudy, study_id)
    if study is None or study.company_id != company.id:
        abort(404)
    return study


def enquiry_or_404(company: Company, enquiry_id: int) -> Enquiry:
    """One of the company's enquiries, or 404."""
    enquiry = db.session.get(Enquiry, enquiry_id)
    if enquiry is None or enquiry.company_id != company.id:
        abort(404)
    return enquiry


def account_links(user) -> list[tuple[str, str]]:
    """Links on "Your account": the profile pages for exporters, moderation for staff."""
    if not user.is_authenticated:
        return []
    links: list[tuple[str, str]] = []
    if user.has_role(Role.EXPORTER):
        company = company_for_user(user)
        if company is None:
            links.append(
                (
                    url_for("supplier_profiles_exporter.create_company"),
                    "Create your company profile",
                )
            )
        else:
            links.append(
                (
                    url_for("supplier_profiles_exporter.overview"),
                    f"Manage the profile of {company.name}",
                )
            )
            new = count_new_enquiries(company)
            links.append(
                (
                    url_for("supplier_profiles_exporter.enquiries"),
                    f"Enquiries from buyers ({new} new)",
                )
            )
    if user.has_role(Role.STAFF):
        links.append(
            (url_for("supplier_profiles_staff.index"), "Verify and moderate supplier profiles")
        )
    return links
