"""Industry pages: /industries with counts, /industries/<slug> with a description, the verified
suppliers (featured first), a link into the filtered search and the marketplaces that sell the
category; linked from the home page and from profiles; in the sitemap; axe clean."""

from __future__ import annotations

import re

import pytest

from supplier_profiles import taxonomies
from tests.supplier_profiles.buyer_fixtures import make_company

FOOD = "/industries/food-and-drink"


@pytest.fixture
def food(db):
    plain = make_company(
        name="Aardvark Larder", slug="aardvark-larder", industries=["FOOD_AND_DRINK"]
    )
    featured = make_company(
        name="Zennor Creamery",
        slug="zennor-creamery",
        industries=["FOOD_AND_DRINK"],
        case_studies=[{"title": "Cheese for Lyon"}],
    )
    hidden = make_company(
        name="Unverified Pantry",
        slug="unverified-pantry",
        industries=["FOOD_AND_DRINK"],
        verified_at=None,
    )
    make_company(name="Orbital Parts", slug="orbital-parts", industries=["AEROSPACE"])
    return plain, featured, hidden


def test_industries_lists_every_industry_with_its_count(client, food):
    html = client.get("/industries").get_data(as_text=True)
    for code, label in taxonomies.choices("industry"):
        assert label.replace("&", "&amp;") in html, code
    assert re.search(
        r'href="/industries/food-and-drink">Food and drink</a>\s*'
        r'<span class="th-facet-count">\(2 suppliers\)',
        html,
    )
    assert re.search(
        r'href="/industries/mining">Mining</a>\s*'
        r'<span class="th-facet-count">\(0 suppliers\)',
        html,
    )


def test_an_industry_page_shows_its_verified_suppliers_featured_first(client, food, loaded):
    response = client.get(FOOD)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Food and drink products, ingredients" in html  # the description
    names = re.findall(r'<a class="govuk-link" href="/suppliers/[^"]+">([^<]+)</a>', html)
    assert names == ["Zennor Creamery", "Aardvark Larder"]  # case studies first, not A to Z
    assert "Unverified Pantry" not in html and "Orbital Parts" not in html
    assert 'href="/find-a-supplier?industry=FOOD_AND_DRINK"' in html
    # Marketplaces that sell food and drink, linked to their pages.
    marketplaces = html.split("Marketplaces that sell")[1]
    assert re.search(r'href="/selling-online-overseas/[a-z0-9-]+"', marketplaces)


def test_a_services_industry_says_no_marketplace_sells_it(client, food, loaded):
    html = client.get("/industries/legal-services").get_data(as_text=True)
    assert "There are no verified suppliers in this industry yet." in html
    assert "None of the marketplaces we list sells this kind of goods." in html


def test_an_unknown_industry_is_not_found(client, db):
    assert client.get("/industries/underwater-basket-weaving").status_code == 404


def test_industry_pages_are_linked_from_home_and_profiles_and_in_the_sitemap(client, food):
    assert 'href="/industries"' in client.get("/").get_data(as_text=True)
    profile = client.get("/suppliers/zennor-creamery").get_data(as_text=True)
    assert '<a class="govuk-link" href="/industries/food-and-drink">Food and drink</a>' in profile
    sitemap = client.get("/sitemap.xml")
    assert sitemap.mimetype == "application/xml"
    body = sitemap.get_data(as_text=True)
    assert "/industries/food-and-drink</loc>" in body
    assert "/suppliers/zennor-creamery</loc>" in body
    assert "/suppliers/unverified-pantry</loc>" not in body


@pytest.mark.browser
def test_industry_pages_in_a_browser_are_accessible(food, loaded, browser_page, axe_violations):
    page = browser_page
    page.goto("/")
    page.get_by_role("link", name="Browse suppliers by industry").click()
    assert page.locator("h1").inner_text() == "UK suppliers by industry"
    assert axe_violations(page) == []
    page.get_by_role("link", name="Food and drink", exact=True).click()
    assert page.locator("h1").inner_text() == "Food and drink"
    assert axe_violations(page) == []
    page.get_by_role("link", name="Zennor Creamery").click()
    page.get_by_role("link", name="Food and drink", exact=True).click()
    assert page.url.endswith(FOOD)
