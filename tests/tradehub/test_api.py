"""What every public API answer carries: ETags and 304s, CORS, rate limits, keys, URL bounds."""

from __future__ import annotations

from datetime import UTC

import pytest
from werkzeug.http import parse_date

from tests.supplier_profiles.buyer_fixtures import make_company
from tradehub.api_keys import issue_key, revoke_key

ONE = "/api/v2/suppliers/lomond-smokehouse"


@pytest.fixture
def supplier(db):
    return make_company(name="Lomond Smokehouse", slug="lomond-smokehouse", summary="Salmon.")


# --- HTTP caching ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", [ONE, "/api/v2/suppliers?q=salmon", "/api/v1/suppliers?q=salmon", "/api/v1/openapi.json"]
)
def test_a_get_has_a_strong_etag_and_answers_304_while_it_matches(client, supplier, url):
    first = client.get(url)
    etag = first.headers["ETag"]

    assert first.status_code == 200
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    assert parse_date(first.headers["Last-Modified"]) is not None
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag
    stale = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.get_data() == first.get_data()


def test_a_change_gives_a_new_etag_and_last_modified(client, db, supplier):
    first = client.get(ONE)
    assert parse_date(first.headers["Last-Modified"]) == supplier.updated_at.astimezone(
        UTC
    ).replace(microsecond=0)
    since = client.get(ONE, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304

    supplier.summary = "Oak-smoked salmon."
    db.session.commit()
    changed = client.get(ONE, headers={"If-None-Match": first.headers["ETag"]})

    assert changed.status_code == 200
    assert changed.get_json()["summary"] == "Oak-smoked salmon."
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_answers_vary_by_language_but_not_by_cookie(client, supplier, signed_in):
    signed_in("staff")  # even with a session cookie: the API never reads it
    answer = client.get(ONE)
    assert "Accept-Language" in answer.headers["Vary"] and "Cookie" not in answer.headers["Vary"]
    assert "Set-Cookie" not in answer.headers
    # Pages still vary by cookie.
    assert "Cookie" in client.get("/account/").headers.get("Vary", "")


# --- CORS ------------------------------------------------------------------------------------

PREFLIGHT = {
    "Origin": "https://partner.example",
    "Access-Control-Request-Method": "GET",
    "Access-Control-Request-Headers": "If-None-Match",
}


@pytest.mark.parametrize(
    "url", ["/api/v2/suppliers", ONE, "/api/v2/marketplaces", "/api/v1/openapi.json"]
)
def test_public_endpoints_answer_a_cors_preflight_for_any_origin(client, supplier, url):
    preflight = client.options(url, headers=PREFLIGHT)

    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    answer = client.get(url, headers={"Origin": "https://partner.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in answer.headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize(
    "url",
    ["/account/sign-in", "/account/register", "/", "/find-a-supplier", "/staff/", "/api/docs"],
)
def test_session_routes_send_no_cors_headers(client, url):
    preflight = client.options(url, headers={**PREFLIGHT, "Access-Control-Request-Method": "POST"})
    answer = client.get(url, headers={"Origin": "https://partner.example"})

    for response in (preflight, answer):
        assert not [k for k, _ in response.headers.items() if k.startswith("Access-Control-")]


def test_an_unknown_api_path_sends_no_cors_headers(client):
    response = client.get("/api/v2/nothing-here", headers={"Origin": "https://x.example"})
    assert response.status_code == 404 and response.get_json()["error"]["status"] == 404
    assert "Access-Control-Allow-Origin" not in response.headers


# --- rate limits and partner keys -------------------------------------------------------------


def test_rate_limit_headers_count_down_across_endpoints_then_429(app, client, supplier):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    urls = [ONE, "/api/v2/suppliers", "/api/v1/openapi.json"]
    for url in urls:
        assert client.options(url, headers=PREFLIGHT).status_code == 200  # free

    remaining = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["RateLimit-Limit"] == "3"
        assert 0 < int(response.headers["RateLimit-Reset"]) <= 60
        remaining.append(response.headers["RateLimit-Remaining"])
    refused = client.get("/api/v2/marketplaces")

    assert remaining == ["2", "1", "0"]
    assert refused.status_code == 429
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    error = refused.get_json()["error"]
    assert error["status"] == 429 and "Retry-After" in error["detail"]
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    # Preflights never use the allowance (a browser may send one before each GET).
    assert client.options(ONE, headers=PREFLIGHT).status_code == 200
    # Another address has its own allowance.
    other = client.get(ONE, environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code == 200 and other.headers["RateLimit-Remaining"] == "2"


def test_a_partner_key_has_its_own_higher_limit(app, client, db, supplier):
    app.config["API_RATE_LIMIT"] = "1 per minute"
    row, key = issue_key(
        partner_name="Trade Partner Ltd",
        contact_email="API@Partner.example",
        requests_per_minute=5,
        created_by_id=None,
    )
    db.session.commit()

    assert client.get(ONE).status_code == 200
    assert client.get(ONE).status_code == 429  # the anonymous allowance is spent
    with_key = client.get(ONE, headers={"X-API-Key": key})
    assert with_key.status_code == 200
    assert with_key.headers["RateLimit-Limit"] == "5"
    assert with_key.headers["RateLimit-Remaining"] == "4"
    # Only the hash is stored, and the address is kept lower-case.
    assert key not in (row.key_hash, row.prefix) and len(row.key_hash) == 64
    assert row.contact_email == "api@partner.example"

    revoke_key(row)
    db.session.commit()
    refused = client.get(ONE, headers={"X-API-Key": key}, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert refused.status_code == 401
    assert refused.get_json()["error"]["status"] == 401


@pytest.mark.parametrize("key", ["nonsense", "th_00000000_wrong", ""])
def test_an_unknown_key_is_refused_not_ignored(client, supplier, key):
    response = client.get(ONE, headers={"X-API-Key": key})
    if key:
        assert response.status_code == 401
        assert "X-API-Key" in response.get_json()["error"]["detail"]
    else:
        assert response.status_code == 200  # an empty header is no key


# --- URL bounds (issue #13, L7: the 414 was undocumented) ----------------------------------


def test_an_over_long_api_url_is_a_documented_414(client):
    response = client.get("/api/v2/suppliers?q=" + "x" * 2100)

    assert response.status_code == 414
    assert response.get_json()["error"]["status"] == 414
    document = client.get("/api/v1/openapi.json").get_json()
    assert "414" in document["paths"]["/api/v2/suppliers"]["get"]["responses"]
