"""The shared layout in a real browser: styled, scripts allowed by the CSP, accessible."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_home_page_renders_styled_without_csp_errors(browser_page, axe_violations):
    page = browser_page
    console_errors = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Sell to the world from the UK")
    # GOV.UK Frontend's stylesheet is applied: the heading uses its bold 48px/32px style.
    weight = page.eval_on_selector("h1", "el => getComputedStyle(el).fontWeight")
    assert weight == "700"
    # The inline bootstrap script ran under the nonce, and GOV.UK Frontend initialised.
    assert "govuk-frontend-supported" in page.eval_on_selector("body", "el => el.className")
    assert not [e for e in console_errors if "Content Security Policy" in e]
    assert axe_violations(page) == []


def test_register_form_shows_error_summary_and_keeps_input(browser_page, axe_violations):
    page = browser_page
    page.goto("/account/register")
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_role("button", name="Create account").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Enter an email address in the correct format" in summary.inner_text()
    assert page.get_by_label("Full name").input_value() == "Ada Lovelace"
    assert page.get_by_label("Email address").input_value() == "not-an-email"
    assert axe_violations(page) == []


def test_pages_work_without_javascript(_browser, live_server):
    context = _browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/account/sign-in")
        page.get_by_label("Email address").fill("nobody@example.com")
        page.get_by_label("Password", exact=True).fill("wrong password here")
        page.get_by_role("button", name="Sign in").click()
        assert (
            "Enter a correct email address and password"
            in page.locator(".govuk-error-summary").inner_text()
        )
    finally:
        context.close()


def test_sign_out_looks_like_a_link_and_every_part_of_the_page_is_in_a_landmark(
    browser_page, make_user, axe_violations
):
    from tests.conftest import PASSWORD

    user = make_user()
    page = browser_page
    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    sign_out = page.get_by_role("button", name="Sign out", exact=True)
    style = "el => [getComputedStyle(el).color, getComputedStyle(el).textDecorationLine]"
    link = page.locator("a.govuk-service-navigation__link").first
    assert sign_out.evaluate(style)[0] != "rgb(11, 12, 12)"  # not body text black
    assert sign_out.evaluate(style) == link.evaluate(style)  # styled like the header's links
    # The beta banner is inside a landmark: axe's "region" rule (moderate) finds nothing.
    everything = axe_violations(page, impacts=("minor", "moderate", "serious", "critical"))
    assert [v for v in everything if v["id"] == "region"] == []
    assert axe_violations(page) == []
