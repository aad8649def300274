"""Forms of the buyer area, the supplier's response and staff moderation (all CSRF-protected).

Messages follow the GOV.UK pattern: they say what to enter, next to the field.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
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
from tradehub.form_fields import ChoiceRadioField, ChoiceSelectField

CURRENCIES = [
    ("", _l("Select a currency")),
    ("GBP", _l("Pounds sterling (GBP)")),
    ("USD", _l("US dollars (USD)")),
    ("EUR", _l("Euros (EUR)")),
    ("JPY", _l("Japanese yen (JPY)")),
    ("CNY", _l("Chinese yuan (CNY)")),
    ("INR", _l("Indian rupees (INR)")),
    ("AED", _l("UAE dirhams (AED)")),
    ("AUD", _l("Australian dollars (AUD)")),
    ("CAD", _l("Canadian dollars (CAD)")),
]
FREQUENCY_CHOICES = [(f.value, _l(f.label)) for f in AlertFrequency]


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


class ButtonForm(FlaskForm):
    """A CSRF-protected button (shortlist add/remove, close, approve, unsubscribe)."""

    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class SaveSearchForm(FlaskForm):
    """Name a search and choose how often to hear about new suppliers."""

    name = StringField(
        _l("Name this search"),
        widget=GovTextInput(),
        description=_l("For example, Cheese suppliers for Paris"),
        validators=[
            InputRequired(_l("Enter a name for this search")),
            Length(
                max=SAVED_SEARCH_NAME_MAX,
                message=_l("Name must be %(max)s characters or fewer", max=SAVED_SEARCH_NAME_MAX),
            ),
        ],
    )
    frequency = ChoiceRadioField(
        _l("How often should we email you about new suppliers?"),
        invalid=_l("Select daily, weekly or no emails"),
        widget=GovRadioInput(),
        choices=FREQUENCY_CHOICES,
        default=AlertFrequency.WEEKLY.value,
        validators=[InputRequired(_l("Select how often we should email you"))],
    )
    submit = SubmitField(_l("Save search"), widget=GovSubmitInput())


class FrequencyForm(FlaskForm):
    """Change a saved search's alert frequency."""

    frequency = ChoiceRadioField(
        _l("Email alerts"),
        invalid=_l("Select daily, weekly or no emails"),
        widget=GovRadioInput(),
        choices=FREQUENCY_CHOICES,
        validators=[InputRequired(_l("Select how often we should email you"))],
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class ShortlistNoteForm(FlaskForm):
    """The buyer's own note on a shortlisted supplier."""

    note = StringField(
        _l("Your note"),
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(
                max=SHORTLIST_NOTE_MAX,
                message=_l("Your note must be %(max)s characters or fewer", max=SHORTLIST_NOTE_MAX),
            ),
        ],
    )
    submit = SubmitField(_l("Save note"), widget=GovSubmitInput())


def _industry_choices() -> list[tuple[str, str]]:
    return [("", gettext("Select an industry"))] + list(taxonomies.display_choices("industry"))


def _country_choices() -> list[tuple[str, str]]:
    return [("", gettext("Select a country"))] + list(taxonomies.display_choices("country"))


class BuyingRequestForm(FlaskForm):
    """A request for quotation. `reference` is the honeypot; `form_token` the signed time the
    form was shown (the contact form's defences)."""

    title = StringField(
        _l("What do you need?"),
        widget=GovTextInput(),
        description=_l("A short title suppliers will see first, like ‘Organic cheddar for delis’"),
        validators=[
            InputRequired(_l("Enter what you need")),
            Length(
                max=REQUEST_TITLE_MAX,
                message=_l(
                    "What you need must be %(max)s characters or fewer", max=REQUEST_TITLE_MAX
                ),
            ),
            no_links_or_addresses,
        ],
    )
    description = StringField(
        _l("Describe what you need"),
        widget=GovCharacterCount(),
        description=_l(
            "Specification, packaging, certificates, delivery terms. Do not include "
            "web or email addresses: suppliers answer here"
        ),
        validators=[
            InputRequired(_l("Describe what you need")),
            Length(
                max=REQUEST_DESCRIPTION_MAX,
                message=_l(
                    "Description must be %(max)s characters or fewer",
                    max=f"{REQUEST_DESCRIPTION_MAX:,}",
                ),
            ),
            no_links_or_addresses,
        ],
    )
    industry = ChoiceSelectField(
        _l("Industry"),
        invalid=_l("Select an industry from the list"),
        widget=GovSelect(),
        choices=_industry_choices,
        validators=[InputRequired(_l("Select an industry"))],
    )
    quantity = WholeNumberField(
        _l("Quantity (optional)"),
        invalid=_l("Quantity must be a whole number, like 500"),
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=1, max=10**9, message=_l("Enter a quantity of 1 or more, like 500")),
        ],
        render_kw={"inputmode": "numeric", "class": "govuk-input--width-10"},
    )
    unit = StringField(
        _l("Unit (optional)"),
        widget=GovTextInput(),
        description=_l("For example, kilograms, cases or pieces"),
        validators=[
            Optional(),
            Length(
                max=REQUEST_UNIT_MAX,
                message=_l("Unit must be %(max)s characters or fewer", max=REQUEST_UNIT_MAX),
            ),
        ],
        render_kw={"class": "govuk-input--width-20"},
    )
    destination_country = ChoiceSelectField(
        _l("Country the goods go to"),
        invalid=_l("Select a country from the list"),
        widget=GovSelect(),
        choices=_country_choices,
        validators=[InputRequired(_l("Select the country the goods go to"))],
    )
    deadline = DayMonthYearField(
        _l("Deadline for responses"),
        invalid=_l("Deadline must be a real date, like 27 3 2027"),
        widget=GovDateInput(),
        format="%d %m %Y",
        description=_l("Between 1 and 60 days from today, for example 27 3 2027"),
        validators=[InputRequired(_l("Enter the deadline for responses, like 27 3 2027"))],
    )
    budget_amount = AmountField(
        _l("Budget (optional)"),
        invalid=_l("Budget must be an amount, like 2500 or 2500.50"),
        widget=GovTextInput(),
        places=2,
        validators=[
            Optional(),
            NumberRange(
                min=Decimal("0.01"), message=_l("Enter a budget greater than 0, like 2500")
            ),
        ],
        render_kw={"inputmode": "decimal", "class": "govuk-input--width-10"},
    )
    budget_currency = ChoiceSelectField(
        _l("Currency of your budget"),
        invalid=_l("Select a currency from the list"),
        widget=GovSelect(),
        choices=CURRENCIES,
        validators=[Optional()],
    )
    response_notice = ChoiceRadioField(
        _l("How do you want to hear about responses?"),
        invalid=_l("Select how you want to hear about responses"),
        widget=GovRadioInput(),
        choices=[
            (ResponseNotice.EACH.value, _l("An email for each response")),
            (ResponseNotice.DAILY.value, _l("One email a day with the new responses")),
        ],
        default=ResponseNotice.EACH.value,
        validators=[InputRequired(_l("Select how you want to hear about responses"))],
    )
    reference = StringField(_l("Leave this field blank"), validators=[Optional()])
    form_token = HiddenField()
    submit = SubmitField(_l("Send for approval"), widget=GovSubmitInput())

    def validate_deadline(self, field) -> None:
        """A real date (the date input gives None for nonsense)."""
        if field.data is None:
            raise ValidationError(gettext("Enter the deadline for responses, like 27 3 2027"))

    def validate_budget_currency(self, field) -> None:
        """A budget needs its currency."""
        if self.budget_amount.data is not None and not field.data:
            raise ValidationError(gettext("Select the currency of your budget"))
        if field.data and field.data not in dict(CURRENCIES):
            raise ValidationError(gettext("Select a currency from the list"))


class ResponseForm(FlaskForm):
    """A supplier's answer to a buying request."""

    message = StringField(
        _l("Your answer"),
        widget=GovCharacterCount(),
        description=_l("What you can supply, and anything the buyer should know"),
        validators=[
            InputRequired(_l("Enter your answer to the buyer")),
            Length(
                max=RESPONSE_MESSAGE_MAX,
                message=_l(
                    "Your answer must be %(max)s characters or fewer",
                    max=f"{RESPONSE_MESSAGE_MAX:,}",
                ),
            ),
        ],
    )
    price = StringField(
        _l("Price (optional)"),
        widget=GovTextInput(),
        description=_l("For example, £4.20 a kilogram, delivered"),
        validators=[
            Optional(),
            Length(
                max=RESPONSE_TERM_MAX,
                message=_l("Price must be %(max)s characters or fewer", max=RESPONSE_TERM_MAX),
            ),
        ],
    )
    lead_time = StringField(
        _l("Lead time (optional)"),
        widget=GovTextInput(),
        description=_l("For example, 3 weeks from order"),
        validators=[
            Optional(),
            Length(
                max=RESPONSE_TERM_MAX,
                message=_l("Lead time must be %(max)s characters or fewer", max=RESPONSE_TERM_MAX),
            ),
        ],
    )
    minimum_order = StringField(
        _l("Minimum order (optional)"),
        widget=GovTextInput(),
        description=_l("For example, 200 kilograms"),
        validators=[
            Optional(),
            Length(
                max=RESPONSE_TERM_MAX,
                message=_l(
                    "Minimum order must be %(max)s characters or fewer", max=RESPONSE_TERM_MAX
                ),
            ),
        ],
    )
    submit = SubmitField(_l("Send response"), widget=GovSubmitInput())


class ReplyForm(FlaskForm):
    """The buyer's reply to a response: it opens an enquiry thread with the supplier."""

    message = StringField(
        _l("Your reply"),
        widget=GovCharacterCount(),
        description=_l("The supplier will see your email address and can answer you directly"),
        validators=[
            InputRequired(_l("Enter your reply")),
            Length(
                max=ENQUIRY_MESSAGE_MAX,
                message=_l(
                    "Your reply must be %(max)s characters or fewer", max=f"{ENQUIRY_MESSAGE_MAX:,}"
                ),
            ),
        ],
    )
    submit = SubmitField(_l("Send reply"), widget=GovSubmitInput())


class RejectForm(FlaskForm):
    """Staff reject a request, with the reason the buyer sees."""

    reason = StringField(
        _l("Reason the buyer will see"),
        widget=GovTextArea(),
        validators=[
            InputRequired(_l("Enter the reason the buyer will see")),
            Length(
                max=REJECTION_REASON_MAX,
                message=_l(
                    "Reason must be %(max)s characters or fewer", max=f"{REJECTION_REASON_MAX:,}"
                ),
            ),
        ],
    )
    submit = SubmitField(_l("Reject request"), widget=GovSubmitInput())


class RequestSettingsForm(FlaskForm):
    """A company opts in to or out of buying requests."""

    accepts = BooleanField(
        _l("Offer us buying requests that match our profile"),
        widget=GovCheckboxInput(),
    )
    submit = SubmitField(_l("Save settings"), widget=GovSubmitInput())
