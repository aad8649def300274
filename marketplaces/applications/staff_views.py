"""The staff application queue: filters, assignment, internal notes, the moves, CSV export.

The whole blueprint is guarded once for staff, so every route here is protected by default.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplaces.applications import services, workflow
from marketplaces.applications.forms import (
    AssignForm,
    NoteForm,
    PartnerLinkForm,
    QueueFilterForm,
    answer_labels,
)
from marketplaces.applications.models import Application
from marketplaces.applications.moves import MoveDesk, move_view, moves_with_forms
from marketplaces.applications.workflow import Actor
from marketplaces.models import Marketplace
from tradehub.accounts.models import Role, User
from tradehub.db_types import utcnow
from tradehub.extensions import db
from tradehub.permissions import guard_blueprint
from tradehub.refusals import service_call

bp = Blueprint("marketplaces_applications_staff", __name__, url_prefix="/staff/applications")
guard_blueprint(bp, Role.STAFF)

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
        content_type="text/csv; charset=utf-8",
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
    status: int = 200,
):
    moves, forms = moves_with_forms(application, Actor.STAFF, move_forms)
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
        labels=answer_labels(),
        now=utcnow(),
        form=failed,
    ), status


@bp.route("/<int:application_id>")
def view_application(application_id: int):
    """Everything about one application: answers, timeline, notes and the next moves."""
    return _render(_application(application_id))


STAFF_DESK = MoveDesk(actor=Actor.STAFF, load=_application, render=_render)


@bp.route("/<int:application_id>/move/<move_name>", methods=["POST"])
def move(application_id: int, move_name: str):
    """Make one staff move (start review, request information, refer, decline)."""
    return move_view(STAFF_DESK, application_id, move_name)


@bp.route("/<int:application_id>/assign", methods=["POST"])
def assign(application_id: int):
    """Give the application to a member of staff, or to nobody."""
    application = _application(application_id)
    form = _assign_form(application, formdata=request.form)
    if form.validate_on_submit():
        assignee = db.session.get(User, int(form.assignee.data)) if form.assignee.data else None
        with service_call(form, "assignee") as call:
            workflow.assign_application(application, current_user, assignee)
        if call.ok:
            flash("Assignment saved.", "success")
            return redirect(url_for(".view_application", application_id=application_id))
    return _render(application, assign_form=form, status=400)


@bp.route("/<int:application_id>/assign-to-me", methods=["POST"])
def assign_to_me(application_id: int):
    """Take the application (one click from the page)."""
    application = _application(application_id)
    # CSRFProtect has checked the token already (every POST); the button carries no data.
    with service_call() as call:
        workflow.assign_application(application, current_user, current_user)
    if call.ok:
        flash("You are now assigned to this application.", "success")
    return redirect(url_for(".view_application", application_id=application_id))


@bp.route("/<int:application_id>/notes", methods=["POST"])
def add_note(application_id: int):
    """Add an internal note (staff only)."""
    application = _application(application_id)
    form = NoteForm()
    if form.validate_on_submit():
        with service_call(form, "body") as call:
            services.add_note(application, current_user, form.body.data)
        if call.ok:
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
        with service_call(form, "user") as call:
            services.link_partner_account(user, marketplace)
        if call.ok:
            flash(f"{user.email} now handles referrals to {marketplace.name}.", "success")
            return redirect(url_for(".partners"))
    return render_template(
        "marketplaces/applications/staff/partners.html", form=form, rows=services.partner_users()
    )
