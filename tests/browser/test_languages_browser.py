"""Languages in a real browser: switching language on a Find a Supplier results page keeps the
query and the filters and shows the facet labels translated; Arabic reads right to left with
the filters column on the right (screenshot), and is axe clean."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.supplier_profiles.buyer_fixtures import make_company

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "bench/results/screenshots"))


@pytest.fixture
def suppliers(db):
    make_company(
        name="Oakleaf Interiors",
        slug="oakleaf-interiors",
        summary="Hand-made oak furniture for hotels.",
        industries=["HOUSEHOLD_GOODS_FURNITURE_AND_FURNISHINGS"],
        region="SOUTH_WEST",
    )
    make_company(
        name="Cotswold Chairmakers",
        slug="cotswold-chairmakers",
        summary="Upholstered chairs and office furniture.",
        industries=["HOUSEHOLD_GOODS_FURNITURE_AND_FURNISHINGS"],
        region="LONDON",
    )


def test_switching_language_keeps_the_search_and_translates_the_facets(
    browser_page, suppliers, axe_violations
):
    page = browser_page
    page.goto("/find-a-supplier?q=furniture&region=LONDON")
    expect(page.locator("#results-count")).to_contain_text("1 supplier")

    page.get_by_role("navigation", name="Choose a language").get_by_role(
        "link", name="Deutsch"
    ).click()
    page.wait_for_load_state()

    assert "q=furniture" in page.url and "region=LONDON" in page.url and "lang=de" in page.url
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("#results-count")).to_contain_text("1 Lieferant")
    expect(page.get_by_label("Nach Lieferanten im Vereinigten Königreich suchen")).to_have_value(
        "furniture"
    )
    expect(page.locator(".th-facet summary").first).to_contain_text("Branche")
    expect(page.get_by_label("Haushaltswaren, Möbel und Einrichtung (1)")).to_be_visible()
    expect(page.get_by_label("London (1)")).to_be_checked()

    # The next search keeps German without the switcher: the form carries the language.
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_load_state()
    assert "lang=de" in page.url
    expect(page.locator("#results-count")).to_contain_text("Lieferant")


def test_arabic_reads_right_to_left_with_the_filters_on_the_right(
    browser_page, suppliers, axe_violations
):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/find-a-supplier?q=furniture&lang=ar")

    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("body")).to_have_attribute("dir", "rtl")
    filters = page.locator(".govuk-grid-column-one-third").first.bounding_box()
    results = page.locator(".govuk-grid-column-two-thirds").first.bounding_box()
    assert filters["x"] > results["x"], (filters, results)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "find-a-supplier-ar.png"), full_page=True)
    assert axe_violations(page) == []

    page.goto("/?lang=ar")
    assert axe_violations(page) == []
