"""Verification with the posted code, and publishing or unpublishing the profile."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from supplier_profiles.exporter.common import company_required, exporter_bp
from supplier_profiles.forms import ButtonForm, VerifyCodeForm
from supplier_profiles.models import Company, CompanyMember
from supplier_profiles.services import publishing
from tradehub.extensions import limiter
from tradehub.refusals import service_call


def _verify_key() -> str:
    # Per account, so guessing codes from many addresses does not help.
    who = current_user.id if current_user.is_authenticated else request.remote_addr
    return f"verify:{who}"


def _wrong_code_message(left: int) -> str:
    if left > 0:
        return (
            "That code is not right. Check the letter and try again "
            f"({left} attempt{'s' if left != 1 else ''} left)."
        )
    return (
        "That code is not right, and it can no longer be used. Contact us and we will "
        "post you a new letter."
    )


@exporter_bp.route("/verify", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], key_func=_verify_key)
@company_required
def verify(company: Company, member: CompanyMember):
    """Enter the code from the letter we posted."""
    if company.is_verified:
        return render_template("supplier_profiles/exporter/verify.html", company=company, form=None)
    if publishing.asks_staff_to_verify(company) and not company.verification_code:
        return _verify_on_request_page(company)
    form = VerifyCodeForm()
    if form.validate_on_submit():
        # A wrong code is a success for the service: the failure count it keeps is committed.
        with service_call(form=form, field="code") as call:
            verified = publishing.verify_with_code(company, current_user, form.code.data)
        if call.ok and verified:
            flash("Your company is verified. You can now publish your profile.", "success")
            return redirect(url_for("supplier_profiles_exporter.overview"))
        if call.ok:
            left = publishing.MAX_VERIFICATION_FAILURES - company.verification_failures
            form.code.errors.append(_wrong_code_message(left))
    return render_template("supplier_profiles/exporter/verify.html", company=company, form=form)


def _verify_on_request_page(company: Company):
    """A business staff verify on request: what they check, and the button to ask."""
    return render_template(
        "supplier_profiles/exporter/verify_on_request.html",
        company=company,
        form=ButtonForm(),
        evidence=publishing.VERIFICATION_EVIDENCE.get(
            company.company_type, publishing.VERIFICATION_EVIDENCE["OTHER"]
        ),
        working_days=publishing.VERIFICATION_WORKING_DAYS,
    )


@exporter_bp.route("/verify/request", methods=["POST"])
@company_required
def request_verification(company: Company, member: CompanyMember):
    """A sole trader, partnership, charity or other business asks staff to verify it."""
    form = ButtonForm()
    if form.validate_on_submit():
        with service_call() as call:
            asked = publishing.request_verification(company, current_user)
        if call.ok:
            flash(
                "We have emailed you what happens next."
                if asked
                else "You have already asked: we will email you.",
                "success",
            )
    return redirect(url_for("supplier_profiles_exporter.verify"))


@exporter_bp.route("/publish", methods=["GET", "POST"])
@company_required
def publish(company: Company, member: CompanyMember):
    """Publish the profile, or see what is missing."""
    form = ButtonForm()
    if form.validate_on_submit():
        with service_call(form=form) as call:
            publishing.publish_company(company, current_user)
        if call.ok:
            flash("Your profile is published. Buyers can now find it.", "success")
            return redirect(url_for("supplier_profiles_exporter.overview"))
    return render_template(
        "supplier_profiles/exporter/publish.html",
        company=company,
        form=form,
        checklist=publishing.publish_checklist(company),
        missing=publishing.missing_for_publishing(company),
    )


@exporter_bp.route("/unpublish", methods=["POST"])
@company_required
def unpublish(company: Company, member: CompanyMember):
    """Take the profile down: its page answers 404 and search drops it."""
    if ButtonForm().validate_on_submit():
        with service_call() as call:
            publishing.unpublish_company(company, current_user)
        if call.ok:
            flash("Your profile is no longer published. Buyers cannot see it.", "success")
    return redirect(url_for("supplier_profiles_exporter.overview"))
