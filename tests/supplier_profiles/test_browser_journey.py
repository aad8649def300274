"""Issue 4, Must show 3, in headless Chromium against a live server:

an exporter creates, verifies and publishes a profile with a case study through the exporter
pages; a buyer finds it by a word that appears only in the case study, opens it and sends an
enquiry; the mail arrives on the local SMTP server; axe-core finds no serious or critical
violations on the search, company and contact pages.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from supplier_profiles.models import Company
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

CASE_STUDY_WORD = "quinceberry"


@pytest.fixture
def app_config(app_config):
    app_config["CONTACT_MIN_FILL_SECONDS"] = 1
    return app_config


def sign_in(page, email: str) -> None:
    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def exporter_publishes_a_profile(page, db) -> Company:
    page.goto("/profile/create")
    page.get_by_label("Sole trader").check()
    page.get_by_label("Business name").fill("Wenlock Preserves")
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/profile/edit"), page.url

    page.get_by_label("Summary", exact=True).fill(
        "Small-batch jams and marmalades from Shropshire."
    )
    page.get_by_label("Description", exact=True).fill(
        "Fruit from local orchards, cooked in copper pans."
    )
    page.get_by_label("Contact email address").fill("orders@wenlock-preserves.example")
    page.get_by_label("Food and drink").check()
    page.get_by_label("UK region").select_option("WEST_MIDLANDS")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_load_state()

    page.goto("/profile/case-studies/new")
    page.get_by_label("Title", exact=True).fill("Hotel breakfast preserves")
    page.get_by_label("Summary", exact=True).fill(
        f"A {CASE_STUDY_WORD} conserve for a Tokyo hotel group."
    )
    page.get_by_label("Description", exact=True).fill(
        "We developed a new recipe and shipped 2,000 jars in eight weeks."
    )
    page.get_by_label("Industry", exact=True).select_option("FOOD_AND_DRINK")
    page.get_by_role("button", name="Save case study").click()
    page.wait_for_load_state()

    # The code from the letter staff post (read here from the database, as the letter would).
    db.session.expire_all()
    company = db.session.scalar(select(Company).where(Company.name == "Wenlock Preserves"))
    assert company is not None and company.verification_code
    page.goto("/profile/verify")
    page.get_by_label("Verification code").fill(company.verification_code)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()

    page.goto("/profile/publish")
    page.get_by_role("button", name="Publish profile").click()
    page.wait_for_load_state()
    db.session.expire_all()
    company = db.session.get(Company, company.id)
    assert company.is_publishable, page.content()[:3000]
    return company


def test_exporter_publishes_and_buyer_finds_and_contacts(
    make_user, new_browser_page, db, mailbox, axe_violations
):
    from tradehub.accounts.models import Role

    exporter = make_user(role=Role.EXPORTER)
    exporter_page = new_browser_page()
    sign_in(exporter_page, exporter.email)
    company = exporter_publishes_a_profile(exporter_page, db)

    # The buyer (anonymous, own browser context) searches by the case-study-only word.
    page = new_browser_page()
    page.goto("/find-a-supplier")
    assert axe_violations(page) == []
    page.get_by_label("Search for UK suppliers").fill(CASE_STUDY_WORD)
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("#results-count")).to_contain_text("1 supplier")
    card = page.locator(".th-card")
    assert card.locator("mark").first.inner_text().lower() == CASE_STUDY_WORD
    assert axe_violations(page) == []

    card.get_by_role("link", name="Wenlock Preserves").click()
    page.wait_for_load_state()
    # The results page adds its click-tracking parameters (search id, position) to the link.
    assert urlsplit(page.url).path == f"/suppliers/{company.slug}"
    expect(page.locator("h1")).to_have_text("Wenlock Preserves")
    expect(page.get_by_role("link", name="Hotel breakfast preserves")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Hotel breakfast preserves").click()
    assert CASE_STUDY_WORD in page.locator("main").inner_text()
    page.get_by_role("button", name="Contact Wenlock Preserves").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/suppliers/{company.slug}/contact")
    assert axe_violations(page) == []
    # The honeypot is off-screen for people and absent from the accessibility tree.
    box = page.locator("#reference").bounding_box()
    assert box["x"] + box["width"] <= 0
    assert page.get_by_role("textbox", name="Leave this field blank").count() == 0

    page.get_by_label("Your full name").fill("Aiko Tanaka")
    page.get_by_label("Organisation name").fill("Sakura Hotels")
    page.get_by_label("Country").select_option("JP")
    page.get_by_label("Email address").fill("aiko@sakura-hotels.example")
    page.get_by_label("Your industry").select_option("LEISURE_AND_TOURISM")
    page.get_by_label("Subject").fill("Preserves for 40 hotels")
    page.get_by_label("Your message").fill(
        f"We liked the {CASE_STUDY_WORD} conserve. Could you supply 40 hotels from April?"
    )
    page.wait_for_timeout(1100)  # people take longer than the minimum fill time
    page.get_by_role("button", name="Send message").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("Message sent")

    [mail] = mailbox.wait_for("orders@wenlock-preserves.example")
    assert mail["Reply-To"] == "aiko@sakura-hotels.example"
    assert "Could you supply 40 hotels from April?" in mailbox.body(mail)
    mailbox.wait_for("aiko@sakura-hotels.example")


def test_contact_refusal_keeps_input_in_a_real_browser(new_browser_page, db, axe_violations):
    from tests.supplier_profiles.buyer_fixtures import make_company

    company = make_company(name="Browser Refusal Ltd", slug="browser-refusal")
    page = new_browser_page()
    page.goto(f"/suppliers/{company.slug}/contact")
    page.get_by_label("Your full name").fill("Visit www.spam.example")
    page.get_by_label("Subject").fill("Hello")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "must not contain a web address" in summary.inner_text()
    assert page.get_by_label("Your full name").input_value() == "Visit www.spam.example"
    assert page.get_by_label("Subject").input_value() == "Hello"
    assert re.search("Error: Contact", page.title())
    assert axe_violations(page) == []


def test_search_works_without_javascript(_browser, live_server, db):
    from tests.supplier_profiles.buyer_fixtures import make_company

    make_company(
        name="No Script Looms",
        slug="no-script-looms",
        summary="Tweed looms.",
        industries=["TEXTILES_INTERIOR_TEXTILES_AND_CARPETS"],
    )
    make_company(name="Another Loom Co", slug="another-loom", summary="Loom repairs.")
    context = _browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/find-a-supplier")
        page.get_by_label("Search for UK suppliers").fill("loom")
        page.get_by_role("button", name="Search", exact=True).click()
        expect(page.locator("#results-count")).to_contain_text("2 suppliers")
        page.get_by_label(re.compile("Textiles")).first.check()
        page.get_by_role("button", name="Apply filters").click()
        expect(page.locator("#results-count")).to_contain_text("1 supplier")
        assert "industry=TEXTILES_INTERIOR_TEXTILES_AND_CARPETS" in page.url
        assert "q=loom" in page.url
    finally:
        context.close()


def test_autocomplete_suggests_company_names_while_typing(browser_page, db):
    from tests.supplier_profiles.buyer_fixtures import make_company

    make_company(name="Kestrel Kiteworks", slug="kestrel-kiteworks")
    make_company(name="Kestrel Knitwear", slug="kestrel-knitwear")
    make_company(name="Moorland Mills", slug="moorland-mills")
    page = browser_page
    page.goto("/find-a-supplier")
    page.get_by_label("Search for UK suppliers").press_sequentially("kest", delay=30)
    options = page.locator("#q-suggestions option")
    options.nth(1).wait_for(state="attached")
    assert [options.nth(i).get_attribute("value") for i in range(options.count())] == [
        "Kestrel Kiteworks",
        "Kestrel Knitwear",
    ]
