"""The JSON API through HTTP, every response validated against /api/v1/openapi.json."""

from __future__ import annotations

import json

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

from tests.conftest import openapi_spec
from tests.supplier_profiles.buyer_fixtures import make_company, make_search_engine_unreachable


@pytest.fixture
def openapi(client) -> OpenAPI:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    return openapi_spec(document)


@pytest.fixture
def api(client, openapi):
    """GET an API URL and validate the real response against the OpenAPI document."""

    def get(url: str, status: int = 200):
        response = client.get(url)
        assert response.status_code == status, response.get_data(as_text=True)
        openapi.validate_response(
            WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(response)
        )
        return response

    return get


@pytest.fixture
def suppliers(db):
    return [
        make_company(
            name="Lomond Smokehouse",
            slug="lomond-smokehouse",
            number="SC000111",
            summary="Oak-smoked salmon for hotels.",
            industries=["FOOD_AND_DRINK"],
            region="SCOTLAND",
            export_countries=["FR", "US"],
            languages=["en", "fr"],
            employees="11-50",
            keywords=["salmon", "smoked"],
            website="https://lomond.example",
            case_studies=[
                {
                    "slug": "paris-hotels",
                    "title": "Salmon for Paris hotels",
                    "summary": "Weekly deliveries.",
                    "description": "Chilled by air.",
                    "industry": "FOOD_AND_DRINK",
                    "keywords": ["hospitality"],
                }
            ],
        ),
        make_company(
            name="Tamar Valley Cider",
            slug="tamar-valley-cider",
            summary="Cider and perry.",
            industries=["FOOD_AND_DRINK"],
            region="SOUTH_WEST",
            export_countries=["US"],
            languages=["en"],
            employees="1-10",
        ),
        make_company(
            name="Derwent Drones",
            slug="derwent-drones",
            summary="Survey drones.",
            industries=["AEROSPACE"],
            region="NORTH_WEST",
            export_countries=["DE"],
            languages=["en", "de"],
            employees="51-200",
        ),
    ]


def test_search_returns_the_documented_shape(api, suppliers):
    body = api("/api/v1/suppliers?q=salmon").get_json()
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 20
    assert body["suggestion"] is None
    [hit] = body["results"]
    assert hit == {
        "slug": "lomond-smokehouse",
        "name": "Lomond Smokehouse",
        "summary": "Oak-smoked salmon for hotels.",
        "highlight": hit["highlight"],
        "industries": ["FOOD_AND_DRINK"],
        "region": "SCOTLAND",
        "countries": ["FR", "US"],
        "verified": True,
        "url": "http://localhost/suppliers/lomond-smokehouse",
    }
    assert "<mark>salmon</mark>" in hit["highlight"]
    assert set(body["facets"]) == {
        "industry",
        "region",
        "country",
        "language",
        "employees",
        "verified",
    }
    assert body["facets"]["industry"] == [
        {"value": "FOOD_AND_DRINK", "label": "Food and drink", "count": 1}
    ]


def test_search_filters_are_repeatable_and_facets_disjunctive(api, suppliers):
    body = api("/api/v1/suppliers?industry=FOOD_AND_DRINK&country=US&sort=name").get_json()
    assert [r["slug"] for r in body["results"]] == ["lomond-smokehouse", "tamar-valley-cider"]
    assert {f["value"]: f["count"] for f in body["facets"]["industry"]} == {"FOOD_AND_DRINK": 2}
    assert {f["value"]: f["count"] for f in body["facets"]["country"]} == {"US": 2, "FR": 1}
    body = api("/api/v1/suppliers?industry=FOOD_AND_DRINK&industry=AEROSPACE&sort=name").get_json()
    assert body["total"] == 3
    body = api("/api/v1/suppliers?region=SCOTLAND&region=NORTH_WEST&language=de").get_json()
    assert [r["slug"] for r in body["results"]] == ["derwent-drones"]
    body = api("/api/v1/suppliers?employees=1-10&verified=true").get_json()
    assert [r["slug"] for r in body["results"]] == ["tamar-valley-cider"]
    assert {f["label"] for f in body["facets"]["verified"]} == {"Verified"}


def test_search_pages_and_sorts(api, suppliers):
    first = api("/api/v1/suppliers?sort=name&per_page=2").get_json()
    second = api("/api/v1/suppliers?sort=name&per_page=2&page=2").get_json()
    assert first["total"] == second["total"] == 3
    assert [r["name"] for r in first["results"] + second["results"]] == [
        "Derwent Drones",
        "Lomond Smokehouse",
        "Tamar Valley Cider",
    ]
    assert second["page"] == 2 and second["per_page"] == 2
    assert api("/api/v1/suppliers?page=5").get_json()["results"] == []


def test_search_offers_a_suggestion_for_a_misspelling(api, suppliers):
    body = api("/api/v1/suppliers?q=salmno").get_json()
    assert body["suggestion"] == "salmon"


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("industry=NOPE", "industry"),
        ("region=ATLANTIS", "region"),
        ("country=ZZ", "country"),
        ("language=xx", "language"),
        ("employees=lots", "employees"),
        ("verified=maybe", "verified"),
        ("sort=price", "sort"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("q=" + "x" * 201, "q"),
        ("colour=red", "colour"),
        ("sort=name&sort=updated", "sort"),
    ],
)
def test_bad_parameters_get_a_400_naming_the_parameter(
    client, openapi, suppliers, query, parameter
):
    response = client.get(f"/api/v1/suppliers?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["status"] == 400 and error["parameter"] == parameter
    assert parameter in error["detail"]
    # The error body is the documented Error schema (the request itself breaks the schema,
    # so only the response is checked).
    schema = openapi.spec / "components" / "schemas" / "Error"
    from openapi_schema_validator import OAS30Validator

    OAS30Validator(schema.read_value()).validate(response.get_json())


def test_supplier_profile_with_case_studies(api, suppliers):
    body = api("/api/v1/suppliers/lomond-smokehouse").get_json()
    assert body["name"] == "Lomond Smokehouse" and body["number"] == "SC000111"
    assert body["industries"] == ["FOOD_AND_DRINK"] and body["region"] == "SCOTLAND"
    assert body["export_countries"] == ["FR", "US"] and body["languages"] == ["en", "fr"]
    assert body["url"] == "http://localhost/suppliers/lomond-smokehouse"
    assert body["contact_url"] == "http://localhost/suppliers/lomond-smokehouse/contact"
    assert body["logo_url"] is None and body["verified"] is True
    [study] = body["case_studies"]
    assert study["title"] == "Salmon for Paris hotels" and study["keywords"] == ["hospitality"]
    assert study["url"] == "http://localhost/suppliers/lomond-smokehouse/case-studies/paris-hotels"
    # No personal contact details in the public API.
    assert "email" not in body and "phone" not in body


def test_supplier_profile_404_and_301(api, client, db, suppliers):
    error = api("/api/v1/suppliers/nobody", status=404).get_json()["error"]
    assert error["status"] == 404 and "nobody" in error["detail"]
    response = client.get("/api/v1/suppliers/Lomond-Smokehouse")
    assert response.status_code == 301
    assert response.location == "/api/v1/suppliers/lomond-smokehouse"
    drones = suppliers[2]
    drones.published = False
    db.session.commit()
    api("/api/v1/suppliers/derwent-drones", status=404)


def test_unpublished_suppliers_never_appear(api, db, suppliers):
    make_company(name="Draft Salmon Co", slug="draft-salmon", published=False)
    make_company(name="Unverified Salmon Co", slug="unverified-salmon", verified_at=None)
    body = api("/api/v1/suppliers?q=salmon").get_json()
    assert [r["slug"] for r in body["results"]] == ["lomond-smokehouse"]


def test_suggest_completes_company_names(api, suppliers):
    body = api("/api/v1/suggest?q=tam").get_json()
    assert body == {"query": "tam", "suggestions": ["Tamar Valley Cider"]}
    assert api("/api/v1/suggest?q=").get_json() == {"query": "", "suggestions": []}
    assert api("/api/v1/suggest?q=zzz").get_json()["suggestions"] == []


def test_suggest_refuses_unknown_parameters(client, suppliers):
    response = client.get("/api/v1/suggest?prefix=tam")
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] == "prefix"


def test_search_down_gives_503_json(app, api, suppliers, tmp_path):
    make_search_engine_unreachable(app, tmp_path)
    for url in ("/api/v1/suppliers?q=salmon", "/api/v1/suggest?q=lo"):
        response = api(url, status=503)
        assert response.headers["Retry-After"] == "60"
        error = response.get_json()["error"]
        assert error["status"] == 503 and "Search is not available" in error["detail"]


def test_openapi_document_describes_exactly_these_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()
    supplier_paths = {p for p in document["paths"] if "supplier" in p or "suggest" in p}
    assert supplier_paths == {"/api/v1/suppliers", "/api/v1/suppliers/{slug}", "/api/v1/suggest"}
    search = document["paths"]["/api/v1/suppliers"]["get"]
    assert {p["name"] for p in search["parameters"]} == {
        "q",
        "industry",
        "region",
        "country",
        "language",
        "employees",
        "verified",
        "sort",
        "page",
        "per_page",
    }
    assert set(search["responses"]) == {"200", "400", "503"}
    # The marketplaces endpoints are merged in when that package provides its fragment.
    try:
        from marketplaces.openapi import openapi_fragment
    except ImportError:
        return
    for path in openapi_fragment()["paths"]:
        assert path in document["paths"]


def test_the_validation_really_checks_the_shape(client, openapi, suppliers):
    """Guard against a validator that accepts anything: a response missing a field fails."""
    from openapi_core.exceptions import OpenAPIError
    from werkzeug.wrappers import Response

    real = client.get("/api/v1/suppliers?q=salmon")
    body = real.get_json()
    del body["results"][0]["url"]
    fake = Response(json.dumps(body), status=200, mimetype="application/json")
    with pytest.raises(OpenAPIError):
        openapi.validate_response(
            WerkzeugOpenAPIRequest(real.request), WerkzeugOpenAPIResponse(fake)
        )
