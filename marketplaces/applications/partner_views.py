"""The partner's side: applications staff referred to the partner's own marketplace.

The blueprint is guarded once for partner users. Each partner user is linked to one marketplace
(`PartnerAccount`); anything else, including another marketplace's application, is a 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from marketplaces.applications import permissions, services
from marketplaces.applications.forms import answer_labels
from marketplaces.applications.models import Application
from marketplaces.applications.moves import MoveDesk, move_view, moves_with_forms
from marketplaces.applications.workflow import Actor
from marketplaces.models import Marketplace
from tradehub.accounts.models import Role
from tradehub.extensions import db
from tradehub.permissions import guard_blueprint

bp = Blueprint("marketplaces_applications_partner", __name__, url_prefix="/partner/applications")
guard_blueprint(bp, Role.PARTNER)

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


def _render(application: Application, *, move_forms=None, status: int = 200):
    moves, forms = moves_with_forms(application, Actor.PARTNER, move_forms)
    failed = next((f for f in forms.values() if f.errors), None)
    return render_template(
        "marketplaces/applications/partner/application.html",
        application=application,
        moves=moves,
        move_forms=forms,
        labels=answer_labels(),
        form=failed,
    ), status


PARTNER_DESK = MoveDesk(
    actor=Actor.PARTNER,
    load=_application,
    render=_render,
    done_note="The applicant and the TradeHub team have been told.",
)


@bp.route("/<int:application_id>")
def view_application(application_id: int):
    """A referred application's answers and history (never staff notes)."""
    return _render(_application(application_id))


@bp.route("/<int:application_id>/move/<move_name>", methods=["POST"])
def move(application_id: int, move_name: str):
    """Record the marketplace's decision: accept, or decline with a reason."""
    return move_view(PARTNER_DESK, application_id, move_name)
