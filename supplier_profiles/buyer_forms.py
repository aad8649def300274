"""Forms of the buyer journey: the search parameters (page and API), the contact form, and the
staff form for blocked senders.

Search forms read `request.args` with CSRF off; the contact form is a CSRF-protected POST.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from search_index.base import MAX_PER_PAGE
from supplier_profiles import taxonomies
from supplier_profiles.models import ENQUIRY_MESSAGE_MAX, ENQUIRY_SUBJECT_MAX
from tradehub.form_fields import (
    ChoiceRadioField,
    ChoiceSelectField,
    WholeNumberField,
    reply_email_field,
)
from tradehub.i18n import format_number

QUERY_MAX = 200
# Deep pages of a relevance-ranked list are never useful and are costly for every engine.
MAX_PAGE = 500
# Labels are lazy: they are read in the reader's language when a page shows them.
SORT_CHOICES = [
    ("relevance", _l("Relevance")),
    ("name", _l("Company name (A to Z)")),
    ("updated", _l("Recently updated")),
]
VERIFIED_CHOICES = [("true", _l("Verified")), ("false", _l("Not verified"))]

# Facet groups in the order the page shows them, with their headings.
FILTER_LABELS = {
    "industry": _l("Industry"),
    "region": _l("UK region"),
    "country": _l("Export market"),
    "language": _l("Language"),
    "employees": _l("Number of employees"),
    "verified": _l("Verification"),
}


def filter_choices(group: str) -> list[tuple[str, str]]:
    """The (value, label) pairs a filter group accepts."""
    if group == "industry":
        return taxonomies.display_choices("industry")
    if group == "region":
        return taxonomies.display_choices("region")
    if group == "country":
        return taxonomies.display_choices("export_country")
    if group == "language":
        return taxonomies.display_choices("language")
    if group == "employees":
        return taxonomies.display_choices("employees")
    if group == "verified":
        return VERIFIED_CHOICES
    raise KeyError(group)


def filter_label(group: str, value: str) -> str:
    """The words a person reads for a filter value."""
    return filter_labels(group, [value])[0]


def filter_labels(group: str, values: Sequence[str]) -> list[str]:
    """filter_label for several values of one group (one lookup of the group's labels: a
    results page or API answer labels every value of every facet)."""
    if group == "verified":
        verified = dict(VERIFIED_CHOICES)
        return [str(verified.get(value, value)) for value in values]
    known = taxonomies.display_labels("export_country" if group == "country" else group)
    return [known.get(value) or taxonomies.display_label(group, value) for value in values]


class FilterField(SelectMultipleField):
    """Repeatable filter values; an unknown value is named in the message."""

    def pre_validate(self, form) -> None:
        """Every value must be one of the group's codes."""
        allowed = {value for value, _ in filter_choices(self.name)}
        unknown = [value for value in self.data or [] if value not in allowed]
        if unknown:
            raise ValidationError(
                gettext(
                    "%(value)s is not a valid %(group)s code",
                    value=repr(unknown[0]),
                    group=str(self.label.text).lower(),
                )
            )


def _filter_field(group: str) -> FilterField:
    return FilterField(
        FILTER_LABELS[group],
        choices=lambda: filter_choices(group),
        validators=[Optional()],
    )


class SearchForm(FlaskForm):
    """Find a Supplier parameters of the page (the API declares its own in api_schemas)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Search for UK suppliers"),
        validators=[
            Optional(),
            Length(
                max=QUERY_MAX,
                message=_l("Search words must be %(max)d characters or fewer"),
            ),
        ],
    )
    industry = _filter_field("industry")
    region = _filter_field("region")
    country = _filter_field("country")
    language = _filter_field("language")
    employees = _filter_field("employees")
    verified = _filter_field("verified")
    sort = ChoiceSelectField(
        _l("Sort by"),
        choices=SORT_CHOICES,
        default="relevance",
        validators=[Optional()],
        validate_choice=False,
    )

    def validate_sort(self, field) -> None:
        """Only the three orders the search offers."""
        if field.raw_data and field.data not in dict(SORT_CHOICES):
            raise ValidationError(gettext("Sort must be one of relevance, name or updated"))

    page = WholeNumberField(
        _l("Page"),
        invalid=_l("Page must be a whole number, like 2"),
        default=1,
        validators=[
            Optional(),
            NumberRange(
                min=1, max=MAX_PAGE, message=_l("Page must be between %(min)d and %(max)d")
            ),
        ],
    )
    per_page = WholeNumberField(
        "Results per page",
        invalid="per_page must be a whole number, like 20",
        default=20,
        validators=[
            Optional(),
            NumberRange(
                min=1, max=MAX_PER_PAGE, message=f"per_page must be between 1 and {MAX_PER_PAGE}"
            ),
        ],
    )

    GROUPS = ("industry", "region", "country", "language", "employees", "verified")

    def filters(self) -> dict[str, list[str]]:
        """The selected filter values per group (groups with no selection left out)."""
        return {g: list(getattr(self, g).data) for g in self.GROUPS if getattr(self, g).data}

    @property
    def text(self) -> str:
        """The search words, trimmed."""
        return (self.q.data or "").strip()

    @property
    def sort_value(self) -> str:
        """The chosen sort, relevance by default."""
        return self.sort.data or "relevance"

    @property
    def page_value(self) -> int:
        """The page asked for, 1 by default."""
        return self.page.data or 1

    @property
    def per_page_value(self) -> int:
        """Results per page, 20 by default."""
        return self.per_page.data or 20


# --- contact a supplier ----------------------------------------------------------------------

_URL_RE = re.compile(
    r"(?:https?://|ftp://|www\.|\b[a-z0-9-]+\."
    r"(?:com|net|org|io|co|uk|info|biz|ru|cn|xyz|top|online|site|shop|app)\b)",
    re.IGNORECASE,
)
_EMAIL_RE = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


def no_links_or_addresses(form, field) -> None:
    """Refuse web addresses and email addresses: spammers put them where a name belongs."""
    value = field.data or ""
    if _EMAIL_RE.search(value):
        raise ValidationError(
            gettext("%(field)s must not contain an email address", field=field.label.text)
        )
    if _URL_RE.search(value):
        raise ValidationError(
            gettext("%(field)s must not contain a web address", field=field.label.text)
        )


def _country_choices() -> list[tuple[str, str]]:
    return [("", gettext("Select a country"))] + taxonomies.display_choices("country")


def _industry_choices() -> list[tuple[str, str]]:
    return [("", gettext("Select an industry"))] + taxonomies.display_choices("industry")


def _message_length_message() -> str:
    return gettext(
        "Your message must be %(count)s characters or fewer",
        count=format_number(ENQUIRY_MESSAGE_MAX),
    )


class ContactSupplierForm(FlaskForm):
    """A buyer's enquiry to a supplier. `form_token` carries the signed time the form was shown;
    `reference` is the honeypot: hidden from people, left blank by them, filled by bots."""

    full_name = StringField(
        _l("Your full name"),
        widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter your full name")),
            Length(max=200, message=_l("Your full name must be %(max)d characters or fewer")),
            no_links_or_addresses,
        ],
        render_kw={"autocomplete": "name", "spellcheck": "false"},
    )
    organisation = StringField(
        _l("Organisation name"),
        widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter your organisation name")),
            Length(max=200, message=_l("Organisation name must be %(max)d characters or fewer")),
            no_links_or_addresses,
        ],
        render_kw={"autocomplete": "organization"},
    )
    country = ChoiceSelectField(
        _l("Country"),
        widget=GovSelect(),
        choices=_country_choices,
        validators=[InputRequired(_l("Select your country"))],
        render_kw={"autocomplete": "country"},
    )
    email = reply_email_field(_l("The supplier will reply to this address"))
    industry = ChoiceSelectField(
        _l("Your industry"),
        widget=GovSelect(),
        choices=_industry_choices,
        validators=[InputRequired(_l("Select your industry"))],
    )
    subject = StringField(
        _l("Subject"),
        widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter a subject")),
            Length(
                max=ENQUIRY_SUBJECT_MAX,
                message=_l("Subject must be %(max)d characters or fewer"),
            ),
            no_links_or_addresses,
        ],
    )
    message = StringField(
        _l("Your message"),
        widget=GovCharacterCount(),
        description=_l("Say what you want to buy, in what quantity, and by when"),
        validators=[
            InputRequired(_l("Enter your message")),
            Length(max=ENQUIRY_MESSAGE_MAX, message=LazyString(_message_length_message)),
        ],
    )
    # Honeypot: an innocuous name that form-filling bots complete; people never see it.
    reference = StringField(_l("Leave this field blank"), validators=[Optional()])
    form_token = HiddenField()
    submit = SubmitField(_l("Send message"), widget=GovSubmitInput())


# --- staff: blocked senders ------------------------------------------------------------------

_DOMAIN_RE = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class BlockedSenderForm(FlaskForm):
    """Block one email address or every address at a domain."""

    kind = ChoiceRadioField(
        "What do you want to block?",
        widget=GovRadioInput(),
        choices=[("email", "One email address"), ("domain", "Every address at a domain")],
        validators=[InputRequired("Select whether to block an email address or a domain")],
    )
    value = StringField(
        "Email address or domain",
        widget=GovTextInput(),
        description="For example, name@example.com or example.com",
        validators=[
            InputRequired("Enter an email address or domain"),
            Length(max=320, message="Must be 320 characters or fewer"),
        ],
        render_kw={"spellcheck": "false"},
    )
    reason = StringField(
        "Reason",
        widget=GovTextArea(),
        description="Why this sender is blocked (staff only)",
        validators=[Optional(), Length(max=500, message="Reason must be 500 characters or fewer")],
    )
    submit = SubmitField("Block sender", widget=GovSubmitInput())

    def validate_value(self, field) -> None:
        """An address for `email`, a bare domain for `domain`; stored lower-case."""
        value = (field.data or "").strip().lower()
        if self.kind.data == "email":
            if not re.fullmatch(r"[^\s@]+@[^\s@]+\.[^\s@]+", value):
                raise ValidationError(
                    "Enter an email address in the correct format, like name@example.com"
                )
        elif self.kind.data == "domain":
            value = value.removeprefix("@")
            if not _DOMAIN_RE.match(value):
                raise ValidationError("Enter a domain in the correct format, like example.com")
        field.data = value


class RemoveBlockedSenderForm(FlaskForm):
    """A CSRF-protected button to lift a block."""

    submit = SubmitField("Remove")
