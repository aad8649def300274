"""The company's case studies: list, add, edit (with up to three captioned images), delete."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from supplier_profiles import taxonomies
from supplier_profiles.exporter.common import (
    case_study_or_404,
    company_required,
    exporter_bp,
    upload_limited,
)
from supplier_profiles.forms import ButtonForm, CaseStudyForm
from supplier_profiles.media import case_study_image_url
from supplier_profiles.models import CASE_STUDY_IMAGES_MAX, Company, CompanyMember
from supplier_profiles.services import case_studies as case_study_services
from supplier_profiles.services.case_studies import ImageChange
from tradehub.refusals import service_call


def _image_changes(form: CaseStudyForm) -> list[ImageChange]:
    changes = []
    for position in range(1, CASE_STUDY_IMAGES_MAX + 1):
        upload = form[f"image_{position}"].data
        has_file = upload is not None and getattr(upload, "filename", "")
        remove = form._fields.get(f"remove_image_{position}")
        changes.append(
            ImageChange(
                position=position,
                upload=upload if has_file else None,
                caption=form[f"caption_{position}"].data or "",
                remove=bool(remove is not None and remove.data),
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
@upload_limited
@company_required
def add_case_study(company: Company, member: CompanyMember):
    """Add a case study."""
    form = CaseStudyForm()
    if form.validate_on_submit():
        with service_call(form=form) as call:
            study = case_study_services.add_case_study(
                company, current_user, images=_image_changes(form), **form.study_data()
            )
        if call.ok:
            flash(f"Case study “{study.title}” has been added.", "success")
            return redirect(url_for("supplier_profiles_exporter.case_studies"))
    return render_template(
        "supplier_profiles/exporter/case_study_form.html", form=form, company=company, study=None
    )


@exporter_bp.route("/case-studies/<int:study_id>/edit", methods=["GET", "POST"])
@upload_limited
@company_required
def edit_case_study(company: Company, member: CompanyMember, study_id: int):
    """Change a case study's text and images."""
    study = case_study_or_404(company, study_id)
    form = CaseStudyForm(obj=study if request.method == "GET" else None)
    if request.method == "GET":
        form.keywords.data = ", ".join(study.keywords or [])
        for image in study.images:
            form[f"caption_{image.position}"].data = image.caption
    if form.validate_on_submit():
        with service_call(form=form) as call:
            case_study_services.update_case_study(
                study, current_user, images=_image_changes(form), **form.study_data()
            )
        if call.ok:
            flash(f"Case study “{study.title}” has been saved.", "success")
            return redirect(url_for("supplier_profiles_exporter.case_studies"))
        study = case_study_or_404(company, study_id)  # as stored, after the rollback
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
    study = case_study_or_404(company, study_id)
    form = ButtonForm()
    if form.validate_on_submit():
        title = study.title
        with service_call(form=form) as call:
            case_study_services.delete_case_study(study, current_user)
        if call.ok:
            flash(f"Case study “{title}” has been deleted.", "success")
            return redirect(url_for("supplier_profiles_exporter.case_studies"))
    return render_template(
        "supplier_profiles/exporter/delete_case_study.html", form=form, study=study, company=company
    )
