"""The JSON API through HTTP, every response validated against /api/v1/openapi.json."""

from __future__ import annotations

import json

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_schema_validator import OAS31Validator

from supplier_profiles import taxonomies
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
    document = client.get("/api/v1/openapi.json").get_json()
    OAS31Validator({**document, "$ref": "#/components/schemas/Error"}).validate(response.get_json())


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


def test_the_profile_gives_the_verification_method_and_date(api, db, suppliers):
    from datetime import UTC, datetime

    from supplier_profiles.models import AuditAction, CompanyAuditEntry

    lomond, tamar, _ = suppliers
    db.session.add_all(
        [
            CompanyAuditEntry(
                company_id=lomond.id,
                action=AuditAction.VERIFIED_BY_STAFF,
                created_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
            ),
            # 23:30 UTC in December is still 3 December in the UK.
            CompanyAuditEntry(
                company_id=lomond.id,
                action=AuditAction.VERIFIED_BY_CODE,
                created_at=datetime(2026, 12, 3, 23, 30, tzinfo=UTC),
            ),
            # British Summer Time: 23:30 UTC on 30 June is 1 July in the UK.
            CompanyAuditEntry(
                company_id=tamar.id,
                action=AuditAction.VERIFIED_BY_STAFF,
                created_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC),
            ),
        ]
    )
    db.session.commit()
    for version in ("v1", "v2"):
        body = api(f"/api/{version}/suppliers/lomond-smokehouse").get_json()
        assert body["verification"] == {"method": "letter_code", "date": "2026-12-03"}
        body = api(f"/api/{version}/suppliers/tamar-valley-cider").get_json()
        assert body["verification"] == {"method": "staff", "date": "2026-07-01"}
    # Verified without an audit record (imported before records were kept): no claim made.
    assert api("/api/v2/suppliers/derwent-drones").get_json()["verification"] is None


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
        # 60 s, less the part of a second the rate limiter's clock has moved on (it rewrites
        # Retry-After of every limited answer from its own clock).
        assert 59 <= int(response.headers["Retry-After"]) <= 60
        error = response.get_json()["error"]
        assert error["status"] == 503 and "Search is not available" in error["detail"]


def test_openapi_document_describes_exactly_these_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()
    supplier_paths = {p for p in document["paths"] if "supplier" in p or "suggest" in p}
    assert supplier_paths == {
        f"/api/{version}/{path}"
        for version in ("v1", "v2")
        for path in ("suppliers", "suppliers/{slug}", "suggest")
    }
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
        "lang",
    }
    assert set(search["responses"]) == {"200", "304", "400", "401", "414", "429", "503"}
    # Every code parameter is an enum of the taxonomy's codes (issue #13, L7).
    schemas = document["components"]["schemas"]
    for name, enum_name in [
        ("industry", "IndustryCode"),
        ("region", "RegionCode"),
        ("country", "ExportCountryCode"),
        ("language", "LanguageCode"),
        ("employees", "EmployeeBand"),
    ]:
        [parameter] = [p for p in search["parameters"] if p["name"] == name]
        assert parameter["schema"]["items"] == {"$ref": f"#/components/schemas/{enum_name}"}
        assert parameter["style"] == "form" and parameter["explode"] is True
    assert set(schemas["IndustryCode"]["enum"]) == {c for c, _ in taxonomies.choices("industry")}
    assert "GB" not in schemas["ExportCountryCode"]["enum"]
    assert "FR" in schemas["ExportCountryCode"]["enum"]


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


# --- v2: the one list envelope ---------------------------------------------------------------


def test_v2_search_is_the_envelope_with_facets_and_suggestion_in_meta(api, suppliers):
    body = api("/api/v2/suppliers?industry=FOOD_AND_DRINK&sort=name&per_page=1").get_json()

    assert set(body) == {"data", "meta", "links"}
    assert [hit["slug"] for hit in body["data"]] == ["lomond-smokehouse"]
    meta = body["meta"]
    assert (meta["total"], meta["page"], meta["per_page"], meta["pages"]) == (2, 1, 1, 2)
    assert meta["total_capped"] is False and meta["suggestion"] is None
    # Disjunctive: the industry counts leave the industry filter out.
    assert {f["value"]: f["count"] for f in meta["facets"]["industry"]} == {
        "FOOD_AND_DRINK": 2,
        "AEROSPACE": 1,
    }
    base = "http://localhost/api/v2/suppliers?industry=FOOD_AND_DRINK&sort=name&per_page=1&page="
    assert body["links"] == {
        "self": base + "1",
        "next": base + "2",
        "prev": None,
        "first": base + "1",
        "last": base + "2",
    }
    second = api(body["links"]["next"].removeprefix("http://localhost")).get_json()
    assert [hit["slug"] for hit in second["data"]] == ["tamar-valley-cider"]
    assert second["links"]["next"] is None and second["links"]["prev"] == base + "1"


def test_v2_search_with_no_match_has_no_pages(api, suppliers):
    body = api("/api/v2/suppliers?q=zeppelin").get_json()

    assert body["data"] == [] and body["meta"]["total"] == 0 and body["meta"]["pages"] == 0
    assert body["links"]["next"] is None and body["links"]["prev"] is None
    assert body["links"]["last"] == body["links"]["first"] == body["links"]["self"]


def test_v2_suggest_and_profile(api, suppliers):
    body = api("/api/v2/suggest?q=tam").get_json()
    assert body["data"] == ["Tamar Valley Cider"]
    assert body["meta"] == {"total": 1, "page": 1, "per_page": 8, "pages": 1, "query": "tam"}
    assert api("/api/v2/suggest?q=").get_json()["data"] == []
    v2 = api("/api/v2/suppliers/lomond-smokehouse").get_json()
    assert v2 == api("/api/v1/suppliers/lomond-smokehouse").get_json()
    response = api("/api/v2/suppliers/Lomond-Smokehouse", status=301)
    assert response.location == "/api/v2/suppliers/lomond-smokehouse"


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("per_page=", "per_page"),  # issue #13 L7: an empty number is not a number
        ("page=", "page"),
        ("industry=", "industry"),
        ("industry=food_and_drink", "industry"),
        ("country=GB", "country"),  # an export market is never the UK
    ],
)
def test_the_api_accepts_exactly_what_the_document_says(client, suppliers, query, parameter):
    for version in ("v1", "v2"):
        response = client.get(f"/api/{version}/suppliers?{query}")
        assert response.status_code == 400, (version, query)
        assert response.get_json()["error"]["parameter"] == parameter
