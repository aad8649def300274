"""Staff screen under /staff/feedback: every report and message, filtered by kind and status,
and a CSRF form to move each through new → in progress → resolved.

On the core's staff blueprint, so the staff role guard (tradehub.permissions.guard_blueprint)
covers it. Each status form carries the item's version: a change made on an out-of-date page is
refused rather than silently undoing a colleague's.
"""

from __future__ import annotations

from flask import Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tradehub.extensions import db
from tradehub.feedback import services
from tradehub.feedback.forms import PROFILE_REASONS, FeedbackFilterForm, FeedbackStatusForm
from tradehub.feedback.models import FeedbackItem
from tradehub.refusals import service_call
from tradehub.staff import register_staff_section, staff_bp

PER_PAGE = 50


@staff_bp.route("/feedback")
def feedback():
    """The list, newest first; ?kind= and ?status= filter it."""
    filters = FeedbackFilterForm(request.args)
    valid = filters.validate()
    kind = filters.kind.data if valid else ""
    status = filters.status.data if valid else ""
    page = db.paginate(services.feedback_query(kind, status), per_page=PER_PAGE, error_out=False)
    status_forms = {}
    for item in page.items:
        form = FeedbackStatusForm(formdata=None, prefix=f"item-{item.id}")
        form.status.data = item.status.value
        form.version.data = str(item.version)
        status_forms[item.id] = form
    return render_template(
        "staff/feedback.html",
        filter_form=filters,
        page=page,
        status_forms=status_forms,
        reasons=PROFILE_REASONS,
    ), (200 if valid else 400)


@staff_bp.route("/feedback/<int:item_id>/status", methods=["POST"])
def change_feedback_status(item_id: int):
    """Change one item's status (CSRF-protected), then back to the list as it was filtered."""
    item = db.get_or_404(FeedbackItem, item_id)
    form = FeedbackStatusForm(prefix=f"item-{item.id}")
    if not form.validate_on_submit() or not form.version.data.isdigit():
        abort(400)
    with service_call() as call:
        services.change_status(item, form.status.data, int(form.version.data), current_user)
    if call.ok:
        flash(f"Feedback {item.id} is now: {item.status_label}.", "success")
    back = {key: value for key, value in request.args.items() if key in ("kind", "status", "page")}
    return redirect(url_for("staff.feedback", **back) + f"#item-{item.id}")


def register(app: Flask) -> None:
    """List the screen on the staff home page."""
    register_staff_section(
        app,
        "staff.feedback",
        "Feedback",
        "Problems reported with pages, reports about supplier profiles, and contact messages.",
    )
