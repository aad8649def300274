"""Cross-language search, on both backends: a buyer's word for a taxonomy term in their own
language is searched as typed AND as the English label ("Möbel" or "furniture"), so it finds
the English profiles the label finds and the profiles written with the buyer's word."""

from __future__ import annotations

import os
import uuid

import pytest
from flask_babel import force_locale

from search_index import SearchQuery, service
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
            summary="Hand-made oak furniture for hotels and restaurants in London.",
            industries=["HOUSEHOLD_GOODS_FURNITURE_AND_FURNISHINGS"],
        ),
        SearchCompanyFactory(
            name="Cotswold Chairmakers",
            slug="cotswold-chairmakers",
            summary="Upholstered chairs and office furniture, made in Gloucestershire.",
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


def add_to_index(db, **fields) -> None:
    """One more company, indexed like the catalogue's."""
    company = SearchCompanyFactory(**fields)
    db.session.flush()
    mark_company_changed(company.id)
    db.session.commit()
    process_after_commit()


def test_a_profile_written_with_the_buyers_word_is_found_by_it_too(client, db, catalogue):
    add_to_index(
        db,
        name="Schreinerei Huber",
        slug="schreinerei-huber",
        summary="Möbel aus Massivholz, nach Maß gefertigt.",
        industries=["CONSTRUCTION"],
    )
    english = api_slugs(client, "furniture")

    assert "schreinerei-huber" not in english
    assert api_slugs(client, "Möbel", "de") == sorted([*english, "schreinerei-huber"])
    # Without a language the word is still searched as typed: the German profile has it.
    assert api_slugs(client, "Möbel") == ["schreinerei-huber"]
    page = client.get("/find-a-supplier?q=Möbel&lang=de").get_data(as_text=True)
    assert "Schreinerei Huber" in page
    assert "Oakleaf Interiors" in page
    assert "3 Lieferanten" in page


@pytest.mark.parametrize(
    ("lang", "mixed", "english"),
    [
        ("de", "Möbel London", "furniture London"),
        ("fr", "meubles Gloucestershire", "furniture Gloucestershire"),
        ("de", "Möbel Hotels Restaurants", "furniture hotels restaurants"),
        ("de", "Versicherungen cargo", "insurance cargo"),
        ("zh-Hans", "家具 London", "furniture London"),
    ],
)
def test_a_mixed_query_searches_the_other_words_as_typed(client, catalogue, lang, mixed, english):
    expected = api_slugs(client, english)

    assert expected
    assert api_slugs(client, mixed, lang) == expected


def test_a_chinese_term_run_into_other_words_is_set_apart_and_found(client, catalogue):
    # No space between the Chinese word and the next: the search would read one word.
    assert api_slugs(client, "家具London", "zh-Hans") == api_slugs(client, "furniture London")


def test_an_alternative_counts_as_one_word_matched(app, catalogue):
    """Three units (the group "Möbel"/"furniture", "hotels", "gloucestershire"): two must
    match, and each furniture maker matches the group (through its English side) and one other
    word. Were "furniture" added as a word of its own, four words would need three, and
    neither company would be found."""
    query = SearchQuery(
        text="Möbel Hotels Gloucestershire",
        alternatives=(("Möbel", ("furniture",)),),
    )
    with app.test_request_context():
        slugs = sorted(hit.slug for hit in service.search(query).hits)

    assert slugs == ["cotswold-chairmakers", "oakleaf-interiors"]


def test_alternatives_are_cleaned_and_empty_ones_dropped():
    query = SearchQuery(
        text="Möbel",
        alternatives=(("<b>Möbel</b>", ("furniture", "Furniture", "möbel")), ("", ("x",))),
    )

    assert query.alternatives == (("Möbel", ("furniture", "Furniture")),)


def test_only_taxonomy_words_get_the_english_label_names_stay_as_typed(app):
    with app.test_request_context("/?lang=de"), force_locale("de"):
        assert taxonomies.cross_language_search("Möbel aus Eiche") == (
            "Möbel aus Eiche",
            (("Möbel", ("furniture",)),),
        )
        assert taxonomies.cross_language_search("Meyer Möbelwerk") == ("Meyer Möbelwerk", ())
        text, alternatives = taxonomies.cross_language_search("Lebensmittel und Getränke")
        assert text == "Lebensmittel und Getränke"
        assert alternatives == (("Lebensmittel und Getränke", ("food and drink",)),)
    with app.test_request_context("/?lang=zh-Hans"), force_locale("zh_Hans"):
        assert taxonomies.cross_language_search("优质家具") == (
            "优质 家具",
            (("家具", ("furniture",)),),
        )
    with app.test_request_context("/?lang=en"), force_locale("en_GB"):
        assert taxonomies.cross_language_search("Möbel") == ("Möbel", ())
