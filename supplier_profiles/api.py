"""The public JSON API: search suppliers, read one supplier's public profile, name completions.

Read-only and anonymous. Every endpoint is declared with `tradehub.api.operation`: the pydantic
models of `supplier_profiles.api_schemas` parse the query (a bad or unknown parameter gets a 400
naming it) and serialise the answer, and the OpenAPI document is generated from them. v2 lists
use the one envelope (data, meta, links); v1 keeps its older shapes, deprecated, until its
Sunset date. When the search engine is down the answer is a 503 JSON error.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, redirect, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from search_index import service
from search_index.base import SearchQuery
from search_index.errors import SearchUnavailable
from supplier_profiles import taxonomies, verification
from supplier_profiles.api_schemas import (
    FILTER_GROUPS,
    MAX_PAGE,
    SUGGEST_LIMIT,
    TAG,
    SuggestionsPage,
    SuggestionsV1,
    SuggestParameters,
    SupplierProfile,
    SupplierSearchPage,
    SupplierSearchParameters,
    SupplierSearchResultV1,
)
from supplier_profiles.buyer_forms import filter_labels
from supplier_profiles.media import case_study_image_url, company_logo_url
from supplier_profiles.models import CaseStudy, Company
from supplier_profiles.views import canonical_slug
from tradehub.api import (
    LIST_MAX_AGE,
    Answer,
    ApiError,
    Deprecation,
    newest,
    operation,
    page_count,
    page_links,
    v1_deprecation,
)
from tradehub.base_url import url_for_each
from tradehub.dates import to_uk
from tradehub.extensions import db

api_bp = Blueprint("supplier_profiles_api", __name__, url_prefix="/api")

TAG_NAME = TAG["name"]
SEARCH_UNAVAILABLE = "Search is not available at the moment. Try again in a few minutes."
_SEARCH_ERRORS = {503: "The search engine is unavailable; try again later."}
_SLUG = {"slug": "The supplier's slug, as in its page's web address."}


def _v1(successor: str) -> Deprecation:
    return v1_deprecation(f"supplier_profiles_api.{successor}")


# One statement, one round trip, each max an index lookup (migration f15a7c3d9e21); built once
# and run on the session's connection without the ORM (a fifth of its cost, #15).
_CHANGED_AT = select(
    select(func.max(Company.updated_at)).scalar_subquery(),
    select(func.max(CaseStudy.updated_at)).scalar_subquery(),
)


def suppliers_changed_at() -> datetime:
    """When any supplier or case study last changed: the Last-Modified of searches."""
    companies, case_studies = db.session.connection().execute(_CHANGED_AT).one()
    return newest(companies, case_studies)


def _search(params: SupplierSearchParameters):
    text, alternatives = taxonomies.cross_language_search(params.q)
    query = SearchQuery(
        text=text,
        alternatives=alternatives,
        filters=params.filters(),
        sort=params.sort,
        page=params.page,
        per_page=params.per_page,
    )
    try:
        return service.search(query, source="api")
    except SearchUnavailable:
        current_app.logger.warning("API: search engine unavailable")
        raise ApiError(503, SEARCH_UNAVAILABLE, headers={"Retry-After": "60"}) from None


def hits_json(hits) -> list[dict]:
    """A page of search results as the API shows them."""
    urls = url_for_each(
        "supplier_profiles.company_profile", "slug", [hit.slug for hit in hits], _external=True
    )
    return [
        {
            "slug": hit.slug,
            "name": hit.name,
            "summary": hit.summary,
            "highlight": hit.highlight,
            "industries": list(hit.industries),
            "region": hit.region or None,
            "countries": list(hit.countries),
            "verified": bool(hit.verified),
            "url": url,
        }
        for hit, url in zip(hits, urls, strict=True)
    ]


def facets_json(result) -> dict:
    """Facet counts of every filter group, with the labels a person reads."""
    return {group: _facet_json(group, result.facets.get(group, [])) for group in FILTER_GROUPS}


def _facet_json(group: str, facets) -> list[dict]:
    labels = filter_labels(group, [f.value for f in facets])
    return [
        {"value": f.value, "label": label, "count": f.count}
        for f, label in zip(facets, labels, strict=True)
    ]


_SEARCH_DESCRIPTION = (
    "Free text over names, keywords, products and services, summaries, case studies and "
    "descriptions, with filters (OR within a filter, AND across filters), facet counts for "
    "every filter, sort and pages. Only published and verified suppliers are ever returned. "
    "Unknown parameters are refused."
)


@api_bp.get("/v2/suppliers")
@operation(
    operation_id="searchSuppliers",
    summary="Search published UK suppliers",
    description=_SEARCH_DESCRIPTION,
    tag=TAG_NAME,
    query=SupplierSearchParameters,
    response=SupplierSearchPage,
    errors=_SEARCH_ERRORS,
    max_age=LIST_MAX_AGE,
)
def search_suppliers(params: SupplierSearchParameters) -> Answer:
    """A page of suppliers in the list envelope, facets and suggestion in `meta`."""
    result = _search(params)
    pages = page_count(result.total, params.per_page, MAX_PAGE)
    body = {
        "data": hits_json(result.hits),
        "meta": {
            "total": result.total,
            "total_capped": result.total_capped,
            "page": params.page,
            "per_page": params.per_page,
            "pages": pages,
            "facets": facets_json(result),
            "suggestion": result.suggestion,
        },
        "links": page_links(params.page, pages),
    }
    return Answer(body, suppliers_changed_at())


@api_bp.get("/v1/suppliers")
@operation(
    operation_id="searchSuppliersV1",
    summary="Search published UK suppliers (v1 shape)",
    description=_SEARCH_DESCRIPTION,
    tag=TAG_NAME,
    query=SupplierSearchParameters,
    response=SupplierSearchResultV1,
    errors=_SEARCH_ERRORS,
    max_age=LIST_MAX_AGE,
    deprecation=_v1("search_suppliers"),
)
def search_suppliers_v1(params: SupplierSearchParameters) -> Answer:
    """v1: total, page, per_page, results, facets and suggestion at the top level."""
    result = _search(params)
    body = {
        "total": result.total,
        "total_capped": result.total_capped,
        "page": result.page,
        "per_page": result.per_page,
        "results": hits_json(result.hits),
        "facets": facets_json(result),
        "suggestion": result.suggestion,
    }
    return Answer(body, suppliers_changed_at())


def case_study_json(company: Company, study: CaseStudy) -> dict:
    """A case study as the public profile shows it."""
    return {
        "slug": study.slug,
        "title": study.title,
        "summary": study.summary,
        "description": study.description,
        "industry": study.industry or None,
        "website": study.website or None,
        "keywords": list(study.keywords or []),
        "testimonial": study.testimonial or None,
        "testimonial_source": study.testimonial_source or None,
        "images": [
            {
                "url": case_study_image_url(image, external=True),
                "caption": image.caption,
                "width": image.width,
                "height": image.height,
            }
            for image in study.images
        ],
        "url": url_for(
            "supplier_profiles.case_study", slug=company.slug, case_slug=study.slug, _external=True
        ),
    }


def verification_json(company: Company) -> dict | None:
    """The method and the UK date of the company's current verification, or None."""
    evidence = verification.verification_evidence(company)
    if evidence is None:
        return None
    return {
        "method": "letter_code" if evidence.by_code else "staff",
        "date": to_uk(evidence.at).date().isoformat(),
    }


def companies_house_json(company: Company) -> dict | None:
    """The status Companies House last gave and the UK date of that check, or None."""
    check = verification.companies_house_check(company)
    if check is None:
        return None
    return {"status": check.status, "checked_on": to_uk(check.at).date().isoformat()}


def company_json(company: Company) -> dict:
    """The public profile: what the company page shows, without personal contact details."""
    return {
        "slug": company.slug,
        "name": company.name,
        "number": company.number,
        "company_type": company.company_type,
        "company_type_label": taxonomies.company_type_label(company.company_type),
        "summary": company.summary,
        "description": company.description,
        "website": company.website or None,
        "employees": company.employees or None,
        "region": company.region or None,
        "industries": list(company.industries or []),
        "export_countries": list(company.export_countries or []),
        "languages": list(company.languages or []),
        "keywords": list(company.keywords or []),
        "products_services": list(company.products_services or []),
        "social": {
            "twitter": company.twitter_url or None,
            "facebook": company.facebook_url or None,
            "linkedin": company.linkedin_url or None,
        },
        "locality": company.locality or None,
        "verified": company.is_verified,
        "verification": verification_json(company),
        "companies_house": companies_house_json(company),
        "logo_url": company_logo_url(company, external=True),
        "updated_at": company.updated_at.isoformat().replace("+00:00", "Z"),
        "url": url_for("supplier_profiles.company_profile", slug=company.slug, _external=True),
        "contact_url": url_for(
            "supplier_profiles.contact_supplier", slug=company.slug, _external=True
        ),
        "case_studies": [case_study_json(company, s) for s in company.case_studies],
    }


def _published_company(slug: str, endpoint: str):
    company = db.session.scalar(
        select(Company)
        .where(Company.slug == slug)
        .options(selectinload(Company.case_studies).selectinload(CaseStudy.images))
    )
    if company is None:
        canonical = canonical_slug(slug)
        if canonical is not None:
            return redirect(url_for(endpoint, slug=canonical), 301)
    if company is None or not company.is_publishable:
        raise ApiError(404, f"No published supplier has the slug {slug!r}.")
    changed = newest(company.updated_at, *(s.updated_at for s in company.case_studies))
    return Answer(company_json(company), changed)


_PROFILE = {
    "summary": "A published supplier's public profile with its case studies",
    "tag": TAG_NAME,
    "response": SupplierProfile,
    "path_parameters": _SLUG,
    "errors": {404: "No published supplier has this slug."},
    "redirects": {301: "The slug is not canonical; Location has the canonical URL."},
}


@api_bp.get("/v2/suppliers/<slug>")
@operation(operation_id="getSupplier", **_PROFILE)
def get_supplier(slug: str):
    """One published supplier with its case studies; a non-canonical slug redirects."""
    return _published_company(slug, "supplier_profiles_api.get_supplier")


@api_bp.get("/v1/suppliers/<slug>")
@operation(operation_id="getSupplierV1", deprecation=_v1("get_supplier"), **_PROFILE)
def get_supplier_v1(slug: str):
    """v1 of the profile: the same body as v2."""
    return _published_company(slug, "supplier_profiles_api.get_supplier_v1")


def _suggestions(prefix: str) -> list[str]:
    if not prefix:
        return []
    try:
        return list(service.suggest(prefix, limit=SUGGEST_LIMIT))
    except SearchUnavailable:
        current_app.logger.warning("API: search engine unavailable")
        raise ApiError(503, SEARCH_UNAVAILABLE, headers={"Retry-After": "60"}) from None


@api_bp.get("/v2/suggest")
@operation(
    operation_id="suggestSuppliers",
    summary="Company-name completions for a search box",
    tag=TAG_NAME,
    query=SuggestParameters,
    response=SuggestionsPage,
    errors=_SEARCH_ERRORS,
    max_age=LIST_MAX_AGE,
)
def suggest(params: SuggestParameters) -> Answer:
    """Completions in the list envelope (one page of at most 8)."""
    names = _suggestions(params.q)
    body = {
        "data": names,
        "meta": {
            "total": len(names),
            "page": 1,
            "per_page": SUGGEST_LIMIT,
            "pages": 1 if names else 0,
            "query": params.q,
        },
        "links": page_links(1, 1 if names else 0),
    }
    return Answer(body, suppliers_changed_at())


@api_bp.get("/v1/suggest")
@operation(
    operation_id="suggestSuppliersV1",
    summary="Company-name completions for a search box (v1 shape)",
    tag=TAG_NAME,
    query=SuggestParameters,
    response=SuggestionsV1,
    errors=_SEARCH_ERRORS,
    max_age=LIST_MAX_AGE,
    deprecation=_v1("suggest"),
)
def suggest_v1(params: SuggestParameters) -> Answer:
    """v1: {query, suggestions}."""
    return Answer(
        {"query": params.q, "suggestions": _suggestions(params.q)}, suppliers_changed_at()
    )
