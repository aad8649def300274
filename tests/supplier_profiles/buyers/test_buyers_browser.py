"""The whole buyer journey in headless Chromium against a live server, with the local SMTP
server: a buyer shortlists a supplier (no page reload), saves a search and posts a buying
request; staff approve it; the matched supplier is emailed and answers; the buyer sees the
answer and gets the email, then replies, which opens an enquiry thread; the alert's signed
unsubscribe link works signed out. axe-core finds no serious or critical violation on any new
page."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from supplier_profiles.buyers import saved_searches as saved_services
from supplier_profiles.buyers.models import BuyingRequest, RequestStatus, SavedSearch
from supplier_profiles.models import CompanyMember, Enquiry, MemberRole
from tests.conftest import PASSWORD, browser_sign_in
from tests.supplier_profiles.buyer_fixtures import make_company
from tradehub.accounts.models import Role
from tradehub.dates import uk_today

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config):
    app_config["CONTACT_MIN_FILL_SECONDS"] = 1
    return app_config


def sign_in(page, email: str) -> None:
    browser_sign_in(page, email, PASSWORD)  # staff also enter their app's code (#16)


def check_axe(page, axe_violations) -> None:
    assert axe_violations(page) == [], page.url


def test_buyer_journey_from_shortlist_to_enquiry_thread(
    make_user, new_browser_page, db, mailbox, axe_violations
):
    supplier = make_company(
        name="Cheddar Gorge Creamery",
        slug="cheddar-gorge-creamery",
        summary="Farmhouse cheddar for delicatessens and hotels.",
        industries=["FOOD_AND_DRINK"],
        email="orders@cheddar-gorge.example",
    )
    owner = make_user(role=Role.EXPORTER, email="owner@cheddar-gorge.example")
    supplier.members.append(CompanyMember(user_id=owner.id, role=MemberRole.OWNER))
    db.session.commit()
    buyer = make_user(role=Role.BUYER, email="camille@paris-delis.example", full_name="Camille")
    staff = make_user(role=Role.STAFF, email="moderator@trade.example")

    # --- the buyer shortlists and saves a search ---
    page = new_browser_page()
    sign_in(page, buyer.email)
    page.goto("/find-a-supplier?q=cheddar")
    results_url = page.url
    button = page.get_by_role("button", name=re.compile("Add to shortlist"))
    button.click()
    expect(page.get_by_role("button", name=re.compile("Remove from shortlist"))).to_be_visible()
    assert page.url == results_url  # no reload: the script posted it
    check_axe(page, axe_violations)

    page.goto("/account/shortlist")
    expect(page.get_by_role("link", name="Cheddar Gorge Creamery", exact=True)).to_be_visible()
    check_axe(page, axe_violations)

    page.goto("/find-a-supplier?q=cheddar")
    page.get_by_role("link", name="Save this search").click()
    page.wait_for_load_state()
    check_axe(page, axe_violations)
    page.get_by_label("Name this search").fill("Cheddar for Paris")
    page.get_by_label("Daily").check()
    page.get_by_role("button", name="Save search").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Your saved searches")
    expect(page.get_by_role("heading", name="Cheddar for Paris")).to_be_visible()
    check_axe(page, axe_violations)

    # --- the buyer posts a request ---
    page.goto("/account/buying-requests")
    check_axe(page, axe_violations)
    page.get_by_role("link", name="Post a buying request").click()
    page.wait_for_load_state()
    check_axe(page, axe_violations)
    deadline = uk_today() + timedelta(days=14)
    page.get_by_label("What do you need?").fill("Farmhouse cheddar")
    page.get_by_label("Describe what you need").fill(
        "Mature farmhouse cheddar in 2 kg truckles for 12 delicatessens."
    )
    page.get_by_label("Industry").select_option("FOOD_AND_DRINK")
    page.get_by_label("Quantity (optional)").fill("400")
    page.get_by_label("Unit (optional)").fill("kilograms")
    page.get_by_label("Country the goods go to").select_option("FR")
    page.get_by_label("Day", exact=True).fill(str(deadline.day))
    page.get_by_label("Month", exact=True).fill(str(deadline.month))
    page.get_by_label("Year", exact=True).fill(str(deadline.year))
    time.sleep(1.1)  # the minimum fill time
    page.get_by_role("button", name="Send for approval").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Farmhouse cheddar")
    expect(page.get_by_text("Waiting for approval").first).to_be_visible()
    check_axe(page, axe_violations)
    request_url = page.url

    # --- staff approve it ---
    staff_page = new_browser_page()
    sign_in(staff_page, staff.email)
    staff_page.goto("/staff/buying-requests")
    check_axe(staff_page, axe_violations)
    staff_page.get_by_role("link", name="Farmhouse cheddar", exact=True).click()
    staff_page.wait_for_load_state()
    check_axe(staff_page, axe_violations)
    staff_page.get_by_role("button", name="Approve and offer to suppliers").click()
    staff_page.wait_for_load_state()
    db.session.expire_all()
    item = db.session.scalar(select(BuyingRequest))
    assert item.status is RequestStatus.OPEN

    # --- the matched supplier is emailed and answers ---
    [offer_mail] = mailbox.wait_for(owner.email)
    link = next(u for u in mailbox.links(offer_mail) if "/profile/buying-requests/" in u)
    supplier_page = new_browser_page()
    sign_in(supplier_page, owner.email)
    supplier_page.goto("/profile/buying-requests")
    check_axe(supplier_page, axe_violations)
    supplier_page.goto(urlsplit(link).path)  # mail links use BASE_URL, not the live server
    expect(supplier_page.locator("h1")).to_have_text("Farmhouse cheddar")
    assert buyer.email not in supplier_page.content()
    check_axe(supplier_page, axe_violations)
    supplier_page.get_by_label("Your answer").fill("We can send 400 kg within three weeks.")
    supplier_page.get_by_label("Price (optional)").fill("£14 a kilogram")
    supplier_page.get_by_role("button", name="Send response").click()
    supplier_page.wait_for_load_state()
    expect(supplier_page.get_by_text("Your response has been sent")).to_be_visible()
    supplier_page.goto("/profile/buying-requests/settings")
    check_axe(supplier_page, axe_violations)
    supplier_page.goto("/account/buying-requests/new")  # requests are for buyer accounts
    expect(supplier_page.locator("h1")).to_have_text("You cannot post a buying request yet")
    check_axe(supplier_page, axe_violations)

    # --- the buyer gets the email, sees the answer and replies ---
    [answer_mail] = mailbox.wait_for(buyer.email)
    assert "We can send 400 kg within three weeks." in mailbox.body(answer_mail)
    page.goto(request_url)
    expect(page.get_by_text("We can send 400 kg within three weeks.")).to_be_visible()
    check_axe(page, axe_violations)
    page.get_by_label("Reply to Cheddar Gorge Creamery").fill("Please send a sample to Paris.")
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Your reply has been sent to Cheddar Gorge Creamery")).to_be_visible()
    db.session.expire_all()
    enquiry = db.session.scalar(select(Enquiry))
    assert enquiry.email == buyer.email and enquiry.company_id == supplier.id
    [reply_mail] = mailbox.wait_for("orders@cheddar-gorge.example")
    assert reply_mail["Reply-To"] == buyer.email
    supplier_page.goto("/profile/enquiries")
    expect(supplier_page.get_by_text("Re: Farmhouse cheddar")).to_be_visible()

    # --- the alert's unsubscribe link works signed out ---
    saved = db.session.scalar(select(SavedSearch))
    token = saved_services.unsubscribe_token(saved)
    anonymous = new_browser_page()
    anonymous.goto(f"/alerts/unsubscribe/{token}")
    check_axe(anonymous, axe_violations)
    anonymous.get_by_role("button", name="Stop these emails").click()
    anonymous.wait_for_load_state()
    expect(anonymous.locator("h1")).to_contain_text("You will get no more emails")
