"""Industry pages for buyers: /industries lists every industry with how many verified suppliers
it has, and /industries/<slug> describes one, shows its suppliers (featured first: those with
case studies), links into Find a Supplier filtered by it, and lists the marketplaces that sell
its kind of goods.

Counts and suppliers come from the search index (which holds only companies that may be shown)
so the pages cost one search and one small query. Marketplaces are a higher layer: they plug in
through `register_industry_marketplaces` from their own init_app.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, url_for
from slugify import slugify
from sqlalchemy import func, select

from search_index import service
from search_index.base import SearchQuery
from supplier_profiles import taxonomies
from supplier_profiles.models import CaseStudy, Company
from tradehub.base_url import url_for_each
from tradehub.extensions import db

bp = Blueprint("supplier_profiles_industries", __name__)

# How many suppliers an industry page lists; the rest are one link away in Find a Supplier.
PAGE_SUPPLIERS = 20
_MARKETPLACES = "supplier_profiles.industry_marketplaces"


@dataclass(frozen=True)
class Industry:
    """One industry as its page shows it."""

    code: str
    label: str
    slug: str
    description: str


DATA_FILE = Path(__file__).parent / "data" / "industry_pages.json"


@cache
def _descriptions() -> dict[str, str]:
    text = DATA_FILE.read_text(encoding="utf-8")
    return {code: words for code, words in json.loads(text).items() if not code.startswith("_")}


def industries() -> list[Industry]:
    """Every industry of the taxonomy, by name."""
    descriptions = _descriptions()
    return [
        Industry(code, label, slugify(label), descriptions.get(code, ""))
        for code, label in taxonomies.choices("industry")
    ]


def industry_by_slug(slug: str) -> Industry | None:
    """The industry at this page address, or None."""
    return next((industry for industry in industries() if industry.slug == slug), None)


def register_industry_marketplaces(app, find: Callable[[str], list[dict]]) -> None:
    """Let a higher layer list marketplaces for an industry: `find(code)` returns dicts with
    `name`, `href` and `detail`."""
    app.extensions[_MARKETPLACES] = find


def industry_url(code: str, **kwargs) -> str:
    """The page of the industry with this code."""
    return url_for(
        "supplier_profiles_industries.industry",
        slug=slugify(taxonomies.label("industry", code)),
        **kwargs,
    )


def sitemap_urls() -> list[str]:
    """The industry pages and every public supplier profile, for /sitemap.xml."""
    urls = [url_for("supplier_profiles_industries.index", _external=True)]
    urls += [
        url_for("supplier_profiles_industries.industry", slug=industry.slug, _external=True)
        for industry in industries()
    ]
    slugs = db.session.scalars(
        select(Company.slug).where(Company.is_publishable).order_by(Company.slug)
    )
    urls += url_for_each("supplier_profiles.company_profile", "slug", slugs, _external=True)
    return urls


@bp.route("/industries")
def index():
    """Every industry with its number of verified suppliers."""
    result = service.search(SearchQuery(per_page=1))
    counts = {facet.value: facet.count for facet in result.facets.get("industry", [])}
    return render_template(
        "supplier_profiles/industries.html", industries=industries(), counts=counts
    )


@bp.route("/industries/<slug>")
def industry(slug: str):
    """One industry: what it covers, its suppliers (featured first), and where to sell."""
    found = industry_by_slug(slug)
    if found is None:
        abort(404)
    result = service.search(
        SearchQuery(filters={"industry": [found.code]}, sort="name", per_page=100)
    )
    hits = list(result.hits)
    studies = (
        dict(
            db.session.execute(
                select(CaseStudy.company_id, func.count(CaseStudy.id))
                .where(CaseStudy.company_id.in_([hit.id for hit in hits]))
                .group_by(CaseStudy.company_id)
            ).all()
        )
        if hits
        else {}
    )
    # Featured first: suppliers that show their work in case studies, most first.
    hits.sort(key=lambda hit: -studies.get(hit.id, 0))
    find_marketplaces = current_app.extensions.get(_MARKETPLACES)
    return render_template(
        "supplier_profiles/industry.html",
        industry=found,
        suppliers=hits[:PAGE_SUPPLIERS],
        featured={hit.id for hit in hits if studies.get(hit.id)},
        total=result.total,
        search_url=url_for("supplier_profiles.find_a_supplier", industry=found.code),
        marketplaces=find_marketplaces(found.code) if find_marketplaces else [],
    )
