"""Case-study image captions and web addresses are searchable, the same on both backends,
through the outbox (one company) and a rebuild (the bulk path)."""

from __future__ import annotations

import os
import uuid

import pytest

from search_index import SearchQuery, service
from search_index.indexing import rebuild_index
from supplier_profiles.models import CaseStudyImage
from supplier_profiles.search_documents import mark_company_changed
from tests.factories import CaseStudyFactory, SearchCompanyFactory
from tradehub.after_commit import process_after_commit


@pytest.fixture(params=["embedded", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def app_config(app_config, request) -> dict:
    """The root settings on each backend (elasticsearch only when ELASTICSEARCH_URL is set)."""
    app_config["SEARCH_BACKEND"] = request.param
    if request.param == "elasticsearch":
        if not os.environ.get("ELASTICSEARCH_URL"):
            pytest.skip("ELASTICSEARCH_URL is not set")
        app_config["ELASTICSEARCH_URL"] = os.environ["ELASTICSEARCH_URL"]
        app_config["SEARCH_INDEX_PREFIX"] = f"casestudy-{uuid.uuid4().hex[:10]}"
        app_config["SEARCH_TIMEOUT"] = 30.0
    return app_config


@pytest.fixture
def company(app, db):
    company = SearchCompanyFactory(name="Harbour Joinery", summary="Bespoke joinery.")
    study = CaseStudyFactory(
        company=company,
        title="Fitting out a ferry terminal",
        keywords=[],
        website="https://www.terminal-refit-example.co.uk/",
    )
    db.session.add(
        CaseStudyImage(
            case_study=study,
            position=1,
            caption="Varnished quillwood benches in the departure lounge",
            content_type="image/png",
            data=b"\x89PNG",
            width=1,
            height=1,
        )
    )
    db.session.flush()
    mark_company_changed(company.id)
    db.session.commit()
    process_after_commit()
    yield company
    service.get_backend(app).clear()
    service.reset_backend(app)


def names(text: str) -> list[str]:
    return [hit.name for hit in service.search(SearchQuery(text=text)).hits]


@pytest.mark.parametrize(
    "text", ["quillwood", "departure lounge benches", "terminal-refit-example.co.uk"]
)
def test_captions_and_web_addresses_of_case_studies_are_found(app, company, text):
    assert names(text) == ["Harbour Joinery"]
    rebuild_index()  # the bulk path reads captions with one query per batch
    assert names(text) == ["Harbour Joinery"]
