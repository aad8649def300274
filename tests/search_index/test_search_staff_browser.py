"""Issue #9 in headless Chromium against a live server: a buyer's search finds nothing; a
staff member sees it among the zero-result searches in the insights, adds a synonym group, and
the same search then finds the supplier on the buyer page. axe-core finds no serious or
critical violations on the staff pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from search_index import synonyms
from search_index.indexing import rebuild_index
from tests.conftest import PASSWORD, browser_sign_in
from tests.factories import SearchCompanyFactory
from tradehub.accounts.models import Role

pytestmark = pytest.mark.browser


def test_staff_fix_a_zero_result_search_with_a_synonym_group(
    make_user, new_browser_page, db, axe_violations
):
    synonyms.forget_cache()
    SearchCompanyFactory(name="Juniper Hill Distillery", summary="Small batch gin.")
    db.session.commit()
    rebuild_index()
    staff = make_user(role=Role.STAFF)

    buyer = new_browser_page()
    buyer.goto("/find-a-supplier?q=hooch")
    expect(buyer.get_by_role("link", name="Juniper Hill Distillery")).to_have_count(0)

    page = new_browser_page()
    browser_sign_in(page, staff.email, PASSWORD)

    page.goto("/staff/")
    page.get_by_role("link", name="Search insights").click()
    zero = page.locator("table", has=page.get_by_text("Searches that found nothing"))
    expect(zero.get_by_role("cell", name="hooch", exact=True)).to_have_count(1)
    assert axe_violations(page) == []

    page.get_by_role("link", name="manage search synonyms").click()
    page.get_by_label("Words and phrases that mean the same").fill("just one")
    page.get_by_role("button", name="Save synonym group").click()
    expect(page.get_by_text("Enter at least two words or phrases").first).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Words and phrases that mean the same").fill("hooch, gin")
    page.get_by_role("button", name="Save synonym group").click()
    expect(page.get_by_text("Searches now treat hooch, gin as the same.")).to_be_visible()
    assert axe_violations(page) == []

    buyer.goto("/find-a-supplier?q=hooch")
    expect(buyer.get_by_role("link", name="Juniper Hill Distillery")).to_have_count(1)
    synonyms.forget_cache()
