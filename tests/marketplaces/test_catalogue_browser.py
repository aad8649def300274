"""The public catalogue in headless Chromium with JavaScript off, with axe checks on each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from marketplaces.models import Offer, OfferState
from tests.conftest import PASSWORD, browser_sign_in
from tests.factories import UserFactory
from tradehub.accounts.models import Role

pytestmark = pytest.mark.browser


def test_find_compare_and_estimate_without_javascript(
    loaded, new_browser_page, browser_page, axe_violations
):
    page = new_browser_page(java_script_enabled=False)

    def check(name: str) -> None:
        # axe-core runs as JavaScript, so each page the no-JS browser reached is checked again
        # in a browser with JavaScript on.
        browser_page.goto(page.url)
        assert axe_violations(browser_page) == [], name

    page.goto("/selling-online-overseas/")
    check("landing")
    page.get_by_role("button", name="Find a marketplace").click()
    page.get_by_label("Country you want to sell to").select_option("JP")
    page.get_by_label("Sort by").select_option("name")
    page.get_by_role("button", name="Apply filters").click()
    assert "country=JP" in page.url  # shareable URL
    assert page.get_by_role("status").inner_text().startswith("4 marketplaces match")
    check("finder with results")

    page.get_by_label("Compare Rakuten").check()
    page.get_by_label("Compare Amazon Japan").check()
    page.get_by_role("button", name="Compare selected (up to 4)").click()
    expect(page.get_by_role("table").get_by_text("JPY 19,500 a month")).to_be_visible()
    check("compare")

    page.get_by_role("link", name="Estimate your monthly costs on these marketplaces").click()
    page.get_by_label("Expected monthly sales, in pounds").fill("1000")
    page.get_by_label("Number of product listings").fill("10")
    page.get_by_role("button", name="Estimate costs").click()
    table = page.get_by_role("table").first.inner_text()
    assert "Rakuten" in table and "Amazon Japan" in table and "£217.52" in table
    check("cost estimate")

    page.goto(
        "/selling-online-overseas/compare?slug=rakuten&slug=ebay&slug=etsy&slug=otto&slug=xiu"
    )
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "You can compare up to 4 marketplaces" in summary
    check("compare error")

    page.goto("/selling-online-overseas/cost-estimate?monthly_sales=abc&listings=")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check("cost estimate errors")


def test_staff_screens_are_accessible(db, loaded, browser_page, axe_violations):
    staff = UserFactory(role=Role.STAFF, email="sam.staff@example.com", full_name="Sam Staff")
    db.session.commit()
    page = browser_page
    browser_sign_in(page, staff.email, PASSWORD)

    for path in (
        "/staff/marketplaces/",
        "/staff/marketplaces/rakuten",
        "/staff/marketplaces/rakuten/edit",
        "/staff/marketplaces/rakuten/history",
        "/staff/marketplaces/rakuten/offers/new",
        "/staff/marketplaces/exchange-rates",
        "/staff/marketplaces/exchange-rates/USD/edit",
    ):
        page.goto(path)
        assert axe_violations(page) == [], path

    page.goto("/staff/marketplaces/rakuten/edit")
    page.get_by_label("Days until sellers are paid").fill("20")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("body")).to_contain_text("Draft saved")
    page.get_by_role("button", name="Publish changes").click()
    expect(page.locator("body")).to_contain_text("Rakuten is published.")
    page.goto("/selling-online-overseas/rakuten")
    expect(page.locator("body")).to_contain_text("within 20 days of a sale")


def test_staff_confirm_before_unpublishing_a_marketplace_or_an_offer(
    db, loaded, browser_page, axe_violations
):
    staff = UserFactory(role=Role.STAFF, email="una.staff@example.com", full_name="Una Staff")
    offer = db.session.scalar(
        select(Offer).where(Offer.state == OfferState.PUBLISHED).order_by(Offer.id).limit(1)
    )
    market = offer.marketplace
    db.session.commit()
    page = browser_page
    browser_sign_in(page, staff.email, PASSWORD)

    # An offer first (the marketplace page lists it with its own Unpublish button).
    page.goto(f"/staff/marketplaces/{market.slug}")
    page.get_by_role("button", name="Unpublish offer").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Are you sure you want to")
    assert axe_violations(page) == [], "offer confirmation"
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("button", name="Unpublish offer").first).to_be_visible()

    page.get_by_role("button", name="Unpublish", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Are you sure you want to unpublish {market.name}?"
    )
    assert axe_violations(page) == [], "marketplace confirmation"
    page.get_by_role("button", name="Yes, unpublish").click()
    expect(page.locator("body")).to_contain_text("unpublished")
    assert page.request.get(f"/selling-online-overseas/{market.slug}").status == 404


def test_ticked_marketplaces_are_kept_by_the_page_buttons_without_javascript(
    loaded, new_browser_page, browser_page, axe_violations
):
    page = new_browser_page(java_script_enabled=False)
    page.goto("/selling-online-overseas/find?sort=name")
    pages = page.get_by_role("navigation", name="Results pages")
    first = page.locator("input[name=slug][type=checkbox]").first
    slug = first.get_attribute("value")
    first.check()
    pages.get_by_role("button", name="Next page").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    assert f"slug={slug}" in page.url
    expect(page.locator(f'input[type=hidden][name=slug][value="{slug}"]')).to_have_count(1)

    second = page.locator("input[name=slug][type=checkbox]").first
    second_slug = second.get_attribute("value")
    second.check()
    pages.get_by_role("button", name="Page 1", exact=True).click()
    expect(page).to_have_url(re.compile(r"page=1"))
    expect(page.locator(f'input[type=checkbox][name=slug][value="{slug}"]')).to_be_checked()
    expect(page.locator(f'input[type=hidden][name=slug][value="{second_slug}"]')).to_have_count(1)

    page.get_by_role("button", name="Compare selected (up to 4)").click()
    expect(page.get_by_role("table")).to_be_visible()
    assert f"slug={slug}" in page.url and f"slug={second_slug}" in page.url

    # axe-core runs as JavaScript: the finder with its page buttons, in a browser with it on.
    browser_page.goto("/selling-online-overseas/find?sort=name&page=2")
    expect(browser_page.get_by_role("navigation", name="Results pages")).to_be_visible()
    assert axe_violations(browser_page) == []
