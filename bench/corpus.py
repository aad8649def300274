"""Deterministic benchmark corpus: realistic supplier profiles, as database rows and as documents.

Used by bench/search_bench.py and bench/http_bench.py (not run on its own). The profiles come
from supplier_profiles.demo.generate_companies (a seeded private random.Random: the same
companies on every run and machine); this module turns them into

- company / case-study rows for a bulk insert into the app's tables (`company_rows`), and
- SupplierDocuments built by the app's own mapping,
  `supplier_profiles.search_documents.document_from`, from plain row objects carrying the
  columns the app's bulk path reads, for the companies `Company.is_publishable` lets through
  (`documents`: what the suppliers document source would deliver).

Generating 100,000 profiles takes about a minute, so the generated list is cached per
(seed, count) in a pickle under bench/results/cache/ (gitignored; delete it to regenerate).
"""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from slugify import slugify

from search_index.document import SupplierDocument
from supplier_profiles.demo import generate_companies
from supplier_profiles.models import Company
from supplier_profiles.search_documents import CASE_STUDY_COLUMNS, DOCUMENT_COLUMNS, document_from

SEED = 2027
CACHE_DIR = Path(__file__).resolve().parent / "results" / "cache"
# Fixed clock for every timestamp in the corpus (the generator has none): updated times spread
# over about two years, so "recently updated" sorting has real work to do.
BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)


def companies(count: int, seed: int = SEED) -> list[dict[str, Any]]:
    """The first `count` demo companies (import format) for `seed`, cached on disk."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = CACHE_DIR / f"companies-{seed}-{count}.pickle"
    if path.exists():
        with path.open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 (our own cache file)
    # A larger cached corpus of the same seed starts with the same companies.
    for other in sorted(CACHE_DIR.glob(f"companies-{seed}-*.pickle")):
        if int(other.stem.rsplit("-", 1)[1]) > count:
            with other.open("rb") as handle:
                return pickle.load(handle)[:count]  # noqa: S301
    generated = list(generate_companies(count, seed))
    with path.open("wb") as handle:
        pickle.dump(generated, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return generated


def _unique_slug(name: str, taken: set[str]) -> str:
    """slugify(name) (cut to the column's 120 characters), numbered when already taken."""
    base = slugify(name)[:110]
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def company_rows(
    profiles: list[dict[str, Any]], first_id: int = 1
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(companies rows, case_studies rows) for an SQL bulk insert: published and verified,
    ids from first_id, deterministic timestamps."""
    rows: list[dict[str, Any]] = []
    studies: list[dict[str, Any]] = []
    taken: set[str] = set()
    for offset, profile in enumerate(profiles):
        company_id = first_id + offset
        # Spread over ~2 years; a fixed pattern, so the order is the same on every run.
        updated = BASE_TIME - timedelta(minutes=(company_id * 7919) % 1_000_000)
        rows.append(
            {
                "id": company_id,
                "slug": _unique_slug(profile["name"], taken),
                "name": profile["name"],
                "number": profile["number"],
                "company_type": profile["company_type"],
                "summary": profile["summary"],
                "description": profile["description"],
                "website": profile["website"],
                "email": profile["email"],
                "phone": "",
                "employees": profile["employees"],
                "region": profile["region"],
                "industries": profile["industries"],
                "export_countries": profile["export_countries"],
                "languages": profile["languages"],
                "keywords": profile["keywords"],
                "products_services": profile["products_services"],
                "twitter_url": "",
                "facebook_url": "",
                "linkedin_url": "",
                "address_line_1": "",
                "address_line_2": "",
                "locality": profile.get("locality", ""),
                "postal_code": "",
                "country": "United Kingdom",
                "sic_codes": [],
                "verification_failures": 0,
                "verified_at": updated - timedelta(days=30),
                "published": bool(profile["published"]),
                "published_at": updated - timedelta(days=29),
                "created_at": updated - timedelta(days=31),
                "updated_at": updated,
                "deleted_at": None,
            }
        )
        for number, study in enumerate(profile["case_studies"], start=1):
            studies.append(
                {
                    "id": len(studies) + 1,
                    "company_id": company_id,
                    "slug": f"{rows[-1]['slug']}-case-study-{number}",
                    "title": study["title"],
                    "summary": study["summary"],
                    "description": study["description"],
                    "industry": study["industry"],
                    "keywords": study["keywords"],
                    "website": study.get("website", ""),
                    "created_at": updated - timedelta(days=10),
                    "updated_at": updated - timedelta(days=10),
                }
            )
    return rows, studies


def documents(count: int, seed: int = SEED) -> list[SupplierDocument]:
    """Search documents of the publishable companies among the first `count`, built by the
    app's Company -> document mapping from row objects that carry exactly the columns the app's
    bulk path reads from the database."""
    rows, study_rows = company_rows(companies(count, seed))
    by_company: dict[int, list[SimpleNamespace]] = {}
    for number, study in enumerate(study_rows, start=1):
        # The generated case studies have no images or web address; ids number them in order.
        values = {"id": number, "website": "", **study}
        by_company.setdefault(study["company_id"], []).append(
            SimpleNamespace(**{key: values[key] for key in CASE_STUDY_COLUMNS})
        )
    return [
        document_from(
            SimpleNamespace(**{key: row[key] for key in DOCUMENT_COLUMNS}),
            by_company.get(row["id"], []),
            {},
        )
        for row in rows
        if _publishable(row)
    ]


def _publishable(row: dict[str, Any]) -> bool:
    """The app's one rule (Company.is_publishable), applied to a row not in any database."""
    keys = ("published", "verified_at", "deleted_at")
    return Company(**{key: row[key] for key in keys}).is_publishable
