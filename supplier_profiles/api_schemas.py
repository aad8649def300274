"""The supplier API's request parameters and response bodies, declared once (pydantic).

`supplier_profiles.api` parses requests and serialises answers with these models, and the
site's OpenAPI document is generated from them (tradehub.api_docs): codes are enums built from
the taxonomies, so the document lists exactly the values the API accepts.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from search_index.base import MAX_PER_PAGE, TOTAL_CAP
from supplier_profiles import taxonomies
from supplier_profiles.buyer_forms import MAX_PAGE, QUERY_MAX, SORT_CHOICES, VERIFIED_CHOICES
from tradehub import i18n
from tradehub.api import PageLinks, PageMeta, QueryParameters, ResponseBody, code_enum

SUGGEST_LIMIT = 8
DEFAULT_PER_PAGE = 20


def _codes(group: str) -> list[str]:
    return [code for code, _ in taxonomies.choices(group)]


IndustryCode = code_enum("IndustryCode", _codes("industry"))
RegionCode = code_enum("RegionCode", _codes("region"))
ExportCountryCode = code_enum("ExportCountryCode", _codes("export_country"))
LanguageCode = code_enum("LanguageCode", _codes("language"))
EmployeeBand = code_enum("EmployeeBand", _codes("employees"))
VerifiedValue = code_enum("VerifiedValue", [value for value, _ in VERIFIED_CHOICES])
SupplierSort = code_enum("SupplierSort", [value for value, _ in SORT_CHOICES])
SiteLanguage = code_enum("SiteLanguage", i18n.TAGS)

FILTER_GROUPS = ("industry", "region", "country", "language", "employees", "verified")

Page = Annotated[int, Field(ge=1, le=MAX_PAGE, description=f"Page number, 1 to {MAX_PAGE}.")]
PerPage = Annotated[
    int, Field(ge=1, le=MAX_PER_PAGE, description=f"Results per page, 1 to {MAX_PER_PAGE}.")
]


class SupplierSearchParameters(QueryParameters):
    """Find a Supplier's parameters: words, repeatable filters (OR within, AND across), pages."""

    q: str = Field(
        default="",
        max_length=QUERY_MAX,
        description=f"Search words (up to {QUERY_MAX} characters). Empty lists every supplier.",
    )
    industry: list[IndustryCode] = Field(default=[], description="Industry code. Repeatable.")
    region: list[RegionCode] = Field(default=[], description="UK region code. Repeatable.")
    country: list[ExportCountryCode] = Field(
        default=[], description="Export market, ISO 3166-1 alpha-2 (not GB). Repeatable."
    )
    language: list[LanguageCode] = Field(
        default=[], description="Language spoken, ISO 639-1. Repeatable."
    )
    employees: list[EmployeeBand] = Field(default=[], description="Employee band. Repeatable.")
    verified: list[VerifiedValue] = Field(
        default=[], description="true for verified suppliers (every listed supplier is)."
    )
    sort: SupplierSort = Field(default="relevance", description="Order of the results.")
    page: Page = 1
    per_page: PerPage = DEFAULT_PER_PAGE
    lang: SiteLanguage = Field(
        default="en",
        description=(
            "The buyer's language: search words that name an industry, product or service in "
            "it are also searched as the English label, and facet labels are in it. Codes, "
            "numbers and dates stay in machine formats."
        ),
    )

    def filters(self) -> dict[str, list[str]]:
        """The chosen filter values per group, groups with none left out."""
        return {
            group: list(getattr(self, group)) for group in FILTER_GROUPS if getattr(self, group)
        }


def _stripped(value: str) -> str:
    return value.strip()


class SuggestParameters(QueryParameters):
    """The start of a company name."""

    q: Annotated[str, AfterValidator(_stripped)] = Field(
        default="",
        max_length=QUERY_MAX,
        description="The start of a company name (empty gives no suggestions).",
    )


# --- responses -------------------------------------------------------------------------------


class FacetValue(ResponseBody):
    """A filter value with how many suppliers match it (the other filters applied)."""

    value: str
    label: str
    count: int = Field(ge=1)


class SupplierFacets(ResponseBody):
    """Counts for every filter group (disjunctive: a group's own selection is left out)."""

    industry: list[FacetValue]
    region: list[FacetValue]
    country: list[FacetValue]
    language: list[FacetValue]
    employees: list[FacetValue]
    verified: list[FacetValue]


class SupplierSearchHit(ResponseBody):
    """A supplier in search results."""

    slug: str
    name: str
    summary: str
    highlight: str = Field(description="HTML: escaped text with matches in <mark> elements.")
    industries: list[str]
    region: str | None
    countries: list[str]
    verified: bool
    url: str = Field(json_schema_extra={"format": "uri"})


_TOTAL = Field(
    ge=0,
    le=TOTAL_CAP,
    description=f"Matches, counted exactly up to {TOTAL_CAP:,} (see total_capped).",
)
_TOTAL_CAPPED = Field(
    description=f"True when more than {TOTAL_CAP:,} suppliers match: total is then {TOTAL_CAP:,}."
)
_SUGGESTION = Field(description="Corrected search words (did you mean), or null.")


class SupplierSearchResultV1(ResponseBody):
    """A page of suppliers, facet counts and a suggestion (v1 shape, deprecated)."""

    total: int = _TOTAL
    total_capped: bool = _TOTAL_CAPPED
    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=MAX_PER_PAGE)
    results: list[SupplierSearchHit]
    facets: SupplierFacets
    suggestion: str | None = _SUGGESTION


class SupplierSearchMeta(PageMeta):
    """Counts of the search, its facet counts and spelling suggestion."""

    total: int = _TOTAL
    total_capped: bool = _TOTAL_CAPPED
    facets: SupplierFacets
    suggestion: str | None = _SUGGESTION


class SupplierSearchPage(ResponseBody):
    """A page of suppliers in the list envelope: data, meta (with facets), links."""

    data: list[SupplierSearchHit]
    meta: SupplierSearchMeta
    links: PageLinks


class CaseStudyImage(ResponseBody):
    """An image of a case study."""

    url: str | None
    caption: str
    width: int
    height: int


class CaseStudy(ResponseBody):
    """A case study as the public profile shows it."""

    slug: str
    title: str
    summary: str
    description: str
    industry: str | None
    website: str | None
    keywords: list[str]
    testimonial: str | None
    testimonial_source: str | None
    images: list[CaseStudyImage]
    url: str = Field(json_schema_extra={"format": "uri"})


class SocialLinks(ResponseBody):
    """The company's social media pages."""

    twitter: str | None
    facebook: str | None
    linkedin: str | None


class Verification(ResponseBody):
    """How and when TradeHub last verified the company (from its audit records)."""

    method: Literal["letter_code", "staff"] = Field(
        description="letter_code: the owner typed the code posted to the registered address; "
        "staff: TradeHub staff checked the company's evidence."
    )
    date: str = Field(
        json_schema_extra={"format": "date"}, description="The day it was verified (UK time)."
    )


class CompaniesHouseCheck(ResponseBody):
    """What Companies House last said about the company's status, and when TradeHub asked."""

    status: str = Field(
        description="Companies House's status code, e.g. active, liquidation, administration."
    )
    checked_on: str = Field(
        json_schema_extra={"format": "date"}, description="The day it was checked (UK time)."
    )


class SupplierProfile(ResponseBody):
    """A published supplier's public profile with its case studies (no personal contacts)."""

    slug: str
    name: str
    number: str | None = Field(description="Companies House number, if registered there.")
    company_type: str
    company_type_label: str
    summary: str
    description: str
    website: str | None
    employees: str | None
    region: str | None
    industries: list[str]
    export_countries: list[str]
    languages: list[str]
    keywords: list[str]
    products_services: list[str]
    social: SocialLinks
    locality: str | None
    verified: bool
    verification: Verification | None = Field(
        description="How and when the company was verified; null if no record says so."
    )
    companies_house: CompaniesHouseCheck | None = Field(
        description="The company's status at Companies House when last checked; null if it "
        "is not registered there or has not been checked."
    )
    logo_url: str | None
    updated_at: str = Field(json_schema_extra={"format": "date-time"})
    url: str = Field(json_schema_extra={"format": "uri"})
    contact_url: str = Field(json_schema_extra={"format": "uri"})
    case_studies: list[CaseStudy]


class SuggestionsV1(ResponseBody):
    """Up to 8 company-name completions, alphabetical (v1 shape, deprecated)."""

    query: str
    suggestions: list[str]


class SuggestionsMeta(PageMeta):
    """Counts of the completions and the words they complete."""

    query: str


class SuggestionsPage(ResponseBody):
    """Up to 8 company-name completions, alphabetical, in the list envelope."""

    data: list[str]
    meta: SuggestionsMeta
    links: PageLinks


TAG = {"name": "Find a Supplier", "description": "Published UK supplier profiles."}
