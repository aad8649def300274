"""Forms for the finder, the cost estimate and the staff screens.

The finder and cost-estimate forms read `request.args` with CSRF off (they change nothing and
their URLs are meant to be shared); every staff form is a CSRF-protected POST.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
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
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from marketplaces.facts import is_currency_code
from marketplaces.finder import HOME_COUNTRY, HOME_COUNTRY_REFUSAL, SORTS, FinderQuery
from marketplaces.models import (
    COMMISSION_BASES,
    FEE_FREQUENCIES,
    FULFILMENT,
    OFFER_KINDS,
    POSITIONING,
    PRODUCT_CATEGORIES,
    SELLER_MODELS,
    SETUP_REQUIREMENTS,
    SUPPORT_CHANNELS,
    TRANSLATION_NEEDS,
    UPLOAD_METHODS,
)
from supplier_profiles import taxonomies
from tradehub.form_fields import (
    ChoiceRadioField,
    ChoiceSelectField,
    DayMonthYearField,
    NumberField,
    WholeNumberField,
    length,
)


def _pairs(values) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


def _translated_pairs(values) -> list[tuple[str, str]]:
    """Stored English values, shown to the reader in their language (they are in the
    catalogues: marked N_ in models.py or taken from taxonomies.json)."""
    return [(v, _l(v)) for v in values]


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166 country, by name."""
    return list(taxonomies.choices("country"))


def export_country_choices() -> list[tuple[str, str]]:
    """The countries a UK business can sell to: every country but the United Kingdom, named
    (and sorted) in the reader's language."""
    return [
        (code, name) for code, name in taxonomies.display_choices("country") if code != HOME_COUNTRY
    ]


class ExportCountryField(SelectField):
    """A country to sell to: the United Kingdom is home, so it is never offered."""

    def pre_validate(self, form) -> None:
        if self.data == HOME_COUNTRY:
            raise ValidationError(_l(HOME_COUNTRY_REFUSAL))
        if self.data and self.data not in {code for code, _ in self.choices}:
            raise ValidationError(_l("Choose a country from the list"))


def currency_code(form, field) -> None:
    """An ISO 4217 currency code."""
    if field.data:
        field.data = field.data.strip().upper()
        if not is_currency_code(field.data):
            raise ValidationError("Enter a 3-letter ISO 4217 currency code, like USD or EUR")


class ChoiceList(SelectMultipleField):
    """Several choices from a fixed list; an unknown value gets a message people understand."""

    def pre_validate(self, form) -> None:
        allowed = {str(value) for value, _label in self.choices}
        unknown = [value for value in self.data or [] if value not in allowed]
        if unknown:
            raise ValidationError(
                gettext(
                    "%(field)s: choose from the list (“%(value)s” is not one of the options)",
                    field=self.label.text,
                    value=unknown[0],
                )
            )


class NoCSRFForm(FlaskForm):
    """A GET form: nothing changes, so no CSRF token (and shareable URLs)."""

    class Meta:
        csrf = False


class FinderForm(NoCSRFForm):
    """The finder's filters and sort, read from the query string."""

    category = ChoiceList(
        _l("Product category"),
        choices=_translated_pairs(PRODUCT_CATEGORIES),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    country = ExportCountryField(
        _l("Country you want to sell to"), widget=GovSelect(), validators=[Optional()]
    )
    positioning = ChoiceList(
        _l("Market positioning"),
        choices=_translated_pairs(POSITIONING),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    fulfilment = ChoiceList(
        _l("Fulfilment"),
        choices=_translated_pairs(FULFILMENT),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    seller_model = ChoiceList(
        _l("Seller model"),
        choices=_translated_pairs(SELLER_MODELS),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    uk_offer = BooleanField(_l("Has an offer for UK businesses"), widget=GovCheckboxInput())
    no_local_company = BooleanField(_l("No local company needed"), widget=GovCheckboxInput())
    no_local_bank_account = BooleanField(
        _l("No local bank account needed"), widget=GovCheckboxInput()
    )
    sort = ChoiceSelectField(
        _l("Sort by"),
        choices=[(key, _l(label)) for key, label in SORTS.items()],
        default="relevance",
        widget=GovSelect(),
        validators=[Optional()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _l("Any country"))] + export_country_choices()

    def to_query(self) -> FinderQuery:
        """The validated filters as a FinderQuery."""
        return FinderQuery(
            categories=list(self.category.data or []),
            countries=[self.country.data] if self.country.data else [],
            positioning=list(self.positioning.data or []),
            fulfilment=list(self.fulfilment.data or []),
            seller_models=list(self.seller_model.data or []),
            uk_offer=bool(self.uk_offer.data),
            no_local_company=bool(self.no_local_company.data),
            no_local_bank_account=bool(self.no_local_bank_account.data),
            sort=self.sort.data or "relevance",
        )


class CostEstimateForm(NoCSRFForm):
    """Monthly sales and listings for the cost estimate, read from the query string."""

    monthly_sales = NumberField(
        _l("Expected monthly sales, in pounds"),
        places=2,
        example="5000",
        invalid=_l("Enter your expected monthly sales as a number of pounds, like 5000"),
        widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter your expected monthly sales in pounds")),
            NumberRange(
                min=Decimal("0"),
                max=Decimal("100000000"),
                message=_l("Monthly sales must be between £0 and £100,000,000"),
            ),
        ],
        render_kw={"inputmode": "decimal", "spellcheck": "false"},
    )
    listings = WholeNumberField(
        _l("Number of product listings"),
        invalid=_l("Enter the number of product listings as a whole number, like 250"),
        widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter how many products you will list")),
            NumberRange(
                min=0,
                max=1_000_000,
                message=_l("Number of listings must be between 0 and 1,000,000"),
            ),
        ],
        render_kw={"inputmode": "numeric", "spellcheck": "false"},
    )
    slug = ChoiceList(_l("Marketplaces"), validators=[Optional()], widget=GovCheckboxesInput())
    submit = SubmitField(_l("Estimate costs"), widget=GovSubmitInput())


# --- staff ---------------------------------------------------------------------------------------


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class LinesField(TextAreaField):
    """A list of values, one per line."""

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = _lines(valuelist[0])

    def _value(self) -> str:
        return "\n".join(self.data or [])


class NewMarketplaceForm(FlaskForm):
    """Start a draft marketplace."""

    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the marketplace's name"), length(200, "Name")],
    )
    slug = StringField(
        "Web address name",
        widget=GovTextInput(),
        description="Lower-case letters, numbers and hyphens, used in the page address",
        validators=[
            InputRequired("Enter a web address name"),
            length(100, "Web address name"),
            Regexp(
                r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                message="Use lower-case letters, numbers and hyphens only",
            ),
        ],
    )
    submit = SubmitField("Create draft", widget=GovSubmitInput())


def _money_pair(label: str):
    amount = NumberField(
        f"{label}: amount",
        places=2,
        example="25",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=0, message=f"{label}: amount must be 0 or more"),
        ],
    )
    currency = StringField(
        f"{label}: currency",
        widget=GovTextInput(),
        description="ISO 4217 code, like USD",
        validators=[Optional(), currency_code],
    )
    return amount, currency


class MarketplaceFactsForm(FlaskForm):
    """Every fact of a marketplace; saved as a draft until published."""

    version = HiddenField()
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the marketplace's name"), length(200, "Name")],
    )
    website = StringField(
        "Website",
        widget=GovTextInput(),
        validators=[
            Optional(),
            URL(message="Enter a web address like https://www.example.com"),
            length(500, "Website"),
        ],
    )
    worldwide = BooleanField("Sells worldwide (matches every country)", widget=GovCheckboxInput())
    countries = StringField(
        "Countries",
        widget=GovTextInput(),
        description="ISO 3166 two-letter codes separated by commas, like FR, DE",
    )
    product_categories = ChoiceList(
        "Product categories",
        choices=_pairs(PRODUCT_CATEGORIES),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    positioning = ChoiceList(
        "Market positioning",
        choices=_pairs(POSITIONING),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    commission_low = NumberField(
        "Commission, low end (%)",
        places=2,
        example="8.5",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(
                min=0, max=100, message="Commission, low end must be between 0 and 100 percent"
            ),
        ],
    )
    commission_high = NumberField(
        "Commission, high end (%)",
        places=2,
        example="15",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(
                min=0, max=100, message="Commission, high end must be between 0 and 100 percent"
            ),
        ],
    )
    commission_basis = ChoiceRadioField(
        "What the commission depends on",
        choices=[("", "Not stated"), *COMMISSION_BASES.items()],
        widget=GovRadioInput(),
        validators=[Optional()],
        default="",
    )
    registration_fee_amount, registration_fee_currency = _money_pair("One-off registration fee")
    membership_fee_amount, membership_fee_currency = _money_pair("Membership fee")
    membership_fee_frequency = ChoiceSelectField(
        "Membership fee: how often",
        choices=[("", "Not charged"), *((k, k.capitalize()) for k in FEE_FREQUENCIES)],
        widget=GovSelect(),
        validators=[Optional()],
    )
    deposit_amount, deposit_currency = _money_pair("Deposit")
    fee_per_listing = BooleanField("Charges a fee per listing", widget=GovCheckboxInput())
    listing_fee_amount, listing_fee_currency = _money_pair("Fee per listing")
    payment_days = WholeNumberField(
        "Days until sellers are paid",
        example="14",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(
                min=0, max=365, message="Days until sellers are paid must be between 0 and 365"
            ),
        ],
    )
    payout_currencies = StringField(
        "Payout currencies",
        widget=GovTextInput(),
        description="ISO 4217 codes separated by commas, like EUR, GBP",
    )
    registered_users_millions = NumberField(
        "Registered users (millions)",
        places=2,
        example="2.5",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=0, message="Registered users (millions) must be 0 or more"),
        ],
    )
    seller_models = ChoiceList(
        "Seller models",
        choices=_pairs(SELLER_MODELS),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    fulfilment = ChoiceList(
        "Fulfilment",
        choices=_pairs(FULFILMENT),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    upload_methods = ChoiceList(
        "Ways to upload products",
        choices=_pairs(UPLOAD_METHODS),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    customer_support_channels = ChoiceList(
        "Customer support channels",
        choices=_pairs(SUPPORT_CHANNELS),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    seller_support_channels = ChoiceList(
        "Seller support channels",
        choices=_pairs(SUPPORT_CHANNELS),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    setup_requirements = ChoiceList(
        "Set-up requirements",
        choices=list(SETUP_REQUIREMENTS.items()),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    translation_required_for = ChoiceList(
        "Translation needed for",
        choices=list(TRANSLATION_NEEDS.items()),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    product_exclusivity_required = BooleanField(
        "Sellers must sell exclusively here", widget=GovCheckboxInput()
    )
    shipping_tracking_required = BooleanField("Shipping must be tracked", widget=GovCheckboxInput())
    famous_brands = LinesField(
        "Famous brands selling here", widget=GovTextArea(), description="One per line"
    )
    submit = SubmitField("Save draft", widget=GovSubmitInput())

    def validate_commission_high(self, field) -> None:
        """Both ends or neither, the high end not below the low end."""
        low, high = self.commission_low.data, field.data
        if (low is None) != (high is None):
            raise ValidationError("Enter both ends of the commission range, or neither")
        if low is not None and high < low:
            raise ValidationError("The high end must be the same as the low end or higher")

    def validate(self, extra_validators=None) -> bool:
        """Field rules, then: every amount has a currency; membership has a frequency."""
        ok = super().validate(extra_validators)
        for prefix in ("registration_fee", "membership_fee", "deposit", "listing_fee"):
            amount = getattr(self, f"{prefix}_amount")
            currency = getattr(self, f"{prefix}_currency")
            if amount.data is not None and not currency.data:
                currency.errors = [*currency.errors, "Enter the currency of this amount"]
                ok = False
        if self.membership_fee_amount.data is not None and not self.membership_fee_frequency.data:
            self.membership_fee_frequency.errors = [
                *self.membership_fee_frequency.errors,
                "Choose how often the membership fee is charged",
            ]
            ok = False
        return ok

    def to_facts(self) -> dict:
        """The form's values in the data-file shape the services use."""

        def money(prefix: str, with_frequency: bool = False):
            amount = getattr(self, f"{prefix}_amount").data
            if amount is None:
                return None
            fee = {"amount": float(amount), "currency": getattr(self, f"{prefix}_currency").data}
            if with_frequency:
                fee["frequency"] = self.membership_fee_frequency.data
            return fee

        def codes(text: str | None) -> list[str]:
            return [c.strip().upper() for c in (text or "").split(",") if c.strip()]

        low, high = self.commission_low.data, self.commission_high.data
        return {
            "name": self.name.data,
            "website": self.website.data or "",
            "countries": "GLOBAL" if self.worldwide.data else codes(self.countries.data),
            "product_categories": self.product_categories.data or [],
            "positioning": self.positioning.data or [],
            "commission": None
            if low is None
            else {"low_percent": float(low), "high_percent": float(high)},
            "commission_basis": self.commission_basis.data or None,
            "one_off_registration_fee": money("registration_fee"),
            "membership_fee": money("membership_fee", with_frequency=True),
            "deposit": money("deposit"),
            "fee_per_listing": bool(self.fee_per_listing.data),
            "listing_fee": money("listing_fee"),
            "payment_days": self.payment_days.data,
            "payout_currencies": codes(self.payout_currencies.data),
            "registered_users_millions": (
                None
                if self.registered_users_millions.data is None
                else float(self.registered_users_millions.data)
            ),
            "seller_models": self.seller_models.data or [],
            "fulfilment": self.fulfilment.data or [],
            "upload_methods": self.upload_methods.data or [],
            "customer_support_channels": self.customer_support_channels.data or [],
            "seller_support_channels": self.seller_support_channels.data or [],
            "setup_requirements": self.setup_requirements.data or [],
            "translation_required_for": self.translation_required_for.data or [],
            "product_exclusivity_required": bool(self.product_exclusivity_required.data),
            "shipping_tracking_required": bool(self.shipping_tracking_required.data),
            "famous_brands": self.famous_brands.data or [],
        }

    def fill_from(self, facts: dict, version: int) -> None:
        """Show the given facts (data-file shape) in the form."""

        def put(prefix: str, fee: dict | None, with_frequency: bool = False):
            getattr(self, f"{prefix}_amount").data = (
                None if not fee else Decimal(str(fee["amount"]))
            )
            getattr(self, f"{prefix}_currency").data = (fee or {}).get("currency")
            if with_frequency:
                self.membership_fee_frequency.data = (fee or {}).get("frequency") or ""

        self.version.data = str(version)
        self.name.data = facts["name"]
        self.website.data = facts["website"]
        self.worldwide.data = facts["countries"] == "GLOBAL"
        self.countries.data = "" if self.worldwide.data else ", ".join(facts["countries"])
        for key in (
            "product_categories",
            "positioning",
            "seller_models",
            "fulfilment",
            "upload_methods",
            "customer_support_channels",
            "seller_support_channels",
            "setup_requirements",
            "translation_required_for",
            "famous_brands",
        ):
            getattr(self, key).data = list(facts[key])
        commission = facts["commission"] or {}
        self.commission_low.data = (
            None
            if commission.get("low_percent") is None
            else Decimal(str(commission["low_percent"]))
        )
        self.commission_high.data = (
            None
            if commission.get("high_percent") is None
            else Decimal(str(commission["high_percent"]))
        )
        self.commission_basis.data = facts["commission_basis"] or ""
        put("registration_fee", facts["one_off_registration_fee"])
        put("membership_fee", facts["membership_fee"], with_frequency=True)
        put("deposit", facts["deposit"])
        put("listing_fee", facts["listing_fee"])
        self.fee_per_listing.data = facts["fee_per_listing"]
        self.payment_days.data = facts["payment_days"]
        self.payout_currencies.data = ", ".join(facts["payout_currencies"])
        users = facts["registered_users_millions"]
        self.registered_users_millions.data = None if users is None else Decimal(str(users))
        self.product_exclusivity_required.data = facts["product_exclusivity_required"]
        self.shipping_tracking_required.data = facts["shipping_tracking_required"]


class VersionedActionForm(FlaskForm):
    """A button that acts on a versioned object (publish, unpublish, discard)."""

    version = HiddenField(validators=[InputRequired("Reload the page and try again")])


class ConfirmedActionForm(VersionedActionForm):
    """A button that asks first: without `confirmed` the view shows a confirmation page."""

    confirmed = HiddenField()


class PublishForm(VersionedActionForm):
    """The publish button: a refused publication (facts still missing) is reported on it."""

    publish = SubmitField("Publish")


class OfferForm(FlaskForm):
    """A UK offer on one marketplace."""

    version = HiddenField()
    kind = ChoiceSelectField(
        "Kind of offer",
        choices=list(OFFER_KINDS.items()),
        widget=GovSelect(),
        validators=[InputRequired("Choose the kind of offer")],
    )
    badge_text = StringField(
        "Badge text",
        widget=GovTextInput(),
        description="A few words shown in a tag, like “UK offer: 3 months free”",
        validators=[
            InputRequired("Enter the badge text"),
            Length(max=60, message="Badge text must be 60 characters or fewer"),
        ],
    )
    summary = StringField(
        "Summary",
        widget=GovTextInput(),
        validators=[InputRequired("Enter a summary of the offer"), length(500, "Summary")],
    )
    terms = TextAreaField("Terms", widget=GovTextArea(), validators=[length(5000, "Terms")])
    eligibility = TextAreaField(
        "Who is eligible", widget=GovTextArea(), validators=[length(5000, "Who is eligible")]
    )
    valid_from = DayMonthYearField(
        "Valid from",
        widget=GovDateInput(),
        invalid="Valid from must be a real date, like 27 3 2027",
        validators=[Optional()],
        description="For example, 27 3 2027",
    )
    valid_until = DayMonthYearField(
        "Valid until",
        widget=GovDateInput(),
        invalid="Valid until must be a real date, like 31 12 2027",
        validators=[Optional()],
        description="For example, 31 12 2027",
    )
    submit = SubmitField("Save offer", widget=GovSubmitInput())

    def validate_valid_until(self, field) -> None:
        """The end date comes after the start date."""
        if field.data and self.valid_from.data and field.data <= self.valid_from.data:
            raise ValidationError("The end date must be after the start date")


class ExchangeRateForm(FlaskForm):
    """One exchange rate: units of a currency per pound."""

    version = HiddenField()
    currency = StringField(
        "Currency",
        widget=GovTextInput(),
        description="ISO 4217 code, like USD",
        validators=[
            InputRequired("Enter a currency code"),
            Length(max=3, message="Enter a 3-letter currency code, like USD"),
            currency_code,
        ],
    )
    units_per_gbp = NumberField(
        "Units of this currency per £1",
        places=6,
        invalid="Enter the rate as a number, like 1.25",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the rate as a number, like 1.25"),
            NumberRange(min=Decimal("0.000001"), message="Enter a rate greater than 0"),
        ],
    )
    source = StringField(
        "Source",
        widget=GovTextInput(),
        description="Where the rate comes from, like HMRC monthly rates",
        validators=[InputRequired("Enter where the rate comes from"), length(300, "Source")],
    )
    as_of = DayMonthYearField("Rate date", widget=GovDateInput(), validators=[Optional()])
    submit = SubmitField("Save rate", widget=GovSubmitInput())

    def __init__(self, *args, existing_currency: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Editing a rate: its currency is shown but cannot change.
        self.existing_currency = existing_currency
        if existing_currency is not None:
            self.currency.render_kw = {"readonly": True}

    def validate_currency(self, field) -> None:
        """Pounds are the base currency; an existing rate keeps its currency."""
        if field.data == "GBP":
            raise ValidationError("Pounds are the base currency and need no rate")
        if self.existing_currency is not None and field.data != self.existing_currency:
            raise ValidationError("The currency of an existing rate cannot change")
