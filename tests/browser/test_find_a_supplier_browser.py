"""Find a Supplier's filters in a real browser: "Show all" adds the rest of a group in place
(fetched, since the page no longer carries every value hidden, #15), keeps the ticks already
made, moves focus to the first added value, and the added values filter the search."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.supplier_profiles.buyer_fixtures import make_company

pytestmark = pytest.mark.browser


@pytest.fixture
def suppliers(db):
    make_company(
        name="Harbour Gin",
        slug="harbour-gin",
        summary="Gin distilled by the sea.",
        industries=["FOOD_AND_DRINK"],
        export_countries=["FR", "ZW"],
    )
    make_company(
        name="Valley Gin",
        slug="valley-gin",
        summary="Gin from the valley.",
        industries=["FOOD_AND_DRINK"],
        export_countries=["FR"],
    )


def test_show_all_adds_the_rest_of_a_group_in_place(browser_page, suppliers, axe_violations):
    page = browser_page
    page.goto("/find-a-supplier?q=gin")
    group = page.locator("#facet-country")
    group.locator("summary").click()
    boxes = group.locator("input.govuk-checkboxes__input")
    expect(boxes).to_have_count(15)
    boxes.first.check()  # ticked on this page, not yet applied

    link = group.get_by_role("link", name="Show all")
    total = int("".join(ch for ch in link.inner_text() if ch.isdigit()))
    link.click()

    expect(boxes).to_have_count(total)
    expect(group.get_by_role("link", name="Show all")).to_have_count(0)
    assert boxes.first.is_checked(), "a tick made before 'Show all' must stay"
    added = group.locator("#facet-more-country input")
    expect(added.first).to_be_focused()
    ids = group.locator("input").evaluate_all("els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)), "every checkbox keeps a unique id for its label"
    assert page.url.endswith("/find-a-supplier?q=gin"), "no page load"
    assert axe_violations(page) == []  # the added boxes are labelled like the first ones

    # An added value works like any other: Zimbabwe finds the one gin sold there.
    boxes.first.uncheck()
    group.get_by_label("Zimbabwe", exact=False).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "country=ZW" in page.url
    expect(page.locator("#results-count")).to_contain_text("1 supplier")
    assert axe_violations(page) == []


def test_show_all_follows_the_link_when_the_fetch_fails(browser_page, suppliers):
    page = browser_page
    page.goto("/find-a-supplier?q=gin")
    group = page.locator("#facet-country")
    group.locator("summary").click()
    # The page's own fetch fails (a dropped connection): the link is followed instead.
    page.route("**/find-a-supplier?*show=country*", lambda route: route.abort(), times=1)
    group.get_by_role("link", name="Show all").click()
    page.wait_for_url("**show=country**")
    assert "show=country" in page.url
    boxes = page.locator("#facet-country input.govuk-checkboxes__input")
    assert boxes.count() > 15  # the reloaded page shows the whole group
