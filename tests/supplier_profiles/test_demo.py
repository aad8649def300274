"""Demo suppliers: deterministic, realistic and varied, published and verified, searchable after
`flask demo seed`, and refreshed rather than duplicated on a rerun."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from search_index import service
from search_index.base import SearchQuery
from supplier_profiles import taxonomies
from supplier_profiles.demo import generate_companies
from supplier_profiles.importer import validate_record
from supplier_profiles.models import CaseStudy, Company


def test_generator_is_deterministic_and_seed_dependent():
    first = list(generate_companies(50, seed=1))
    assert first == list(generate_companies(50, seed=1))
    assert first != list(generate_companies(50, seed=2))
    # A longer run starts with the same companies: benchmarks can grow a corpus.
    assert list(generate_companies(80, seed=1))[:50] == first


def test_generated_companies_are_valid_varied_and_unique():
    records = list(generate_companies(400, seed=7))
    cleaned = [validate_record(r) for r in records]  # the import format, no refusals
    assert all(r["published"] and r["verified"] for r in cleaned)
    assert len({r["name"] for r in records}) == 400
    assert len({r["number"] for r in records}) == 400
    assert len({code for r in records for code in r["industries"]}) >= 25
    assert {r["region"] for r in records} == {code for code, _ in taxonomies.choices("region")}
    assert len({c for r in records for c in r["export_countries"]}) >= 30
    assert len({lang for r in records for lang in r["languages"]}) >= 10
    assert len({r["employees"] for r in records}) == len(taxonomies.choices("employees"))
    studies = [s for r in records for s in r["case_studies"]]
    assert len(studies) > 300
    assert sum(1 for r in records if not r["case_studies"]) > 40


def test_demo_seed_creates_searchable_published_suppliers_and_reruns_idempotently(runner, db):
    started = time.monotonic()
    result = runner.invoke(args=["demo", "seed", "--suppliers", "60"])
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert "Demo suppliers: 60 created, 0 refreshed." in result.output
    assert elapsed < 30
    assert db.session.scalar(select(func.count()).select_from(Company)) == 60
    assert all(c.is_publishable for c in db.session.scalars(select(Company)))
    studies = db.session.scalar(select(func.count()).select_from(CaseStudy))
    assert studies > 30
    assert service.search(SearchQuery()).total == 60

    result = runner.invoke(args=["demo", "seed", "--suppliers", "60"])
    assert result.exit_code == 0, result.output
    assert "Demo suppliers: 0 created, 60 refreshed." in result.output
    assert db.session.scalar(select(func.count()).select_from(Company)) == 60
    assert db.session.scalar(select(func.count()).select_from(CaseStudy)) == studies
    assert service.search(SearchQuery()).total == 60
    # Realistic words find realistic companies.
    food = service.search(SearchQuery(filters={"industry": ["FOOD_AND_DRINK"]}))
    assert food.total > 0
