"""Staff issue partner API keys (shown once, stored hashed) and revoke them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tradehub.api_keys import ApiKey

URL = "/staff/api-keys"
FORM = {
    "partner_name": "Trade Partner Ltd",
    "contact_email": "api@partner.example",
    "requests_per_minute": "2,400",
}


def _issue(client, **changes):
    return client.post_form(URL, {**FORM, **changes})


def test_staff_issue_a_key_that_is_shown_once_and_works(client, db, signed_in):
    signed_in("staff")
    assert "API keys" in client.get("/staff/").get_data(as_text=True)

    response = _issue(client)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    [key] = re.findall(r'id="new-api-key">(th_[^<]+)<', html)
    row = db.session.scalar(select(ApiKey))
    assert (row.partner_name, row.requests_per_minute) == ("Trade Partner Ltd", 2400)
    assert key not in row.key_hash and key.startswith(f"th_{row.prefix}_")
    # The list shows only the prefix; the key itself is never shown again.
    again = client.get(URL).get_data(as_text=True)
    assert key not in again and f"th_{row.prefix}_" in again

    answer = client.get("/api/v2/marketplaces", headers={"X-API-Key": key})
    assert answer.status_code == 200 and answer.headers["RateLimit-Limit"] == "2400"


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"partner_name": ""}, "partner_name", "Enter the partner organisation"),
        ({"contact_email": "nope"}, "contact_email", "Enter an email address in the correct"),
        ({"requests_per_minute": "lots"}, "requests_per_minute", "as a whole number from 1"),
        ({"requests_per_minute": "0"}, "requests_per_minute", "as a whole number from 1"),
        ({"requests_per_minute": "100001"}, "requests_per_minute", "to 100,000"),
    ],
)
def test_the_form_says_what_to_enter_and_keeps_what_was_typed(
    client, db, signed_in, changes, field, message
):
    signed_in("staff")
    response = _issue(client, **changes)
    html = response.get_data(as_text=True)

    assert response.status_code == 400
    assert message in html and f'id="{field}-error"' in html
    assert 'value="Trade Partner Ltd"' in html or field == "partner_name"
    assert db.session.scalar(select(ApiKey)) is None


def test_staff_revoke_a_key(client, db, signed_in):
    signed_in("staff")
    key = re.findall(r'id="new-api-key">(th_[^<]+)<', _issue(client).get_data(as_text=True))[0]
    row = db.session.scalar(select(ApiKey))

    response = client.post_form(f"{URL}/{row.id}/revoke", {})
    assert response.status_code == 302
    page = client.get(URL).get_data(as_text=True)
    assert "no longer works" in page and "Revoked" in page
    assert client.get("/api/v2/marketplaces", headers={"X-API-Key": key}).status_code == 401
    assert client.post_form(f"{URL}/{row.id}/revoke", {}).status_code == 302  # told, not 500


@pytest.mark.parametrize("role", [None, "exporter", "partner", "buyer"])
def test_only_staff_see_api_keys(client, signed_in, role):
    if role:
        signed_in(role)
    response = client.get(URL)
    assert response.status_code in (302, 403)
    assert client.post_form(URL, FORM).status_code in (302, 403)
