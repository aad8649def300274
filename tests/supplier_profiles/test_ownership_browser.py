"""Ownership in a browser: the owner makes an editor the owner, the editor accepts by the
emailed link; the members page and the accept page are axe clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from supplier_profiles.models import CompanyMember, MemberRole
from tests.conftest import PASSWORD
from tests.factories import CompanyFactory

pytestmark = pytest.mark.browser


def _sign_in(page, email: str) -> None:
    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_owner_hands_over_and_editor_accepts(
    _browser, live_server, browser_page, axe_violations, make_user, db, mailbox
):
    owner = make_user(email="owner@browser.example")
    editor = make_user(email="editor@browser.example")
    company = CompanyFactory(owner=owner)
    db.session.add(CompanyMember(company_id=company.id, user_id=editor.id, role=MemberRole.EDITOR))
    db.session.commit()

    page = browser_page
    _sign_in(page, owner.email)
    page.goto("/profile/members")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Make owner editor@browser.example").click()
    expect(page.locator("main")).to_contain_text("We have emailed editor@browser.example")

    message = mailbox.wait_for("editor@browser.example")[-1]
    link = next(link for link in mailbox.links(message) if "/profile/ownership/" in link)
    path = link.split("localhost", 1)[-1]
    context = _browser.new_context(base_url=live_server.url)
    try:
        other = context.new_page()
        _sign_in(other, editor.email)
        other.goto(path)
        assert axe_violations(other) == []
        other.get_by_role("button", name="Accept ownership").click()
        expect(other.locator("main")).to_contain_text(f"You are now the owner of {company.name}")
    finally:
        context.close()
