"""Creating the company (by hand, or looked up at Companies House) and deleting it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from supplier_profiles import taxonomies
from supplier_profiles.exporter.common import company_required, exporter_bp
from supplier_profiles.forms import ConfirmCompanyForm, CreateCompanyForm, DeleteCompanyForm
from supplier_profiles.models import Company, CompanyMember
from supplier_profiles.permissions import membership_for_user
from supplier_profiles.services import companies as company_services
from tradehub.companies_house import CompaniesHouseUnavailable, CompanyNotFound
from tradehub.errors import PermissionDenied
from tradehub.refusals import service_call

# The kinds of UK business that are not registered with Companies House.
NOT_COMPANIES_HOUSE = ("SOLE_TRADER", "PARTNERSHIP", "CHARITY", "OTHER")


def _created(company: Company):
    flash(f"Profile created for {company.name}. Now tell buyers about it.", "success")
    return redirect(url_for("supplier_profiles_exporter.edit_profile"))


@exporter_bp.route("/create", methods=["GET", "POST"])
def create_company():
    """Choose the kind of business; registered companies are looked up at Companies House."""
    if membership_for_user(current_user) is not None:
        return redirect(url_for("supplier_profiles_exporter.overview"))
    form = CreateCompanyForm()
    if request.method == "GET" and request.args.get("type") in NOT_COMPANIES_HOUSE:
        form.company_type.data = request.args["type"]  # chosen on "I cannot find my business"
    if form.validate_on_submit():
        if form.is_companies_house:
            try:
                profile = company_services.lookup_company(form.number.data)
            except (CompanyNotFound, CompaniesHouseUnavailable) as exc:
                form.number.errors.append(str(exc))
            else:
                if profile.is_closed:
                    form.number.errors.append(profile.closed_reason)
                elif profile.is_registered_outside_uk:
                    return render_template(
                        "supplier_profiles/exporter/registered_outside_uk.html", profile=profile
                    )
                else:
                    return render_template(
                        "supplier_profiles/exporter/confirm_company.html",
                        profile=profile,
                        suggested_industries=taxonomies.industries_for_sic(profile.sic_codes),
                        confirm_form=ConfirmCompanyForm(number=profile.number),
                        industry_label=taxonomies.industry_label,
                    )
        else:
            with service_call(form=form, field="name") as call:
                company = company_services.create_company(
                    current_user, name=form.name.data, company_type=form.company_type.data
                )
            if call.ok:
                return _created(company)
    return render_template("supplier_profiles/exporter/create_company.html", form=form)


@exporter_bp.route("/create/cannot-find")
def cannot_find_business():
    """For a business Companies House does not list: the other kinds of UK business, each a
    link to the form with it chosen."""
    if membership_for_user(current_user) is not None:
        return redirect(url_for("supplier_profiles_exporter.overview"))
    return render_template(
        "supplier_profiles/exporter/cannot_find_business.html",
        kinds=[(code, taxonomies.label("company_type", code)) for code in NOT_COMPANIES_HOUSE],
    )


@exporter_bp.route("/create/confirm", methods=["POST"])
def confirm_company():
    """Create the profile of the company Companies House found (looked up again, so nothing
    the browser sent back is trusted)."""
    if membership_for_user(current_user) is not None:
        return redirect(url_for("supplier_profiles_exporter.overview"))
    confirm_form = ConfirmCompanyForm()
    form = CreateCompanyForm(
        formdata=None, company_type="COMPANIES_HOUSE", number=confirm_form.number.data
    )
    if not confirm_form.validate_on_submit():
        form.number.errors = ["Enter the Companies House number again"]
        return render_template("supplier_profiles/exporter/create_company.html", form=form), 400
    try:
        profile = company_services.lookup_company(confirm_form.number.data)
    except (CompanyNotFound, CompaniesHouseUnavailable) as exc:
        form.number.errors = [str(exc)]
        return render_template("supplier_profiles/exporter/create_company.html", form=form)
    with service_call(form=form, field="number") as call:
        company = company_services.create_company_from_companies_house(current_user, profile)
    if call.ok:
        return _created(company)
    return render_template("supplier_profiles/exporter/create_company.html", form=form)


@exporter_bp.route("/delete", methods=["GET", "POST"])
@company_required
def delete_company(company: Company, member: CompanyMember):
    """The owner deletes the profile."""
    if not member.is_owner:
        raise PermissionDenied("Only the owner can delete the profile.")
    form = DeleteCompanyForm()
    if form.validate_on_submit():
        name = company.name
        with service_call(form=form) as call:
            company_services.delete_company(company, current_user)
        if call.ok:
            flash(f"The profile of {name} has been deleted.", "success")
            return redirect(url_for("accounts.dashboard"))
    return render_template(
        "supplier_profiles/exporter/delete_company.html", form=form, company=company
    )
