"""Forms of the buyer area, the supplier's response and staff moderation (all CSRF-protected).

Messages follow the GOV.UK pattern: they say what to enter, next to the field.
"""

from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from supplier_profiles import taxonomies
from supplier_profiles.buyer_forms import no_links_or_addresses
from supplier_profiles.buyers.models import (
    REJECTION_REASON_MAX,
    REQUEST_DESCRIPTION_MAX,
    REQUEST_TITLE_MAX,
    REQUEST_UNIT_MAX,
    RESPONSE_MESSAGE_MAX,
    RESPONSE_TERM_MAX,
    SAVED_SEARCH_NAME_MAX,
    SHORTLIST_NOTE_MAX,
    AlertFrequency,
    ResponseNotice,
)
from supplier_profiles.models import ENQUIRY_MESSAGE_MAX

CURRENCIES = [
    ("", "Select a currency"),
    ("GBP", "Pounds sterling (GBP)"),
    ("USD", "US dollars (USD)"),
    ("EUR", "Euros (EUR)"),
    ("JPY", "Japanese yen (JPY)"),
    ("CNY", "Chinese yuan (CNY)"),
    ("INR", "Indian rupees (INR)"),
    ("AED", "UAE dirhams (AED)"),
    ("AUD", "Australian dollars (AUD)"),
    ("CAD", "Canadian dollars (CAD)"),
]
FREQUENCY_CHOICES = [(f.value, f.label) for f in AlertFrequency]


class _ChoiceMessage:
    """A choice field whose unknown value gets our message (never WTForms' "Not a valid …")."""

    def __init__(self, *args, invalid: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.invalid = invalid

    def pre_validate(self, form) -> None:
        """The submitted value must be one of the choices."""
        if self.data in (None, ""):
            return
        if self.data not in {str(value) for value, _label in self.iter_choices_values()}:
            raise ValidationError(self.invalid)

    def iter_choices_values(self):
        """(value, label) pairs of the choices (they may be a callable)."""
        choices = self.choices() if callable(self.choices) else self.choices
        return [(c[0], c[1]) for c in choices]


class _ParseMessage:
    """A typed field whose unreadable input gets our message (never "Not a valid …")."""

    def __init__(self, *args, invalid: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.invalid = invalid

    def process_formdata(self, valuelist) -> None:
        """Parse as the base field does; replace its message when the input is unreadable."""
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(self.invalid) from exc


class WholeNumberField(_ParseMessage, IntegerField):
    """A whole number, like 500."""


class AmountField(_ParseMessage, DecimalField):
    """An amount of money, like 2500 or 2500.50."""


class DayMonthYearField(_ParseMessage, DateField):
    """A date typed as day, month and year (three inputs sharing the field's name)."""

    def process(self, formdata, data=None, extra_filters=None) -> None:
        """Read as DateField does; a post missing some of the three parts still renders."""
        super().process(formdata, data, extra_filters)
        if formdata is not None and len(self.raw_data or []) != 3:
            self.raw_data = [*(self.raw_data or []), "", "", ""][:3]


class ChoiceRadioField(_ChoiceMessage, RadioField):
    """Radios with a GOV.UK message for a value not offered."""


class ChoiceSelectField(_ChoiceMessage, SelectField):
    """A select with a GOV.UK message for a value not offered."""


class ButtonForm(FlaskForm):
    """A CSRF-protected button (shortlist add/remove, close, approve, unsubscribe)."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class SaveSearchForm(FlaskForm):
    """Name a search and choose how often to hear about new suppliers."""

    name = StringField(
        "Name this search",
        widget=GovTextInput(),
        description="For example, Cheese suppliers for Paris",
        validators=[
            InputRequired("Enter a name for this search"),
            Length(
                max=SAVED_SEARCH_NAME_MAX,
                message=f"Name must be {SAVED_SEARCH_NAME_MAX} characters or fewer",
            ),
        ],
    )
    frequency = ChoiceRadioField(
        "How often should we email you about new suppliers?",
        invalid="Select daily, weekly or no emails",
        widget=GovRadioInput(),
        choices=FREQUENCY_CHOICES,
        default=AlertFrequency.WEEKLY.value,
        validators=[InputRequired("Select how often we should email you")],
    )
    submit = SubmitField("Save search", widget=GovSubmitInput())


class FrequencyForm(FlaskForm):
    """Change a saved search's alert frequency."""

    frequency = ChoiceRadioField(
        "Email alerts",
        invalid="Select daily, weekly or no emails",
        widget=GovRadioInput(),
        choices=FREQUENCY_CHOICES,
        validators=[InputRequired("Select how often we should email you")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class ShortlistNoteForm(FlaskForm):
    """The buyer's own note on a shortlisted supplier."""

    note = StringField(
        "Your note",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(
                max=SHORTLIST_NOTE_MAX,
                message=f"Your note must be {SHORTLIST_NOTE_MAX} characters or fewer",
            ),
        ],
    )
    submit = SubmitField("Save note", widget=GovSubmitInput())


def _industry_choices() -> list[tuple[str, str]]:
    return [("", "Select an industry")] + list(taxonomies.choices("industry"))


def _country_choices() -> list[tuple[str, str]]:
    return [("", "Select a country")] + list(taxonomies.choices("country"))


class BuyingRequestForm(FlaskForm):
    """A request for quotation. `reference` is the honeypot; `form_token` the signed time the
    form was shown (the contact form's defences)."""

    title = StringField(
        "What do you need?",
        widget=GovTextInput(),
        description="A short title suppliers will see first, like ‘Organic cheddar for delis’",
        validators=[
            InputRequired("Enter what you need"),
            Length(
                max=REQUEST_TITLE_MAX,
                message=f"What you need must be {REQUEST_TITLE_MAX} characters or fewer",
            ),
            no_links_or_addresses,
        ],
    )
    description = StringField(
        "Describe what you need",
        widget=GovCharacterCount(),
        description="Specification, packaging, certificates, delivery terms. Do not include "
        "web or email addresses: suppliers answer here",
        validators=[
            InputRequired("Describe what you need"),
            Length(
                max=REQUEST_DESCRIPTION_MAX,
                message=f"Description must be {REQUEST_DESCRIPTION_MAX:,} characters or fewer",
            ),
            no_links_or_addresses,
        ],
    )
    industry = ChoiceSelectField(
        "Industry",
        invalid="Select an industry from the list",
        widget=GovSelect(),
        choices=_industry_choices,
        validators=[InputRequired("Select an industry")],
    )
    quantity = WholeNumberField(
        "Quantity (optional)",
        invalid="Quantity must be a whole number, like 500",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=1, max=10**9, message="Enter a quantity of 1 or more, like 500"),
        ],
        render_kw={"inputmode": "numeric", "class": "govuk-input--width-10"},
    )
    unit = StringField(
        "Unit (optional)",
        widget=GovTextInput(),
        description="For example, kilograms, cases or pieces",
        validators=[
            Optional(),
            Length(
                max=REQUEST_UNIT_MAX, message=f"Unit must be {REQUEST_UNIT_MAX} characters or fewer"
            ),
        ],
        render_kw={"class": "govuk-input--width-20"},
    )
    destination_country = ChoiceSelectField(
        "Country the goods go to",
        invalid="Select a country from the list",
        widget=GovSelect(),
        choices=_country_choices,
        validators=[InputRequired("Select the country the goods go to")],
    )
    deadline = DayMonthYearField(
        "Deadline for responses",
        invalid="Deadline must be a real date, like 27 3 2027",
        widget=GovDateInput(),
        format="%d %m %Y",
        description="Between 1 and 60 days from today, for example 27 3 2027",
        validators=[InputRequired("Enter the deadline for responses, like 27 3 2027")],
    )
    budget_amount = AmountField(
        "Budget (optional)",
        invalid="Budget must be an amount, like 2500 or 2500.50",
        widget=GovTextInput(),
        places=2,
        validators=[
            Optional(),
            NumberRange(min=Decimal("0.01"), message="Enter a budget greater than 0, like 2500"),
        ],
        render_kw={"inputmode": "decimal", "class": "govuk-input--width-10"},
    )
    budget_currency = ChoiceSelectField(
        "Currency of your budget",
        invalid="Select a currency from the list",
        widget=GovSelect(),
        choices=CURRENCIES,
        validators=[Optional()],
    )
    response_notice = ChoiceRadioField(
        "How do you want to hear about responses?",
        invalid="Select how you want to hear about responses",
        widget=GovRadioInput(),
        choices=[
            (ResponseNotice.EACH.value, "An email for each response"),
            (ResponseNotice.DAILY.value, "One email a day with the new responses"),
        ],
        default=ResponseNotice.EACH.value,
        validators=[InputRequired("Select how you want to hear about responses")],
    )
    reference = StringField("Leave this field blank", validators=[Optional()])
    form_token = HiddenField()
    submit = SubmitField("Send for approval", widget=GovSubmitInput())

    def validate_deadline(self, field) -> None:
        """A real date (the date input gives None for nonsense)."""
        if field.data is None:
            raise ValidationError("Enter the deadline for responses, like 27 3 2027")

    def validate_budget_currency(self, field) -> None:
        """A budget needs its currency."""
        if self.budget_amount.data is not None and not field.data:
            raise ValidationError("Select the currency of your budget")
        if field.data and field.data not in dict(CURRENCIES):
            raise ValidationError("Select a currency from the list")


class ResponseForm(FlaskForm):
    """A supplier's answer to a buying request."""

    message = StringField(
        "Your answer",
        widget=GovCharacterCount(),
        description="What you can supply, and anything the buyer should know",
        validators=[
            InputRequired("Enter your answer to the buyer"),
            Length(
                max=RESPONSE_MESSAGE_MAX,
                message=f"Your answer must be {RESPONSE_MESSAGE_MAX:,} characters or fewer",
            ),
        ],
    )
    price = StringField(
        "Price (optional)",
        widget=GovTextInput(),
        description="For example, £4.20 a kilogram, delivered",
        validators=[
            Optional(),
            Length(
                max=RESPONSE_TERM_MAX,
                message=f"Price must be {RESPONSE_TERM_MAX} characters or fewer",
            ),
        ],
    )
    lead_time = StringField(
        "Lead time (optional)",
        widget=GovTextInput(),
        description="For example, 3 weeks from order",
        validators=[
            Optional(),
            Length(
                max=RESPONSE_TERM_MAX,
                message=f"Lead time must be {RESPONSE_TERM_MAX} characters or fewer",
            ),
        ],
    )
    minimum_order = StringField(
        "Minimum order (optional)",
        widget=GovTextInput(),
        description="For example, 200 kilograms",
        validators=[
            Optional(),
            Length(
                max=RESPONSE_TERM_MAX,
                message=f"Minimum order must be {RESPONSE_TERM_MAX} characters or fewer",
            ),
        ],
    )
    submit = SubmitField("Send response", widget=GovSubmitInput())


class ReplyForm(FlaskForm):
    """The buyer's reply to a response: it opens an enquiry thread with the supplier."""

    message = StringField(
        "Your reply",
        widget=GovCharacterCount(),
        description="The supplier will see your email address and can answer you directly",
        validators=[
            InputRequired("Enter your reply"),
            Length(
                max=ENQUIRY_MESSAGE_MAX,
                message=f"Your reply must be {ENQUIRY_MESSAGE_MAX:,} characters or fewer",
            ),
        ],
    )
    submit = SubmitField("Send reply", widget=GovSubmitInput())


class RejectForm(FlaskForm):
    """Staff reject a request, with the reason the buyer sees."""

    reason = StringField(
        "Reason the buyer will see",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter the reason the buyer will see"),
            Length(
                max=REJECTION_REASON_MAX,
                message=f"Reason must be {REJECTION_REASON_MAX:,} characters or fewer",
            ),
        ],
    )
    submit = SubmitField("Reject request", widget=GovSubmitInput())


class RequestSettingsForm(FlaskForm):
    """A company opts in to or out of buying requests."""

    accepts = BooleanField(
        "Offer us buying requests that match our profile",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Save settings", widget=GovSubmitInput())
