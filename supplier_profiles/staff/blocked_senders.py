"""Staff screen under /staff/blocked-senders: email addresses and domains whose messages to
suppliers are refused."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from supplier_profiles import contact
from supplier_profiles.buyer_forms import BlockedSenderForm, RemoveBlockedSenderForm
from supplier_profiles.models import BlockedSender
from supplier_profiles.staff.common import staff_bp
from tradehub.extensions import db
from tradehub.refusals import service_call


def _list_url(**kwargs) -> str:
    return url_for("supplier_profiles_staff.list_blocked_senders", **kwargs)


@staff_bp.route("/blocked-senders/", methods=["GET", "POST"])
def list_blocked_senders():
    """Blocked addresses and domains, and a form to add one."""
    form = BlockedSenderForm()
    if form.validate_on_submit():
        with service_call(form=form, field="value") as call:
            blocked = contact.block_sender(
                form.kind.data, form.value.data, form.reason.data or "", current_user
            )
        if call.ok:
            flash(f"Enquiries from {blocked.value} will be refused.", "success")
            return redirect(_list_url())
    page = db.paginate(
        select(BlockedSender)
        .options(selectinload(BlockedSender.created_by))
        .order_by(BlockedSender.created_at.desc(), BlockedSender.id.desc()),
        per_page=50,
        error_out=False,
    )
    total = db.session.scalar(select(func.count()).select_from(BlockedSender))
    status = 400 if form.errors else 200
    return render_template(
        "supplier_profiles/staff_blocked_senders.html",
        form=form,
        page=page,
        total=total,
        remove_form=RemoveBlockedSenderForm(),
        page_url=lambda n: _list_url(page=n),
    ), status


@staff_bp.route("/blocked-senders/<int:blocked_id>/remove", methods=["POST"])
def remove_blocked_sender(blocked_id: int):
    """Lift a block (CSRF-protected button)."""
    form = RemoveBlockedSenderForm()
    if not form.validate_on_submit():
        abort(400)
    with service_call() as call:
        blocked = contact.unblock_sender(blocked_id)
    if not call.ok:
        raise call.error  # removed already (a second click): the 409 page says so
    flash(f"Enquiries from {blocked.value} are no longer refused.", "success")
    return redirect(_list_url())
