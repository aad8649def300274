"""The buyer area under /account (blueprint supplier_profiles_buyers, buyer and exporter
accounts): the shortlist, saved searches and buying requests; and the signed one-click
unsubscribe link of alert emails (blueprint supplier_profiles_alerts, no sign-in).

Views are thin: a form validates, one service acts inside `service_call`. Another user's
shortlist entry, saved search, request or response is a 404.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from supplier_profiles import taxonomies
from supplier_profiles.buyer_forms import FILTER_LABELS, SearchForm, filter_label
from supplier_profiles.buyers import requests as request_services
from supplier_profiles.buyers import saved_searches as saved_services
from supplier_profiles.buyers import shortlists
from supplier_profiles.buyers.forms import (
    ButtonForm,
    BuyingRequestForm,
    FrequencyForm,
    ReplyForm,
    SaveSearchForm,
    ShortlistNoteForm,
)
from supplier_profiles.buyers.models import (
    AlertFrequency,
    BuyingRequest,
    BuyingRequestResponse,
    ResponseNotice,
    SavedSearch,
    ShortlistEntry,
)
from supplier_profiles.buyers.permissions import (
    can_post_buying_request,
    owns_buying_request,
    owns_saved_search,
    owns_shortlist_entry,
)
from supplier_profiles.models import Company
from tradehub.accounts.models import Role
from tradehub.dates import uk_today
from tradehub.extensions import csrf, db
from tradehub.i18n import current_language
from tradehub.permissions import guard_blueprint
from tradehub.refusals import service_call
from tradehub.security import safe_next

buyers_bp = Blueprint("supplier_profiles_buyers", __name__, url_prefix="/account")
guard_blueprint(buyers_bp, Role.BUYER, Role.EXPORTER)

alerts_bp = Blueprint("supplier_profiles_alerts", __name__, url_prefix="/alerts")


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _company_or_404(slug: str) -> Company:
    company = db.session.scalar(select(Company).where(Company.slug == slug))
    if company is None or not company.is_publishable:
        if _wants_json():
            answer = jsonify({"error": "There is no supplier at this address."})
            answer.status_code = 404
            abort(answer)
        abort(404)
    return company


def _bad_shortlist_post():
    """A post without a valid form (no CSRF token): 400, as JSON for the page's script."""
    if _wants_json():
        return jsonify({"error": "The form has expired. Reload the page and try again."}), 400
    return abort(400)


# --- shortlist ---------------------------------------------------------------------------------


@buyers_bp.route("/shortlist")
def shortlist():
    """The suppliers the buyer keeps, with a note each."""
    entries = shortlists.shortlist(current_user)
    return render_template(
        "supplier_profiles/buyers/shortlist.html",
        entries=entries,
        note_forms={e.id: ShortlistNoteForm(prefix=f"e{e.id}", note=e.note) for e in entries},
        remove_form=ButtonForm(),
    )


@buyers_bp.route("/shortlist/<slug>", methods=["POST"])
def add_to_shortlist(slug: str):
    """Keep a supplier: JSON for the page's script, otherwise back where the buyer was."""
    company = _company_or_404(slug)
    if not ButtonForm().validate_on_submit():
        return _bad_shortlist_post()
    with service_call() as call:
        shortlists.add_to_shortlist(current_user, company)
    if _wants_json():
        return jsonify({"shortlisted": call.ok, "company": company.slug})
    if call.ok:
        flash(gettext("%(name)s is on your shortlist.", name=company.name), "success")
    return redirect(safe_next("supplier_profiles_buyers.shortlist"))


@buyers_bp.route("/shortlist/<slug>/remove", methods=["POST"])
def remove_from_shortlist(slug: str):
    """Drop a supplier from the shortlist."""
    company = db.session.scalar(select(Company).where(Company.slug == slug))
    if company is None:
        if _wants_json():
            return jsonify({"error": "There is no supplier at this address."}), 404
        abort(404)
    if not ButtonForm().validate_on_submit():
        return _bad_shortlist_post()
    with service_call() as call:
        shortlists.remove_from_shortlist(current_user, company)
    if _wants_json():
        return jsonify({"shortlisted": False, "company": company.slug})
    if call.ok:
        flash(gettext("%(name)s is no longer on your shortlist.", name=company.name), "success")
    return redirect(safe_next("supplier_profiles_buyers.shortlist"))


@buyers_bp.route("/shortlist/notes/<int:entry_id>", methods=["POST"])
def shortlist_note(entry_id: int):
    """Save the note on one shortlisted supplier."""
    entry = db.session.get(ShortlistEntry, entry_id)
    if not owns_shortlist_entry(current_user, entry):
        abort(404)
    form = ShortlistNoteForm(prefix=f"e{entry.id}")
    if form.validate_on_submit():
        with service_call(form=form, field="note") as call:
            shortlists.update_note(current_user, entry, form.note.data)
        if call.ok:
            flash(gettext("Your note on %(name)s is saved.", name=entry.company.name), "success")
            return redirect(url_for("supplier_profiles_buyers.shortlist"))
    entries = shortlists.shortlist(current_user)
    forms = {e.id: ShortlistNoteForm(prefix=f"e{e.id}", note=e.note) for e in entries}
    forms[entry.id] = form
    return (
        render_template(
            "supplier_profiles/buyers/shortlist.html",
            entries=entries,
            note_forms=forms,
            remove_form=ButtonForm(),
            form=form,
        ),
        400,
    )


# --- saved searches ----------------------------------------------------------------------------


def describe_search(text: str, filters: dict) -> list[str]:
    """A saved search in words: the text, then each filter group's values."""
    parts = [f"‘{text}’"] if text else [gettext("All suppliers")]
    for group, values in (filters or {}).items():
        parts.append(
            f"{FILTER_LABELS.get(group, group)}: "
            + ", ".join(filter_label(group, v) for v in values)
        )
    return parts


@buyers_bp.route("/saved-searches")
def saved_searches():
    """The buyer's saved searches and how often each emails them."""
    items = saved_services.saved_searches(current_user)
    return render_template(
        "supplier_profiles/buyers/saved_searches.html",
        items=items,
        describe=describe_search,
        search_url=saved_services.search_url,
        frequency_forms={
            s.id: FrequencyForm(prefix=f"s{s.id}", frequency=s.frequency.value) for s in items
        },
        delete_form=ButtonForm(),
    )


@buyers_bp.route("/saved-searches/new", methods=["GET", "POST"])
def save_search():
    """Name the Find a Supplier search in the query string and choose its alerts."""
    search_form = SearchForm(request.args)
    if not search_form.validate():
        abort(400)
    form = SaveSearchForm()
    if form.validate_on_submit():
        with service_call(form=form, field="name") as call:
            saved_services.save_search(
                current_user,
                form.name.data,
                search_form.text,
                search_form.filters(),
                AlertFrequency(form.frequency.data),
                current_language().tag,
            )
        if call.ok:
            flash(
                gettext("Your search ‘%(name)s’ is saved.", name=form.name.data.strip()), "success"
            )
            return redirect(url_for("supplier_profiles_buyers.saved_searches"))
    elif request.method == "GET" and search_form.text:
        form.name.data = search_form.text[:100]
    status = 400 if form.errors else 200
    return (
        render_template(
            "supplier_profiles/buyers/save_search.html",
            form=form,
            description=describe_search(search_form.text, search_form.filters()),
        ),
        status,
    )


def _saved_or_404(saved_id: int) -> SavedSearch:
    saved = db.session.get(SavedSearch, saved_id)
    if not owns_saved_search(current_user, saved):
        abort(404)
    return saved


@buyers_bp.route("/saved-searches/<int:saved_id>/frequency", methods=["POST"])
def saved_search_frequency(saved_id: int):
    """Change how often a saved search emails."""
    saved = _saved_or_404(saved_id)
    form = FrequencyForm(prefix=f"s{saved.id}")
    if not form.validate_on_submit():
        flash(gettext("Select how often we should email you."), "error")
        return redirect(url_for("supplier_profiles_buyers.saved_searches"))
    with service_call() as call:
        saved_services.change_frequency(current_user, saved, AlertFrequency(form.frequency.data))
    if call.ok:
        flash(
            gettext(
                "Alerts for ‘%(name)s’: %(often)s.",
                name=saved.name,
                often=gettext(saved.frequency.label).lower(),
            ),
            "success",
        )
    return redirect(url_for("supplier_profiles_buyers.saved_searches"))


@buyers_bp.route("/saved-searches/<int:saved_id>/delete", methods=["POST"])
def delete_saved_search(saved_id: int):
    """Forget a saved search."""
    saved = _saved_or_404(saved_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    name = saved.name
    with service_call() as call:
        saved_services.delete_saved_search(current_user, saved)
    if call.ok:
        flash(gettext("‘%(name)s’ is deleted.", name=name), "success")
    return redirect(url_for("supplier_profiles_buyers.saved_searches"))


# --- unsubscribe: no sign-in, the link is signed -------------------------------------------------


@alerts_bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058 one-click: mail clients POST without our token; the signed link is it
def unsubscribe(token: str):
    """GET asks to confirm (link scanners never unsubscribe anyone); POST stops the alerts."""
    saved = saved_services.saved_search_for_token(token)
    if saved is None:
        abort(404)
    done = False
    if request.method == "POST":
        with service_call() as call:
            saved_services.unsubscribe(saved)
        done = call.ok
    return render_template(
        "supplier_profiles/buyers/unsubscribe.html", saved=saved, done=done, form=None
    )


# --- buying requests (the buyer's side) ---------------------------------------------------------


def _request_or_404(request_id: int) -> BuyingRequest:
    item = db.session.get(BuyingRequest, request_id)
    if not owns_buying_request(current_user, item):
        abort(404)
    return item


@buyers_bp.route("/buying-requests")
def buying_requests():
    """The buyer's requests, newest first (closed ones too: the history stays)."""
    items = list(
        db.session.scalars(
            select(BuyingRequest)
            .where(BuyingRequest.buyer_id == current_user.id)
            .order_by(BuyingRequest.created_at.desc(), BuyingRequest.id.desc())
        )
    )
    return render_template(
        "supplier_profiles/buyers/buying_requests.html",
        items=items,
        today=uk_today(),
        can_post=can_post_buying_request(current_user),
    )


@buyers_bp.route("/buying-requests/new", methods=["GET", "POST"])
def new_buying_request():
    """Post a request for quotation; staff approve it before suppliers see it."""
    if not can_post_buying_request(current_user):
        return render_template("supplier_profiles/buyers/cannot_post.html"), 403
    form = BuyingRequestForm()
    if request.method == "GET":
        form.form_token.data = request_services.issue_form_token(current_user)
    elif form.validate_on_submit():
        details = request_services.RequestDetails(
            title=form.title.data,
            description=form.description.data,
            industry=form.industry.data,
            quantity=form.quantity.data,
            unit=form.unit.data or "",
            destination_country=form.destination_country.data,
            deadline=form.deadline.data,
            budget_amount=form.budget_amount.data,
            budget_currency=form.budget_currency.data or "",
            response_notice=ResponseNotice(form.response_notice.data),
        )
        with service_call(form=form, field="title") as call:
            item = request_services.post_request(
                current_user,
                details,
                form_token=form.form_token.data,
                honeypot=form.reference.data,
                sender_ip=request.remote_addr or "",
            )
        if call.ok:
            flash(
                gettext("Your request is open: matching suppliers have been told.")
                if item.approved_at
                else gettext(
                    "Your request is waiting for approval. We will email you if it is not approved."
                ),
                "success",
            )
            return redirect(url_for("supplier_profiles_buyers.buying_request", request_id=item.id))
        form.form_token.data = request_services.issue_form_token(current_user)
    status = 400 if form.errors else 200
    return render_template("supplier_profiles/buyers/new_buying_request.html", form=form), status


@buyers_bp.route("/buying-requests/<int:request_id>")
def buying_request(request_id: int):
    """The request and its responses; opening it marks the responses read."""
    item = _request_or_404(request_id)
    if any(r.read_at is None for r in item.responses):
        with service_call():
            request_services.mark_responses_read(item, current_user)
    return render_template(
        "supplier_profiles/buyers/buying_request.html",
        item=item,
        today=uk_today(),
        labels=taxonomies,
        reply_forms={r.id: ReplyForm(prefix=f"r{r.id}") for r in item.responses},
        close_form=ButtonForm(),
    )


@buyers_bp.route("/buying-requests/<int:request_id>/close", methods=["POST"])
def close_buying_request(request_id: int):
    """The buyer stops taking responses."""
    item = _request_or_404(request_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    with service_call() as call:
        request_services.close_request(item, current_user)
    if call.ok:
        flash(gettext("Your request is closed. Suppliers can no longer see it."), "success")
    return redirect(url_for("supplier_profiles_buyers.buying_request", request_id=item.id))


@buyers_bp.route(
    "/buying-requests/<int:request_id>/responses/<int:response_id>/reply", methods=["POST"]
)
def reply_to_response(request_id: int, response_id: int):
    """Answer a supplier's response: opens an enquiry thread (they then see your address)."""
    item = _request_or_404(request_id)
    response = db.session.get(BuyingRequestResponse, response_id)
    if response is None or response.request_id != item.id:
        abort(404)
    form = ReplyForm(prefix=f"r{response.id}")
    if form.validate_on_submit():
        with service_call(form=form, field="message") as call:
            request_services.reply_to_response(response, current_user, form.message.data)
        if call.ok:
            flash(
                gettext(
                    "Your reply has been sent to %(name)s. They will answer you by email.",
                    name=response.company.name,
                ),
                "success",
            )
            return redirect(url_for("supplier_profiles_buyers.buying_request", request_id=item.id))
        item = _request_or_404(request_id)
    forms = {r.id: ReplyForm(prefix=f"r{r.id}") for r in item.responses}
    forms[response.id] = form
    return (
        render_template(
            "supplier_profiles/buyers/buying_request.html",
            item=item,
            today=uk_today(),
            labels=taxonomies,
            reply_forms=forms,
            close_form=ButtonForm(),
            form=form,
        ),
        400,
    )
