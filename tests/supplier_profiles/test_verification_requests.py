"""Verification on request (#14): a business Companies House does not register (sole trader,
partnership, charity, other) asks staff to check it, is emailed what happens next, and waits in
the staff queue until staff verify it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from supplier_profiles.models import AuditAction, Company, CompanyAuditEntry
from tests.conftest import PASSWORD, browser_sign_in
from tests.factories import CompanyFactory, UserFactory
from tradehub.accounts.models import Role
from tradehub.db_types import utcnow


def _actions(db, company) -> list[AuditAction]:
    return list(
        db.session.scalars(
            select(CompanyAuditEntry.action)
            .where(CompanyAuditEntry.company_id == company.id)
            .order_by(CompanyAuditEntry.id)
        )
    )


@pytest.mark.parametrize("kind", ["SOLE_TRADER", "PARTNERSHIP", "CHARITY", "OTHER"])
def test_a_business_without_a_company_number_asks_and_is_told_what_happens_next(
    client, signed_in, db, mailbox, kind
):
    owner = signed_in("exporter", email=f"owner-{kind.lower()}@example.com", full_name="Ann Owner")
    company = CompanyFactory(owner=owner, company_type=kind, verification_code=None)
    db.session.commit()

    page = client.get("/profile/verify").get_data(as_text=True)
    assert "Ask us to verify your business" in page and "What happens next" in page
    assert 'name="code"' not in page  # no letter code to type

    response = client.post_form("/profile/verify/request", {})
    assert response.status_code == 302
    db.session.expire_all()
    company = db.session.get(Company, company.id)
    assert company.verification_requested_at is not None
    assert AuditAction.VERIFICATION_REQUESTED in _actions(db, company)

    message = mailbox.wait_for(owner.email)[-1]
    body = mailbox.body(message)
    assert "What happens next" in body and "Ann Owner" in body
    assert "working days" in body and company.name in body
    expected = {"CHARITY": "charity number", "SOLE_TRADER": "Unique Taxpayer Reference"}
    assert expected.get(kind, "bank statement") in body

    page = client.get("/profile/verify").get_data(as_text=True)
    assert "You asked us to verify your business on" in page
    assert "Ask us to verify your business</button>" not in page

    # Asking again sends nothing more and writes no second audit row.
    client.post_form("/profile/verify/request", {})
    assert _actions(db, company).count(AuditAction.VERIFICATION_REQUESTED) == 1
    assert len(mailbox.wait_for(owner.email)) == 1


def test_a_registered_company_verifies_by_letter_and_cannot_ask(client, signed_in, db):
    owner = signed_in("exporter")
    company = CompanyFactory(owner=owner, company_type="COMPANIES_HOUSE", verification_code=None)
    db.session.commit()

    page = client.get("/profile/verify").get_data(as_text=True)
    assert "Ask us to verify your business" not in page
    response = client.post_form("/profile/verify/request", {}, follow_redirects=True)
    assert "verified with the code in the letter" in response.get_data(as_text=True)
    db.session.refresh(company)
    assert company.verification_requested_at is None


def test_staff_see_the_queue_oldest_first_and_a_verified_business_leaves_it(client, signed_in, db):
    old = CompanyFactory(name="Old Request Charity", company_type="CHARITY", verification_code=None)
    new = CompanyFactory(name="New Request Partners", company_type="PARTNERSHIP")
    CompanyFactory(name="Never Asked Trader", company_type="SOLE_TRADER")
    old.verification_requested_at = utcnow() - timedelta(days=3)
    new.verification_requested_at = utcnow()
    db.session.commit()

    signed_in("staff")
    page = client.get("/staff/suppliers/verification-requests").get_data(as_text=True)
    assert page.index("Old Request Charity") < page.index("New Request Partners")
    assert "Never Asked Trader" not in page and "2 waiting" in page
    assert "charity number" in page
    assert "Verification requests" in client.get("/staff/").get_data(as_text=True)

    client.post_form(f"/staff/suppliers/{old.id}/verify", {"verify-reason": "Charity 1234567"})
    db.session.expire_all()
    assert db.session.get(Company, old.id).verification_requested_at is None
    page = client.get("/staff/suppliers/verification-requests").get_data(as_text=True)
    assert "Old Request Charity" not in page and "1 waiting" in page


def test_staff_decline_a_request_with_a_reason_and_the_owner_is_told(
    client, signed_in, db, make_user, mailbox
):
    owner = make_user(email="owner@hopeful.example")
    company = CompanyFactory(
        owner=owner, name="Hopeful Partners", company_type="PARTNERSHIP", verification_code=None
    )
    company.verification_requested_at = utcnow()
    db.session.commit()
    signed_in("staff")
    page = client.get(f"/staff/suppliers/{company.id}").get_data(as_text=True)
    assert "Decline the verification request" in page

    response = client.post_form(f"/staff/suppliers/{company.id}/decline-verification", {})
    assert response.status_code == 400
    assert "Enter the reason" in response.get_data(as_text=True)

    client.post_form(
        f"/staff/suppliers/{company.id}/decline-verification",
        {"decline-reason": "The UTR you sent belongs to another business"},
    )
    db.session.expire_all()
    company = db.session.get(Company, company.id)
    assert company.verification_requested_at is None and not company.is_verified
    assert AuditAction.VERIFICATION_DECLINED in _actions(db, company)
    body = mailbox.body(mailbox.wait_for("owner@hopeful.example")[-1])
    assert "The UTR you sent belongs to another business" in body and "ask again" in body
    page = client.get("/staff/suppliers/verification-requests").get_data(as_text=True)
    assert "Hopeful Partners" not in page
    # Nothing left to decline: refused, nothing changes.
    client.post_form(
        f"/staff/suppliers/{company.id}/decline-verification", {"decline-reason": "again"}
    )
    assert _actions(db, company).count(AuditAction.VERIFICATION_DECLINED) == 1


def test_only_staff_see_the_queue(client, signed_in):
    signed_in("exporter")
    assert client.get("/staff/suppliers/verification-requests").status_code == 403


@pytest.mark.browser
def test_asking_and_the_staff_queue_in_a_browser(db, browser_page, axe_violations):
    owner = UserFactory(role=Role.EXPORTER, email="sole.trader@example.com", full_name="Sol Trader")
    staff = UserFactory(role=Role.STAFF, email="vera.staff@example.com", full_name="Vera Staff")
    CompanyFactory(
        owner=owner, name="Sol's Soaps", company_type="SOLE_TRADER", verification_code=None
    )
    db.session.commit()
    page = browser_page

    browser_sign_in(page, owner.email, PASSWORD)
    page.goto("/profile/verify")
    assert axe_violations(page) == [], "exporter verify page"
    page.get_by_role("button", name="Ask us to verify your business").click()
    expect(page.locator("body")).to_contain_text("We have emailed you what happens next")
    expect(page.locator(".govuk-inset-text")).to_contain_text("You asked us to verify")
    assert axe_violations(page) == [], "after asking"

    page.context.clear_cookies()
    browser_sign_in(page, staff.email, PASSWORD)
    page.goto("/staff/")
    page.get_by_role("link", name="Verification requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verification requests")
    expect(page.get_by_role("link", name="Sol's Soaps")).to_be_visible()
    assert axe_violations(page) == [], "staff queue"
