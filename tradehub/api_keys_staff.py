"""Staff screen under /staff/api-keys: issue partner API keys (shown once) and revoke them.

On the core's staff blueprint, so the staff role guard covers it; the key's rules are in
`tradehub.api_keys`. A new key is shown on the answer to the POST itself and never again (it is
not stored, and not put in the session cookie, which is signed but readable).
"""

from __future__ import annotations

from flask import Flask, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from tradehub.api_keys import (
    MAX_PER_MINUTE,
    MIN_PER_MINUTE,
    ApiKey,
    all_keys,
    issue_key,
    revoke_key,
)
from tradehub.extensions import db
from tradehub.form_fields import email_address_field
from tradehub.refusals import service_call
from tradehub.staff import register_staff_section, staff_bp

DEFAULT_PER_MINUTE = 3000


def _whole_number_in_range(form, field) -> None:
    raw = (field.data or "").strip().replace(",", "")
    if not raw.isdigit() or not MIN_PER_MINUTE <= int(raw) <= MAX_PER_MINUTE:
        raise ValidationError(
            f"Enter the requests per minute as a whole number from {MIN_PER_MINUTE} "
            f"to {MAX_PER_MINUTE:,}, like {DEFAULT_PER_MINUTE:,}"
        )
    field.data = raw


class IssueApiKeyForm(FlaskForm):
    """Who a new key is for and how many requests a minute it allows."""

    partner_name = StringField(
        "Partner organisation",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the partner organisation's name"),
            Length(max=200, message="Partner organisation must be 200 characters or fewer"),
        ],
    )
    contact_email = email_address_field(
        "Contact email address",
        "Who to tell before the key is revoked or its limit changes",
        missing="Enter the partner's contact email address",
        autocomplete=False,
    )
    requests_per_minute = StringField(
        "Requests per minute",
        widget=GovTextInput(),
        default=str(DEFAULT_PER_MINUTE),
        description="Anonymous clients get the site's own limit (API_RATE_LIMIT)",
        validators=[InputRequired("Enter the requests per minute"), _whole_number_in_range],
        render_kw={"inputmode": "numeric", "spellcheck": "false"},
    )
    submit = SubmitField("Issue key", widget=GovSubmitInput())


class RevokeApiKeyForm(FlaskForm):
    """A CSRF-protected button to revoke a key."""

    submit = SubmitField("Revoke")


@staff_bp.route("/api-keys", methods=["GET", "POST"])
def api_keys():
    """Every partner key and the form to issue one; a new key is shown once, here."""
    form = IssueApiKeyForm()
    new_key = None
    if form.validate_on_submit():
        with service_call(form=form, field="requests_per_minute") as call:
            row, key = issue_key(
                partner_name=form.partner_name.data,
                contact_email=form.contact_email.data,
                requests_per_minute=int(form.requests_per_minute.data),
                created_by_id=current_user.id,
            )
        if call.ok:
            new_key = (row, key)
            form = IssueApiKeyForm(formdata=None)
    status = 400 if form.errors else 200
    return render_template(
        "staff/api_keys.html",
        form=form,
        keys=all_keys(),
        new_key=new_key,
        revoke_form=RevokeApiKeyForm(),
    ), status


@staff_bp.route("/api-keys/<int:key_id>/revoke", methods=["POST"])
def revoke_api_key(key_id: int):
    """Stop a key working from the next request on (CSRF-protected button)."""
    if not RevokeApiKeyForm().validate_on_submit():
        abort(400)
    row = db.get_or_404(ApiKey, key_id)
    with service_call() as call:
        revoke_key(row)
    if call.ok:
        flash(f"The key for {row.partner_name} no longer works.", "success")
    return redirect(url_for("staff.api_keys"))


def register(app: Flask) -> None:
    """List the screen on the staff home page."""
    register_staff_section(
        app,
        "staff.api_keys",
        "API keys",
        "Issue partners keys with higher API rate limits, and revoke them.",
    )
