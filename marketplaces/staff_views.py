"""Staff screens: marketplace drafts and publishing, revision history, UK offers, exchange rates.

The whole blueprint is guarded once for staff. Each form carries the object's version, so two
people editing at once get a clear conflict message (409) rather than a lost update. Every
change runs in `service_call`: one commit, or a rollback with the refusal shown.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from marketplaces import exchange_rates, offers, revisions
from marketplaces.facts import current_facts
from marketplaces.forms import (
    ConfirmedActionForm,
    ExchangeRateForm,
    MarketplaceFactsForm,
    NewMarketplaceForm,
    OfferForm,
    PublishForm,
    VersionedActionForm,
)
from marketplaces.models import ExchangeRate, Marketplace, Offer
from tradehub.accounts.models import Role
from tradehub.dates import uk_today
from tradehub.errors import Conflict
from tradehub.extensions import db
from tradehub.permissions import guard_blueprint
from tradehub.refusals import ServiceCall, service_call

bp = Blueprint("marketplaces_staff", __name__, url_prefix="/staff/marketplaces")
guard_blueprint(bp, Role.STAFF)


def _marketplace(slug: str) -> Marketplace:
    found = db.session.scalar(select(Marketplace).where(Marketplace.slug == slug))
    if found is None:
        abort(404)
    return found


def _offer(marketplace: Marketplace, offer_id: int) -> Offer:
    offer = db.session.get(Offer, offer_id)
    if offer is None or offer.marketplace_id != marketplace.id:
        abort(404)
    return offer


def _version(form) -> int:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        abort(400)


def _submitted() -> bool:
    return request.method == "POST"


def _action_form(version: int) -> VersionedActionForm:
    form = VersionedActionForm()
    form.version.data = str(version)
    return form


def _status(call: ServiceCall) -> int:
    """The status of a form page shown again: 409 when someone else changed the object first."""
    return 409 if isinstance(call.error, Conflict) else 200


@bp.route("/")
def list_marketplaces():
    """Every marketplace, published or not, with its state and whether it has a draft."""
    marketplaces = db.session.scalars(
        select(Marketplace).order_by(func.lower(Marketplace.name))
    ).all()
    return render_template(
        "marketplaces/staff/list.html", marketplaces=marketplaces, today=uk_today()
    )


@bp.route("/new", methods=["GET", "POST"])
def new_marketplace():
    """Start a draft marketplace from a name and a web address name."""
    form = NewMarketplaceForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            marketplace = revisions.create_marketplace(form.name.data, form.slug.data, current_user)
        if call.ok:
            flash(
                f"Draft {marketplace.name} created. Fill in its facts, then publish it.", "success"
            )
            return redirect(url_for(".edit_marketplace", slug=marketplace.slug))
    return render_template("marketplaces/staff/new.html", form=form)


@bp.route("/<slug>")
def show_marketplace(slug: str, publish_error: revisions.PublishBlocked | None = None):
    """The draft, what changed since publication, the offers, and the publishing actions."""
    marketplace = _marketplace(slug)
    facts = current_facts(marketplace)
    return render_template(
        "marketplaces/staff/show.html",
        marketplace=marketplace,
        facts=facts,
        changes=revisions.changes_since_publication(marketplace),
        missing=revisions.missing_for_publication(facts),
        publish_error=publish_error,
        action_form=_action_form(marketplace.version),
        today=uk_today(),
        offer_forms={o.id: _action_form(o.version) for o in marketplace.offers},
    ), (400 if publish_error else 200)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
def edit_marketplace(slug: str):
    """Edit every fact; saving keeps a draft and leaves the public page unchanged."""
    marketplace = _marketplace(slug)
    form = MarketplaceFactsForm()
    status = 200
    if form.validate_on_submit():
        with service_call(form) as call:
            revisions.save_draft(marketplace, form.to_facts(), current_user, _version(form))
        if call.ok:
            flash("Draft saved. The public page changes when you publish.", "success")
            return redirect(url_for(".show_marketplace", slug=marketplace.slug))
        status = _status(call)
    elif not form.is_submitted():
        form.fill_from(current_facts(marketplace), marketplace.version)
    return render_template(
        "marketplaces/staff/edit.html", form=form, marketplace=marketplace
    ), status


@bp.route("/<slug>/publish", methods=["POST"])
def publish_marketplace(slug: str):
    """Publish the draft after checking the required facts."""
    marketplace = _marketplace(slug)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    with service_call(form) as call:
        revisions.publish_marketplace(marketplace, current_user, _version(form))
    if isinstance(call.error, revisions.PublishBlocked):
        return show_marketplace(slug, publish_error=call.error)
    if call.ok:
        flash(f"{marketplace.name} is published.", "success")
    return redirect(url_for(".show_marketplace", slug=slug))


def _confirm_page(form, what: str, cancel_url: str):
    """Ask before hiding something the public can see (the same POST, confirmed)."""
    return render_template(
        "marketplaces/staff/confirm_unpublish.html",
        form=form,
        what=what,
        action_url=request.path,
        cancel_url=cancel_url,
    )


def _marketplace_action(slug: str, action, done: str, confirm: bool = False):
    """Run one of the versioned buttons (unpublish, discard) and go back to the marketplace."""
    marketplace = _marketplace(slug)
    form = ConfirmedActionForm() if confirm else VersionedActionForm()
    if not form.validate_on_submit():
        abort(400)
    if confirm and form.confirmed.data != "yes" and marketplace.is_published:
        return _confirm_page(form, marketplace.name, url_for(".show_marketplace", slug=slug))
    with service_call() as call:
        action(marketplace, current_user, _version(form))
    if call.ok:
        flash(done.format(name=marketplace.name), "success")
    return redirect(url_for(".show_marketplace", slug=slug))


@bp.route("/<slug>/unpublish", methods=["POST"])
def unpublish_marketplace(slug: str):
    """Hide the marketplace and its offers from the public."""
    return _marketplace_action(
        slug,
        revisions.unpublish_marketplace,
        "{name} is unpublished: the public can no longer see it.",
        confirm=True,
    )


@bp.route("/<slug>/discard", methods=["POST"])
def discard_draft(slug: str):
    """Throw away the draft and go back to the published facts."""
    return _marketplace_action(slug, revisions.discard_draft, "Draft discarded.")


@bp.route("/<slug>/history")
def marketplace_history(slug: str):
    """Every revision: who, when, what they did and exactly which facts changed."""
    marketplace = _marketplace(slug)
    return render_template(
        "marketplaces/staff/history.html", marketplace=marketplace, revisions=marketplace.revisions
    )


@bp.route("/<slug>/offers/new", methods=["GET", "POST"])
@bp.route("/<slug>/offers/<int:offer_id>/edit", methods=["GET", "POST"])
def edit_offer(slug: str, offer_id: int | None = None):
    """Create an offer as a draft, or change one."""
    marketplace = _marketplace(slug)
    offer = _offer(marketplace, offer_id) if offer_id is not None else None
    form = OfferForm(obj=offer if offer is not None and not _submitted() else None)
    if offer is not None and not _submitted():
        form.version.data = str(offer.version)
    status = 200
    if form.validate_on_submit():
        with service_call(form) as call:
            saved = offers.save_offer(
                marketplace,
                offer,
                current_user,
                kind=form.kind.data,
                badge_text=form.badge_text.data,
                summary=form.summary.data,
                terms=form.terms.data or "",
                eligibility=form.eligibility.data or "",
                valid_from=form.valid_from.data,
                valid_until=form.valid_until.data,
                expected_version=_version(form) if offer is not None else None,
            )
        if call.ok:
            flash(
                "Offer saved." if offer else "Offer saved as a draft. Publish it to show it.",
                "success",
            )
            return redirect(url_for(".show_marketplace", slug=slug, _anchor=f"offer-{saved.id}"))
        status = _status(call)
    return render_template(
        "marketplaces/staff/offer_form.html", form=form, marketplace=marketplace, offer=offer
    ), status


def _offer_action(slug: str, offer_id: int, action, done: str, confirm: bool = False):
    """Run one of an offer's buttons (publish, unpublish) and go back to the offer."""
    marketplace = _marketplace(slug)
    offer = _offer(marketplace, offer_id)
    form = ConfirmedActionForm() if confirm else VersionedActionForm()
    if not form.validate_on_submit():
        abort(400)
    if confirm and form.confirmed.data != "yes":
        return _confirm_page(
            form,
            f"the offer “{offer.summary}” on {marketplace.name}",
            url_for(".show_marketplace", slug=slug, _anchor=f"offer-{offer_id}"),
        )
    with service_call() as call:
        action(offer, current_user, _version(form))
    if call.ok:
        flash(done, "success")
    return redirect(url_for(".show_marketplace", slug=slug, _anchor=f"offer-{offer_id}"))


@bp.route("/<slug>/offers/<int:offer_id>/publish", methods=["POST"])
def publish_offer(slug: str, offer_id: int):
    """Publish an offer (shown only while it is in date)."""
    return _offer_action(slug, offer_id, offers.publish_offer, "Offer published.")


@bp.route("/<slug>/offers/<int:offer_id>/unpublish", methods=["POST"])
def unpublish_offer(slug: str, offer_id: int):
    """Hide an offer from the public."""
    return _offer_action(slug, offer_id, offers.unpublish_offer, "Offer unpublished.", confirm=True)


@bp.route("/exchange-rates")
def list_exchange_rates():
    """The rates the cost estimate uses."""
    rates = db.session.scalars(select(ExchangeRate).order_by(ExchangeRate.currency)).all()
    return render_template("marketplaces/staff/rates.html", rates=rates)


@bp.route("/exchange-rates/new", methods=["GET", "POST"])
@bp.route("/exchange-rates/<currency>/edit", methods=["GET", "POST"])
def edit_exchange_rate(currency: str | None = None):
    """Add a rate, or change one; rates must be positive and codes ISO 4217."""
    rate = None
    if currency is not None:
        rate = db.session.scalar(select(ExchangeRate).where(ExchangeRate.currency == currency))
        if rate is None:
            abort(404)
    form = ExchangeRateForm(
        obj=rate if not _submitted() else None,
        existing_currency=rate.currency if rate is not None else None,
    )
    if rate is not None and not _submitted():
        form.version.data = str(rate.version)
    status = 200
    if form.validate_on_submit():
        with service_call(form) as call:
            exchange_rates.update_exchange_rate(
                form.currency.data,
                form.units_per_gbp.data,
                form.source.data,
                form.as_of.data,
                current_user,
                expected_version=_version(form) if rate is not None else None,
            )
        if call.ok:
            flash(f"Exchange rate for {form.currency.data} saved.", "success")
            return redirect(url_for(".list_exchange_rates"))
        status = _status(call)
    return render_template("marketplaces/staff/rate_form.html", form=form, rate=rate), status
