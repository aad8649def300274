"""Feedback in a real browser (#14): report a problem from a page, report a profile, and the
staff list where the reports arrive; axe finds no serious or critical problem on each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_sign_in
from tests.supplier_profiles.buyer_fixtures import make_company
from tradehub.accounts.models import Role


@pytest.fixture
def app_config(app_config):
    app_config["CONTACT_MIN_FILL_SECONDS"] = 0
    return app_config


@pytest.mark.browser
def test_report_a_problem_and_a_profile_then_staff_resolve_them(
    db, make_user, browser_page, axe_violations
):
    make_company(name="Pennine Textiles Ltd", slug="pennine-textiles")
    staff = make_user(role=Role.STAFF, email="staff@tradehub.example")
    page = browser_page

    # Report a problem with the profile page, from the link at the bottom of the page.
    page.goto("/suppliers/pennine-textiles")
    page.get_by_role("link", name="Report a problem with this page").click()
    expect(page.get_by_role("heading", name="Report a problem with this page")).to_be_visible()
    expect(page.locator(".th-page-path")).to_have_text("/suppliers/pennine-textiles")
    assert axe_violations(page) == []
    page.get_by_label("What were you doing?").fill("Reading about their wool throws")
    page.get_by_label("What went wrong?").fill("The logo did not load")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thank you for your feedback. We will use it")).to_be_visible()
    assert page.url.endswith("/suppliers/pennine-textiles")

    # Report the profile itself.
    page.get_by_role("link", name="Report this profile").click()
    expect(page.get_by_role("heading", name="Report this profile")).to_be_visible()
    page.get_by_role("button", name="Send report").click()
    expect(
        page.get_by_role("link", name="Select why you are reporting this profile")
    ).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("It is not a real business").check()
    page.get_by_label("Tell us more").fill("The address is a car park")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Thank you for your report")).to_be_visible()
    assert axe_violations(page) == []

    # Staff see both and resolve the profile report.
    browser_sign_in(page, staff.email)
    page.goto("/staff/feedback")
    expect(page.get_by_role("heading", name="2 items")).to_be_visible()
    report = page.locator(".govuk-summary-card", has_text="The address is a car park")
    expect(report.get_by_role("link", name="Pennine Textiles Ltd")).to_be_visible()
    expect(page.locator(".govuk-summary-card", has_text="The logo did not load")).to_be_visible()
    assert axe_violations(page) == []
    report.get_by_label("Status of profile report").select_option("resolved")
    report.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("is now: Resolved")).to_be_visible()
    page.get_by_label("Status", exact=True).select_option("resolved")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", name="1 item")).to_be_visible()
    expect(page.get_by_text("The address is a car park")).to_be_visible()
