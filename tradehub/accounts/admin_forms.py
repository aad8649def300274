"""Forms of the administration area (/admin): filters are GET forms without CSRF; every form
that changes something is a CSRF-protected POST."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from tradehub.accounts.administration import INVITABLE_ROLES, LAST_SIGN_IN, STATES
from tradehub.accounts.audit import ACTIONS
from tradehub.accounts.models import Role
from tradehub.form_fields import ChoiceSelectField, email_address_field, full_name_field


class DayField(DateField):
    """A GOV.UK date input (day, month, year) whose error says what to enter."""

    def process_formdata(self, valuelist):
        if len(valuelist) != 3:  # not sent (a GET with other filters), or not day-month-year
            self.raw_data = None if not valuelist else (list(valuelist) + ["", "", ""])[:3]
            if not valuelist:
                return
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(f"{self.label.text} must be a real date, like 27 3 2026") from exc


class UserFilterForm(FlaskForm):
    """Search and filter users; the filters stay in the URL."""

    class Meta:
        csrf = False

    email = StringField(
        "Email address contains",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=320, message="Enter 320 characters or fewer")],
    )
    role = ChoiceSelectField(
        "Role",
        widget=GovSelect(),
        validators=[Optional()],
        choices=[("", "Any role")] + [(r.value, r.label) for r in Role],
    )
    state = ChoiceSelectField(
        "State",
        widget=GovSelect(),
        validators=[Optional()],
        choices=[("", "Any state")] + [(s, s.capitalize()) for s in STATES],
    )
    last_sign_in = ChoiceSelectField(
        "Last signed in",
        widget=GovSelect(),
        validators=[Optional()],
        choices=[("", "Any time"), *LAST_SIGN_IN.items()],
    )
    submit = SubmitField("Apply filters", widget=GovSubmitInput())


def _link_choices(link) -> list[tuple[str, str]]:
    return [("", f"Select a {link.label.lower()}")] + list(link.choices()) if link else []


class InviteForm(FlaskForm):
    """Invite a staff member or marketplace partner by email."""

    email = email_address_field()
    full_name = full_name_field(missing="Enter their full name", autocomplete=False)
    role = ChoiceSelectField(
        "Role",
        widget=GovSelect(),
        validators=[InputRequired("Select staff or marketplace partner")],
        choices=[("", "Select a role")] + [(r.value, r.label) for r in INVITABLE_ROLES],
    )
    link = ChoiceSelectField(
        "Marketplace (partners only)", widget=GovSelect(), validators=[Optional()]
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())

    def __init__(self, *args, link=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.link.choices = _link_choices(link)
        if link is not None:
            self.link.label.text = f"{link.label} ({link.role.label.lower()}s only)"


class RoleForm(FlaskForm):
    """Give a user another role."""

    role = ChoiceSelectField(
        "New role",
        widget=GovSelect(),
        validators=[InputRequired("Select a role")],
        choices=[(r.value, r.label) for r in Role],
    )
    link = ChoiceSelectField(
        "Marketplace (partners only)", widget=GovSelect(), validators=[Optional()]
    )
    submit = SubmitField("Change role", widget=GovSubmitInput())

    def __init__(self, *args, link=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.link.choices = _link_choices(link)
        if link is not None:
            self.link.label.text = f"{link.label} ({link.role.label.lower()}s only)"


class ConfirmForm(FlaskForm):
    """A button: deactivate, reactivate, send a link again, reset the second factor."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class AuditFilterForm(FlaskForm):
    """Filter the audit trail; the filters stay in the URL (and in the CSV link)."""

    class Meta:
        csrf = False

    action = ChoiceSelectField(
        "What happened",
        widget=GovSelect(),
        validators=[Optional()],
        choices=[("", "Anything"), *ACTIONS.items()],
    )
    actor = StringField(
        "Done by (email contains)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=320, message="Enter 320 characters or fewer")],
    )
    subject = StringField(
        "Account (email contains)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=320, message="Enter 320 characters or fewer")],
    )
    since = DayField(
        "From",
        widget=GovDateInput(),
        format="%d %m %Y",
        validators=[Optional()],
        description="For example, 27 3 2026",
    )
    until = DayField(
        "To",
        widget=GovDateInput(),
        format="%d %m %Y",
        validators=[Optional()],
        description="For example, 31 3 2026",
    )
    submit = SubmitField("Apply filters", widget=GovSubmitInput())
