"""The API reference page in a real browser: Swagger UI renders the document under our CSP."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, browser_sign_in
from tradehub.accounts.models import Role

pytestmark = pytest.mark.browser


def test_api_reference_renders_without_csp_errors_and_is_accessible(browser_page, axe_violations):
    page = browser_page
    console_errors = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    page.goto("/")
    page.get_by_role("link", name="API for developers").click()

    expect(page.locator("h1")).to_have_text("TradeHub API")
    assert "curl" in page.locator("#getting-started ~ pre").first.inner_text()
    # Swagger UI (from our static files) rendered the generated document's operations.
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v2/suppliers").first
    ).to_be_visible()
    expect(page.locator(".opblock-tag", has_text="Selling Online Overseas")).to_be_visible()
    assert page.locator(".opblock-deprecated").count() >= 5  # the v1 operations
    assert console_errors == []
    assert axe_violations(page) == []
    # An opened operation (parameters, responses, schemas) is accessible too.
    page.locator("#operations-Find_a_Supplier-searchSuppliers .opblock-summary-control").click()
    expect(page.locator("#operations-Find_a_Supplier-searchSuppliers .parameters")).to_be_visible()
    assert axe_violations(page) == []
    assert console_errors == []


def test_staff_issue_a_key_in_the_browser_accessibly(browser_page, axe_violations, make_user):
    staff = make_user(role=Role.STAFF)
    page = browser_page
    browser_sign_in(page, staff.email, PASSWORD)  # with the app's code staff must use
    page.goto("/staff/")
    page.get_by_role("link", name="API keys").click()
    page.get_by_role("button", name="Issue key").click()  # nothing entered
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the partner organisation")
    assert axe_violations(page) == []

    page.get_by_label("Partner organisation").fill("Trade Partner Ltd")
    page.get_by_label("Contact email address").fill("api@partner.example")
    page.get_by_role("button", name="Issue key").click()
    expect(page.locator("#new-api-key")).to_contain_text("th_")
    assert axe_violations(page) == []
