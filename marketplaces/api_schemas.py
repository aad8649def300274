"""The marketplaces API's request parameters and response bodies, declared once (pydantic).

`marketplaces.api` parses requests and serialises answers with these models and the site's
OpenAPI document is generated from them; every code parameter is an enum built from the
marketplace facts (`marketplaces.models`) or the taxonomies (countries).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from marketplaces.finder import HOME_COUNTRY, HOME_COUNTRY_REFUSAL, SORTS
from marketplaces.models import (
    COMMISSION_BASES,
    FEE_FREQUENCIES,
    FULFILMENT,
    OFFER_KINDS,
    POSITIONING,
    PRODUCT_CATEGORIES,
    SELLER_MODELS,
    SETUP_REQUIREMENTS,
    TRANSLATION_NEEDS,
)
from supplier_profiles import taxonomies
from tradehub.api import PageLinks, PageMeta, QueryParameters, ResponseBody, code_enum

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 1000

ProductCategory = code_enum("ProductCategory", PRODUCT_CATEGORIES)
CountryCode = code_enum("CountryCode", [code for code, _ in taxonomies.choices("country")])
Positioning = code_enum("Positioning", POSITIONING)
Fulfilment = code_enum("Fulfilment", FULFILMENT)
SellerModel = code_enum("SellerModel", SELLER_MODELS)
MarketplaceSort = code_enum("MarketplaceSort", SORTS)
Flag = Literal["true", "false", "1", "0"]
TRUE_VALUES = frozenset({"true", "1"})


def _upper(values):
    """Country codes are read case-insensitively (jp is JP)."""
    if isinstance(values, list):
        return [v.strip().upper() if isinstance(v, str) else v for v in values]
    return values


def _export_countries(values):
    """Country codes read case-insensitively; the United Kingdom is refused (selling abroad)."""
    values = _upper(values)
    if isinstance(values, list) and HOME_COUNTRY in values:
        raise ValueError(HOME_COUNTRY_REFUSAL)
    return values


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


FlagParameter = Annotated[Flag, BeforeValidator(_lower)]


class MarketplaceListParameters(QueryParameters):
    """The finder's filters (OR within a parameter, AND across), sort and pages."""

    category: list[ProductCategory] = Field(default=[], description="Product category. Repeatable.")
    country: Annotated[list[CountryCode], BeforeValidator(_export_countries)] = Field(
        default=[],
        description=(
            "Country to sell to, ISO 3166-1 alpha-2, e.g. JP (any case). Repeatable. GB (the"
            " United Kingdom, home) is refused: the service is for selling abroad."
        ),
    )
    positioning: list[Positioning] = Field(
        default=[], description="Market positioning. Repeatable."
    )
    fulfilment: list[Fulfilment] = Field(default=[], description="Fulfilment model. Repeatable.")
    seller_model: list[SellerModel] = Field(default=[], description="Seller model. Repeatable.")
    uk_offer: FlagParameter = Field(
        default="false", description="true: only marketplaces with a live offer for UK businesses."
    )
    no_local_company: FlagParameter = Field(
        default="false", description="true: only marketplaces that need no local company."
    )
    no_local_bank_account: FlagParameter = Field(
        default="false", description="true: only marketplaces that need no local bank account."
    )
    sort: MarketplaceSort = Field(
        default="relevance", description="; ".join(f"{k}: {v}" for k, v in SORTS.items())
    )
    page: int = Field(default=1, ge=1, le=MAX_PAGE, description=f"Page number, 1 to {MAX_PAGE}.")
    per_page: int = Field(
        default=DEFAULT_PER_PAGE,
        ge=1,
        le=MAX_PER_PAGE,
        description=f"Marketplaces per page, 1 to {MAX_PER_PAGE}.",
    )


# --- responses -------------------------------------------------------------------------------

DecimalString = Annotated[
    str,
    Field(
        pattern=r"^\d+(\.\d+)?$",
        description="A decimal number as a string, so no precision is lost.",
    ),
]
FeeFrequency = code_enum("FeeFrequency", FEE_FREQUENCIES)
CommissionBasis = code_enum("CommissionBasis", COMMISSION_BASES)
OfferKind = code_enum("OfferKind", OFFER_KINDS)
SetupRequirement = code_enum("SetupRequirement", SETUP_REQUIREMENTS)
TranslationNeed = code_enum("TranslationNeed", TRANSLATION_NEEDS)
CurrencyCode = Annotated[str, Field(pattern="^[A-Z]{3}$", description="ISO 4217 code")]
MinorUnits = Annotated[
    str,
    Field(
        pattern=r"^\d+(\.\d+)?$", description="In the currency's minor units: 12.50 GBP, 19500 JPY"
    ),
]


class Money(ResponseBody):
    """An amount in a currency."""

    amount: MinorUnits
    currency: CurrencyCode


class RecurringMoney(Money):
    """An amount charged every period."""

    frequency: FeeFrequency


class Commission(ResponseBody):
    """The commission range and what it depends on."""

    low_percent: DecimalString | None
    high_percent: DecimalString | None
    basis: CommissionBasis | None


class ListingFee(ResponseBody):
    """Whether listing a product costs money, and how much."""

    charged: bool
    amount: Money | None


class Fees(ResponseBody):
    """What selling on the marketplace costs besides commission."""

    one_off_registration: Money | None
    membership: RecurringMoney | None
    deposit: Money | None
    per_listing: ListingFee


class MarketplaceOffer(ResponseBody):
    """A live offer the marketplace negotiated for UK businesses."""

    kind: OfferKind
    badge_text: str
    summary: str
    terms: str
    eligibility: str
    valid_from: str | None = Field(json_schema_extra={"format": "date"})
    valid_until: str | None = Field(json_schema_extra={"format": "date"})


class Marketplace(ResponseBody):
    """Every public fact of a published marketplace and its live UK offers."""

    slug: str
    name: str
    url: str = Field(description="The public page.", json_schema_extra={"format": "uri"})
    website: str
    worldwide: bool = Field(description="Sells to every country (countries is then empty).")
    countries: list[Annotated[str, Field(pattern="^[A-Z]{2}$")]]
    product_categories: list[str]
    positioning: list[str]
    commission: Commission
    fees: Fees
    payment_days: int | None = Field(ge=0)
    payout_currencies: list[str]
    registered_users_millions: DecimalString | None
    seller_models: list[str]
    fulfilment: list[str]
    upload_methods: list[str]
    customer_support_channels: list[str]
    seller_support_channels: list[str]
    setup_requirements: list[SetupRequirement]
    translation_required_for: list[TranslationNeed]
    product_exclusivity_required: bool
    shipping_tracking_required: bool
    famous_brands: list[str]
    uk_offers: list[MarketplaceOffer]
    facts_updated_at: str = Field(json_schema_extra={"format": "date-time"})


class MarketplaceListV1(ResponseBody):
    """A page of marketplaces (v1 shape, deprecated)."""

    total: int = Field(ge=0)
    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=MAX_PER_PAGE)
    pages: int = Field(ge=0)
    next: str | None
    previous: str | None
    marketplaces: list[Marketplace]


class MarketplacePage(ResponseBody):
    """A page of marketplaces in the list envelope: data, meta, links."""

    data: list[Marketplace]
    meta: PageMeta
    links: PageLinks


TAG = {
    "name": "Selling Online Overseas",
    "description": "Partner e-marketplaces and their UK offers.",
}
