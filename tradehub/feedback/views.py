"""The public feedback pages: report a problem with a page, and contact us.

Sending is limited per IP address (FEEDBACK_RATE_LIMIT, shared by every feedback form, profile
reports included); the limit and the spam defences are in services, and a refusal keeps what
was typed (429 with Retry-After for the limit).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from tradehub import form_defences
from tradehub.feedback import bp, services
from tradehub.feedback.forms import ContactUsForm, ReportProblemForm
from tradehub.refusals import service_call

PROBLEM_FORM = "problem"
CONTACT_FORM = "contact"


def render_form(template: str, form, error=None, **context):
    """The form page; 400 when it has errors (429 with Retry-After when the rate limit refused
    it), so what was typed shows with the messages."""
    status, headers = (400 if form.errors else 200), {}
    if isinstance(error, form_defences.RateLimited):
        status, headers = 429, {"Retry-After": str(error.retry_after)}
    return render_template(template, form=form, **context), status, headers


@bp.route("/feedback/report", methods=["GET", "POST"])
def report_problem():
    """GOV.UK's "Report a problem with this page", for the page named by ?page= (a local path)."""
    form, error = ReportProblemForm(), None
    if request.method == "GET":
        form.page.data = services.safe_page(request.args.get("page"))
        form.form_token.data = services.issue_form_token(PROBLEM_FORM)
    elif form.validate_on_submit():
        with service_call(form=form, field="what_wrong") as call:
            services.check_spam_defences(
                PROBLEM_FORM, form.form_token.data, form.reference.data, "what_wrong"
            )
            services.check_rate_limit(request.remote_addr or "", "what_wrong")
            item = services.report_problem(
                page=form.page.data,
                what_doing=form.what_doing.data,
                what_wrong=form.what_wrong.data,
            )
        if call.ok:
            flash(
                gettext("Thank you for your feedback. We will use it to fix the page."), "success"
            )
            return redirect(item.page or url_for("feedback.report_problem_sent"))
        form.form_token.data = services.issue_form_token(PROBLEM_FORM)
        error = call.error
    return render_form(
        "feedback/report_problem.html", form, error, page=services.safe_page(form.page.data)
    )


@bp.route("/feedback/report/sent")
def report_problem_sent():
    """Confirmation when the report named no page of this site to go back to."""
    return render_template("feedback/sent.html", heading=gettext("Thank you for your feedback"))


@bp.route("/contact-us", methods=["GET", "POST"])
def contact_us():
    """A plain contact page for buyers who cannot find what they need; it goes to the team."""
    form, error = ContactUsForm(), None
    if request.method == "GET":
        form.form_token.data = services.issue_form_token(CONTACT_FORM)
    elif form.validate_on_submit():
        with service_call(form=form, field="message") as call:
            services.check_spam_defences(
                CONTACT_FORM, form.form_token.data, form.reference.data, "message"
            )
            services.check_rate_limit(request.remote_addr or "", "message")
            services.contact_team(
                name=form.name.data, email=form.email.data, message=form.message.data
            )
        if call.ok:
            return redirect(url_for("feedback.contact_us_sent"))
        form.form_token.data = services.issue_form_token(CONTACT_FORM)
        error = call.error
    return render_form("feedback/contact_us.html", form, error)


@bp.route("/contact-us/sent")
def contact_us_sent():
    """Confirmation that the message reached the team."""
    return render_template("feedback/contact_us_sent.html")
