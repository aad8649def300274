"""The header: links the feature packages register, then the core's, by who is signed in."""

from __future__ import annotations

import re

from tests.conftest import sign_in


def _header_links(html: str) -> list[str]:
    menu = html.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    text = re.sub(r"<[^>]+>", "\n", menu)
    return [line.strip() for line in text.splitlines() if line.strip() and ">" not in line]


def test_feature_links_come_first_then_the_core_ones(client):
    html = client.get("/").get_data(as_text=True)
    links = _header_links(html)
    assert links[:3] == ["Find a Supplier", "Selling Online Overseas", "Sign in"], links


def test_signed_in_staff_see_their_account_and_the_staff_area(client, make_user):
    from tradehub.accounts.models import Role

    sign_in(client, make_user(role=Role.STAFF))
    links = _header_links(client.get("/selling-online-overseas/").get_data(as_text=True))
    assert "Your account" in links and "Staff" in links and "Sign in" not in links
    assert "Partner" not in links
