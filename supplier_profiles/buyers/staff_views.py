"""Staff moderation of buying requests (/staff/buying-requests, on the guarded staff
blueprint): approve, or reject with the reason the buyer sees. Each move writes an audit row."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from supplier_profiles import taxonomies
from supplier_profiles.buyers import requests as request_services
from supplier_profiles.buyers.forms import ButtonForm, RejectForm
from supplier_profiles.buyers.models import (
    BuyingRequest,
    BuyingRequestAudit,
    BuyingRequestMatch,
    RequestStatus,
)
from supplier_profiles.staff.common import staff_bp
from tradehub.dates import uk_today
from tradehub.extensions import db
from tradehub.refusals import service_call

PER_PAGE = 50


def _request_or_404(request_id: int) -> BuyingRequest:
    item = db.session.get(BuyingRequest, request_id)
    if item is None:
        abort(404)
    return item


@staff_bp.route("/buying-requests")
def buying_requests():
    """Requests by status, waiting ones first by default (oldest first: fairest to buyers)."""
    status_text = request.args.get("status", RequestStatus.PENDING.value)
    if status_text not in {s.value for s in RequestStatus}:
        status_text = RequestStatus.PENDING.value
    status = RequestStatus(status_text)
    page = db.paginate(
        select(BuyingRequest)
        .where(BuyingRequest.status == status)
        .order_by(BuyingRequest.created_at, BuyingRequest.id),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "supplier_profiles/buyers/staff_requests.html",
        page=page,
        status=status,
        statuses=list(RequestStatus),
        labels=taxonomies,
    )


def _detail(item: BuyingRequest, reject_form: RejectForm, status: int = 200):
    audit = list(
        db.session.scalars(
            select(BuyingRequestAudit)
            .where(BuyingRequestAudit.request_id == item.id)
            .order_by(BuyingRequestAudit.id)
        )
    )
    matches = list(
        db.session.scalars(
            select(BuyingRequestMatch)
            .where(BuyingRequestMatch.request_id == item.id)
            .order_by(BuyingRequestMatch.id)
        )
    )
    return (
        render_template(
            "supplier_profiles/buyers/staff_request.html",
            item=item,
            audit=audit,
            matches=matches,
            approve_form=ButtonForm(),
            form=reject_form,
            today=uk_today(),
            labels=taxonomies,
        ),
        status,
    )


@staff_bp.route("/buying-requests/<int:request_id>")
def buying_request(request_id: int):
    """One request with its audit trail, matches, and the moderation buttons."""
    return _detail(_request_or_404(request_id), RejectForm())


@staff_bp.route("/buying-requests/<int:request_id>/approve", methods=["POST"])
def approve_buying_request(request_id: int):
    """Approve: the request opens and is offered to matching suppliers."""
    item = _request_or_404(request_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    with service_call() as call:
        request_services.approve_request(item, current_user)
    if call.ok:
        flash(f"Approved. Offered to matching suppliers: ‘{item.title}’.", "success")
    return redirect(url_for("supplier_profiles_staff.buying_requests"))


@staff_bp.route("/buying-requests/<int:request_id>/reject", methods=["POST"])
def reject_buying_request(request_id: int):
    """Reject with a reason the buyer sees."""
    item = _request_or_404(request_id)
    form = RejectForm()
    if form.validate_on_submit():
        with service_call(form=form, field="reason") as call:
            request_services.reject_request(item, current_user, form.reason.data)
        if call.ok:
            flash(f"Rejected: ‘{item.title}’. The buyer has been told why.", "success")
            return redirect(url_for("supplier_profiles_staff.buying_requests"))
        item = _request_or_404(request_id)
    return _detail(item, form, 400)
