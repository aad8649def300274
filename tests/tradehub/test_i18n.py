"""Languages: choosing one (URL, cookie, Accept-Language), the switcher, `<html lang>`/`dir`,
hreflang alternates, and locale-aware numbers, money and dates."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tradehub import i18n


def html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group()


def body_tag(page: str) -> str:
    return re.search(r"<body[^>]*>", page).group()


def test_english_is_the_default(client):
    page = client.get("/").get_data(as_text=True)

    assert 'lang="en"' in html_tag(page)
    assert 'dir="ltr"' in body_tag(page)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("de-DE,de;q=0.9,en;q=0.5", "de"),
        ("fr-CA", "fr"),
        ("zh-CN,zh;q=0.9", "zh-Hans"),
        ("ja", "ja"),
        ("ar-EG", "ar"),
        ("pt-BR", "pt"),
        ("nl-NL", "en"),
    ],
)
def test_a_first_visit_follows_accept_language(client, header, expected):
    page = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)

    assert f'lang="{expected}"' in html_tag(page)


def test_the_url_beats_the_cookie_and_sets_it(client):
    client.set_cookie(i18n.COOKIE_NAME, "fr")
    response = client.get("/?lang=de", headers={"Accept-Language": "es"})

    assert 'lang="de"' in html_tag(response.get_data(as_text=True))
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=de;")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Accept-Language" in response.headers["Vary"]


def test_the_cookie_beats_accept_language(client):
    client.get("/?lang=ja")
    page = client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)

    assert 'lang="ja"' in html_tag(page)


def test_an_unknown_language_in_the_url_is_ignored(client):
    response = client.get("/?lang=xx", headers={"Accept-Language": "es"})

    assert 'lang="es"' in html_tag(response.get_data(as_text=True))
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]


def test_arabic_pages_read_right_to_left(client):
    page = client.get("/?lang=ar").get_data(as_text=True)

    assert 'lang="ar"' in html_tag(page)
    assert 'dir="rtl"' in body_tag(page)


def test_links_keep_the_chosen_language(client):
    page = client.get("/?lang=de").get_data(as_text=True)

    assert 'href="/accessibility?lang=de"' in page
    assert 'href="/privacy?lang=de"' in page
    # Static files and the API are the same in every language.
    assert "govuk-frontend.min.css?" not in page


def test_links_carry_a_language_the_browser_chose(client):
    page = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)

    assert 'href="/accessibility?lang=fr"' in page


def test_english_links_stay_plain_unless_english_was_chosen(client):
    assert 'href="/accessibility"' in client.get("/").get_data(as_text=True)
    assert 'href="/accessibility?lang=en"' in client.get("/?lang=en").get_data(as_text=True)


def test_the_switcher_names_each_language_in_itself_and_keeps_the_query(client):
    page = client.get("/find-a-supplier?q=steel&industry=AEROSPACE&lang=fr").get_data(as_text=True)
    switcher = page[page.index('class="th-language-select"') :]
    switcher = switcher[: switcher.index("</nav>")]

    assert '<span aria-current="true" lang="fr">Français</span>' in switcher
    for tag, name in [
        ("en", "English"),
        ("de", "Deutsch"),
        ("es", "Español"),
        ("pt", "Português"),
        ("ja", "日本語"),
        ("ar", "العربية"),
    ]:
        link = re.search(rf'<a [^>]*lang="{tag}" hreflang="{tag}">([^<]+)</a>', switcher)
        assert link is not None, tag
        assert link.group(1) == name
    de_link = re.search(r'href="([^"]+)" lang="de"', switcher).group(1)
    assert "q=steel" in de_link
    assert "industry=AEROSPACE" in de_link
    assert "lang=de" in de_link
    assert "lang=fr" not in de_link
    assert 'lang="zh-Hans"' in switcher


def test_every_page_lists_its_alternate_languages(client):
    page = client.get("/privacy").get_data(as_text=True)

    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', page))
    assert sorted(alternates) == sorted([*i18n.TAGS, "x-default"])
    assert alternates["de"].endswith("/privacy?lang=de")
    assert alternates["x-default"].endswith("/privacy")


def test_the_api_ignores_the_cookie_and_the_browser_language(client):
    client.set_cookie(i18n.COOKIE_NAME, "de")
    response = client.get("/api/v1/suppliers", headers={"Accept-Language": "fr"})

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


# --- formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "millions", "money", "day"),
    [
        ("en", "840 million", "£1,234.50", "3 December 2026"),
        ("fr", "840 millions", "1\u202f234,50\xa0£GB", "3 décembre 2026"),
        ("de", "840 Millionen", "1.234,50\xa0£", "3. Dezember 2026"),
        ("es", "840 millones", "1.234,50\xa0GBP", "3 de diciembre de 2026"),
        ("pt", "840 milhões", "£\xa01.234,50", "3 de dezembro de 2026"),
        ("zh-Hans", "8.4亿", "£1,234.50", "2026年12月3日"),
        ("ja", "8.4億", "£1,234.50", "2026年12月3日"),
        ("ar", "840 مليون", "\u200f1,234.50\xa0UK£", "3 ديسمبر 2026"),
    ],
)
def test_numbers_money_and_dates_follow_the_locale(app, tag, millions, money, day):
    with app.test_request_context(f"/?lang={tag}"):
        assert i18n.format_millions(Decimal("8.4E+2")) == millions
        assert i18n.format_money(Decimal("1234.5"), "GBP") == money
        assert i18n.format_date(date(2026, 12, 3)) == day


def test_other_currencies_are_written_with_their_code(app):
    with app.test_request_context("/"):
        assert i18n.format_money(Decimal("39.99"), "USD") == "USD 39.99"
        assert i18n.format_money(Decimal("19500.4"), "JPY") == "JPY 19,500"
        assert i18n.format_money(Decimal("12.3456"), "KWD") == "KWD 12.346"


def test_other_currencies_follow_the_locale_s_pattern(app):
    with app.test_request_context("/?lang=de"):
        assert i18n.format_money(Decimal("39.99"), "USD") == "39,99\xa0USD"


def test_dates_of_timestamps_are_uk_dates(app):
    late_evening_utc = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # already 1 July in London
    with app.test_request_context("/?lang=en"):
        assert i18n.format_date(late_evening_utc) == "1 July 2026"
        assert i18n.format_month(late_evening_utc) == "July 2026"


def test_counts_in_millions_keep_a_decimal_when_they_have_one(app):
    with app.test_request_context("/"):
        assert i18n.format_millions(Decimal("1.5")) == "1.5 million"
        assert i18n.format_millions(Decimal("105.00")) == "105 million"
        assert i18n.format_number(1234567) == "1,234,567"
