"""The exporter's side: the four-step wizard, check your answers, and the dashboard.

Thin views: a form validates, one service acts in `service_call` (one commit, or a rollback with
the refusal shown by its field or flashed), and the view redirects.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplaces.applications import permissions, services, workflow
from marketplaces.applications.forms import (
    STEP_FORMS,
    MessageMoveForm,
    MoveForm,
    answer_labels,
    form_data_for_service,
    form_initial,
)
from marketplaces.applications.models import Application, ApplicationStatus
from marketplaces.applications.services import (
    STEP_TITLES_FOR_REVIEWERS,
    STEPS,
    OpenApplicationExists,
)
from marketplaces.catalogue import get_published
from marketplaces.models import PRODUCT_CATEGORIES, Marketplace
from tradehub.accounts.models import Role
from tradehub.errors import Conflict, NotAllowed, ValidationFailed
from tradehub.extensions import db
from tradehub.refusals import ServiceCall, service_call

bp = Blueprint("marketplaces_applications", __name__)

STEP_BY_SLUG = {slug: number for number, (slug, _title) in STEPS.items()}


def marketplace_url(marketplace: Marketplace) -> str:
    """The public page of the marketplace (the catalogue's endpoint)."""
    return url_for("marketplaces.marketplace", slug=marketplace.slug)


@bp.app_context_processor
def _helpers():
    return {
        "marketplace_url": marketplace_url,
        "application_steps": STEPS,
        "reviewer_step_titles": STEP_TITLES_FOR_REVIEWERS,
    }


def account_links(user) -> list[tuple[str, str]]:
    """The "Your account" page's link to an exporter's applications."""
    if user.is_authenticated and user.role == Role.EXPORTER:
        return [
            (
                url_for("marketplaces_applications.dashboard"),
                "Your applications to sell on online marketplaces",
            )
        ]
    return []


def _published_marketplace(slug: str) -> Marketplace:
    marketplace = get_published(slug)
    if marketplace is None:
        abort(404)
    return marketplace


def _own_application(application_id: int) -> Application:
    """The application if the signed-in exporter may see it; 404 otherwise (reveals nothing)."""
    application = db.get_or_404(Application, application_id)
    if not permissions.is_application_member(current_user, application):
        abort(404)
    return application


def _step_url(application: Application, step: int, **kwargs) -> str:
    return url_for(
        "marketplaces_applications.edit_step",
        application_id=application.id,
        step_slug=STEPS[step][0],
        **kwargs,
    )


def _already_open(existing: Application, status: int = 200):
    return render_template("marketplaces/applications/already_open.html", existing=existing), status


@bp.route("/selling-online-overseas/<slug>/apply", methods=["GET", "POST"])
@login_required
def start(slug: str):
    """Step 1 of a new application; an open one is pointed to instead of duplicated."""
    marketplace = _published_marketplace(slug)
    # A check before any change (nothing to commit or roll back): it picks the page to show.
    try:
        services.check_can_apply(current_user, marketplace)
    except NotAllowed as exc:
        return render_template(
            "marketplaces/applications/cannot_apply.html", marketplace=marketplace, reason=str(exc)
        ), 403
    existing = services.open_application_for(current_user, marketplace)
    form_cls = STEP_FORMS[1]
    form = form_cls(data=form_initial(1, services.initial_answers(None, current_user, 1)))
    if request.method == "GET" and existing is not None:
        return _already_open(existing)
    if form.validate_on_submit():
        with service_call(form, "submit") as call:
            application = services.start_application(
                current_user, marketplace, form_data_for_service(form), token=form.token.data
            )
        if call.ok:
            return redirect(_step_url(application, 2))
        if isinstance(call.error, OpenApplicationExists):
            return _already_open(call.error.application, 409)
    return render_template(
        "marketplaces/applications/step.html",
        form=form,
        step=1,
        marketplace=marketplace,
        application=None,
        back_url=marketplace_url(marketplace),
        action=url_for("marketplaces_applications.start", slug=slug),
    )


@bp.route("/account/applications/<int:application_id>/<step_slug>", methods=["GET", "POST"])
@login_required
def edit_step(application_id: int, step_slug: str):
    """Show or save one step of a draft; invalid answers come back with what was typed."""
    step = STEP_BY_SLUG.get(step_slug)
    if step is None:
        abort(404)
    application = _own_application(application_id)
    if application.status != ApplicationStatus.DRAFT:
        flash("This application has been sent, so its answers can no longer change.", "info")
        return redirect(
            url_for("marketplaces_applications.view_application", application_id=application.id)
        )
    if step > application.steps_completed + 1:
        return redirect(_step_url(application, application.steps_completed + 1))
    changing = request.args.get("change") == "1"
    kwargs = {}
    if step == 3:
        kwargs["categories"] = _categories(application.marketplace)
    initial = form_initial(step, services.initial_answers(application, current_user, step))
    form = STEP_FORMS[step](data=initial, **kwargs)
    if form.validate_on_submit():
        with service_call(form, "submit") as call:
            services.save_step(application, current_user, step, form_data_for_service(form))
        if isinstance(call.error, OpenApplicationExists):
            return _already_open(call.error.application, 409)
        if call.ok:
            if changing or step == 4:
                return redirect(
                    url_for(
                        "marketplaces_applications.check_answers", application_id=application.id
                    )
                )
            return redirect(_step_url(application, step + 1))
    if changing:
        back_url = url_for("marketplaces_applications.check_answers", application_id=application.id)
    elif step == 1:
        back_url = url_for("marketplaces_applications.dashboard")
    else:
        back_url = _step_url(application, step - 1)
    return render_template(
        "marketplaces/applications/step.html",
        form=form,
        step=step,
        marketplace=application.marketplace,
        application=application,
        back_url=back_url,
        action=_step_url(application, step, **({"change": "1"} if changing else {})),
        has_company=application.company is not None,
    )


def _categories(marketplace: Marketplace) -> list[str]:
    return list(marketplace.product_categories or PRODUCT_CATEGORIES)


@bp.route("/account/applications/<int:application_id>/check-your-answers")
@login_required
def check_answers(application_id: int):
    """Every answer with a change link, and the button that submits."""
    application = _own_application(application_id)
    if application.status != ApplicationStatus.DRAFT:
        return redirect(
            url_for("marketplaces_applications.view_application", application_id=application.id)
        )
    missing = services.first_incomplete_step(application)
    if missing is not None:
        return redirect(_step_url(application, missing))
    form = MoveForm(data={"version": application.version})
    return render_template(
        "marketplaces/applications/check_answers.html",
        application=application,
        form=form,
        labels=answer_labels(),
    )


@bp.route("/account/applications/<int:application_id>/submit", methods=["POST"])
@login_required
def submit(application_id: int):
    """Send the draft; a second click or a resent form changes nothing."""
    application = _own_application(application_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    with service_call() as call:
        workflow.submit_application(
            application, current_user, token=form.token.data, expected_version=form.expected_version
        )
    if call.ok:
        return redirect(
            url_for("marketplaces_applications.submitted", application_id=application.id)
        )
    if isinstance(call.error, ValidationFailed):  # not complete: back to the step to finish
        return redirect(_step_url(application, services.first_incomplete_step(application) or 1))
    return _refused(application_id, call)


@bp.route("/account/applications/<int:application_id>/submitted")
@login_required
def submitted(application_id: int):
    """Confirmation with the reference and when to expect a response."""
    application = _own_application(application_id)
    if application.submitted_at is None:
        return redirect(
            url_for("marketplaces_applications.check_answers", application_id=application.id)
        )
    return render_template("marketplaces/applications/submitted.html", application=application)


@bp.route("/account/applications")
@login_required
def dashboard():
    """The exporter's applications: status, what happens next, and a way back into drafts."""
    applications = services.applications_for_user(current_user)
    return render_template("marketplaces/applications/dashboard.html", applications=applications)


def _render_application(application: Application, *, answer_form=None, status: int = 200):
    if answer_form is None and application.status == ApplicationStatus.INFO_REQUESTED:
        answer_form = MessageMoveForm(data={"version": application.version})
    question = None
    if application.status == ApplicationStatus.INFO_REQUESTED:
        question = next(
            (
                e
                for e in reversed(application.status_events)
                if e.to_status == ApplicationStatus.INFO_REQUESTED
            ),
            None,
        )
    next_step = None
    if application.status == ApplicationStatus.DRAFT:
        next_step = services.first_incomplete_step(application)
    if status == 200 and answer_form is not None and answer_form.errors:
        status = 400
    return render_template(
        "marketplaces/applications/application.html",
        application=application,
        answer_form=answer_form,
        question=question,
        labels=answer_labels(),
        next_step=next_step,
    ), status


@bp.route("/account/applications/<int:application_id>")
@login_required
def view_application(application_id: int):
    """One application: status, timeline, questions and answers, and the answer form."""
    return _render_application(_own_application(application_id))


def _refused(application_id: int, call: ServiceCall):
    """The answer to a refused move whose message was flashed; None when it is by its field."""
    if isinstance(call.error, Conflict):  # someone else moved it first: show the latest state
        return _render_application(db.session.get(Application, application_id), status=409)
    if isinstance(call.error, NotAllowed):  # the move no longer applies
        return redirect(url_for(".view_application", application_id=application_id))
    return None


@bp.route("/account/applications/<int:application_id>/answer", methods=["POST"])
@login_required
def answer(application_id: int):
    """Answer the department's question; the application goes back to the team."""
    application = _own_application(application_id)
    form = MessageMoveForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            workflow.answer_information_request(
                application,
                current_user,
                form.message.data,
                token=form.token.data,
                expected_version=form.expected_version,
            )
        if call.ok:
            flash("Your answer has been sent to the TradeHub team.", "success")
            return redirect(url_for(".view_application", application_id=application.id))
        refusal = _refused(application_id, call)
        if refusal is not None:
            return refusal
    return _render_application(application, answer_form=form)


@bp.route("/account/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(application_id: int):
    """Confirm, then withdraw an open application."""
    application = _own_application(application_id)
    if not application.is_open:
        return redirect(url_for(".view_application", application_id=application.id))
    form = MessageMoveForm(data={"version": application.version})
    if form.validate_on_submit():
        with service_call(form) as call:
            workflow.withdraw_application(
                application,
                current_user,
                form.message.data,
                token=form.token.data,
                expected_version=form.expected_version,
            )
        if call.ok:
            flash(
                f"Your application to {application.marketplace.name} has been withdrawn.", "success"
            )
            return redirect(url_for(".dashboard"))
        refusal = _refused(application_id, call)
        if refusal is not None:
            return refusal
    return render_template(
        "marketplaces/applications/withdraw.html", application=application, form=form
    )
