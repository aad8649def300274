"""Fixtures for the search contract suite: one backend per parameter, a deterministic corpus.

The suite runs against every backend. ``embedded`` always runs (an index file in tmp_path);
``elasticsearch`` runs when ELASTICSEARCH_URL is set (CI starts the OpenSearch node from
search_node/) and uses an index prefix unique to this test session. Each test starts from a
clean index. Backends are plain Python objects: no Flask app or database is involved.

Every document here is one the suppliers source would deliver (a company that may be shown):
backends index what they are given. That unpublished, unverified and deleted companies never
come back is proven through the real source, on both backends, in test_source_visibility.py.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from search_index import SearchBackend, get_backend
from search_index.document import SupplierDocument

BACKENDS = [
    "embedded",
    pytest.param("elasticsearch", marks=pytest.mark.elasticsearch),
]

DEFAULT_UPDATED = "2024-03-01T09:00:00Z"


def make_document(doc_id: int, name: str, **fields: Any) -> SupplierDocument:
    """A complete document; keyword arguments override any field."""
    doc: dict[str, Any] = {
        "id": doc_id,
        "slug": f"company-{doc_id}",
        "name": name,
        "summary": "",
        "description": f"Member of the Wessex trade network since {1990 + doc_id % 30}.",
        "keywords": [],
        "products_services": [],
        "case_studies": [],
        "industries": ["ENGINEERING"],
        "region": "LONDON",
        "countries": ["FR"],
        "languages": ["en"],
        "employees": "11-50",
        "verified": True,
        "case_study_count": 0,
        "updated_at": DEFAULT_UPDATED,
    }
    doc.update(fields)
    doc["case_study_count"] = len(doc["case_studies"])
    return doc  # type: ignore[return-value]


def contract_corpus() -> list[SupplierDocument]:
    """The suite's companies: each one exists to prove one rule (see the comments)."""
    d = make_document
    return [
        # "acme ltd" must find a company called just "Acme".
        d(1, "Acme", summary="Precision tooling and fixtures for small workshops.",
          industries=["ENGINEERING"], region="NORTH_WEST", countries=["FR", "DE"],
          employees="1-10", updated_at="2024-01-05T10:00:00Z"),
        # UK spelling in the document, US spelling in the query.
        d(2, "Brightwater Brewing", summary="Colourful craft ales and draught cider from Somerset.",
          industries=["FOOD_AND_DRINK"], region="SOUTH_WEST", countries=["FR", "US"],
          languages=["en", "fr"], updated_at="2024-02-11T08:30:00Z"),
        # US spelling in the document, UK spelling in the query.
        d(3, "Palette Prints", summary="Color printing for galleries and museums.",
          industries=["CREATIVE"], region="LONDON", countries=["US"],
          updated_at="2024-02-20T12:00:00Z"),
        # Name match ("tundra") must outrank the description match of company 5.
        d(4, "Tundra Outfitters", summary="Cold-weather coats and boots.",
          description="Sewn by hand in Hawick.", industries=["CLOTHING"], region="SCOTLAND",
          countries=["JP", "DE"], languages=["en", "ja"], updated_at="2024-01-17T16:45:00Z"),
        d(5, "Northern Supplies", summary="Industrial fasteners, valves and bearings.",
          description="We also stock tundra grade seals and gaskets for arctic oil fields.",
          industries=["ENGINEERING"], region="SCOTLAND", countries=["AE"], employees="51-200",
          updated_at="2024-03-02T07:00:00Z"),
        # Stemming: the query "exporting" must find "exports".
        d(6, "Tidewater Engineering", summary="Tidewater exports precision valves to shipyards.",
          industries=["ENGINEERING"], region="SOUTH_WEST", countries=["CN", "IN"],
          employees="201-500", updated_at="2023-12-01T09:00:00Z"),
        # Synonyms: "eyewear" finds "spectacles"; "pharma" finds "pharmaceutical".
        d(7, "Clearview Optics", summary="Handmade spectacles and prescription lenses.",
          industries=["HEALTHCARE"], region="WALES", countries=["FR"],
          updated_at="2024-02-02T10:15:00Z"),
        d(8, "Medivale Labs", summary="Contract pharmaceutical formulation and stability testing.",
          industries=["HEALTHCARE"], region="NORTH_WEST", countries=["US", "IN"],
          employees="51-200", updated_at="2024-02-28T11:00:00Z"),
        # Multi-word synonym: "ecommerce" finds the keyword "online retail".
        d(9, "Basket and Bloom", summary="Gift hampers with Welsh cheeses.",
          keywords=["online retail", "hampers"], industries=["FOOD_AND_DRINK"], region="WALES",
          countries=["DE"], languages=["en", "de"], updated_at="2024-01-22T13:00:00Z"),
        # Typo tolerance: "ceramcs" finds "ceramics".
        d(10, "Kiln Street Pottery", summary="Hand-thrown ceramics and stoneware tableware.",
          industries=["CREATIVE"], region="NORTH_WEST", countries=["JP", "US"],
          languages=["en", "ja"], updated_at="2024-02-14T09:30:00Z"),
        # HTML in a profile must come back escaped.
        d(11, "Scriptorium Software",
          summary='<script>alert("owned")</script> Secure web forms & payment pages.',
          description="We clean <b>user input</b> in web forms before it reaches your database.",
          industries=["TECHNOLOGY"], region="LONDON", countries=["US", "DE"],
          updated_at="2024-02-25T15:00:00Z"),
        # Relevance ties (identical text) are ordered by name; also a tie on updated_at.
        d(12, "Zeta Looms", summary="Jacquard weaving mill.", industries=["CLOTHING"],
          region="LONDON", countries=["FR"], updated_at="2024-01-30T10:00:00Z"),
        d(13, "Alpha Looms", summary="Jacquard weaving mill.", industries=["CLOTHING"],
          region="SCOTLAND", countries=["FR", "DE"], updated_at="2024-01-30T10:00:00Z"),
        d(14, "Mid Looms", summary="Jacquard weaving mill.", industries=["CLOTHING"],
          region="WALES", countries=["DE"], updated_at="2024-01-30T10:00:00Z"),
        # Accents: sorting and autocomplete fold them; "cafe" finds "Café".
        d(15, "Éclair Bakery", summary="French patisserie and viennoiserie for hotels.",
          industries=["FOOD_AND_DRINK"], region="LONDON", countries=["FR", "AE"],
          languages=["en", "fr"], updated_at="2024-02-06T06:00:00Z"),
        d(16, "Café Noir Roasters", summary="Small batch coffee roasted every morning.",
          industries=["FOOD_AND_DRINK"], region="SCOTLAND", countries=["JP"],
          updated_at="2024-01-09T14:00:00Z"),
        # Autocomplete "ac": Achill Seafoods, Acme, Acorn Textiles.
        d(17, "Achill Seafoods", summary="Smoked salmon and rope grown mussels.",
          industries=["FOOD_AND_DRINK"], region="NORTH_WEST", countries=["FR", "CN"],
          employees="1-10", updated_at="2024-02-09T17:20:00Z"),
        d(18, "Acorn Textiles", summary="Organic cotton fabrics for fashion houses.",
          industries=["CLOTHING"], region="NORTH_WEST", countries=["IN"],
          updated_at="2024-01-12T12:00:00Z"),
        d(19, "Harbourside Logistics", summary="Freight forwarding and customs clearance.",
          industries=["LOGISTICS"], region="SOUTH_WEST", countries=["FR", "DE", "US"],
          employees="201-500", updated_at="2024-02-17T10:00:00Z"),
        # Case-study text is searchable.
        d(20, "Quantum Ledger", summary="Payments platform for marketplaces.",
          industries=["TECHNOLOGY"], region="LONDON", countries=["US", "AE"],
          case_studies=[{"title": "Cross-border payouts", "summary": "Payouts in Dubai.",
                         "description": "Built a payout engine for a souk operator.",
                         "keywords": ["remittance"]}],
          updated_at="2024-03-01T09:00:00Z"),
    ]  # fmt: skip


def generated_corpus(count: int, start_id: int = 1000) -> list[SupplierDocument]:
    """count varied but deterministic companies (for concurrency and paging tests)."""
    firsts = ["North", "Silver", "Oak", "River", "Granite", "Bright", "Heather", "Meadow"]
    seconds = ["Foods", "Works", "Textiles", "Systems", "Pottery", "Labs", "Freight", "Studio"]
    industries = ["FOOD_AND_DRINK", "ENGINEERING", "CLOTHING", "TECHNOLOGY", "CREATIVE"]
    regions = ["LONDON", "SCOTLAND", "WALES", "NORTH_WEST", "SOUTH_WEST"]
    countries = ["FR", "DE", "US", "JP", "IN", "CN", "AE"]
    docs = []
    for n in range(count):
        doc_id = start_id + n
        name = f"{firsts[n % 8]} {seconds[(n // 8) % 8]} {doc_id}"
        docs.append(
            make_document(
                doc_id,
                name,
                summary=f"{seconds[n % 8]} made in batch {n % 13} for trade buyers.",
                industries=[industries[n % 5]],
                region=regions[(n // 5) % 5],
                countries=sorted({countries[n % 7], countries[(n * 3) % 7]}),
                updated_at=f"2024-01-{1 + n % 28:02d}T{n % 24:02d}:00:00Z",
            )
        )
    return docs


@pytest.fixture(scope="session")
def index_prefix() -> str:
    """An Elasticsearch index prefix nobody else uses (one per test session)."""
    return f"contract-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def _build_backend(kind: str, tmp_path, index_prefix: str) -> SearchBackend:
    if kind == "embedded":
        config = {
            "SEARCH_BACKEND": "embedded",
            "SEARCH_EMBEDDED_PATH": str(tmp_path / "search.sqlite3"),
        }
    else:
        url = os.environ.get("ELASTICSEARCH_URL")
        if not url:
            pytest.skip("ELASTICSEARCH_URL is not set")
        config = {
            "SEARCH_BACKEND": "elasticsearch",
            "ELASTICSEARCH_URL": url,
            "SEARCH_INDEX_PREFIX": index_prefix,
            "SEARCH_TIMEOUT": "30",
        }
    return get_backend(config)


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path, index_prefix) -> Iterator[SearchBackend]:
    """An empty, ready backend of each kind; dropped again after the test."""
    engine = _build_backend(request.param, tmp_path, index_prefix)
    engine.clear()
    engine.ensure_ready()
    yield engine
    engine.clear()
    close = getattr(engine, "close", None)
    if callable(close):
        close()


@pytest.fixture
def corpus() -> list[SupplierDocument]:
    """A fresh copy of the contract corpus (tests may change their copy)."""
    return contract_corpus()


@pytest.fixture
def loaded(backend, corpus) -> SearchBackend:
    """The backend with the contract corpus indexed."""
    assert backend.index_documents(corpus) == len(corpus)
    return backend


@pytest.fixture
def make_doc() -> Callable[..., SupplierDocument]:
    """The document factory, for tests that need a company of their own."""
    return make_document


@pytest.fixture
def make_corpus() -> Callable[..., list[SupplierDocument]]:
    """The generated-corpus factory (count, start_id) for volume and concurrency tests."""
    return generated_corpus
