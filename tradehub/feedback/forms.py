"""The three feedback forms (buyer-facing, so every string is translated) and the staff forms.

Each public form carries `form_token` (the signed time it was shown: see services) and the
honeypot `reference` that people never see and bots fill in.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tradehub.feedback.models import KIND_LABELS, STATUS_LABELS
from tradehub.form_fields import ChoiceRadioField, ChoiceSelectField, reply_email_field

TEXT_MAX = 1200
MESSAGE_MAX = 3000

# Why someone reports a profile; the stored value is the key.
PROFILE_REASONS = {
    "misleading": _l("It has misleading or false information"),
    "inappropriate": _l("It has inappropriate or offensive content"),
    "not_a_business": _l("It is not a real business"),
    "other": _l("Something else"),
}


def _strip(value):
    """Spaces around an answer are not part of it (and spaces alone are no answer)."""
    return value.strip() if isinstance(value, str) else value


class _SpamDefences:
    """The honeypot and the signed time the form was shown."""

    reference = StringField(_l("Leave this field blank"), validators=[Optional()])
    form_token = HiddenField()


class ReportProblemForm(_SpamDefences, FlaskForm):
    """GOV.UK's "Report a problem with this page": no personal data asked."""

    page = HiddenField()
    what_doing = StringField(
        _l("What were you doing?"),
        widget=GovCharacterCount(),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter what you were doing")),
            Length(
                max=TEXT_MAX, message=_l("What you were doing must be %(max)d characters or fewer")
            ),
        ],
    )
    what_wrong = StringField(
        _l("What went wrong?"),
        widget=GovCharacterCount(),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter what went wrong")),
            Length(max=TEXT_MAX, message=_l("What went wrong must be %(max)d characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Send"), widget=GovSubmitInput())


class ReportProfileForm(_SpamDefences, FlaskForm):
    """Why a supplier profile should be looked at."""

    reason = ChoiceRadioField(
        _l("Why are you reporting this profile?"),
        widget=GovRadioInput(),
        choices=list(PROFILE_REASONS.items()),
        validators=[InputRequired(_l("Select why you are reporting this profile"))],
    )
    details = StringField(
        _l("Tell us more"),
        widget=GovCharacterCount(),
        description=_l("Do not include personal information, like your name or email address"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter what is wrong with this profile")),
            Length(max=TEXT_MAX, message=_l("What is wrong must be %(max)d characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Send report"), widget=GovSubmitInput())


class ContactUsForm(_SpamDefences, FlaskForm):
    """A buyer who cannot find what they need writes to the team."""

    name = StringField(
        _l("Your name"),
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter your name")),
            Length(max=200, message=_l("Your name must be %(max)d characters or fewer")),
        ],
        render_kw={"autocomplete": "name", "spellcheck": "false"},
    )
    email = reply_email_field(_l("We will reply to this address"))
    message = StringField(
        _l("Your message"),
        widget=GovCharacterCount(),
        description=_l("Tell us what you are looking for, and we will help you find it"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter your message")),
            Length(max=MESSAGE_MAX, message=_l("Your message must be %(max)d characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Send message"), widget=GovSubmitInput())


# --- staff (English) ---------------------------------------------------------------------------


class FeedbackFilterForm(FlaskForm):
    """Filter the staff list (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    kind = ChoiceSelectField(
        "Kind",
        widget=GovSelect(),
        choices=[("", "Any kind")] + [(k.value, label) for k, label in KIND_LABELS.items()],
        validators=[Optional()],
    )
    status = ChoiceSelectField(
        "Status",
        widget=GovSelect(),
        choices=[("", "Any status")] + [(s.value, label) for s, label in STATUS_LABELS.items()],
        validators=[Optional()],
    )
    submit = SubmitField("Apply", widget=GovSubmitInput())


class FeedbackStatusForm(FlaskForm):
    """Change one item's status; `version` refuses a change made on an out-of-date page."""

    status = ChoiceSelectField(
        "Status",
        widget=GovSelect(),
        choices=[(s.value, label) for s, label in STATUS_LABELS.items()],
        validators=[InputRequired("Select a status")],
    )
    version = HiddenField(validators=[InputRequired("Reload the page and try again")])
    submit = SubmitField("Change status", widget=GovSubmitInput())
