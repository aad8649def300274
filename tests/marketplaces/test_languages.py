"""Selling Online Overseas in every language: counts in words, dates in the reader's language, and
no English left in the chrome of the landing, finder, marketplace, compare and cost-estimate
pages."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from marketplaces.models import ExchangeRate, Marketplace
from tests.factories import OfferFactory
from tests.tradehub import test_translations
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


# --- no English left in the chrome of the Selling Online Overseas pages -------------------------


# The check and its `lookups` fixture live with the buyer pages' walk; these pages need `loaded`.
lookups = test_translations.lookups


@pytest.fixture
def soo_pages(loaded, db):
    """The public SOO pages: a marketplace with a dated live offer, filters, compare, estimates."""
    trade_me = db.session.scalar(select(Marketplace).where(Marketplace.slug == "trade-me"))
    OfferFactory(marketplace=trade_me, valid_from=date(2026, 1, 5), valid_until=date(2030, 3, 31))
    db.session.commit()
    base = "/selling-online-overseas"
    return [
        f"{base}/",
        f"{base}/find",
        f"{base}/find?country=JP&positioning=Premium&uk_offer=y&sort=name",
        f"{base}/find?category=Furniture&fulfilment=Fulfilled+by+seller&sort=users",
        f"{base}/find?country=GB&category=Nonsense",
        f"{base}/trade-me",
        f"{base}/ebay",
        f"{base}/compare",
        f"{base}/compare?slug=trade-me&slug=ebay",
        f"{base}/compare?slug=trade-me&slug=ebay&slug=rakuten&slug=amazon-us&slug=etsy",
        f"{base}/cost-estimate",
        f"{base}/cost-estimate?monthly_sales=5000&listings=250",
        f"{base}/cost-estimate?monthly_sales=5000&listings=1&slug=trade-me&slug=ebay",
        f"{base}/cost-estimate?monthly_sales=lots&listings=-3",
        f"{base}/cost-estimate?monthly_sales=&listings=",
    ]


def proper_names(db) -> set[str]:
    """Marketplace names, slugs (as typed in the address) and currency codes: the same in
    every language."""
    names = set(db.session.scalars(select(Marketplace.name)))
    names |= set(db.session.scalars(select(Marketplace.slug))) | {"amazon-us"}
    codes = {c for m in db.session.scalars(select(Marketplace)) for c in m.payout_currencies or []}
    codes |= set(db.session.scalars(select(ExchangeRate.currency)))
    return names | codes


@pytest.mark.parametrize("tag", [lang.tag for lang in i18n.LANGUAGES[1:]])
def test_no_english_is_left_on_the_selling_online_overseas_pages(
    client, db, soo_pages, lookups, tag
):
    test_translations.assert_no_english_left(client, lookups, tag, soo_pages, proper_names(db))


def test_offer_dates_are_written_in_the_readers_language(client, soo_pages):
    pages = {
        tag: client.get(f"/selling-online-overseas/trade-me?lang={tag}").get_data(as_text=True)
        for tag in ("en", "de", "ja", "ar")
    }
    assert "Valid from 5 January 2026 to 31 March 2030" in pages["en"]
    assert "Gültig vom 5. Januar 2026 bis 31. März 2030" in pages["de"]
    assert "2030年3月31日" in pages["ja"]
    assert "مارس" in pages["ar"] and 'dir="rtl"' in pages["ar"]


def test_cost_estimate_errors_and_lines_are_translated(client, loaded):
    base = "/selling-online-overseas/cost-estimate"
    german = client.get(f"{base}?monthly_sales=lots&listings=-3&lang=de").get_data(as_text=True)
    assert "Geben Sie Ihren erwarteten Monatsumsatz als Betrag in Pfund ein" in german
    assert "Die Anzahl der Angebote muss zwischen 0 und 1.000.000 liegen" in german
    # Exchange rates keep every decimal, written the German way (seed rate JPY 141.8).
    assert re.search(r">JPY</td>\s*<td[^>]*>141,8</td>", german)

    french = client.get(f"{base}?monthly_sales=5000&listings=1200&lang=fr").get_data(as_text=True)
    assert "Coût mensuel estimé" in french
    assert "Total par mois" in french
    assert re.search(r"et 1\u202f200 annonces par mois", french)


def test_industry_page_marketplace_lines_are_translated(client, loaded):
    english = client.get("/industries/food-and-drink?lang=en").get_data(as_text=True)
    german = client.get("/industries/food-and-drink?lang=de").get_data(as_text=True)

    assert "Food and drink; sells to" in english
    assert "; verkauft nach: " in german
    assert "sells to" not in german and "worldwide" not in german
