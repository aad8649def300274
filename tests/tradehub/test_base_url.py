"""Every external link is built from BASE_URL, never from the request's Host header; in
production a request for another host is refused (issue 13, H1)."""

from __future__ import annotations

import pytest
from flask import url_for

from tests.conftest import CSRF_RE, PASSWORD
from tests.supplier_profiles.buyer_fixtures import make_company
from tradehub import create_app
from tradehub.config import load_config
from tradehub.errors import ConfigurationError

EVIL = {"Host": "attacker.example"}
ATTACKER = "http://attacker.example"


def post_as_attacker(client, url: str, data: dict):
    """Fetch the form and post it with every request's Host header set to the attacker's."""
    page = client.get(url, base_url=ATTACKER).get_data(as_text=True)
    match = CSRF_RE.search(page)
    return client.post(
        url, data={**data, "csrf_token": match.group(1) or match.group(2)}, base_url=ATTACKER
    )


PRODUCTION = {
    "SECRET_KEY": "x" * 64,
    "BASE_URL": "https://tradehub.example.gov.uk",
    "MAIL_SERVER": "smtp.example.gov.uk",
}


def test_password_reset_link_ignores_a_forged_host_header(client, make_user, mailbox, app):
    user = make_user(email="victim@example.com")
    response = post_as_attacker(client, "/account/forgot-password", {"email": user.email})
    assert response.status_code == 200
    [message] = mailbox.wait_for(user.email)
    assert "attacker.example" not in mailbox.body(message)
    links = mailbox.links(message)
    assert links and all(link.startswith(app.config["BASE_URL"] + "/") for link in links)


def test_confirmation_link_ignores_a_forged_host_header(client, mailbox, app):
    post_as_attacker(
        client,
        "/account/register",
        {
            "full_name": "Ada Lovelace",
            "email": "ada@example.com",
            "role": "exporter",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    [message] = mailbox.wait_for("ada@example.com")
    assert "attacker.example" not in mailbox.body(message)
    assert any(
        link.startswith(app.config["BASE_URL"] + "/account/confirm/")
        for link in mailbox.links(message)
    )


def test_api_urls_and_canonical_links_come_from_base_url(client, db, app):
    app.config["BASE_URL"] = "https://trade.example.gov.uk"
    make_company(name="Harbour Ropes", slug="harbour-ropes")
    body = client.get("/api/v1/suppliers/harbour-ropes", headers=EVIL).get_json()
    assert body["url"] == "https://trade.example.gov.uk/suppliers/harbour-ropes"
    assert body["contact_url"] == "https://trade.example.gov.uk/suppliers/harbour-ropes/contact"
    html = client.get("/suppliers/harbour-ropes", headers=EVIL).get_data(as_text=True)
    assert (
        '<link rel="canonical" href="https://trade.example.gov.uk/suppliers/harbour-ropes">' in html
    )


def test_links_built_outside_a_request_use_base_url(app):
    app.config["BASE_URL"] = "https://trade.example.gov.uk"
    assert url_for("accounts.sign_in") == "https://trade.example.gov.uk/account/sign-in"
    assert url_for("accounts.sign_in", _external=False) == "/account/sign-in"


def test_production_refuses_a_request_for_another_host(tmp_path):
    production = create_app(
        load_config(
            "production",
            environ={**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"},
        )
    )
    assert production.config["TRUSTED_HOSTS"] == ["tradehub.example.gov.uk"]
    client = production.test_client()
    assert client.get("/account/sign-in", headers=EVIL).status_code == 400
    ok = client.get("/account/sign-in", base_url="https://tradehub.example.gov.uk")
    assert ok.status_code == 200


def test_production_refuses_to_start_without_base_url():
    settings = {key: value for key, value in PRODUCTION.items() if key != "BASE_URL"}
    with pytest.raises(ConfigurationError, match="BASE_URL must be set in production"):
        load_config("production", environ=settings)


@pytest.mark.parametrize("value", ["tradehub.example", "ftp://tradehub.example", "https://x/app?q"])
def test_a_malformed_base_url_is_refused(value):
    with pytest.raises(ConfigurationError, match="BASE_URL must be"):
        load_config("development", environ={"BASE_URL": value})


def test_development_defaults_to_the_local_server():
    assert load_config("development", environ={}).BASE_URL == "http://127.0.0.1:5000"
