"""The whole application journey in headless Chromium, with an accessibility check per page.

An exporter finds a marketplace and applies; staff ask a question; the exporter answers;
staff refer it; the marketplace's partner accepts; the exporter sees "Accepted" and receives
the email on the local SMTP server.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, browser_sign_in
from tests.factories import (
    ApplicationFactory,
    MarketplaceFactory,
    PartnerAccountFactory,
    UserFactory,
)
from tradehub.accounts.models import Role

pytestmark = pytest.mark.browser


def sign_in(page, email: str) -> None:
    browser_sign_in(page, email, PASSWORD)


def wait_for_subject(mailbox, address: str, subject: str, timeout: float = 5.0):
    """The first message to `address` whose subject is `subject`, waiting for it to arrive."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mailbox.to(address):
            if message["Subject"] == subject:
                return message
        time.sleep(0.05)
    raise AssertionError(f"no email {subject!r} to {address}")


def continue_(page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def test_exporter_applies_staff_ask_partner_accepts(
    db, browser_page, new_browser_page, axe_violations, mailbox
):
    market = MarketplaceFactory(name="Fjord Market", slug="fjord-market")
    exporter = UserFactory(
        role=Role.EXPORTER, full_name="Morwenna Trevithick", email="morwenna@knitwear.example"
    )
    staff = UserFactory(role=Role.STAFF, full_name="Sam Staff", email="sam.staff@example.com")
    partner = PartnerAccountFactory(marketplace=market, user__email="team@fjord.example").user
    db.session.commit()

    # --- the exporter finds the marketplace and applies ----------------------------------
    page = browser_page
    sign_in(page, exporter.email)
    page.goto("/selling-online-overseas/find")
    assert axe_violations(page) == [], "finder"
    page.goto("/selling-online-overseas/fjord-market")
    assert axe_violations(page) == [], "marketplace page"
    page.get_by_role("button", name="Apply to sell on Fjord Market").first.click()

    page.wait_for_url("**/apply")
    assert page.get_by_label("Full name").input_value() == "Morwenna Trevithick"
    assert axe_violations(page) == [], "step 1"
    page.get_by_label("Telephone number").fill("01632 960 001")
    continue_(page)

    page.wait_for_url("**/your-business")
    assert axe_violations(page) == [], "step 2"
    page.get_by_label("Business name").fill("Harbour Knitwear Ltd")
    page.get_by_label("Sole trader").check()
    page.get_by_label("Number of employees").select_option("1-10")
    page.get_by_label("Annual turnover").select_option("85k_500k")
    page.get_by_label("Postcode").fill("TR18 4AA")
    continue_(page)

    page.wait_for_url("**/your-products")
    continue_(page)  # nothing answered: every question says what is missing
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Select at least one kind of product" in summary
    assert axe_violations(page) == [], "step 3 with errors"
    page.get_by_label("Clothing and accessories").check()
    page.get_by_label("Describe the products").fill("Hand-finished wool jumpers.")
    page.get_by_label("How many products (SKUs) would you list?").fill("120")
    page.get_by_label("No", exact=True).check()
    continue_(page)

    page.wait_for_url("**/your-experience")
    assert axe_violations(page) == [], "step 4"
    page.get_by_label("We sell overseas, but not through online marketplaces").check()
    page.get_by_label("Why should the marketplace accept you?").fill(
        "Visitors from Norway buy our jumpers every summer."
    )
    continue_(page)

    page.wait_for_url("**/check-your-answers")
    expect(page.locator("main")).to_contain_text("Harbour Knitwear Ltd")
    assert axe_violations(page) == [], "check your answers"
    page.get_by_role("button", name="Accept and send").click()
    page.wait_for_url("**/submitted")
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert reference.startswith("SOO-")
    assert axe_violations(page) == [], "confirmation"
    application_url = page.get_by_role("link", name="Follow your application").get_attribute("href")
    mailbox.wait_for(exporter.email)
    mailbox.wait_for(staff.email)

    # --- staff start a review and ask a question -----------------------------------------
    staff_page = new_browser_page(viewport={"width": 1200, "height": 900})
    sign_in(staff_page, staff.email)
    staff_page.goto("/staff/applications/")
    assert axe_violations(staff_page) == [], "staff queue"
    staff_page.get_by_role("link", name=reference).click()
    staff_page.get_by_role("button", name="Start review").click()
    staff_page.get_by_label("Question").fill("Do you ship to Norway within a week?")
    assert axe_violations(staff_page) == [], "staff application page"
    staff_page.get_by_role("button", name="Request information").click()
    expect(staff_page.locator("#application-status")).to_have_text("Information requested")

    # --- the exporter answers -------------------------------------------------------------
    question_email = wait_for_subject(
        mailbox, exporter.email, "We need more information about your application to Fjord Market"
    )
    assert "Do you ship to Norway within a week?" in mailbox.body(question_email)
    page.goto(application_url)
    expect(page.locator("#question")).to_contain_text("Do you ship to Norway within a week?")
    assert axe_violations(page) == [], "exporter application page with question"
    page.get_by_label("Your answer").fill("Yes: Posten delivers in 3 days.")
    page.get_by_role("button", name="Send your answer").click()
    expect(page.locator("#application-status")).to_have_text("Submitted")

    # --- staff refer it to the marketplace --------------------------------------------------
    staff_page.reload()
    expect(staff_page.locator("main")).to_contain_text("Yes: Posten delivers in 3 days.")
    staff_page.get_by_role("button", name="Start review").click()
    staff_page.get_by_role("button", name="Refer to the marketplace").click()
    expect(staff_page.locator("#application-status")).to_have_text("Referred to the marketplace")

    # --- the partner accepts ----------------------------------------------------------------
    partner_page = new_browser_page(viewport={"width": 1200, "height": 900})
    sign_in(partner_page, partner.email)
    partner_page.goto("/partner/applications/")
    assert axe_violations(partner_page) == [], "partner queue"
    partner_page.get_by_role("link", name=reference).click()
    assert axe_violations(partner_page) == [], "partner application page"
    partner_page.get_by_label("Next steps for the applicant (optional)").fill(
        "Our UK team will call you to set up your shop."
    )
    partner_page.get_by_role("button", name="Accept application").click()
    expect(partner_page.locator("#application-status")).to_have_text("Accepted")

    # --- the exporter sees "Accepted" and has the email -------------------------------------
    page.goto("/account/applications")
    expect(page.locator("main")).to_contain_text("Accepted")
    assert axe_violations(page) == [], "exporter dashboard"
    page.goto(application_url)
    expect(page.locator("#application-status")).to_have_text("Accepted")
    accepted = wait_for_subject(mailbox, exporter.email, "Fjord Market accepted your application")
    assert "Our UK team will call you to set up your shop." in mailbox.body(accepted)


def test_wizard_works_without_javascript(db, _browser, live_server):
    application = ApplicationFactory(steps_completed=2, sku_count=None, product_description="")
    db.session.commit()
    context = _browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, application.applicant.email)
        page.goto(f"/account/applications/{application.id}/your-products")
        page.get_by_role("link", name="Back").click()
        page.wait_for_url("**/your-business")
        assert page.get_by_label("Business name").input_value() == application.business_name
        continue_(page)
        page.wait_for_url("**/your-products")
        page.get_by_label("How many products (SKUs) would you list?").fill("many")
        continue_(page)
        assert (
            "Enter a whole number between 1 and 1,000,000, like 120"
            in page.locator(".govuk-error-summary").inner_text()
        )
        assert page.get_by_label("How many products (SKUs) would you list?").input_value() == "many"
    finally:
        context.close()
