"""Languages in a real browser: switching language on a Find a Supplier results page keeps the
query and the filters and shows the facet labels translated; Arabic reads right to left with
the filters column on the right (screenshot), checkboxes and radios with their box on the right
of the label, the search box and its suggestions right to left, and is axe clean."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_sign_in
from tests.factories import BuyerFactory
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


# Where a GOV.UK checkbox or radio item draws itself: the (invisible) input that takes the
# click, the label and its text, and the box the reader sees (the label's ::before, placed
# against the item). Pseudo-elements have no bounding box of their own, so the box's is
# worked out from its used position and width.
ITEM_GEOMETRY = """(item) => {
  const input = item.querySelector('input').getBoundingClientRect();
  const label = item.querySelector('label');
  const range = document.createRange();
  range.selectNodeContents(label);
  const text = range.getBoundingClientRect();
  const box = getComputedStyle(label, '::before');
  const left = item.getBoundingClientRect().left + parseFloat(box.left);
  return {
    input: {left: input.left, right: input.right},
    label: {left: label.getBoundingClientRect().left},
    text: {left: text.left, right: text.right},
    box: {left: left, right: left + parseFloat(box.width)},
  };
}"""


def assert_box_beside_label(geometry: dict, side: str) -> None:
    """The visible box sits over its input, on `side` of the label's text."""
    box, field, text = geometry["box"], geometry["input"], geometry["text"]
    assert field["left"] - 1 <= box["left"] and box["right"] <= field["right"] + 1, geometry
    if side == "right":
        assert field["left"] > geometry["label"]["left"], geometry
        assert box["left"] >= text["right"] - 1, geometry
    else:
        assert field["left"] < geometry["label"]["left"], geometry
        assert box["right"] <= text["left"] + 1, geometry


@pytest.mark.parametrize(("lang", "side"), [("ar", "right"), ("en", "left")])
def test_filter_checkboxes_sit_at_the_start_of_the_line(
    browser_page, suppliers, axe_violations, lang, side
):
    """Arabic: each filter's box on the right of its label (the start of a right-to-left
    line); English: on the left."""
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/find-a-supplier?q=furniture&lang={lang}")
    items = page.locator(".th-facet[open] .govuk-checkboxes__item")
    expect(items.first).to_be_visible()

    for index in range(min(items.count(), 4)):
        assert_box_beside_label(items.nth(index).evaluate(ITEM_GEOMETRY), side)

    # A ticked box shows its tick inside the box, on the same side.
    items.first.locator("label").click()
    expect(items.first.locator("input")).to_be_checked()
    assert_box_beside_label(items.first.evaluate(ITEM_GEOMETRY), side)
    if lang == "ar":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator(".govuk-grid-column-one-third").first.screenshot(
            path=str(SCREENSHOTS / "find-a-supplier-ar-filters.png")
        )
        assert axe_violations(page) == []


def test_radios_in_arabic_have_the_button_on_the_right(browser_page, db, axe_violations):
    buyer = BuyerFactory()
    db.session.commit()
    page = browser_page
    browser_sign_in(page, buyer.email)
    page.goto("/account/saved-searches/new?q=furniture&lang=ar")
    items = page.locator(".govuk-radios__item")
    expect(items.first).to_be_visible()

    for index in range(items.count()):
        assert_box_beside_label(items.nth(index).evaluate(ITEM_GEOMETRY), "right")
    assert axe_violations(page) == []


def test_the_search_box_and_its_suggestions_read_right_to_left(browser_page, suppliers):
    """The search box is a right-to-left field with its button after it (on the left); the
    company-name suggestions (a datalist the browser draws under the field) still arrive."""
    page = browser_page
    page.goto("/find-a-supplier?lang=ar")
    box = page.locator("#q")

    assert box.evaluate("(el) => getComputedStyle(el).direction") == "rtl"
    button = page.locator(".th-search__button").bounding_box()
    assert button["x"] < box.bounding_box()["x"]

    box.press_sequentially("Oak")
    expect(page.locator("#q-suggestions option")).to_have_count(1)
    expect(page.locator("#q-suggestions option").first).to_have_attribute(
        "value", "Oakleaf Interiors"
    )
