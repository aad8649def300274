"""Cross-language search, on both backends: a buyer's word for a taxonomy term in their own
language finds the same English profiles as the English label ("Möbel" -> furniture)."""

from __future__ import annotations

import os
import uuid

import pytest
from flask_babel import force_locale

from search_index import service
from supplier_profiles import taxonomies
from supplier_profiles.search_documents import mark_company_changed
from tests.factories import SearchCompanyFactory
from tradehub.after_commit import process_after_commit


@pytest.fixture(params=["embedded", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def app_config(app_config, request) -> dict:
    """The root settings on each backend (elasticsearch only when ELASTICSEARCH_URL is set)."""
    app_config["SEARCH_BACKEND"] = request.param
    if request.param == "elasticsearch":
        if not os.environ.get("ELASTICSEARCH_URL"):
            pytest.skip("ELASTICSEARCH_URL is not set")
        app_config["ELASTICSEARCH_URL"] = os.environ["ELASTICSEARCH_URL"]
        app_config["SEARCH_INDEX_PREFIX"] = f"crosslang-{uuid.uuid4().hex[:10]}"
        app_config["SEARCH_TIMEOUT"] = 30.0
    return app_config


@pytest.fixture
def catalogue(app, db):
    """Two furniture makers, an insurer and a steel fabricator, all in English."""
    companies = [
        SearchCompanyFactory(
            name="Oakleaf Interiors",
            slug="oakleaf-interiors",
            summary="Hand-made oak furniture for hotels and restaurants.",
            industries=["HOUSEHOLD_GOODS_FURNITURE_AND_FURNISHINGS"],
        ),
        SearchCompanyFactory(
            name="Cotswold Chairmakers",
            slug="cotswold-chairmakers",
            summary="Upholstered chairs and office furniture.",
            industries=["HOUSEHOLD_GOODS_FURNITURE_AND_FURNISHINGS"],
        ),
        SearchCompanyFactory(
            name="Harbour Cover",
            slug="harbour-cover",
            summary="Marine cargo insurance for exporters.",
            products_services=["Insurance"],
            industries=["FINANCIAL_AND_PROFESSIONAL_SERVICES"],
        ),
        SearchCompanyFactory(
            name="Tyne Steelworks",
            slug="tyne-steelworks",
            summary="Structural steel fabrication.",
            industries=["METALS_MINERALS_AND_MATERIALS"],
        ),
    ]
    db.session.flush()
    for company in companies:
        mark_company_changed(company.id)
    db.session.commit()
    process_after_commit()
    yield companies
    service.get_backend(app).clear()
    service.reset_backend(app)


def api_slugs(client, query: str, lang: str | None = None) -> list[str]:
    url = f"/api/v1/suppliers?q={query}" + (f"&lang={lang}" if lang else "")
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(hit["slug"] for hit in response.get_json()["results"])


@pytest.mark.parametrize(
    ("lang", "word", "english"),
    [
        ("de", "Möbel", "furniture"),
        ("zh-Hans", "家具", "furniture"),
        ("es", "mobiliario", "furniture"),
        ("fr", "meubles", "furniture"),
        ("ja", "家具", "furniture"),
        ("de", "Versicherungen", "insurance"),
        ("ar", "الأثاث", "furniture"),
    ],
)
def test_a_translated_taxonomy_term_finds_what_the_english_label_finds(
    client, catalogue, lang, word, english
):
    expected = api_slugs(client, english)

    assert expected  # the English label finds something to compare with
    assert api_slugs(client, word, lang) == expected


def test_the_find_a_supplier_page_searches_a_german_word_as_its_english_label(client, catalogue):
    page = client.get("/find-a-supplier?q=Möbel&lang=de").get_data(as_text=True)

    assert "Oakleaf Interiors" in page
    assert "Cotswold Chairmakers" in page
    assert "Tyne Steelworks" not in page
    assert "2 Lieferanten" in page
    # The heading repeats what the buyer typed, not the English label.
    assert "für ‘Möbel’" in page


def test_without_a_language_the_api_searches_the_words_as_typed(client, catalogue):
    assert api_slugs(client, "Möbel") == []


def test_an_unknown_language_is_a_400_naming_the_parameter(client, catalogue):
    response = client.get("/api/v1/suppliers?q=steel&lang=xx")

    assert response.status_code == 400
    assert "lang" in response.get_data(as_text=True)


def test_api_facet_labels_follow_lang(client, catalogue):
    body = client.get("/api/v1/suppliers?lang=de").get_json()

    labels = {f["value"]: f["label"] for f in body["facets"]["industry"]}
    assert labels["HOUSEHOLD_GOODS_FURNITURE_AND_FURNISHINGS"] == (
        "Haushaltswaren, Möbel und Einrichtung"
    )
    assert {f["label"] for f in body["facets"]["country"]} == {"Frankreich"}


def test_only_taxonomy_words_are_replaced_names_stay_as_typed(app):
    with app.test_request_context("/?lang=de"), force_locale("de"):
        assert taxonomies.english_search_text("Möbel aus Eiche") == "furniture aus Eiche"
        assert taxonomies.english_search_text("Meyer Möbelwerk") == "Meyer Möbelwerk"
        assert taxonomies.english_search_text("Lebensmittel und Getränke") == "food and drink"
    with app.test_request_context("/?lang=en"), force_locale("en_GB"):
        assert taxonomies.english_search_text("Möbel") == "Möbel"
