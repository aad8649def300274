""" "Report this profile": the core's feedback forms and service, for a public supplier profile.

The report is stored against the company (subject "company", its id) with the profile's path,
so staff see it on /staff/feedback with a link to the profile. It shares the core's per-IP
feedback limit and spam defences.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext

from supplier_profiles.views import bp, publishable_company
from tradehub.feedback import services as feedback
from tradehub.feedback.forms import ReportProfileForm
from tradehub.feedback.views import render_form
from tradehub.refusals import service_call

SUBJECT = "company"
FORM = "profile"


@bp.route("/suppliers/<slug>/report", methods=["GET", "POST"])
def report_profile(slug: str):
    """Tell staff something on a supplier's profile is wrong."""
    company = publishable_company(slug)
    profile_url = url_for("supplier_profiles.company_profile", slug=company.slug)
    form, error = ReportProfileForm(), None
    if request.method == "GET":
        form.form_token.data = feedback.issue_form_token(FORM)
    elif form.validate_on_submit():
        with service_call(form=form, field="details") as call:
            feedback.check_spam_defences(FORM, form.form_token.data, form.reference.data, "details")
            feedback.check_rate_limit(request.remote_addr or "", "details")
            feedback.report_subject(
                subject_type=SUBJECT,
                subject_id=company.id,
                label=company.name,
                page=profile_url,
                reason=form.reason.data,
                details=form.details.data,
            )
        if call.ok:
            return redirect(url_for("supplier_profiles.report_profile_sent", slug=company.slug))
        form.form_token.data = feedback.issue_form_token(FORM)
        error = call.error
    return render_form(
        "feedback/report_profile.html", form, error, label=company.name, back_url=profile_url
    )


@bp.route("/suppliers/<slug>/report/sent")
def report_profile_sent(slug: str):
    """Confirmation, with the way back to the profile."""
    company = publishable_company(slug)
    return render_template(
        "feedback/sent.html",
        heading=gettext("Thank you for your report"),
        back_url=url_for("supplier_profiles.company_profile", slug=company.slug),
        back_text=gettext("Back to %(name)s", name=company.name),
    )
