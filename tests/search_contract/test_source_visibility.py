"""Unpublished, unverified and deleted companies never come back, on every backend.

Backends index what they are given; the suppliers document source (one rule,
`Company.is_publishable`) decides what that is. These tests put companies in every state in the
database and feed each backend through the real source: a rebuild (`iter_all`) and the outbox
(`load`, which deletes every id it leaves out). Search, facets, autocomplete, spelling
suggestions and the count must all ignore the hidden companies.
"""

from __future__ import annotations

import os
import uuid

import pytest

from search_index import SearchQuery, service
from search_index.indexing import rebuild_index, sync_outbox
from supplier_profiles.search_documents import SUPPLIERS, mark_company_changed
from tests.factories import SearchCompanyFactory
from tradehub.after_commit import process_after_commit
from tradehub.db_types import utcnow

pytestmark = pytest.mark.usefixtures("_drop_index")


@pytest.fixture(params=["embedded", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def app_config(app_config, request) -> dict:
    """The root settings on each backend (elasticsearch only when ELASTICSEARCH_URL is set)."""
    app_config["SEARCH_BACKEND"] = request.param
    if request.param == "elasticsearch":
        if not os.environ.get("ELASTICSEARCH_URL"):
            pytest.skip("ELASTICSEARCH_URL is not set")
        app_config["ELASTICSEARCH_URL"] = os.environ["ELASTICSEARCH_URL"]
        app_config["SEARCH_INDEX_PREFIX"] = f"contract-src-{uuid.uuid4().hex[:10]}"
        app_config["SEARCH_TIMEOUT"] = 30.0
    return app_config


@pytest.fixture
def _drop_index(app):
    yield
    service.get_backend(app).clear()
    service.reset_backend(app)


@pytest.fixture
def companies(db) -> dict[str, object]:
    """One company shown, and one hidden for each reason."""
    made = {
        "shown": SearchCompanyFactory(
            name="Kiln Street Pottery",
            summary="Hand-thrown ceramics and colourful stoneware.",
            industries=["CREATIVE"],
            region="NORTH_WEST",
        ),
        "unpublished": SearchCompanyFactory(
            name="Acumen Ceramics",
            summary="Ceramics glazing studio.",
            industries=["CREATIVE"],
            region="NORTH_WEST",
            published=False,
        ),
        "unverified": SearchCompanyFactory(
            name="Umbrella Colour Works",
            summary="Colourful umbrellas and draught excluders.",
            industries=["CREATIVE"],
            region="LONDON",
            verified_at=None,
        ),
        "deleted": SearchCompanyFactory(
            name="Quillon Glassworks",
            summary="Stained glass and colourful ceramics.",
            industries=["CREATIVE"],
            region="WALES",
            deleted_at=utcnow(),
        ),
    }
    db.session.commit()
    return made


def ids(text: str = "", **kwargs) -> set[int]:
    result = service.search(SearchQuery(text=text, per_page=100, **kwargs))
    assert result.total == len(result.hits)
    return {hit.id for hit in result.hits}


def assert_only_shown(companies) -> None:
    shown = companies["shown"].id
    backend = service.get_backend()
    assert ids() == {shown}
    assert backend.count() == SUPPLIERS.count() == 1
    assert ids("acumen") == ids("umbrella") == ids("quillon") == set()
    assert ids("ceramics") == ids("colourful") == {shown}
    result = service.search(SearchQuery())
    assert [(v.value, v.count) for v in result.facets["industry"]] == [("CREATIVE", 1)]
    assert [(v.value, v.count) for v in result.facets["region"]] == [("NORTH_WEST", 1)]
    assert [(v.value, v.count) for v in result.facets["verified"]] == [("true", 1)]
    assert ids(filters={"verified": ["false"]}) == set()
    assert backend.suggest("acu") == backend.suggest("umbr") == backend.suggest("quil") == []
    assert backend.suggest("kil") == ["Kiln Street Pottery"]
    # Words only hidden companies use are no spelling correction either.
    assert service.search(SearchQuery(text="umbrelas")).suggestion is None


def test_a_rebuild_indexes_only_companies_that_may_be_shown(app, companies):
    name, loaded = rebuild_index()

    assert loaded == 1
    assert_only_shown(companies)


def test_the_outbox_indexes_only_companies_that_may_be_shown(app, db, companies):
    for company in companies.values():
        mark_company_changed(company.id)
    db.session.commit()
    process_after_commit()

    assert sync_outbox() == (0, 0)  # everything was applied after the commit
    assert_only_shown(companies)


def test_unpublishing_revoking_and_deleting_take_a_company_out(app, db, companies):
    rebuild_index()
    pottery = companies["shown"]
    for change, undo in (
        (("published", False), ("published", True)),
        (("verified_at", None), ("verified_at", utcnow())),
        (("deleted_at", utcnow()), ("deleted_at", None)),
    ):
        setattr(pottery, *change)
        mark_company_changed(pottery.id)
        db.session.commit()
        process_after_commit()
        assert ids() == set() and ids("kiln") == set(), change
        assert service.get_backend().suggest("kil") == []
        setattr(pottery, *undo)
        mark_company_changed(pottery.id)
        db.session.commit()
        process_after_commit()
        assert_only_shown(companies)
