"""Forms for the exporter's profile pages and the staff verification screens.

Every field is validated here so the error shows next to it; rules that need the database or
an outside service live in services.py and come back as ValidationFailed naming the field.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
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

from supplier_profiles import taxonomies
from supplier_profiles.keywords import clean_keywords
from supplier_profiles.models import (
    CAPTION_MAX,
    CASE_STUDY_DESCRIPTION_MAX,
    CASE_STUDY_SUMMARY_MAX,
    CASE_STUDY_TITLE_MAX,
    DESCRIPTION_MAX,
    KEYWORD_MAX,
    KEYWORDS_MAX,
    NAME_MAX,
    SUMMARY_MAX,
    TESTIMONIAL_MAX,
    EnquiryStatus,
)
from supplier_profiles.verification import normalise_code
from tradehub.companies_house import is_company_number, normalise_company_number
from tradehub.errors import ValidationFailed
from tradehub.form_fields import (
    ChoiceMultipleField,
    ChoiceRadioField,
    ChoiceSelectField,
    email_address_field,
)

REASON_MAX = 1000
REPLY_MAX = 5000
URL_MESSAGE = "Enter a web address in the correct format, like https://www.example.com"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _web_address(value: str | None) -> str | None:
    """Add https:// when people type www.example.com."""
    value = _strip(value)
    if value and "://" not in value:
        return "https://" + value
    return value


def _url_field(label: str, description: str = "") -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        description=description,
        filters=[_web_address],
        validators=[
            Optional(),
            Length(max=255, message="Web address must be 255 characters or fewer"),
            URL(require_tld=True, message=URL_MESSAGE),
            _http_only,
        ],
        render_kw={"spellcheck": "false", "inputmode": "url"},
    )


def _http_only(form, field) -> None:
    if field.data and urlsplit(field.data).scheme not in ("http", "https"):
        raise ValidationError(URL_MESSAGE)


def _social(hosts: tuple[str, ...], name: str):
    def check(form, field) -> None:
        if not field.data:
            return
        host = (urlsplit(field.data).hostname or "").lower()
        if not any(host == h or host.endswith("." + h) for h in hosts):
            raise ValidationError(f"Enter a {name} address, like https://{hosts[0]}/yourcompany")

    return check


def _keywords_rule(form, field) -> None:
    try:
        clean_keywords(field.data, field.name)
    except ValidationFailed as exc:
        raise ValidationError(str(exc)) from exc


def keywords_field(description: str = "") -> StringField:
    """Comma-separated keywords (at most 10)."""
    return StringField(
        "Keywords",
        widget=GovTextInput(),
        description=description
        or f"Up to {KEYWORDS_MAX} words or phrases buyers might search for, separated by commas",
        filters=[_strip],
        validators=[
            Optional(),
            Length(
                max=KEYWORDS_MAX * (KEYWORD_MAX + 2),
                message=f"Keywords must be {KEYWORDS_MAX * (KEYWORD_MAX + 2)} characters or "
                f"fewer: up to {KEYWORDS_MAX} words or phrases separated by commas",
            ),
            _keywords_rule,
        ],
    )


def _with_blank(choices, blank: str):
    return [("", blank), *choices]


class CreateCompanyForm(FlaskForm):
    """Start a profile: what kind of business, then its number or its name."""

    company_type = ChoiceRadioField(
        "What kind of business is it?",
        widget=GovRadioInput(),
        choices=[],
        validators=[InputRequired("Select what kind of business it is")],
    )
    number = StringField(
        "Companies House number",
        widget=GovTextInput(),
        description="Only if it is registered with Companies House. For example, 01234567 or "
        "SC123456",
        filters=[_strip],
        validators=[
            Length(max=12, message="Companies House numbers are 8 characters, like 01234567")
        ],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    name = StringField(
        "Business name",
        widget=GovTextInput(),
        description="If it is not registered with Companies House",
        filters=[_strip],
        validators=[
            Length(max=NAME_MAX, message=f"Business name must be {NAME_MAX} characters or fewer")
        ],
        render_kw={"autocomplete": "organization"},
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.company_type.choices = list(taxonomies.choices("company_type"))

    @property
    def is_companies_house(self) -> bool:
        """Whether the chosen kind needs a Companies House number."""
        return self.company_type.data == "COMPANIES_HOUSE"

    def validate_number(self, field) -> None:
        """Required, and shaped like a number, when the business is registered."""
        if not self.is_companies_house:
            return
        if not field.data:
            raise ValidationError("Enter the Companies House number")
        field.data = normalise_company_number(field.data)
        if not is_company_number(field.data):
            raise ValidationError(
                "Enter a Companies House number in the correct format, like 01234567 or SC123456"
            )

    def validate_name(self, field) -> None:
        """Required when there is no Companies House record to take it from."""
        if self.company_type.data and not self.is_companies_house and not field.data:
            raise ValidationError("Enter the business name")


class ConfirmCompanyForm(FlaskForm):
    """Confirm the business Companies House found; the number is looked up again."""

    number = HiddenField(validators=[InputRequired("Enter the Companies House number again")])
    submit = SubmitField("Create profile", widget=GovSubmitInput())

    def validate_number(self, field) -> None:
        """The number the confirmation page carried, in its one spelling."""
        field.data = normalise_company_number(field.data)
        if not is_company_number(field.data):
            raise ValidationError("Enter the Companies House number again")


class ProfileForm(FlaskForm):
    """Everything on the public profile except the logo and case studies."""

    name = StringField(
        "Business name",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            InputRequired("Enter the business name"),
            Length(max=NAME_MAX, message=f"Business name must be {NAME_MAX} characters or fewer"),
        ],
    )
    summary = TextAreaField(
        "Summary",
        widget=GovCharacterCount(),
        filters=[_strip],
        description="A sentence or two buyers see in search results",
        validators=[
            Optional(),
            Length(max=SUMMARY_MAX, message=f"Summary must be {SUMMARY_MAX} characters or fewer"),
        ],
    )
    description = TextAreaField(
        "Description",
        widget=GovCharacterCount(),
        filters=[_strip],
        description="What the business does, who for, and what makes it good at it",
        validators=[
            Optional(),
            Length(
                max=DESCRIPTION_MAX,
                message=f"Description must be {DESCRIPTION_MAX:,} characters or fewer",
            ),
        ],
    )
    website = _url_field("Website")
    email = email_address_field("Contact email address", missing=None, filters=[_strip])
    phone = StringField(
        "Contact phone number",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=40, message="Phone number must be 40 characters or fewer"),
            Regexp(
                r"^\+?[0-9 ()\-]{6,}$",
                message="Enter a phone number, like 01632 960 001 or +44 808 157 0192",
            ),
        ],
        render_kw={"autocomplete": "tel", "type": "tel"},
    )
    employees = ChoiceSelectField(
        "Number of employees", widget=GovSelect(), choices=[], validators=[Optional()]
    )
    region = ChoiceSelectField("UK region", widget=GovSelect(), choices=[], validators=[Optional()])
    industries = ChoiceMultipleField(
        "Industries",
        widget=GovCheckboxesInput(),
        choices=[],
        validators=[Optional()],
        description="Select all that apply",
    )
    export_countries = ChoiceMultipleField(
        "Countries you export to",
        widget=GovCheckboxesInput(),
        choices=[],
        validators=[Optional()],
        description="Select all that apply",
    )
    languages = ChoiceMultipleField(
        "Languages you can do business in",
        widget=GovCheckboxesInput(),
        choices=[],
        validators=[Optional()],
        description="Select all that apply",
    )
    products_services = ChoiceMultipleField(
        "Products and services",
        widget=GovCheckboxesInput(),
        choices=[],
        validators=[Optional()],
        description="Select all that apply",
    )
    keywords = keywords_field()
    twitter_url = _url_field("X (Twitter)")
    facebook_url = _url_field("Facebook")
    linkedin_url = _url_field("LinkedIn")
    submit = SubmitField("Save profile", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.employees.choices = _with_blank(taxonomies.choices("employees"), "Select a band")
        self.region.choices = _with_blank(taxonomies.choices("region"), "Select a region")
        self.industries.choices = list(taxonomies.choices("industry"))
        self.export_countries.choices = list(taxonomies.choices("export_country"))
        self.languages.choices = list(taxonomies.choices("language"))
        self.products_services.choices = [
            (label, label) for _, labels in taxonomies.products_and_services() for label in labels
        ]
        self.twitter_url.validators = [
            *self.twitter_url.validators,
            _social(("x.com", "twitter.com"), "X (Twitter)"),
        ]
        self.facebook_url.validators = [
            *self.facebook_url.validators,
            _social(("facebook.com",), "Facebook"),
        ]
        self.linkedin_url.validators = [
            *self.linkedin_url.validators,
            _social(("linkedin.com",), "LinkedIn"),
        ]

    def profile_data(self) -> dict:
        """The values to hand to services.update_profile."""
        return {
            "name": self.name.data,
            "summary": self.summary.data or "",
            "description": self.description.data or "",
            "website": self.website.data or "",
            "email": (self.email.data or "").lower(),
            "phone": self.phone.data or "",
            "employees": self.employees.data or "",
            "region": self.region.data or "",
            "industries": self.industries.data or [],
            "export_countries": self.export_countries.data or [],
            "languages": self.languages.data or [],
            "products_services": self.products_services.data or [],
            "keywords": clean_keywords(self.keywords.data),
            "twitter_url": self.twitter_url.data or "",
            "facebook_url": self.facebook_url.data or "",
            "linkedin_url": self.linkedin_url.data or "",
        }


class LogoForm(FlaskForm):
    """Upload a logo; the service checks what the file really is."""

    logo = FileField(
        "Logo",
        widget=GovFileInput(),
        description="A PNG, JPEG or WebP image, smaller than 2MB",
        validators=[InputRequired("Select an image to upload")],
    )
    submit = SubmitField("Upload logo", widget=GovSubmitInput())


class ButtonForm(FlaskForm):
    """A single CSRF-protected button (publish, unpublish, remove ...)."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class CaseStudyForm(FlaskForm):
    """A case study with up to three captioned images."""

    title = StringField(
        "Title",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            InputRequired("Enter a title"),
            Length(
                max=CASE_STUDY_TITLE_MAX,
                message=f"Title must be {CASE_STUDY_TITLE_MAX} characters or fewer",
            ),
        ],
    )
    summary = TextAreaField(
        "Summary",
        widget=GovCharacterCount(),
        filters=[_strip],
        validators=[
            InputRequired("Enter a summary"),
            Length(
                max=CASE_STUDY_SUMMARY_MAX,
                message=f"Summary must be {CASE_STUDY_SUMMARY_MAX} characters or fewer",
            ),
        ],
    )
    description = TextAreaField(
        "Description",
        widget=GovCharacterCount(),
        filters=[_strip],
        description="The challenge, what you did and the result",
        validators=[
            InputRequired("Enter a description"),
            Length(
                max=CASE_STUDY_DESCRIPTION_MAX,
                message=f"Description must be {CASE_STUDY_DESCRIPTION_MAX:,} characters or fewer",
            ),
        ],
    )
    industry = ChoiceSelectField(
        "Industry", widget=GovSelect(), choices=[], validators=[InputRequired("Select an industry")]
    )
    website = _url_field("Web address of the work", "Optional")
    keywords = keywords_field()
    image_1 = FileField(
        "Image 1",
        widget=GovFileInput(),
        description="Optional. A PNG, JPEG or WebP image, smaller than 2MB",
    )
    caption_1 = StringField(
        "Caption for image 1",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            Optional(),
            Length(
                max=CAPTION_MAX,
                message=f"Caption for image 1 must be {CAPTION_MAX} characters or fewer",
            ),
        ],
    )
    remove_image_1 = BooleanField("Remove image 1", widget=GovCheckboxInput())
    image_2 = FileField(
        "Image 2",
        widget=GovFileInput(),
        description="Optional. A PNG, JPEG or WebP image, smaller than 2MB",
    )
    caption_2 = StringField(
        "Caption for image 2",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            Optional(),
            Length(
                max=CAPTION_MAX,
                message=f"Caption for image 2 must be {CAPTION_MAX} characters or fewer",
            ),
        ],
    )
    remove_image_2 = BooleanField("Remove image 2", widget=GovCheckboxInput())
    image_3 = FileField(
        "Image 3",
        widget=GovFileInput(),
        description="Optional. A PNG, JPEG or WebP image, smaller than 2MB",
    )
    caption_3 = StringField(
        "Caption for image 3",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            Optional(),
            Length(
                max=CAPTION_MAX,
                message=f"Caption for image 3 must be {CAPTION_MAX} characters or fewer",
            ),
        ],
    )
    remove_image_3 = BooleanField("Remove image 3", widget=GovCheckboxInput())
    testimonial = TextAreaField(
        "Testimonial",
        widget=GovCharacterCount(),
        filters=[_strip],
        description="Optional. What the client said about the work",
        validators=[
            Optional(),
            Length(
                max=TESTIMONIAL_MAX,
                message=f"Testimonial must be {TESTIMONIAL_MAX:,} characters or fewer",
            ),
        ],
    )
    testimonial_source = StringField(
        "Who said it",
        widget=GovTextInput(),
        filters=[_strip],
        description="Name, job title and organisation",
        validators=[Length(max=255, message="This must be 255 characters or fewer")],
    )
    submit = SubmitField("Save case study", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.industry.choices = _with_blank(taxonomies.choices("industry"), "Select an industry")

    def validate_testimonial_source(self, field) -> None:
        """A testimonial needs to say who gave it."""
        if self.testimonial.data and not field.data:
            raise ValidationError("Enter who gave the testimonial")

    def study_data(self) -> dict:
        """The text values to hand to the case study services."""
        return {
            "title": self.title.data,
            "summary": self.summary.data or "",
            "description": self.description.data or "",
            "industry": self.industry.data or "",
            "website": self.website.data or "",
            "keywords": clean_keywords(self.keywords.data),
            "testimonial": self.testimonial.data or "",
            "testimonial_source": self.testimonial_source.data or "",
        }


class InviteForm(FlaskForm):
    """The owner invites an editor."""

    email = email_address_field(
        missing="Enter the email address of the person to invite",
        autocomplete=False,
        filters=[_strip],
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class VerifyCodeForm(FlaskForm):
    """The code from the posted letter."""

    code = StringField(
        "Verification code",
        widget=GovTextInput(),
        filters=[_strip],
        description="12 letters, for example ABCD-EFGH-JKLM",
        validators=[
            InputRequired("Enter the code from the letter"),
            Length(max=20, message="Enter the 12-letter code from the letter"),
        ],
        render_kw={"spellcheck": "false", "autocomplete": "off", "autocapitalize": "characters"},
    )
    submit = SubmitField("Verify", widget=GovSubmitInput())

    def validate_code(self, field) -> None:
        """Twelve letters, ignoring spaces and dashes."""
        code = normalise_code(field.data)
        if len(code) != 12 or not code.isalpha():
            raise ValidationError("Enter the 12-letter code from the letter")


class DeleteCompanyForm(FlaskForm):
    """The owner confirms deleting the profile."""

    confirm = BooleanField(
        "I understand the profile, its case studies and its enquiries will be removed",
        widget=GovCheckboxInput(),
        validators=[InputRequired("Confirm you want to delete the profile")],
    )
    submit = SubmitField("Delete profile", widget=GovSubmitInput())


class EnquiryReplyForm(FlaskForm):
    """Answer a buyer by email."""

    message = TextAreaField(
        "Your reply",
        widget=GovCharacterCount(),
        filters=[_strip],
        validators=[
            InputRequired("Enter your reply"),
            Length(max=REPLY_MAX, message=f"Your reply must be {REPLY_MAX:,} characters or fewer"),
        ],
    )
    submit = SubmitField("Send reply", widget=GovSubmitInput())


class EnquiryStatusForm(FlaskForm):
    """Mark an enquiry new, replied or archived."""

    status = HiddenField(validators=[InputRequired("Choose a status")])
    submit = SubmitField("Update", widget=GovSubmitInput())

    def validate_status(self, field) -> None:
        """One of the known statuses."""
        if field.data not in {s.value for s in EnquiryStatus}:
            raise ValidationError("Choose a status")


class StaffReasonForm(FlaskForm):
    """Staff verify, revoke or unpublish with a reason that is kept."""

    reason = TextAreaField(
        "Reason",
        widget=GovCharacterCount(),
        filters=[_strip],
        description="This is kept in the company's history",
        validators=[
            InputRequired("Enter the reason"),
            Length(max=REASON_MAX, message=f"Reason must be {REASON_MAX:,} characters or fewer"),
        ],
    )
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class StaffSearchForm(FlaskForm):
    """Filter the staff list of companies (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(
        "Name or Companies House number",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            Optional(),
            Length(
                max=100, message="Name or Companies House number must be 100 characters or fewer"
            ),
        ],
    )
    state = ChoiceSelectField(
        "Show",
        widget=GovSelect(),
        validators=[Optional()],
        choices=[
            ("", "All companies"),
            ("unverified", "Waiting for verification"),
            ("verified", "Verified"),
            ("published", "Published"),
        ],
    )
    submit = SubmitField("Filter", widget=GovSubmitInput())
