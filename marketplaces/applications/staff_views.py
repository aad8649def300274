"""The staff application queue: filters, assignment, internal notes, the moves, CSV export.

The whole blueprint is guarded once for staff, so every route here is protected by default.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplaces.applications import services, workflow
from marketplaces.applications.forms import (
    AssignForm,
    MessageMoveForm,
    NoteForm,
    PartnerLinkForm,
    QueueFilterForm,
)
from marketplaces.applications.models import Application
from marketplaces.applications.moves import attempt_move
from marketplaces.applications.views import _labels
from marketplaces.applications.workflow import MOVES, Actor, MessageRule
from marketplaces.models import Marketplace
from tradehub.accounts.models import Role, User
from tradehub.db_types import utcnow
from tradehub.errors import ValidationFailed
from tradehub.extensions import db
from tradehub.permissions import guard_blueprint

bp = Blueprint("marketplace_applications_staff", __name__, url_prefix="/staff/applications")
guard_blueprint(bp, Role.STAFF)

STAFF_MOVES = tuple(name for name, move in MOVES.items() if move.actor is Actor.STAFF)
PER_PAGE = 25


def _filters() -> tuple[QueueFilterForm, services.QueueFilters]:
    marketplaces = db.session.scalars(db.select(Marketplace).order_by(Marketplace.name)).all()
    form = QueueFilterForm(request.args, marketplaces=marketplaces)
    form.validate()  # unknown values are simply ignored below
    status = form.status.data if not form.status.errors else ""
    marketplace = form.marketplace.data if not form.marketplace.errors else ""
    assigned = form.assigned.data if not form.assigned.errors else ""
    filters = services.QueueFilters(
        status=status or "",
        marketplace_id=int(marketplace) if marketplace else None,
        overdue=bool(form.overdue.data),
        assigned=assigned or "",
    )
    return form, filters


@bp.route("/")
def queue():
    """Submitted applications, most urgent first, with filters that stay in the URL."""
    form, filters = _filters()
    page = db.paginate(
        services.staff_queue(filters, current_user), per_page=PER_PAGE, error_out=False
    )
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "marketplaces/applications/staff/queue.html",
        filter_form=form,
        page=page,
        args=args,
        now=utcnow(),
        export_url=url_for(".export_csv", **args),
    )


@bp.route("/export.csv")
def export_csv():
    """The filtered queue as CSV; cells that look like formulas are quoted."""
    _form, filters = _filters()
    applications = db.session.scalars(services.staff_queue(filters, current_user)).all()
    body = services.export_csv(applications)
    filename = f"marketplace-applications-{utcnow():%Y-%m-%d}.csv"
    return Response(
        body,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _application(application_id: int) -> Application:
    application = db.get_or_404(Application, application_id)
    if application.submitted_at is None:
        abort(404)  # an unsent draft is the exporter's own business
    return application


def _assign_form(application: Application, formdata=None) -> AssignForm:
    form = AssignForm(formdata=formdata, data={"assignee": str(application.assigned_to_id or "")})
    form.assignee.choices = [("", "Nobody")] + [
        (str(u.id), u.full_name or u.email) for u in services.staff_users()
    ]
    return form


def _render(
    application: Application,
    *,
    move_forms=None,
    note_form=None,
    assign_form=None,
    conflict: str = "",
    status: int = 200,
):
    moves = [
        m for m in workflow.available_moves(application, current_user) if m.actor is Actor.STAFF
    ]
    forms = {
        m.name: MessageMoveForm(prefix=m.name, data={"version": application.version}, formdata=None)
        for m in moves
    }
    forms.update(move_forms or {})
    note_form = note_form or NoteForm(formdata=None)
    assign_form = assign_form or _assign_form(application)
    # The layout's error summary shows the errors of the form named `form`.
    failed = next((f for f in (*forms.values(), note_form, assign_form) if f.errors), None)
    return render_template(
        "marketplaces/applications/staff/application.html",
        application=application,
        moves=moves,
        move_forms=forms,
        note_form=note_form,
        assign_form=assign_form,
        conflict=conflict,
        labels=_labels(),
        now=utcnow(),
        form=failed,
    ), status


@bp.route("/<int:application_id>")
def view_application(application_id: int):
    """Everything about one application: answers, timeline, notes and the next moves."""
    return _render(_application(application_id))


@bp.route("/<int:application_id>/move/<move_name>", methods=["POST"])
def move(application_id: int, move_name: str):
    """Make one staff move (start review, request information, refer, decline)."""
    if move_name not in STAFF_MOVES:
        abort(404)
    application = _application(application_id)
    rule = MOVES[move_name]
    form = MessageMoveForm(prefix=move_name)
    if form.validate_on_submit():
        function = workflow.MOVE_FUNCTIONS[move_name]
        args = (form.message.data,) if rule.message is not MessageRule.NONE else ()
        outcome = attempt_move(
            lambda: function(
                application,
                current_user,
                *args,
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
            fresh = db.session.get(Application, application_id)
            return _render(fresh, conflict=outcome.conflict, status=409)
        else:
            if outcome.event is not None:
                flash(f"{application.reference}: {outcome.event.to_status.label}.", "success")
            return redirect(url_for(".view_application", application_id=application_id))
    return _render(application, move_forms={move_name: form}, status=400)


@bp.route("/<int:application_id>/assign", methods=["POST"])
def assign(application_id: int):
    """Give the application to a member of staff, or to nobody."""
    application = _application(application_id)
    form = _assign_form(application, formdata=request.form)
    if form.validate_on_submit():
        assignee = db.session.get(User, int(form.assignee.data)) if form.assignee.data else None
        try:
            services.assign_application(application, current_user, assignee)
        except ValidationFailed as exc:
            db.session.rollback()
            form.assignee.errors.append(str(exc))
        else:
            db.session.commit()
            flash("Assignment saved.", "success")
            return redirect(url_for(".view_application", application_id=application_id))
    return _render(application, assign_form=form, status=400)


@bp.route("/<int:application_id>/assign-to-me", methods=["POST"])
def assign_to_me(application_id: int):
    """Take the application (one click from the page)."""
    application = _application(application_id)
    # CSRFProtect has checked the token already (every POST); the button carries no data.
    services.assign_application(application, current_user, current_user)
    db.session.commit()
    flash("You are now assigned to this application.", "success")
    return redirect(url_for(".view_application", application_id=application_id))


@bp.route("/<int:application_id>/notes", methods=["POST"])
def add_note(application_id: int):
    """Add an internal note (staff only)."""
    application = _application(application_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            services.add_note(application, current_user, form.body.data)
        except ValidationFailed as exc:
            db.session.rollback()
            form.body.errors.append(str(exc))
        else:
            db.session.commit()
            flash("Note added.", "success")
            return redirect(url_for(".view_application", application_id=application_id) + "#notes")
    return _render(application, note_form=form, status=400)


@bp.route("/partners", methods=["GET", "POST"])
def partners():
    """Which partner user handles which marketplace's referrals; link or relink one."""
    users = [user for user, _account in services.partner_users()]
    marketplaces = db.session.scalars(db.select(Marketplace).order_by(Marketplace.name)).all()
    form = PartnerLinkForm(users=users, marketplaces=marketplaces)
    if form.validate_on_submit():
        user = db.session.get(User, int(form.user.data))
        marketplace = db.session.get(Marketplace, int(form.marketplace.data))
        try:
            services.link_partner_account(user, marketplace)
        except ValidationFailed as exc:
            db.session.rollback()
            form.user.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"{user.email} now handles referrals to {marketplace.name}.", "success")
            return redirect(url_for(".partners"))
    return render_template(
        "marketplaces/applications/staff/partners.html", form=form, rows=services.partner_users()
    )
