"""The public JSON API: search suppliers, read one supplier's public profile, name completions.

Read-only and anonymous. Parameters are validated by the same SearchForm as the page; a bad or
unknown parameter gets a 400 whose error names it. When the search engine is down the answer is
a 503 JSON error. The responses are described by /api/v1/openapi.json (supplier_profiles.openapi).
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from search_index import service
from search_index.errors import SearchUnavailable
from supplier_profiles import taxonomies
from supplier_profiles.buyer_forms import QUERY_MAX, SearchForm, filter_label
from supplier_profiles.media import case_study_image_url, company_logo_url
from supplier_profiles.models import CaseStudy, Company
from supplier_profiles.views import canonical_slug, run_search
from tradehub.extensions import db
from tradehub.handlers import MESSAGES

api_bp = Blueprint("supplier_profiles_api", __name__, url_prefix="/api/v1")

SEARCH_PARAMETERS = frozenset(
    {
        "q",
        "industry",
        "region",
        "country",
        "language",
        "employees",
        "verified",
        "sort",
        "page",
        "per_page",
    }
)
SUGGEST_LIMIT = 8


def api_error(status: int, detail: str, parameter: str | None = None):
    """The API's error body; `parameter` names the query parameter at fault."""
    title = MESSAGES.get(status, MESSAGES[500])[0]
    error = {"status": status, "title": title, "detail": detail}
    if parameter is not None:
        error["parameter"] = parameter
    return jsonify({"error": error}), status


def search_unavailable():
    """503 when the search engine cannot answer."""
    current_app.logger.warning("API: search engine unavailable")
    response, status = api_error(
        503, "Search is not available at the moment. Try again in a few minutes."
    )
    response.headers["Retry-After"] = "60"
    return response, status


def _first_error(form: SearchForm) -> tuple[str, str]:
    for name in ("q", *SearchForm.GROUPS, "sort", "page", "per_page"):
        errors = getattr(form, name).errors
        if errors:
            return name, f"{name}: {errors[0]}"
    raise LookupError("form has no errors")


def _unknown_parameter() -> str | None:
    return next((name for name in request.args if name not in SEARCH_PARAMETERS), None)


def _single_valued() -> str | None:
    return next(
        (name for name in ("q", "sort", "page", "per_page") if len(request.args.getlist(name)) > 1),
        None,
    )


def hit_json(hit) -> dict:
    """One search result as the API shows it."""
    return {
        "slug": hit.slug,
        "name": hit.name,
        "summary": hit.summary,
        "highlight": hit.highlight,
        "industries": list(hit.industries),
        "region": hit.region or None,
        "countries": list(hit.countries),
        "verified": bool(hit.verified),
        "url": url_for("supplier_profiles.company_profile", slug=hit.slug, _external=True),
    }


@api_bp.get("/suppliers")
def search_suppliers():
    """Search published suppliers: text, repeatable filters, sort, pages and facet counts."""
    unknown = _unknown_parameter()
    if unknown is not None:
        return api_error(
            400,
            f"Unknown parameter {unknown!r}. Use one of: {', '.join(sorted(SEARCH_PARAMETERS))}.",
            unknown,
        )
    repeated = _single_valued()
    if repeated is not None:
        return api_error(400, f"{repeated}: give this parameter once.", repeated)
    form = SearchForm(formdata=request.args)
    if not form.validate():
        parameter, detail = _first_error(form)
        return api_error(400, detail, parameter)
    try:
        result = run_search(form)
    except SearchUnavailable:
        return search_unavailable()
    return jsonify(
        {
            "total": result.total,
            "total_capped": result.total_capped,
            "page": result.page,
            "per_page": result.per_page,
            "results": [hit_json(hit) for hit in result.hits],
            "facets": {
                group: [
                    {"value": f.value, "label": filter_label(group, f.value), "count": f.count}
                    for f in result.facets.get(group, [])
                ]
                for group in SearchForm.GROUPS
            },
            "suggestion": result.suggestion,
        }
    )


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
        "logo_url": company_logo_url(company, external=True),
        "updated_at": company.updated_at.isoformat().replace("+00:00", "Z"),
        "url": url_for("supplier_profiles.company_profile", slug=company.slug, _external=True),
        "contact_url": url_for(
            "supplier_profiles.contact_supplier", slug=company.slug, _external=True
        ),
        "case_studies": [case_study_json(company, s) for s in company.case_studies],
    }


@api_bp.get("/suppliers/<slug>")
def get_supplier(slug: str):
    """One published supplier with its case studies; a non-canonical slug redirects."""
    company = db.session.scalar(
        select(Company)
        .where(Company.slug == slug)
        .options(selectinload(Company.case_studies).selectinload(CaseStudy.images))
    )
    if company is None:
        canonical = canonical_slug(slug)
        if canonical is not None:
            return redirect(url_for("supplier_profiles_api.get_supplier", slug=canonical), 301)
    if company is None or not company.is_publishable:
        return api_error(404, f"No published supplier has the slug {slug!r}.")
    return jsonify(company_json(company))


@api_bp.get("/suggest")
def suggest():
    """Company-name completions for the search box (autocomplete)."""
    unknown = next((name for name in request.args if name != "q"), None)
    if unknown is not None:
        return api_error(400, f"Unknown parameter {unknown!r}. Use q.", unknown)
    prefix = (request.args.get("q") or "").strip()
    if len(prefix) > QUERY_MAX:
        return api_error(400, f"q: must be {QUERY_MAX} characters or fewer", "q")
    if not prefix:
        return jsonify({"query": prefix, "suggestions": []})
    try:
        suggestions = service.suggest(prefix, limit=SUGGEST_LIMIT)
    except SearchUnavailable:
        return search_unavailable()
    response = jsonify({"query": prefix, "suggestions": list(suggestions)})
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
