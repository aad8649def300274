"""The supplier's side of buying requests, in the exporter area (/profile/buying-requests):
"Buying requests for you", answering one, and opting out of requests."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from supplier_profiles import taxonomies
from supplier_profiles.buyers import requests as request_services
from supplier_profiles.buyers.forms import RequestSettingsForm, ResponseForm
from supplier_profiles.buyers.models import BuyingRequest
from supplier_profiles.buyers.permissions import can_edit_response, can_see_request_as_supplier
from supplier_profiles.exporter.common import company_required, exporter_bp
from supplier_profiles.models import Company, CompanyMember
from tradehub.extensions import db
from tradehub.refusals import service_call


@exporter_bp.route("/buying-requests")
@company_required
def buying_requests(company: Company, member: CompanyMember):
    """Open requests offered to the company, with whether it has answered."""
    items = request_services.requests_for_company(company)
    answered = {item.id: request_services.response_of(item, company) for item in items}
    return render_template(
        "supplier_profiles/buyers/supplier_requests.html",
        company=company,
        items=items,
        answered=answered,
        labels=taxonomies,
    )


@exporter_bp.route("/buying-requests/<int:request_id>", methods=["GET", "POST"])
@company_required
def buying_request(company: Company, member: CompanyMember, request_id: int):
    """One open request offered to the company, and its one response (editable until read)."""
    item = db.session.get(BuyingRequest, request_id)
    if item is None or not can_see_request_as_supplier(current_user, company, item):
        abort(404)
    response = request_services.response_of(item, company)
    editable = response is None or can_edit_response(current_user, response)
    form = ResponseForm(obj=response if request.method == "GET" else None)
    if request.method == "POST" and editable and form.validate_on_submit():
        details = request_services.ResponseDetails(
            message=form.message.data,
            price=form.price.data or "",
            lead_time=form.lead_time.data or "",
            minimum_order=form.minimum_order.data or "",
        )
        with service_call(form=form, field="message") as call:
            request_services.save_response(item, company, current_user, details)
        if call.ok:
            flash("Your response has been sent to the buyer.", "success")
            return redirect(url_for("supplier_profiles_exporter.buying_requests"))
    elif request.method == "POST" and not editable:
        abort(409)
    status = 400 if form.errors else 200
    return (
        render_template(
            "supplier_profiles/buyers/supplier_request.html",
            company=company,
            item=item,
            response=response,
            editable=editable,
            form=form,
            labels=taxonomies,
        ),
        status,
    )


@exporter_bp.route("/buying-requests/settings", methods=["GET", "POST"])
@company_required
def buying_request_settings(company: Company, member: CompanyMember):
    """Opt in to, or out of, buying requests."""
    form = RequestSettingsForm()
    if request.method == "GET":
        form.accepts.data = company.accepts_buying_requests
    elif form.validate_on_submit():
        with service_call(form=form, field="accepts") as call:
            request_services.set_accepts_buying_requests(company, current_user, form.accepts.data)
        if call.ok:
            flash(
                "Buyers' requests that match your profile will be offered to you."
                if form.accepts.data
                else "You will no longer be offered buying requests.",
                "success",
            )
            return redirect(url_for("supplier_profiles_exporter.buying_requests"))
    return render_template(
        "supplier_profiles/buyers/request_settings.html", company=company, form=form
    )
