"""The company's dashboard, the profile form and the logo."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from supplier_profiles import taxonomies
from supplier_profiles.exporter.common import company_required, exporter_bp, upload_limited
from supplier_profiles.forms import ButtonForm, LogoForm, ProfileForm
from supplier_profiles.media import company_logo_url
from supplier_profiles.models import Company, CompanyMember
from supplier_profiles.services import companies as company_services
from supplier_profiles.services.enquiries import count_new_enquiries
from supplier_profiles.services.publishing import missing_for_publishing, publish_checklist
from tradehub.refusals import service_call


@exporter_bp.route("/")
@company_required
def overview(company: Company, member: CompanyMember):
    """The company's dashboard: state, checklist and links to every section."""
    return render_template(
        "supplier_profiles/exporter/overview.html",
        company=company,
        member=member,
        checklist=publish_checklist(company),
        missing=missing_for_publishing(company),
        new_enquiries=count_new_enquiries(company),
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
        with service_call(form=form) as call:
            company_services.update_profile(company, current_user, **form.profile_data())
        if call.ok:
            flash("Your profile has been saved.", "success")
            return redirect(url_for("supplier_profiles_exporter.overview"))
    return render_template(
        "supplier_profiles/exporter/edit_profile.html", form=form, company=company
    )


@exporter_bp.route("/logo", methods=["GET", "POST"])
@upload_limited
@company_required
def edit_logo(company: Company, member: CompanyMember):
    """Upload or replace the logo."""
    form = LogoForm()
    if form.validate_on_submit():
        with service_call(form=form, field="logo") as call:
            company_services.set_logo(company, current_user, form.logo.data)
        if call.ok:
            flash("Your logo has been uploaded.", "success")
            return redirect(url_for("supplier_profiles_exporter.overview"))
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
        with service_call() as call:
            company_services.remove_logo(company, current_user)
        if call.ok:
            flash("Your logo has been removed.", "success")
    return redirect(url_for("supplier_profiles_exporter.edit_logo"))
