"""In a real browser: an admin invites a staff member, who accepts, sets up an authenticator
app (codes computed with pyotp), signs out and in again with a code; the admin deactivates them
and their open session ends. axe finds no serious or critical problem on any new page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.conftest import browser_sign_in, totp_code
from tests.factories import UserFactory
from tradehub.accounts.models import Role, User

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a long staff password"


def _clean(page, axe_violations, where: str) -> None:
    assert axe_violations(page) == [], where


def test_invite_enrol_sign_in_with_a_code_and_deactivate(
    db, new_browser_page, mailbox, axe_violations
):
    admin = UserFactory(role=Role.ADMIN, email="ada.admin@example.com", full_name="Ada Admin")
    db.session.commit()
    admin_page = new_browser_page()
    browser_sign_in(admin_page, admin.email)

    admin_page.goto("/admin/users")
    expect(admin_page.locator("h1")).to_have_text("Users")
    _clean(admin_page, axe_violations, "user list")
    admin_page.goto("/admin/users/invite")
    _clean(admin_page, axe_violations, "invite form")
    admin_page.get_by_role("button", name="Send invitation").click()
    expect(admin_page.locator(".govuk-error-summary")).to_be_visible()
    _clean(admin_page, axe_violations, "invite form with errors")
    admin_page.get_by_label("Email address").fill("sam.staff@example.com")
    admin_page.get_by_label("Full name").fill("Sam Staff")
    admin_page.get_by_label("Role").select_option("staff")
    admin_page.get_by_role("button", name="Send invitation").click()
    expect(admin_page.locator("h1")).to_have_text("sam.staff@example.com")
    _clean(admin_page, axe_violations, "user page")

    [message] = mailbox.wait_for("sam.staff@example.com")
    link = next(url for url in mailbox.links(message) if "/account/invitation/" in url)

    staff_page = new_browser_page()
    staff_page.goto(urlsplit(link).path)  # links are built from BASE_URL; the path is ours
    expect(staff_page.locator("h1")).to_have_text("Accept your invitation")
    _clean(staff_page, axe_violations, "accept invitation")
    staff_page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    staff_page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    staff_page.get_by_role("button", name="Accept invitation").click()

    # The site makes them set up an authenticator app before anything else.
    expect(staff_page.locator("h1")).to_have_text("Set up your authenticator app")
    assert staff_page.locator(".th-qr svg").count() == 1
    _clean(staff_page, axe_violations, "set up authenticator")
    secret = staff_page.locator("#totp-secret").inner_text().replace(" ", "")
    staff_page.get_by_label("Code from your app").fill(totp_code(secret))
    staff_page.get_by_role("button", name="Turn on").click()
    expect(staff_page.locator("h1")).to_have_text("Your recovery codes")
    codes = staff_page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", c) for c in codes)
    _clean(staff_page, axe_violations, "recovery codes")
    staff_page.get_by_role("link", name="I have saved my codes").click()
    expect(staff_page.locator("h1")).to_have_text("Your account")

    for path, heading in (
        ("/account/two-factor", "Two-step sign-in"),
        ("/account/your-data", "Your data"),
        ("/account/delete", "Delete your account"),
        ("/privacy", "Privacy notice"),
    ):
        staff_page.goto(path)
        expect(staff_page.locator("h1")).to_have_text(heading)
        _clean(staff_page, axe_violations, path)

    # Sign out, then in again: password, then a code from the app.
    staff_page.get_by_role("button", name="Sign out").click()
    staff_page.goto("/account/sign-in")
    staff_page.get_by_label("Email address").fill("sam.staff@example.com")
    staff_page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    staff_page.get_by_role("button", name="Sign in").click()
    expect(staff_page.locator("h1")).to_have_text("Enter your code")
    _clean(staff_page, axe_violations, "code step")
    staff_page.get_by_label("Code", exact=True).fill(
        "000000" if totp_code(secret) != "000000" else "111111"
    )
    staff_page.get_by_role("button", name="Continue").click()
    expect(staff_page.locator(".govuk-error-summary")).to_contain_text("not correct")
    _clean(staff_page, axe_violations, "code step with an error")
    db.session.expire_all()
    staff = db.session.scalar(select(User).where(User.email == "sam.staff@example.com"))
    staff_page.get_by_label("Code", exact=True).fill(totp_code(secret, staff.totp_last_step))
    staff_page.get_by_role("button", name="Continue").click()
    expect(staff_page.locator("h1")).to_have_text("Your account")
    staff_page.goto("/staff/")
    expect(staff_page.locator("h1")).to_have_text("Staff area")

    # The admin deactivates them: their open session ends at once.
    admin_page.goto(f"/admin/users/{staff.id}")
    admin_page.get_by_role("button", name="Deactivate account").click()
    expect(admin_page.locator(".govuk-notification-banner")).to_contain_text(
        "deactivated and signed out everywhere"
    )
    _clean(admin_page, axe_violations, "user page after deactivation")
    staff_page.goto("/staff/")
    expect(staff_page.locator("h1")).to_have_text("Sign in")
    admin_page.goto("/admin/audit")
    expect(admin_page.locator("table")).to_contain_text("Deactivated")
    _clean(admin_page, axe_violations, "audit trail")
