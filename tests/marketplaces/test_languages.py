"""Selling Online Overseas in every language: counts in words, never scientific notation."""

from __future__ import annotations

import re

from tradehub import i18n


def test_marketplace_finder_writes_registered_users_in_words(client, loaded):
    english = client.get("/selling-online-overseas/find?sort=name").get_data(as_text=True)
    german = client.get("/selling-online-overseas/find?sort=name&lang=de").get_data(as_text=True)

    assert "E+" not in english
    assert re.search(r"<dd>\d[\d,.]* million</dd>", english)
    assert "E+" not in german
    assert re.search(r"<dd>\d[\d,.]* Millionen</dd>", german)


def test_marketplace_pages_never_print_scientific_notation(client, loaded):
    for path in ("/selling-online-overseas/", "/selling-online-overseas/find"):
        for tag in i18n.TAGS:
            page = client.get(f"{path}?lang={tag}").get_data(as_text=True)
            assert not re.search(r"\dE\+\d", page), (path, tag)
