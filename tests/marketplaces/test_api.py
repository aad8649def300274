"""GET /api/v1/marketplaces and /api/v1/marketplaces/<slug>, and their OpenAPI description."""

from __future__ import annotations

from decimal import Decimal

import pytest

API = "/api/v1/marketplaces"


def test_list_returns_all_37_over_pages(client, loaded):
    first = client.get(f"{API}?per_page=20&sort=name").get_json()
    second = client.get(f"{API}?per_page=20&sort=name&page=2").get_json()

    assert (first["total"], first["pages"], first["page"], first["per_page"]) == (37, 2, 1, 20)
    names = [m["name"] for m in first["marketplaces"] + second["marketplaces"]]
    assert len(names) == 37 and len(set(names)) == 37
    assert names[0] == "Allegro" and names[-1] == "Zalora"
    assert first["next"].endswith("/api/v1/marketplaces?per_page=20&sort=name&page=2")
    assert first["previous"] is None
    assert second["next"] is None


def test_filters_and_sorts_match_the_finder(client, loaded):
    body = client.get(f"{API}?country=jp&sort=name").get_json()
    assert [m["slug"] for m in body["marketplaces"]] == ["amazon-japan", "ebay", "etsy", "rakuten"]

    body = client.get(
        f"{API}?country=CN&uk_offer=true&no_local_bank_account=1&sort=commission"
    ).get_json()
    assert {m["slug"] for m in body["marketplaces"]} == {
        "ctrip",
        "ebay",
        "etsy",
        "jd-worldwide",
        "kaola",
        "royal-mail-tmall-store",
    }
    lows = [Decimal(m["commission"]["low_percent"]) for m in body["marketplaces"]]
    assert lows == sorted(lows)

    body = client.get(
        f"{API}?category=Food+and+drink&category=Luggage+and+bags"
        "&fulfilment=Fulfilled+by+seller&sort=name"
    ).get_json()
    assert body["total"] == len(body["marketplaces"])
    for m in body["marketplaces"]:
        assert {"Food and drink", "Luggage and bags"} & set(m["product_categories"])
        assert "Fulfilled by seller" in m["fulfilment"]


def test_sort_by_registered_users(client, loaded):
    body = client.get(f"{API}?sort=users&per_page=3").get_json()

    assert [(m["slug"], m["registered_users_millions"]) for m in body["marketplaces"]] == [
        ("kaola", "840"),
        ("spartoo", "450"),
        ("royal-mail-tmall-store", "400"),
    ]


def test_one_marketplace_has_every_fact(client, loaded):
    response = client.get(f"{API}/rakuten")

    body = response.get_json()
    assert response.status_code == 200
    assert body["name"] == "Rakuten"
    assert body["url"].endswith("/selling-online-overseas/rakuten")
    assert body["countries"] == ["JP"] and body["worldwide"] is False
    assert body["commission"] == {
        "low_percent": "8",
        "high_percent": "12",
        "basis": "category_dependent",
    }
    # The yen has no minor unit, so its amounts carry no decimals.
    assert body["fees"]["membership"] == {
        "amount": "19500",
        "currency": "JPY",
        "frequency": "monthly",
    }
    assert body["fees"]["one_off_registration"] == {"amount": "60000", "currency": "JPY"}
    assert body["fees"]["deposit"] is None
    assert body["fees"]["per_listing"] == {"charged": False, "amount": None}
    assert body["payment_days"] == 15
    assert body["payout_currencies"] == ["GBP", "JPY"]
    assert body["registered_users_millions"] == "105"
    assert body["setup_requirements"] == ["local_returns_address"]
    assert body["famous_brands"] == ["New Balance"]
    assert body["uk_offers"] == []


def test_money_is_written_in_each_currencys_minor_units(client, loaded):
    canada = client.get(f"{API}/amazon-canada").get_json()["fees"]["membership"]
    royal_mail = client.get(f"{API}/royal-mail-tmall-store").get_json()["fees"]
    japan = client.get(f"{API}/amazon-japan").get_json()["fees"]["membership"]

    assert canada == {"amount": "29.99", "currency": "CAD", "frequency": "monthly"}
    assert royal_mail["one_off_registration"] == {"amount": "2500.00", "currency": "GBP"}
    assert japan == {"amount": "4900", "currency": "JPY", "frequency": "monthly"}


def test_global_marketplace_and_its_offer(client, loaded):
    body = client.get(f"{API}/etsy").get_json()

    assert body["worldwide"] is True and body["countries"] == []
    assert body["uk_offers"] == [
        {
            "kind": "free_listings",
            "badge_text": "UK offer: free listings",
            "summary": "20 free listings for approved UK sellers new to Etsy",
            "terms": "",
            "eligibility": "",
            "valid_from": None,
            "valid_until": None,
        }
    ]


def test_unknown_slug_is_404_json(client, loaded):
    response = client.get(f"{API}/nope")

    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404
    assert "nope" in response.get_json()["error"]["detail"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("page=abc", "page"),
        ("sort=cheapest", "sort"),
        ("country=XX", "country"),
        ("category=Spaceships", "category"),
        ("positioning=Cheap", "positioning"),
        ("fulfilment=Drones", "fulfilment"),
        ("seller_model=Agent", "seller_model"),
        ("uk_offer=maybe", "uk_offer"),
        ("sort=name&sort=users", "sort"),
        ("colour=red", "colour"),
    ],
)
def test_bad_parameters_get_400_naming_the_parameter(client, loaded, query, parameter):
    response = client.get(f"{API}?{query}")

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == parameter
    assert parameter in error["detail"]


@pytest.mark.parametrize("query", ["country=GB", "country=gb", "country=JP&country=GB"])
def test_the_united_kingdom_is_refused_as_a_country_to_sell_to_like_the_finder_does(
    client, loaded, query
):
    response = client.get(f"{API}?{query}")

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == "country"
    assert "outside the United Kingdom" in error["detail"]


def test_page_past_the_end_is_empty_not_an_error(client, loaded):
    body = client.get(f"{API}?page=9").get_json()

    assert body["marketplaces"] == [] and body["total"] == 37 and body["next"] is None


def test_openapi_document_describes_both_endpoints_in_both_versions(client):
    document = client.get("/api/v1/openapi.json").get_json()

    paths = {p for p in document["paths"] if "marketplaces" in p}
    assert paths == {
        "/api/v1/marketplaces",
        "/api/v1/marketplaces/{slug}",
        "/api/v2/marketplaces",
        "/api/v2/marketplaces/{slug}",
    }
    listed = document["paths"]["/api/v1/marketplaces"]["get"]
    names = {p["name"] for p in listed["parameters"]}
    assert names == {
        "category",
        "country",
        "positioning",
        "fulfilment",
        "seller_model",
        "uk_offer",
        "no_local_company",
        "no_local_bank_account",
        "sort",
        "page",
        "per_page",
    }
    assert listed["deprecated"] is True
    assert "deprecated" not in document["paths"]["/api/v2/marketplaces"]["get"]
    schemas = document["components"]["schemas"]
    assert {"Marketplace", "MarketplaceListV1", "MarketplacePage", "MarketplaceOffer"} <= set(
        schemas
    )
    # Code parameters are enums built from the marketplace facts and the country list.
    country = next(p for p in listed["parameters"] if p["name"] == "country")
    assert country["schema"]["items"] == {"$ref": "#/components/schemas/CountryCode"}
    assert "JP" in schemas["CountryCode"]["enum"]
    assert "Food and drink" in schemas["ProductCategory"]["enum"]


def test_responses_have_exactly_the_documented_fields(client, loaded):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    body = client.get(f"{API}?per_page=1&uk_offer=true").get_json()

    assert set(body) == set(schemas["MarketplaceListV1"]["required"])
    marketplace = body["marketplaces"][0]
    assert set(marketplace) == set(schemas["Marketplace"]["properties"])
    assert set(marketplace["uk_offers"][0]) == set(schemas["MarketplaceOffer"]["properties"])


@pytest.mark.parametrize(
    "url",
    [
        f"{API}?country=JP&uk_offer=true",
        f"{API}?per_page=100&sort=commission",
        f"{API}/etsy",
        f"{API}/rakuten",
        f"{API}/nope",
        f"{API}?per_page=500",
    ],
)
def test_real_responses_validate_against_the_site_openapi_document(app, client, loaded, url):
    from flask import request
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

    from tests.conftest import openapi_spec

    document = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/marketplaces/{slug}" in document["paths"]
    spec = openapi_spec(document)
    response = client.get(url)

    with app.test_request_context(url, base_url="http://localhost"):
        spec.validate_response(WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response))


# --- v2: the one list envelope ---------------------------------------------------------------

V2 = "/api/v2/marketplaces"


def test_v2_list_is_the_envelope_with_links_that_keep_the_filters(client, loaded):
    first = client.get(f"{V2}?per_page=20&sort=name").get_json()
    second = client.get(f"{V2}?per_page=20&sort=name&page=2").get_json()

    assert set(first) == {"data", "meta", "links"}
    assert first["meta"] == {"total": 37, "page": 1, "per_page": 20, "pages": 2}
    names = [m["name"] for m in first["data"] + second["data"]]
    assert len(set(names)) == 37 and names[0] == "Allegro" and names[-1] == "Zalora"
    base = "http://localhost/api/v2/marketplaces?per_page=20&sort=name&page="
    assert first["links"] == {
        "self": base + "1",
        "next": base + "2",
        "prev": None,
        "first": base + "1",
        "last": base + "2",
    }
    assert second["links"]["next"] is None and second["links"]["prev"] == base + "1"
    # Following the links walks the list.
    assert client.get(first["links"]["next"]).get_json()["data"] == second["data"]


def test_v2_one_marketplace_is_the_same_as_v1(client, loaded):
    assert client.get(f"{V2}/rakuten").get_json() == client.get(f"{API}/rakuten").get_json()
    assert client.get(f"{V2}/nope").status_code == 404


def test_v1_answers_carry_deprecation_sunset_and_successor(client, loaded):
    response = client.get(f"{API}?sort=name&per_page=5")

    assert response.headers["Deprecation"].startswith("@")
    assert response.headers["Sunset"] == "Fri, 04 Jun 2027 00:00:00 GMT"
    assert response.headers["Link"] == (
        '<http://localhost/api/v2/marketplaces?sort=name&per_page=5>; rel="successor-version"'
    )
    assert "Deprecation" not in client.get(f"{V2}?sort=name").headers
