"""Fixed lists a profile is described with: industries, UK regions, employee bands, company
types and products & services (from data/taxonomies.json, the department's lists), and
countries (ISO 3166-1 alpha-2) and languages (ISO 639-1) from pycountry.

Everything is loaded once per process and returned as immutable tuples.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pycountry

DATA_FILE = Path(__file__).parent / "data" / "taxonomies.json"

Choice = tuple[str, str]  # (code, label)


@cache
def _data() -> dict:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


def _pairs(key: str) -> tuple[Choice, ...]:
    return tuple((item["code"], item["label"]) for item in _data()[key])


@cache
def industries() -> tuple[Choice, ...]:
    """The 39 industries as (code, label), in the department's order."""
    return _pairs("industries")


@cache
def uk_regions() -> tuple[Choice, ...]:
    """The 12 UK regions as (code, label)."""
    return _pairs("uk_regions")


@cache
def company_types() -> tuple[Choice, ...]:
    """Kinds of business: registered with Companies House, sole trader, partnership ..."""
    return _pairs("company_types")


@cache
def employee_bands() -> tuple[Choice, ...]:
    """Employee bands; the band text ("11-50") is its own code."""
    return tuple((band, band) for band in _data()["employee_bands"])


@cache
def products_and_services() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Products and services grouped by category: ((category, (label, ...)), ...)."""
    return tuple((cat, tuple(labels)) for cat, labels in _data()["products_and_services"].items())


@cache
def product_service_labels() -> frozenset[str]:
    """Every products-and-services label, for validation."""
    return frozenset(label for _, labels in products_and_services() for label in labels)


@cache
def countries() -> tuple[Choice, ...]:
    """Export markets: every ISO 3166-1 country except the UK, sorted by name."""
    items = [
        (c.alpha_2, getattr(c, "common_name", c.name))
        for c in pycountry.countries
        if c.alpha_2 != "GB"
    ]
    return tuple(sorted(items, key=lambda pair: pair[1]))


@cache
def all_countries() -> tuple[Choice, ...]:
    """Every ISO 3166-1 country including the UK (buyers may be anywhere)."""
    items = [(c.alpha_2, getattr(c, "common_name", c.name)) for c in pycountry.countries]
    return tuple(sorted(items, key=lambda pair: pair[1]))


@cache
def languages() -> tuple[Choice, ...]:
    """Languages with an ISO 639-1 two-letter code, sorted by name."""
    items = [(lang.alpha_2, lang.name) for lang in pycountry.languages if hasattr(lang, "alpha_2")]
    return tuple(sorted(items, key=lambda pair: pair[1]))


@cache
def _labels() -> dict[str, dict[str, str]]:
    return {
        "industry": dict(industries()),
        "region": dict(uk_regions()),
        "company_type": dict(company_types()),
        "employees": dict(employee_bands()),
        "country": dict(all_countries()),
        "language": dict(languages()),
    }


def label(group: str, code: str | None) -> str:
    """Human label of `code` in `group` (industry, region, company_type, employees, country,
    language); the code itself when unknown, so old data still shows something."""
    if not code:
        return ""
    return _labels()[group].get(code, code)


def is_valid(group: str, code: str) -> bool:
    """Whether `code` belongs to `group` (same groups as `label`, plus products_services)."""
    if group == "products_services":
        return code in product_service_labels()
    return code in _labels()[group]


def industry_label(code: str | None) -> str:
    """Label of an industry code."""
    return label("industry", code)


def region_label(code: str | None) -> str:
    """Label of a UK region code."""
    return label("region", code)


def country_name(code: str | None) -> str:
    """Name of an ISO 3166-1 alpha-2 country code."""
    return label("country", code)


def language_name(code: str | None) -> str:
    """Name of an ISO 639-1 language code."""
    return label("language", code)


def company_type_label(code: str | None) -> str:
    """Label of a company type code."""
    return label("company_type", code)
