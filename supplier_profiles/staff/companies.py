"""Staff screens under /staff/suppliers: find companies, print verification letters, verify or
revoke with a reason, take profiles down."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import or_, select

from supplier_profiles import taxonomies
from supplier_profiles.forms import ButtonForm, StaffReasonForm, StaffSearchForm
from supplier_profiles.models import Company, CompanyAuditEntry
from supplier_profiles.services import publishing
from supplier_profiles.staff.common import staff_bp
from supplier_profiles.verification import letter_pdf
from tradehub.errors import NotAllowed
from tradehub.extensions import db
from tradehub.refusals import service_call

PER_PAGE = 50


def _company_or_404(company_id: int) -> Company:
    company = db.session.get(Company, company_id)
    if company is None or company.is_deleted:
        abort(404)
    return company


def _company_page(company: Company):
    return redirect(url_for("supplier_profiles_staff.company", company_id=company.id))


@staff_bp.route("/suppliers/")
def index():
    """Companies, filtered by name or number and by verification state."""
    form = StaffSearchForm(request.args)
    stmt = select(Company).where(~Company.is_deleted)
    if form.validate():
        if form.q.data:
            term = f"%{form.q.data.lower()}%"
            stmt = stmt.where(
                or_(
                    db.func.lower(Company.name).like(term), db.func.lower(Company.number).like(term)
                )
            )
        if form.state.data == "unverified":
            stmt = stmt.where(~Company.is_verified)
        elif form.state.data == "verified":
            stmt = stmt.where(Company.is_verified)
        elif form.state.data == "published":
            stmt = stmt.where(Company.is_publishable)
    page = db.paginate(
        stmt.order_by(Company.created_at.desc(), Company.id.desc()),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("supplier_profiles/staff/index.html", form=form, page=page)


@staff_bp.route("/suppliers/verification-requests")
def verification_requests():
    """Businesses not registered with Companies House that asked to be verified, oldest
    request first: staff ask for the evidence by email, then verify (or not) on the company's
    page."""
    page = db.paginate(publishing.verification_queue(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "supplier_profiles/staff/verification_requests.html",
        page=page,
        labels=taxonomies,
        evidence=publishing.VERIFICATION_EVIDENCE,
    )


def _render_company(company: Company, forms: dict | None = None, status: int = 200):
    forms = forms or {}
    history = db.session.scalars(
        select(CompanyAuditEntry)
        .where(CompanyAuditEntry.company_id == company.id)
        .order_by(CompanyAuditEntry.created_at.desc(), CompanyAuditEntry.id.desc())
    ).all()
    return render_template(
        "supplier_profiles/staff/company.html",
        company=company,
        history=history,
        labels=taxonomies,
        verify_form=forms.get("verify") or StaffReasonForm(prefix="verify"),
        decline_form=forms.get("decline") or StaffReasonForm(prefix="decline"),
        revoke_form=forms.get("revoke") or StaffReasonForm(prefix="revoke"),
        unpublish_form=forms.get("unpublish") or StaffReasonForm(prefix="unpublish"),
        button_form=ButtonForm(),
    ), status


@staff_bp.route("/suppliers/<int:company_id>")
def company(company_id: int):
    """One company: its details, state, history and the staff actions."""
    return _render_company(_company_or_404(company_id))


@staff_bp.route("/suppliers/<int:company_id>/letter.pdf")
def letter(company_id: int):
    """The verification letter to print and post (recorded in the history)."""
    item = _company_or_404(company_id)
    if item.is_verified or not item.verification_code:
        flash("This company has no code waiting to be posted.", "info")
        return _company_page(item)
    pdf = letter_pdf(
        item,
        url_for("supplier_profiles_exporter.verify", _external=True),
        contact_email=current_app.config["SUPPORT_EMAIL"],
    )
    slug = item.slug
    with service_call() as call:
        publishing.record_letter_printed(item, current_user)
    if not call.ok:
        return _company_page(item)
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="verification-letter-{slug}.pdf"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@staff_bp.route("/suppliers/<int:company_id>/new-code", methods=["POST"])
def new_code(company_id: int):
    """Issue a new code (the old letter stops working), e.g. after too many wrong tries."""
    item = _company_or_404(company_id)
    if ButtonForm().validate_on_submit():
        if item.is_verified:
            flash("This company is already verified.", "info")
        else:
            with service_call() as call:
                publishing.issue_verification_code(item, current_user)
            if call.ok:
                flash("A new code has been issued. Print and post the new letter.", "success")
    return _company_page(item)


def _reason_action(company_id: int, prefix: str, action, done: str):
    """Verify, revoke or unpublish with the reason typed: a missing reason is shown beside the
    field; a refusal (already verified, not published ...) is flashed on the company page."""
    item = _company_or_404(company_id)
    form = StaffReasonForm(prefix=prefix)
    if form.validate_on_submit():
        with service_call(form=form) as call:
            action(item, current_user, form.reason.data)
        if call.ok:
            flash(done, "success")
            return _company_page(item)
        if isinstance(call.error, NotAllowed):
            return _company_page(item)
    return _render_company(item, {prefix: form}, 400)


@staff_bp.route("/suppliers/<int:company_id>/verify", methods=["POST"])
def verify(company_id: int):
    """Verify the company without the letter, recording why."""
    return _reason_action(company_id, "verify", publishing.staff_verify, "The company is verified.")


@staff_bp.route("/suppliers/<int:company_id>/decline-verification", methods=["POST"])
def decline_verification(company_id: int):
    """Take a business that asked to be verified off the queue without verifying it, saying why
    (the owner is emailed the reason and may ask again)."""
    return _reason_action(
        company_id,
        "decline",
        publishing.decline_verification_request,
        "The request is declined and the owner has been emailed the reason.",
    )


@staff_bp.route("/suppliers/<int:company_id>/revoke", methods=["POST"])
def revoke(company_id: int):
    """Withdraw verification (the profile is unpublished), recording why."""
    return _reason_action(
        company_id,
        "revoke",
        publishing.staff_revoke,
        "Verification has been revoked and the profile unpublished.",
    )


@staff_bp.route("/suppliers/<int:company_id>/unpublish", methods=["POST"])
def unpublish(company_id: int):
    """Take a profile down, recording why; the owner is told by email."""
    return _reason_action(
        company_id,
        "unpublish",
        publishing.staff_unpublish,
        "The profile has been unpublished and the owner told why.",
    )
