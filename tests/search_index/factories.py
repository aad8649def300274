"""Companies for the search indexing tests: a factory for a few, a bulk loader for thousands."""

from __future__ import annotations

import random
from datetime import timedelta

import factory
from sqlalchemy import insert, text

from supplier_profiles.models import CaseStudy, Company
from tests.factories import BaseFactory
from tradehub.db_types import utcnow
from tradehub.extensions import db


class CompanyFactory(BaseFactory):
    """A publishable (published and verified) company; pass published=False etc. to vary."""

    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    company_type = "COMPANIES_HOUSE"
    summary = "Precision engineering for export markets."
    description = "Family firm since 1965."
    employees = "11-50"
    region = "LONDON"
    industries = factory.LazyFunction(lambda: ["MECHANICAL_ELECTRICAL_AND_PROCESS_ENGINEERING"])
    export_countries = factory.LazyFunction(lambda: ["FR"])
    languages = factory.LazyFunction(lambda: ["en"])
    keywords = factory.LazyFunction(list)
    products_services = factory.LazyFunction(list)
    published = True
    published_at = factory.LazyFunction(utcnow)
    verified_at = factory.LazyFunction(utcnow)


class CaseStudyFactory(BaseFactory):
    class Meta:
        model = CaseStudy

    company = factory.SubFactory(CompanyFactory)
    slug = factory.Sequence(lambda n: f"case-study-{n}")
    title = factory.Sequence(lambda n: f"Case study {n}")
    summary = "What we did."
    description = "How we did it."
    keywords = factory.LazyFunction(list)


# Words for generated profiles: every company gets one of each list, chosen deterministically.
_ADJECTIVES = (
    "Northern",
    "Coastal",
    "Highland",
    "Valley",
    "Harbour",
    "Meadow",
    "Granite",
    "Riverside",
    "Summit",
    "Copper",
    "Oakwood",
    "Silver",
)
_TRADES = (
    "Engineering",
    "Foods",
    "Textiles",
    "Robotics",
    "Ceramics",
    "Logistics",
    "Brewing",
    "Optics",
    "Furniture",
    "Marine",
    "Software",
    "Packaging",
)
_INDUSTRIES = (
    "AEROSPACE",
    "FOOD_AND_DRINK",
    "CLOTHING_FOOTWEAR_AND_FASHION",
    "CREATIVE_AND_MEDIA",
    "SOFTWARE_AND_COMPUTER_SERVICES",
    "MARINE",
)
_REGIONS = ("LONDON", "SCOTLAND", "WALES", "NORTH_WEST", "SOUTH_WEST", "NORTHERN_IRELAND")
_COUNTRIES = ("FR", "DE", "US", "JP", "AE", "IN", "BR", "CN")
_BANDS = ("1-10", "11-50", "51-200", "201-500")


def company_rows(count: int, start: int = 1, seed: int = 7) -> list[dict]:
    """`count` publishable companies as column dicts (ids from `start`), deterministic."""
    rng = random.Random(seed)
    now = utcnow()
    rows = []
    for number in range(start, start + count):
        trade = _TRADES[number % len(_TRADES)]
        rows.append(
            {
                "id": number,
                "slug": f"bulk-company-{number}",
                "name": f"{_ADJECTIVES[number % len(_ADJECTIVES)]} {trade} {number}",
                "company_type": "COMPANIES_HOUSE",
                "summary": f"{trade} exporters serving {rng.choice(_COUNTRIES)} and beyond.",
                "description": f"Established {1950 + number % 70}; specialists in {trade.lower()}.",
                "employees": _BANDS[number % len(_BANDS)],
                "region": _REGIONS[number % len(_REGIONS)],
                "industries": [_INDUSTRIES[number % len(_INDUSTRIES)]],
                "export_countries": sorted(
                    {_COUNTRIES[number % len(_COUNTRIES)], rng.choice(_COUNTRIES)}
                ),
                "languages": ["en"],
                "keywords": [trade.lower(), "export"],
                "products_services": [],
                "sic_codes": [],
                "published": True,
                "published_at": now,
                "verified_at": now,
                "created_at": now,
                "updated_at": now - timedelta(minutes=number),
            }
        )
    return rows


def bulk_insert_companies(count: int, start: int = 1) -> list[dict]:
    """Insert `count` publishable companies in one executemany per 1,000; commits."""
    rows = company_rows(count, start)
    for offset in range(0, len(rows), 1000):
        db.session.execute(insert(Company), rows[offset : offset + 1000])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Explicit ids leave the sequence behind; move it so later inserts do not collide.
        db.session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('companies', 'id'),"
                " (SELECT max(id) FROM companies))"
            )
        )
        db.session.commit()
    return rows
