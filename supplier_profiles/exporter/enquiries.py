"""The enquiries inbox: buyers' messages by status, replying by email, archiving."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from supplier_profiles import taxonomies
from supplier_profiles.exporter.common import company_required, enquiry_or_404, exporter_bp
from supplier_profiles.forms import EnquiryReplyForm, EnquiryStatusForm
from supplier_profiles.models import Company, CompanyMember, Enquiry, EnquiryStatus
from supplier_profiles.services import enquiries as enquiry_services
from tradehub.extensions import db
from tradehub.refusals import service_call

ENQUIRIES_PER_PAGE = 20


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
    item = enquiry_or_404(company, enquiry_id)
    form = EnquiryReplyForm()
    if form.validate_on_submit():
        with service_call(form=form, field="message") as call:
            enquiry_services.reply_to_enquiry(item, current_user, form.message.data)
        if call.ok:
            flash(f"Your reply has been sent to {item.email}.", "success")
            return redirect(url_for("supplier_profiles_exporter.enquiry", enquiry_id=item.id))
        item = enquiry_or_404(company, enquiry_id)  # as stored, after the rollback
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
    item = enquiry_or_404(company, enquiry_id)
    form = EnquiryStatusForm()
    if not form.validate_on_submit():
        abort(400)
    with service_call() as call:
        enquiry_services.set_enquiry_status(item, current_user, EnquiryStatus(form.status.data))
    if call.ok:
        flash(f"The enquiry is now marked as {item.status.value}.", "success")
    return redirect(url_for("supplier_profiles_exporter.enquiries", status=item.status.value))
