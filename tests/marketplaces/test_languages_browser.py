"""Selling Online Overseas in Arabic in a real browser: the finder and the cost estimate read
right to left with the filters column on the right, their chrome is Arabic, and axe finds no
serious or critical problem (screenshot of the finder for a person to look at)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "bench/results/screenshots"))


def test_arabic_finder_and_cost_estimate_read_right_to_left(loaded, browser_page, axe_violations):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/selling-online-overseas/find?country=JP&sort=name&lang=ar")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("body")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("ابحث عن سوق إلكترونية")
    expect(page.get_by_label("البلد الذي تريد البيع فيه")).to_have_value("JP")
    expect(page.get_by_role("status")).to_contain_text("مطابقة")
    filters = page.locator(".govuk-grid-column-one-third").first.bounding_box()
    results = page.locator(".govuk-grid-column-two-thirds").first.bounding_box()
    assert filters["x"] > results["x"], (filters, results)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "soo-finder-ar.png"), full_page=True)
    assert axe_violations(page) == []

    page.goto("/selling-online-overseas/cost-estimate?monthly_sales=lots&listings=-3&lang=ar")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "أدخل مبيعاتك الشهرية المتوقعة رقمًا بالجنيه الإسترليني"
    )
    assert axe_violations(page) == []
    page.goto("/selling-online-overseas/cost-estimate?monthly_sales=5000&listings=250&lang=ar")
    expect(page.get_by_role("heading", name="التكلفة الشهرية التقديرية")).to_be_visible()
    assert axe_violations(page) == []
