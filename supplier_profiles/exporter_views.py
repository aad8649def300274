"""The exporter's pages under /profile: create the company (with a Companies House lookup),
edit the profile, logo, case studies, members, verification, publishing and the enquiries inbox.
Also the image routes (/media/suppliers/...) that public pages use.

Views are thin: a form validates, one service acts, the view commits once. Errors a service
raises about a field (ValidationFailed) are shown next to that field.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select

from supplier_profiles import services, taxonomies
from supplier_profiles.forms import (
    ButtonForm,
    CaseStudyForm,
    ConfirmCompanyForm,
    CreateCompanyForm,
    DeleteCompanyForm,
    EnquiryReplyForm,
    EnquiryStatusForm,
    InviteForm,
    LogoForm,
    ProfileForm,
    VerifyCodeForm,
)
from supplier_profiles.models import (
    CASE_STUDY_IMAGES_MAX,
    CaseStudy,
    CaseStudyImage,
    Company,
    CompanyInvitation,
    CompanyMember,
    Enquiry,
    EnquiryStatus,
)
from supplier_profiles.verification import format_code
from tradehub.accounts.models import Role
from tradehub.accounts.tokens import InvalidToken
from tradehub.companies_house import CompaniesHouseUnavailable, CompanyNotFound
from tradehub.errors import Conflict, NotAllowed, PermissionDenied, ValidationFailed
from tradehub.extensions import db, limiter
from tradehub.permissions import can_view_company_media, guard_blueprint

exporter_bp = Blueprint("supplier_exporter", __name__, url_prefix="/profile")
media_bp = Blueprint("supplier_media", __name__, url_prefix="/media/suppliers")

# Every exporter page needs a signed-in UK business account; anyone else is sent to sign in
# or refused.
guard_blueprint(exporter_bp, Role.EXPORTER)

ENQUIRIES_PER_PAGE = 20


# --- helpers ---------------------------------------------------------------------------------


def company_required(view):
    """Load the signed-in user's company (and membership); without one, go and create it."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        member = services.membership_for_user(current_user)
        if member is None:
            flash("Create your company profile first.", "info")
            return redirect(url_for("supplier_exporter.create_company"))
        return view(member.company, member, *args, **kwargs)

    return wrapped


def _show_field_error(form, exc: ValidationFailed) -> None:
    """Put a service's validation error next to its field (or on the form)."""
    db.session.rollback()
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


def _case_study_or_404(company: Company, study_id: int) -> CaseStudy:
    study = db.session.get(CaseStudy, study_id)
    if study is None or study.company_id != company.id:
        abort(404)
    return study


def _enquiry_or_404(company: Company, enquiry_id: int) -> Enquiry:
    enquiry = db.session.get(Enquiry, enquiry_id)
    if enquiry is None or enquiry.company_id != company.id:
        abort(404)
    return enquiry


def company_logo_url(company: Company) -> str | None:
    """URL of the company's logo, changing whenever the logo does (so it can be cached)."""
    if company is None or not company.has_logo:
        return None
    return url_for(
        "supplier_media.logo", company_id=company.id, v=int(company.logo_updated_at.timestamp())
    )


def case_study_image_url(image: CaseStudyImage) -> str:
    """URL of one case-study image."""
    return url_for(
        "supplier_media.case_study_image", image_id=image.id, v=int(image.created_at.timestamp())
    )


# --- creating a company ----------------------------------------------------------------------


@exporter_bp.route("/create", methods=["GET", "POST"])
def create_company():
    """Choose the kind of business; registered companies are looked up at Companies House."""
    if services.membership_for_user(current_user) is not None:
        return redirect(url_for("supplier_exporter.overview"))
    form = CreateCompanyForm()
    if form.validate_on_submit():
        if form.is_companies_house:
            try:
                profile = services.lookup_company(form.number.data)
            except CompanyNotFound as exc:
                form.number.errors.append(str(exc))
            except CompaniesHouseUnavailable as exc:
                form.number.errors.append(str(exc))
            else:
                if profile.is_closed:
                    form.number.errors.append(profile.closed_reason)
                else:
                    return render_template(
                        "supplier_profiles/exporter/confirm_company.html",
                        profile=profile,
                        confirm_form=ConfirmCompanyForm(number=profile.number),
                        industry_label=taxonomies.industry_label,
                    )
        else:
            try:
                company = services.create_company(
                    current_user, name=form.name.data, company_type=form.company_type.data
                )
            except ValidationFailed as exc:
                _show_field_error(form, exc)
            except Conflict as exc:
                db.session.rollback()
                form.name.errors.append(str(exc))
            else:
                db.session.commit()
                flash(f"Profile created for {company.name}. Now tell buyers about it.", "success")
                return redirect(url_for("supplier_exporter.edit_profile"))
    return render_template("supplier_profiles/exporter/create_company.html", form=form)


@exporter_bp.route("/create/confirm", methods=["POST"])
def confirm_company():
    """Create the profile of the company Companies House found (looked up again, so nothing
    the browser sent back is trusted)."""
    if services.membership_for_user(current_user) is not None:
        return redirect(url_for("supplier_exporter.overview"))
    confirm_form = ConfirmCompanyForm()
    form = CreateCompanyForm(
        formdata=None, company_type="COMPANIES_HOUSE", number=confirm_form.number.data
    )
    if not confirm_form.validate_on_submit():
        form.number.errors = ["Enter the Companies House number again"]
        return render_template("supplier_profiles/exporter/create_company.html", form=form), 400
    try:
        profile = services.lookup_company(confirm_form.number.data)
        company = services.create_company_from_companies_house(current_user, profile)
    except (CompanyNotFound, CompaniesHouseUnavailable, NotAllowed, Conflict) as exc:
        db.session.rollback()
        form.number.errors = [str(exc)]
        return render_template("supplier_profiles/exporter/create_company.html", form=form)
    db.session.commit()
    flash(f"Profile created for {company.name}. Now tell buyers about it.", "success")
    return redirect(url_for("supplier_exporter.edit_profile"))


# --- overview and profile --------------------------------------------------------------------


@exporter_bp.route("/")
@company_required
def overview(company: Company, member: CompanyMember):
    """The company's dashboard: state, checklist and links to every section."""
    return render_template(
        "supplier_profiles/exporter/overview.html",
        company=company,
        member=member,
        checklist=services.publish_checklist(company),
        missing=services.missing_for_publishing(company),
        new_enquiries=services.count_new_enquiries(company),
        button_form=ButtonForm(),
        logo_url=company_logo_url(company),
        labels=taxonomies,
    )


@exporter_bp.route("/edit", methods=["GET", "POST"])
@company_required
def edit_profile(company: Company, member: CompanyMember):
    """Edit everything on the public profile except the logo and case studies."""
    form = ProfileForm(obj=company if request.method == "GET" else None)
    if request.method == "GET":
        form.keywords.data = ", ".join(company.keywords or [])
    if form.validate_on_submit():
        try:
            services.update_profile(company, current_user, **form.profile_data())
        except ValidationFailed as exc:
            _show_field_error(form, exc)
        else:
            db.session.commit()
            flash("Your profile has been saved.", "success")
            return redirect(url_for("supplier_exporter.overview"))
    return render_template(
        "supplier_profiles/exporter/edit_profile.html", form=form, company=company
    )


@exporter_bp.route("/logo", methods=["GET", "POST"])
@company_required
def edit_logo(company: Company, member: CompanyMember):
    """Upload or replace the logo."""
    form = LogoForm()
    if form.validate_on_submit():
        try:
            services.set_logo(company, current_user, form.logo.data)
        except ValidationFailed as exc:
            _show_field_error(form, exc)
        else:
            db.session.commit()
            flash("Your logo has been uploaded.", "success")
            return redirect(url_for("supplier_exporter.overview"))
    return render_template(
        "supplier_profiles/exporter/logo.html",
        form=form,
        company=company,
        remove_form=ButtonForm(),
        logo_url=company_logo_url(company),
    )


@exporter_bp.route("/logo/remove", methods=["POST"])
@company_required
def remove_logo(company: Company, member: CompanyMember):
    """Remove the logo."""
    if ButtonForm().validate_on_submit():
        services.remove_logo(company, current_user)
        db.session.commit()
        flash("Your logo has been removed.", "success")
    return redirect(url_for("supplier_exporter.edit_logo"))


# --- case studies ----------------------------------------------------------------------------


def _image_changes(form: CaseStudyForm) -> list[services.ImageChange]:
    changes = []
    for position in range(1, CASE_STUDY_IMAGES_MAX + 1):
        upload = getattr(form, f"image_{position}").data
        has_file = upload is not None and getattr(upload, "filename", "")
        changes.append(
            services.ImageChange(
                position=position,
                upload=upload if has_file else None,
                caption=getattr(form, f"caption_{position}").data or "",
                remove=bool(
                    getattr(form, f"remove_image_{position}", None)
                    and getattr(form, f"remove_image_{position}").data
                ),
            )
        )
    return changes


@exporter_bp.route("/case-studies")
@company_required
def case_studies(company: Company, member: CompanyMember):
    """The company's case studies."""
    return render_template(
        "supplier_profiles/exporter/case_studies.html", company=company, labels=taxonomies
    )


@exporter_bp.route("/case-studies/new", methods=["GET", "POST"])
@company_required
def add_case_study(company: Company, member: CompanyMember):
    """Add a case study."""
    form = CaseStudyForm()
    if form.validate_on_submit():
        try:
            study = services.add_case_study(
                company, current_user, images=_image_changes(form), **form.study_data()
            )
        except ValidationFailed as exc:
            _show_field_error(form, exc)
        else:
            db.session.commit()
            flash(f"Case study “{study.title}” has been added.", "success")
            return redirect(url_for("supplier_exporter.case_studies"))
    return render_template(
        "supplier_profiles/exporter/case_study_form.html", form=form, company=company, study=None
    )


@exporter_bp.route("/case-studies/<int:study_id>/edit", methods=["GET", "POST"])
@company_required
def edit_case_study(company: Company, member: CompanyMember, study_id: int):
    """Change a case study's text and images."""
    study = _case_study_or_404(company, study_id)
    form = CaseStudyForm(obj=study if request.method == "GET" else None)
    if request.method == "GET":
        form.keywords.data = ", ".join(study.keywords or [])
        for image in study.images:
            getattr(form, f"caption_{image.position}").data = image.caption
    if form.validate_on_submit():
        try:
            services.update_case_study(
                study, current_user, images=_image_changes(form), **form.study_data()
            )
        except ValidationFailed as exc:
            _show_field_error(form, exc)
            study = _case_study_or_404(company, study_id)
        else:
            db.session.commit()
            flash(f"Case study “{study.title}” has been saved.", "success")
            return redirect(url_for("supplier_exporter.case_studies"))
    return render_template(
        "supplier_profiles/exporter/case_study_form.html",
        form=form,
        company=company,
        study=study,
        images={image.position: image for image in study.images},
        image_url=case_study_image_url,
    )


@exporter_bp.route("/case-studies/<int:study_id>/delete", methods=["GET", "POST"])
@company_required
def delete_case_study(company: Company, member: CompanyMember, study_id: int):
    """Confirm, then delete a case study."""
    study = _case_study_or_404(company, study_id)
    form = ButtonForm()
    if form.validate_on_submit():
        title = study.title
        services.delete_case_study(study, current_user)
        db.session.commit()
        flash(f"Case study “{title}” has been deleted.", "success")
        return redirect(url_for("supplier_exporter.case_studies"))
    return render_template(
        "supplier_profiles/exporter/delete_case_study.html", form=form, study=study, company=company
    )


# --- members ---------------------------------------------------------------------------------


@exporter_bp.route("/members", methods=["GET", "POST"])
@company_required
def members(company: Company, member: CompanyMember):
    """Who can edit the profile; the owner invites and removes editors here."""
    form = InviteForm()
    if request.method == "POST":
        if not member.is_owner:
            raise PermissionDenied("Only the owner can invite people.")
        if form.validate_on_submit():
            try:
                invitation = services.invite_editor(company, current_user, form.email.data)
            except ValidationFailed as exc:
                _show_field_error(form, exc)
            else:
                db.session.commit()
                flash(f"We have sent an invitation to {invitation.email}.", "success")
                return redirect(url_for("supplier_exporter.members"))
    return render_template(
        "supplier_profiles/exporter/members.html",
        form=form,
        company=company,
        member=member,
        invitations=services.open_invitations(company),
        button_form=ButtonForm(),
    )


@exporter_bp.route("/members/<int:member_id>/remove", methods=["POST"])
@company_required
def remove_member(company: Company, member: CompanyMember, member_id: int):
    """The owner removes an editor."""
    target = db.session.get(CompanyMember, member_id)
    if target is None or target.company_id != company.id:
        abort(404)
    if ButtonForm().validate_on_submit():
        email = target.user.email
        try:
            services.remove_member(company, current_user, target)
        except NotAllowed as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"{email} can no longer edit the profile.", "success")
    return redirect(url_for("supplier_exporter.members"))


@exporter_bp.route("/invitations/<int:invitation_id>/cancel", methods=["POST"])
@company_required
def cancel_invitation(company: Company, member: CompanyMember, invitation_id: int):
    """The owner withdraws an invitation."""
    invitation = db.session.get(CompanyInvitation, invitation_id)
    if invitation is None or invitation.company_id != company.id:
        abort(404)
    if ButtonForm().validate_on_submit():
        services.cancel_invitation(invitation, current_user)
        db.session.commit()
        flash(f"The invitation to {invitation.email} has been cancelled.", "success")
    return redirect(url_for("supplier_exporter.members"))


@exporter_bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Follow the emailed link: see the invitation, then accept it."""
    try:
        invitation = services.invitation_from_token(token)
    except InvalidToken as exc:
        return render_template(
            "supplier_profiles/exporter/invitation_problem.html", message=str(exc)
        ), 400
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            services.accept_invitation(token, current_user)
        except InvalidToken as exc:
            return render_template(
                "supplier_profiles/exporter/invitation_problem.html", message=str(exc)
            ), 400
        except Conflict as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("supplier_exporter.overview"))
        db.session.commit()
        flash(f"You can now edit the profile of {invitation.company.name}.", "success")
        return redirect(url_for("supplier_exporter.overview"))
    wrong_address = invitation.email.lower() != current_user.email.lower()
    return render_template(
        "supplier_profiles/exporter/accept_invitation.html",
        form=form,
        invitation=invitation,
        wrong_address=wrong_address,
        already_member=services.membership_for_user(current_user) is not None,
    )


@exporter_bp.route("/delete", methods=["GET", "POST"])
@company_required
def delete_company(company: Company, member: CompanyMember):
    """The owner deletes the profile."""
    if not member.is_owner:
        raise PermissionDenied("Only the owner can delete the profile.")
    form = DeleteCompanyForm()
    if form.validate_on_submit():
        name = company.name
        services.delete_company(company, current_user)
        db.session.commit()
        flash(f"The profile of {name} has been deleted.", "success")
        return redirect(url_for("accounts.dashboard"))
    return render_template(
        "supplier_profiles/exporter/delete_company.html", form=form, company=company
    )


# --- verification and publishing -------------------------------------------------------------


def _verify_key() -> str:
    # Per account, so guessing codes from many addresses does not help.
    who = current_user.id if current_user.is_authenticated else request.remote_addr
    return f"verify:{who}"


@exporter_bp.route("/verify", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], key_func=_verify_key)
@company_required
def verify(company: Company, member: CompanyMember):
    """Enter the code from the letter we posted."""
    if company.is_verified:
        return render_template("supplier_profiles/exporter/verify.html", company=company, form=None)
    form = VerifyCodeForm()
    if form.validate_on_submit():
        try:
            verified = services.verify_with_code(company, current_user, form.code.data)
        except NotAllowed as exc:
            db.session.rollback()
            form.code.errors.append(str(exc))
        else:
            db.session.commit()
            if verified:
                flash("Your company is verified. You can now publish your profile.", "success")
                return redirect(url_for("supplier_exporter.overview"))
            left = services.MAX_VERIFICATION_FAILURES - company.verification_failures
            form.code.errors.append(
                "That code is not right. Check the letter and try again "
                f"({left} attempt{'s' if left != 1 else ''} left)."
                if left > 0
                else "That code is not right, and it can no longer be used. Contact us and we will "
                "post you a new letter."
            )
    return render_template("supplier_profiles/exporter/verify.html", company=company, form=form)


@exporter_bp.route("/publish", methods=["GET", "POST"])
@company_required
def publish(company: Company, member: CompanyMember):
    """Publish the profile, or see what is missing."""
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            services.publish_company(company, current_user)
        except NotAllowed as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash("Your profile is published. Buyers can now find it.", "success")
            return redirect(url_for("supplier_exporter.overview"))
    return render_template(
        "supplier_profiles/exporter/publish.html",
        company=company,
        form=form,
        checklist=services.publish_checklist(company),
        missing=services.missing_for_publishing(company),
    )


@exporter_bp.route("/unpublish", methods=["POST"])
@company_required
def unpublish(company: Company, member: CompanyMember):
    """Take the profile down: its page answers 404 and search drops it."""
    if ButtonForm().validate_on_submit():
        services.unpublish_company(company, current_user)
        db.session.commit()
        flash("Your profile is no longer published. Buyers cannot see it.", "success")
    return redirect(url_for("supplier_exporter.overview"))


# --- enquiries -------------------------------------------------------------------------------


@exporter_bp.route("/enquiries")
@company_required
def enquiries(company: Company, member: CompanyMember):
    """Enquiries from buyers, newest first, by status."""
    status_text = request.args.get("status", EnquiryStatus.NEW.value)
    if status_text not in {s.value for s in EnquiryStatus}:
        status_text = EnquiryStatus.NEW.value
    status = EnquiryStatus(status_text)
    counts = dict(
        db.session.execute(
            select(Enquiry.status, func.count())
            .where(Enquiry.company_id == company.id)
            .group_by(Enquiry.status)
        ).all()
    )
    page = db.paginate(
        select(Enquiry)
        .where(Enquiry.company_id == company.id, Enquiry.status == status)
        .order_by(Enquiry.created_at.desc(), Enquiry.id.desc()),
        per_page=ENQUIRIES_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "supplier_profiles/exporter/enquiries.html",
        company=company,
        page=page,
        status=status,
        counts=counts,
        statuses=list(EnquiryStatus),
        labels=taxonomies,
    )


@exporter_bp.route("/enquiries/<int:enquiry_id>", methods=["GET", "POST"])
@company_required
def enquiry(company: Company, member: CompanyMember, enquiry_id: int):
    """One enquiry, with a form to reply by email."""
    item = _enquiry_or_404(company, enquiry_id)
    form = EnquiryReplyForm()
    if form.validate_on_submit():
        try:
            services.reply_to_enquiry(item, current_user, form.message.data)
        except ValidationFailed as exc:
            _show_field_error(form, exc)
            item = _enquiry_or_404(company, enquiry_id)
        else:
            db.session.commit()
            flash(f"Your reply has been sent to {item.email}.", "success")
            return redirect(url_for("supplier_exporter.enquiry", enquiry_id=item.id))
    return render_template(
        "supplier_profiles/exporter/enquiry.html",
        company=company,
        enquiry=item,
        form=form,
        status_form=EnquiryStatusForm(),
        labels=taxonomies,
    )


@exporter_bp.route("/enquiries/<int:enquiry_id>/status", methods=["POST"])
@company_required
def enquiry_status(company: Company, member: CompanyMember, enquiry_id: int):
    """Archive an enquiry, or move it back."""
    item = _enquiry_or_404(company, enquiry_id)
    form = EnquiryStatusForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_enquiry_status(item, current_user, EnquiryStatus(form.status.data))
    db.session.commit()
    flash(f"The enquiry is now marked as {item.status.value}.", "success")
    return redirect(url_for("supplier_exporter.enquiries", status=item.status.value))


# --- images ----------------------------------------------------------------------------------


def _image_response(data: bytes, content_type: str, public: bool):
    etag = hashlib.sha256(data).hexdigest()[:32]
    response = make_response(data)
    response.headers["Content-Type"] = content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    response.set_etag(etag)
    if public:
        # URLs carry the upload time (?v=), so a new image gets a new URL.
        response.headers["Cache-Control"] = "public, max-age=86400"
    else:
        response.headers["Cache-Control"] = "private, no-store"
    return response.make_conditional(request)


@media_bp.route("/logo/<int:company_id>")
def logo(company_id: int):
    """A company's logo: public once the profile is, to members and staff before."""
    company = db.session.get(Company, company_id)
    if company is None or not company.has_logo or not can_view_company_media(current_user, company):
        abort(404)
    return _image_response(company.logo_data, company.logo_content_type, company.is_publishable)


@media_bp.route("/case-study-images/<int:image_id>")
def case_study_image(image_id: int):
    """One case-study image, with the same visibility as the company."""
    image = db.session.get(CaseStudyImage, image_id)
    if image is None:
        abort(404)
    company = image.case_study.company
    if not can_view_company_media(current_user, company):
        abort(404)
    return _image_response(image.data, image.content_type, company.is_publishable)


# --- wiring ----------------------------------------------------------------------------------


def account_links(user) -> list[tuple[str, str]]:
    """Links on "Your account": the profile pages for exporters, moderation for staff."""
    if not user.is_authenticated:
        return []
    links: list[tuple[str, str]] = []
    if user.has_role(Role.EXPORTER):
        company = services.company_for_user(user)
        if company is None:
            links.append(
                (url_for("supplier_exporter.create_company"), "Create your company profile")
            )
        else:
            links.append(
                (url_for("supplier_exporter.overview"), f"Manage the profile of {company.name}")
            )
            new = services.count_new_enquiries(company)
            links.append(
                (url_for("supplier_exporter.enquiries"), f"Enquiries from buyers ({new} new)")
            )
    if user.has_role(Role.STAFF):
        links.append((url_for("supplier_staff.index"), "Verify and moderate supplier profiles"))
    return links


def register_exporter(app: Flask) -> None:
    """Register the exporter, media and staff blueprints, the staff section, account links
    and the Jinja helpers for image URLs."""
    from supplier_profiles.staff_views import supplier_staff_bp
    from tradehub.main import register_account_links
    from tradehub.staff import register_staff_section

    app.register_blueprint(exporter_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(supplier_staff_bp)
    register_staff_section(
        app,
        "supplier_staff.index",
        "Supplier profiles",
        "Print verification letters, verify or revoke companies, and take profiles down.",
    )
    register_account_links(app, account_links)
    app.add_template_global(company_logo_url, "company_logo_url")
    app.add_template_global(case_study_image_url, "case_study_image_url")
    app.add_template_global(format_code, "format_verification_code")
