"""Forms for the application wizard, the exporter's and partner's replies, and the staff queue."""

from __future__ import annotations

import secrets

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from marketplaces.applications.models import ApplicationStatus
from supplier_profiles import taxonomies
from tradehub.companies_house import is_company_number, normalise_company_number
from tradehub.form_fields import (
    ChoiceMultipleField,
    ChoiceRadioField,
    ChoiceSelectField,
    email_address_field,
    full_name_field,
)

PITCH_MAX = 1000
DESCRIPTION_MAX = 1000
MESSAGE_MAX = 2000
SKU_MAX = 1_000_000
# A one-time token or version that is missing or tampered: the page the form came from is stale.
RELOAD = "Reload the page and try again"

TURNOVER_BANDS = (
    ("under_85k", "Under £85,000"),
    ("85k_500k", "£85,000 to £499,999"),
    ("500k_1m", "£500,000 to £999,999"),
    ("1m_10m", "£1 million to £10 million"),
    ("over_10m", "More than £10 million"),
)
EXPORT_EXPERIENCE = (
    ("not_yet", "We have not sold overseas yet"),
    ("offline", "We sell overseas, but not through online marketplaces"),
    ("online", "We already sell overseas through online marketplaces"),
)
YES_NO = (("yes", "Yes"), ("no", "No"))


def label_for(choices, code: str) -> str:
    """The label of `code` in a (code, label) list, or the code itself."""
    return dict(choices).get(code, code)


def answer_labels() -> dict:
    """How the answer pages show coded answers: {field: code -> label}."""
    return {
        "company_type": taxonomies.company_type_label,
        "turnover": lambda code: label_for(TURNOVER_BANDS, code),
        "export_experience": lambda code: label_for(EXPORT_EXPERIENCE, code),
    }


def new_token() -> str:
    """A one-time form token: the same form sent twice is recognised and applied once."""
    return secrets.token_urlsafe(24)


def _with_placeholder(choices, text: str = "Select one"):
    return [("", text), *choices]


class _OneTimeForm(FlaskForm):
    """A form carrying a one-time token (and, for moves, the version the page showed)."""

    token = HiddenField(validators=[InputRequired(RELOAD), Length(max=64, message=RELOAD)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_submitted() and not self.token.data:
            self.token.data = new_token()


# --- the four wizard steps ------------------------------------------------------------------


class DetailsForm(_OneTimeForm):
    """Step 1: the person applying."""

    contact_name = full_name_field()
    contact_job_title = StringField(
        "Job title (optional)",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=100, message="Job title must be 100 characters or fewer"),
        ],
        render_kw={"autocomplete": "organization-title"},
    )
    contact_email = email_address_field(
        description="The marketplace will use this to contact you about your application"
    )
    contact_phone = StringField(
        "Telephone number",
        widget=GovTextInput(),
        description="For international numbers include the country code",
        validators=[
            InputRequired("Enter a telephone number"),
            Length(max=40, message="Telephone number must be 40 characters or fewer"),
            Regexp(
                r"^\+?[0-9 ()-]{7,}$",
                message="Enter a telephone number, like 01632 960 001 or +44 808 157 0192",
            ),
        ],
        render_kw={"autocomplete": "tel", "type": "tel"},
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())


class BusinessForm(_OneTimeForm):
    """Step 2: the business (prefilled from the company profile)."""

    business_name = StringField(
        "Business name",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter your business name"),
            Length(max=255, message="Business name must be 255 characters or fewer"),
        ],
        render_kw={"autocomplete": "organization"},
    )
    company_type = ChoiceRadioField(
        "What kind of business is it?",
        widget=GovRadioInput(),
        validators=[InputRequired("Select what kind of business it is")],
    )
    company_number = StringField(
        "Companies House number (if registered)",
        widget=GovTextInput(),
        description="8 characters, like 01234567 or SC123456",
        validators=[Optional()],
        filters=[normalise_company_number],
    )
    website = StringField(
        "Website (optional)",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=255, message="Website must be 255 characters or fewer"),
            URL(message="Enter a website address, like https://www.example.co.uk"),
        ],
        render_kw={"autocomplete": "url", "spellcheck": "false"},
    )
    employees = ChoiceSelectField(
        "Number of employees",
        widget=GovSelect(),
        validators=[InputRequired("Select the number of employees")],
    )
    turnover = ChoiceSelectField(
        "Annual turnover",
        widget=GovSelect(),
        choices=_with_placeholder(TURNOVER_BANDS),
        validators=[InputRequired("Select your annual turnover")],
    )
    postcode = StringField(
        "Postcode",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter your business postcode"),
            Regexp(
                r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$",
                message="Enter a real UK postcode, like SW1A 2AA",
            ),
        ],
        filters=[lambda v: " ".join((v or "").upper().split())],
        render_kw={"autocomplete": "postal-code"},
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The supplier profile's vocabularies, so an application and a profile agree.
        self.company_type.choices = list(taxonomies.choices("company_type"))
        self.employees.choices = _with_placeholder(taxonomies.choices("employees"))

    def validate_company_number(self, field) -> None:
        """A Companies House registered business gives its number, in the registry's shape."""
        if self.company_type.data == "COMPANIES_HOUSE" and not field.data:
            raise ValidationError("Enter your Companies House number")
        if field.data and not is_company_number(field.data):
            raise ValidationError(
                "Enter a Companies House number of 8 characters, like 01234567 or SC123456"
            )


class ProductsForm(_OneTimeForm):
    """Step 3: the products to sell on the marketplace."""

    product_categories = ChoiceMultipleField(
        "Which kinds of products would you sell?",
        widget=GovCheckboxesInput(),
        description="Select all that apply",
        validators=[InputRequired("Select at least one kind of product")],
    )
    product_description = TextAreaField(
        "Describe the products",
        widget=GovCharacterCount(),
        validators=[
            InputRequired("Describe the products you want to sell"),
            Length(
                max=DESCRIPTION_MAX,
                message=f"Description must be {DESCRIPTION_MAX} characters or fewer",
            ),
        ],
    )
    sku_count = StringField(
        "How many products (SKUs) would you list?",
        widget=GovTextInput(),
        description="Count each size or colour you sell separately",
        validators=[InputRequired("Enter how many products you would list")],
        filters=[lambda v: None if v is None else str(v).strip().replace(",", "")],
        render_kw={"inputmode": "numeric", "spellcheck": "false"},
    )
    has_trademarks = ChoiceRadioField(
        "Do you own trademarks for these products?",
        widget=GovRadioInput(),
        choices=YES_NO,
        validators=[InputRequired("Select yes if you own trademarks for these products")],
    )
    trademarks = TextAreaField(
        "If yes, list the trademarks and where they are registered",
        widget=GovTextArea(),
        validators=[
            Length(
                max=DESCRIPTION_MAX,
                message=f"Trademarks must be {DESCRIPTION_MAX} characters or fewer",
            )
        ],
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def __init__(self, *args, categories: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.product_categories.choices = [(c, c) for c in (categories or [])]

    def validate_sku_count(self, field) -> None:
        """A whole number in range; "1,200" is read as 1200."""
        if not (field.data or "").isdigit() or not 1 <= int(field.data) <= SKU_MAX:
            raise ValidationError(f"Enter a whole number between 1 and {SKU_MAX:,}, like 120")

    def validate_trademarks(self, field) -> None:
        """Owners of trademarks list them; the marketplace checks brand ownership."""
        if self.has_trademarks.data == "yes" and not (field.data or "").strip():
            raise ValidationError("List your trademarks and where they are registered")


class ExperienceForm(_OneTimeForm):
    """Step 4: export experience and the pitch to the marketplace."""

    export_experience = ChoiceRadioField(
        "Have you sold overseas before?",
        widget=GovRadioInput(),
        choices=EXPORT_EXPERIENCE,
        validators=[InputRequired("Select whether you have sold overseas before")],
    )
    marketplaces_used = StringField(
        "Which online marketplaces do you sell on now? (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=500, message="This must be 500 characters or fewer")],
    )
    pitch = TextAreaField(
        "Why should the marketplace accept you?",
        widget=GovCharacterCount(),
        description="What makes your products sell, who buys them, and how you will handle "
        "orders, delivery and returns",
        validators=[
            InputRequired("Tell the marketplace why it should accept you"),
            Length(max=PITCH_MAX, message=f"Your pitch must be {PITCH_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())


STEP_FORMS = {1: DetailsForm, 2: BusinessForm, 3: ProductsForm, 4: ExperienceForm}


def form_data_for_service(form: FlaskForm) -> dict:
    """The answers of a step form, in the shape the services store."""
    data = {
        name: field.data
        for name, field in form._fields.items()
        if name not in {"csrf_token", "token", "submit"}
    }
    if data.get("sku_count") is not None:
        data["sku_count"] = int(data["sku_count"])
    if "has_trademarks" in data:
        data["has_trademarks"] = data["has_trademarks"] == "yes"
    for name in (
        "contact_job_title",
        "website",
        "marketplaces_used",
        "trademarks",
        "company_number",
    ):
        if name in data and data[name] is None:
            data[name] = ""
    return data


def form_initial(step: int, answers: dict) -> dict:
    """Saved answers in the shape the step form shows."""
    data = dict(answers)
    if step == 3 and data.get("has_trademarks") is not None:
        data["has_trademarks"] = "yes" if data["has_trademarks"] else "no"
    if step == 3 and data.get("sku_count") is not None:
        data["sku_count"] = str(data["sku_count"])
    return data


# --- moves ----------------------------------------------------------------------------------


class MoveForm(_OneTimeForm):
    """A move without a message (submit, start review)."""

    version = HiddenField(validators=[InputRequired(RELOAD)])
    submit = SubmitField("Confirm", widget=GovSubmitInput())

    @property
    def expected_version(self) -> int | None:
        """The version of the application the page showed."""
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class MessageMoveForm(MoveForm):
    """A move with a reason, question or answer; services say whether it is required."""

    message = TextAreaField(
        "Message",
        widget=GovCharacterCount(),
        validators=[
            Length(max=MESSAGE_MAX, message=f"This must be {MESSAGE_MAX} characters or fewer")
        ],
    )


# --- staff tools ----------------------------------------------------------------------------


class AssignForm(FlaskForm):
    """Give the application to a member of staff."""

    assignee = ChoiceSelectField("Assigned to", widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Assign", widget=GovSubmitInput())


class NoteForm(FlaskForm):
    """An internal note for staff only."""

    body = TextAreaField(
        "Add an internal note",
        widget=GovCharacterCount(),
        description="Only staff see notes. Exporters and marketplaces never do.",
        validators=[
            InputRequired("Enter the note"),
            Length(max=MESSAGE_MAX, message=f"The note must be {MESSAGE_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Add note", widget=GovSubmitInput())


class PartnerLinkForm(FlaskForm):
    """Link a partner user to the marketplace whose referrals they handle."""

    user = ChoiceSelectField(
        "Partner user", widget=GovSelect(), validators=[InputRequired("Select a partner user")]
    )
    marketplace = ChoiceSelectField(
        "Marketplace", widget=GovSelect(), validators=[InputRequired("Select a marketplace")]
    )
    submit = SubmitField("Link", widget=GovSubmitInput())

    def __init__(self, *args, users=(), marketplaces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user.choices = _with_placeholder([(str(u.id), u.email) for u in users])
        self.marketplace.choices = _with_placeholder([(str(m.id), m.name) for m in marketplaces])


class QueueFilterForm(FlaskForm):
    """The staff queue's filters: a GET form, so no CSRF and shareable URLs."""

    class Meta:
        csrf = False

    status = ChoiceSelectField("Status", widget=GovSelect(), validators=[Optional()])
    marketplace = ChoiceSelectField("Marketplace", widget=GovSelect(), validators=[Optional()])
    assigned = ChoiceSelectField(
        "Assigned",
        widget=GovSelect(),
        validators=[Optional()],
        choices=[("", "Anyone"), ("me", "Assigned to me"), ("unassigned", "Nobody")],
    )
    overdue = BooleanField("Only overdue", widget=GovCheckboxInput())
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    def __init__(self, *args, marketplaces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [("", "Any status")] + [
            (s.value, s.label) for s in ApplicationStatus if s != ApplicationStatus.DRAFT
        ]
        self.marketplace.choices = [("", "Any marketplace")] + [
            (str(m.id), m.name) for m in marketplaces
        ]
