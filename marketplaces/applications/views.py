"""The exporter's side: the four-step wizard, check your answers, and the dashboard.

Thin views: a form validates, one service acts, the view commits once and redirects.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplaces.applications import services, workflow
from marketplaces.applications.forms import (
    EXPORT_EXPERIENCE,
    STEP_FORMS,
    TURNOVER_BANDS,
    MessageMoveForm,
    MoveForm,
    company_type_choices,
    form_data_for_service,
    form_initial,
    label_for,
)
from marketplaces.applications.models import Application, ApplicationStatus
from marketplaces.applications.moves import attempt_move
from marketplaces.applications.services import STEPS, OpenApplicationExists
from marketplaces.models import Marketplace, MarketplaceState
from tradehub import permissions
from tradehub.errors import NotAllowed, ValidationFailed
from tradehub.extensions import db

bp = Blueprint("marketplace_applications", __name__)

STEP_BY_SLUG = {slug: number for number, (slug, _title) in STEPS.items()}


def marketplace_url(marketplace: Marketplace) -> str:
    """The public page of the marketplace (the catalogue's endpoint)."""
    return url_for("marketplaces.marketplace", slug=marketplace.slug)


@bp.app_context_processor
def _helpers():
    return {"marketplace_url": marketplace_url, "application_steps": STEPS}


def _published_marketplace(slug: str) -> Marketplace:
    marketplace = db.session.scalar(
        db.select(Marketplace).where(
            Marketplace.slug == slug, Marketplace.state == MarketplaceState.PUBLISHED
        )
    )
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
        "marketplace_applications.edit_step",
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
        try:
            application = services.start_application(
                current_user, marketplace, form_data_for_service(form), token=form.token.data
            )
        except OpenApplicationExists as exc:
            db.session.rollback()
            return _already_open(exc.application, 409)
        db.session.commit()
        return redirect(_step_url(application, 2))
    return render_template(
        "marketplaces/applications/step.html",
        form=form,
        step=1,
        marketplace=marketplace,
        application=None,
        back_url=marketplace_url(marketplace),
        action=url_for("marketplace_applications.start", slug=slug),
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
            url_for("marketplace_applications.view_application", application_id=application.id)
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
        try:
            services.save_step(application, current_user, step, form_data_for_service(form))
        except ValidationFailed as exc:
            db.session.rollback()
            getattr(form, exc.field or "submit").errors.append(str(exc))
        except OpenApplicationExists as exc:
            db.session.rollback()
            return _already_open(exc.application, 409)
        else:
            db.session.commit()
            if changing or step == 4:
                return redirect(
                    url_for("marketplace_applications.check_answers", application_id=application.id)
                )
            return redirect(_step_url(application, step + 1))
    if changing:
        back_url = url_for("marketplace_applications.check_answers", application_id=application.id)
    elif step == 1:
        back_url = url_for("marketplace_applications.dashboard")
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
    from marketplaces.models import PRODUCT_CATEGORIES

    return list(marketplace.product_categories or PRODUCT_CATEGORIES)


def _labels() -> dict:
    return {
        "company_type": lambda code: label_for(company_type_choices(), code),
        "turnover": lambda code: label_for(TURNOVER_BANDS, code),
        "export_experience": lambda code: label_for(EXPORT_EXPERIENCE, code),
    }


@bp.route("/account/applications/<int:application_id>/check-your-answers")
@login_required
def check_answers(application_id: int):
    """Every answer with a change link, and the button that submits."""
    application = _own_application(application_id)
    if application.status != ApplicationStatus.DRAFT:
        return redirect(
            url_for("marketplace_applications.view_application", application_id=application.id)
        )
    missing = services.first_incomplete_step(application)
    if missing is not None:
        return redirect(_step_url(application, missing))
    form = MoveForm(data={"version": application.version})
    return render_template(
        "marketplaces/applications/check_answers.html",
        application=application,
        form=form,
        labels=_labels(),
    )


@bp.route("/account/applications/<int:application_id>/submit", methods=["POST"])
@login_required
def submit(application_id: int):
    """Send the draft; a second click or a resent form changes nothing."""
    application = _own_application(application_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = attempt_move(
        lambda: workflow.submit_application(
            application, current_user, token=form.token.data, expected_version=form.expected_version
        )
    )
    if outcome.invalid:
        flash(outcome.invalid, "error")
        missing = services.first_incomplete_step(application) or 1
        return redirect(_step_url(application, missing))
    if outcome.not_allowed:
        flash(outcome.not_allowed, "error")
        return redirect(
            url_for("marketplace_applications.view_application", application_id=application.id)
        )
    if outcome.conflict:
        return _render_application(
            db.session.get(Application, application_id), conflict=outcome.conflict
        )
    return redirect(url_for("marketplace_applications.submitted", application_id=application.id))


@bp.route("/account/applications/<int:application_id>/submitted")
@login_required
def submitted(application_id: int):
    """Confirmation with the reference and when to expect a response."""
    application = _own_application(application_id)
    if application.submitted_at is None:
        return redirect(
            url_for("marketplace_applications.check_answers", application_id=application.id)
        )
    return render_template("marketplaces/applications/submitted.html", application=application)


@bp.route("/account/applications")
@login_required
def dashboard():
    """The exporter's applications: status, what happens next, and a way back into drafts."""
    applications = services.applications_for_user(current_user)
    return render_template("marketplaces/applications/dashboard.html", applications=applications)


def _render_application(application: Application, *, answer_form=None, conflict: str = ""):
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
    if conflict:
        status = 409
    elif answer_form is not None and answer_form.errors:
        status = 400
    else:
        status = 200
    return render_template(
        "marketplaces/applications/application.html",
        application=application,
        answer_form=answer_form,
        question=question,
        conflict=conflict,
        labels=_labels(),
        next_step=next_step,
    ), status


@bp.route("/account/applications/<int:application_id>")
@login_required
def view_application(application_id: int):
    """One application: status, timeline, questions and answers, and the answer form."""
    return _render_application(_own_application(application_id))


def _refusal_response(application_id: int, form, outcome):
    """The answer to a refused exporter move; None when the form shows the error by the field."""
    if outcome.invalid:
        form.message.errors.append(outcome.invalid)
        return None
    if outcome.not_allowed:
        flash(outcome.not_allowed, "error")
        return redirect(url_for(".view_application", application_id=application_id))
    return _render_application(
        db.session.get(Application, application_id), conflict=outcome.conflict
    )


@bp.route("/account/applications/<int:application_id>/answer", methods=["POST"])
@login_required
def answer(application_id: int):
    """Answer the department's question; the application goes back to the team."""
    application = _own_application(application_id)
    form = MessageMoveForm()
    if form.validate_on_submit():
        outcome = attempt_move(
            lambda: workflow.answer_information_request(
                application,
                current_user,
                form.message.data,
                token=form.token.data,
                expected_version=form.expected_version,
            )
        )
        if outcome.done:
            flash("Your answer has been sent to the TradeHub team.", "success")
            return redirect(url_for(".view_application", application_id=application.id))
        refusal = _refusal_response(application_id, form, outcome)
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
        outcome = attempt_move(
            lambda: workflow.withdraw_application(
                application,
                current_user,
                form.message.data,
                token=form.token.data,
                expected_version=form.expected_version,
            )
        )
        if outcome.done:
            flash(
                f"Your application to {application.marketplace.name} has been withdrawn.", "success"
            )
            return redirect(url_for(".dashboard"))
        refusal = _refusal_response(application_id, form, outcome)
        if refusal is not None:
            return refusal
    return render_template(
        "marketplaces/applications/withdraw.html", application=application, form=form
    )
