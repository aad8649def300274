"""The partner's side: applications staff referred to the partner's own marketplace.

The blueprint is guarded once for partner users. Each partner user is linked to one marketplace
(`PartnerAccount`); anything else, including another marketplace's application, is a 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from marketplaces.applications import services, workflow
from marketplaces.applications.forms import MessageMoveForm
from marketplaces.applications.models import Application
from marketplaces.applications.moves import attempt_move
from marketplaces.applications.views import _labels
from marketplaces.applications.workflow import MOVES, Actor
from marketplaces.models import Marketplace
from tradehub import permissions
from tradehub.accounts.models import Role
from tradehub.extensions import db
from tradehub.permissions import guard_blueprint

bp = Blueprint("marketplace_applications_partner", __name__, url_prefix="/partner/applications")
guard_blueprint(bp, Role.PARTNER)

PARTNER_MOVES = tuple(name for name, move in MOVES.items() if move.actor is Actor.PARTNER)
PER_PAGE = 25


@bp.route("/")
def queue():
    """Referrals to the partner's marketplace, those awaiting a decision first."""
    marketplace_id = permissions.partner_marketplace_id(current_user)
    if marketplace_id is None:
        return render_template("marketplaces/applications/partner/not_linked.html")
    marketplace = db.session.get(Marketplace, marketplace_id)
    page = db.paginate(services.partner_queue(marketplace_id), per_page=PER_PAGE, error_out=False)
    return render_template(
        "marketplaces/applications/partner/queue.html", marketplace=marketplace, page=page
    )


def _application(application_id: int) -> Application:
    """The application if it was referred to this partner's marketplace; else 404."""
    application = db.get_or_404(Application, application_id)
    if not permissions.can_handle_referral(current_user, application):
        abort(404)
    return application


def _render(application: Application, *, move_forms=None, conflict: str = "", status: int = 200):
    moves = [
        m for m in workflow.available_moves(application, current_user) if m.actor is Actor.PARTNER
    ]
    forms = {
        m.name: MessageMoveForm(prefix=m.name, data={"version": application.version}, formdata=None)
        for m in moves
    }
    forms.update(move_forms or {})
    failed = next((f for f in forms.values() if f.errors), None)
    return render_template(
        "marketplaces/applications/partner/application.html",
        application=application,
        moves=moves,
        move_forms=forms,
        conflict=conflict,
        labels=_labels(),
        form=failed,
    ), status


@bp.route("/<int:application_id>")
def view_application(application_id: int):
    """A referred application's answers and history (never staff notes)."""
    return _render(_application(application_id))


@bp.route("/<int:application_id>/move/<move_name>", methods=["POST"])
def move(application_id: int, move_name: str):
    """Record the marketplace's decision: accept, or decline with a reason."""
    if move_name not in PARTNER_MOVES:
        abort(404)
    application = _application(application_id)
    form = MessageMoveForm(prefix=move_name)
    if form.validate_on_submit():
        outcome = attempt_move(
            lambda: workflow.MOVE_FUNCTIONS[move_name](
                application,
                current_user,
                form.message.data,
                token=form.token.data,
                expected_version=form.expected_version,
            )
        )
        if outcome.invalid:
            form.message.errors.append(outcome.invalid)
        elif outcome.not_allowed:
            flash(outcome.not_allowed, "error")
            return redirect(url_for(".view_application", application_id=application_id))
        elif outcome.conflict:
            return _render(
                db.session.get(Application, application_id), conflict=outcome.conflict, status=409
            )
        else:
            if outcome.event is not None:
                flash(
                    f"{application.reference}: {outcome.event.to_status.label}. "
                    "The applicant and the TradeHub team have been told.",
                    "success",
                )
            return redirect(url_for(".view_application", application_id=application_id))
    return _render(application, move_forms={move_name: form}, status=400)
