"""Two-step sign-in: enrolment with a QR code and the secret as text, codes that are wrong,
reused or expired, recovery codes that work once, rate limits, remembering a browser, and the
rule that staff, partners and admins must enrol."""

from __future__ import annotations

import time

import pyotp
import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, enrol_authenticator, sign_in, totp_code
from tests.factories import UserFactory
from tradehub.accounts import two_factor
from tradehub.accounts.models import AccountAuditEntry, RecoveryCode, Role, User
from tradehub.accounts.passwords import hash_password


def _password_step(client, user, password: str = PASSWORD):
    response = client.post_form("/account/sign-in", {"email": user.email, "password": password})
    assert response.status_code == 302
    return response.headers["Location"]


def _user(db, user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def test_an_exporter_may_turn_on_an_authenticator_app(client, db, signed_in):
    user = signed_in("exporter")
    page = client.get("/account/two-factor/set-up").get_data(as_text=True)
    assert "<svg" in page and 'class="segno"' in page  # the QR code, drawn on the server
    assert 'id="totp-secret"' in page  # and the secret as text for people who cannot scan
    wrong = client.post_form("/account/two-factor/set-up", {"code": "000000"})
    assert "The code is not correct or has expired" in wrong.get_data(as_text=True)
    assert not _user(db, user.id).has_second_factor

    secret, codes = enrol_authenticator(client)
    user = _user(db, user.id)
    assert user.has_second_factor and user.totp_secret == secret
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # kept only as digests
    # Shown once: the page does not show them again.
    again = client.get("/account/two-factor/recovery-codes")
    assert again.status_code == 302
    assert codes[0] not in client.get(again.headers["Location"]).get_data(as_text=True)
    actions = db.session.scalars(select(AccountAuditEntry.action)).all()
    assert actions == ["two_factor_enabled"]


def test_sign_in_asks_for_the_code_and_refuses_wrong_reused_and_expired_codes(app, db):
    secret = pyotp.random_base32(32)
    user = UserFactory(role=Role.STAFF, totp_secret=secret)
    db.session.commit()

    client = app.test_client()
    location = _password_step(client, user)
    assert location.startswith("/account/sign-in/code")
    assert client.get("/account/").status_code == 302  # not signed in until the code

    bad = "123456" if totp_code(secret) != "123456" else "654321"
    wrong = client.post_form(location, {"code": bad})
    assert "The code is not correct or has expired" in wrong.get_data(as_text=True)
    totp = pyotp.TOTP(secret)
    expired = totp.generate_otp(int(time.time() // 30) - 3)  # 90 seconds old
    page = client.post_form(location, {"code": expired}).get_data(as_text=True)
    assert "The code is not correct or has expired" in page

    code = totp_code(secret)
    ok = client.post_form(location, {"code": code})
    assert ok.status_code == 302 and ok.headers["Location"] == "/account/"
    assert client.get("/account/").status_code == 200

    # The same code again (another browser, same 30 seconds) is refused as reused.
    other = app.test_client()
    location = _password_step(other, user)
    reused = other.post_form(location, {"code": code}).get_data(as_text=True)
    assert "This code has already been used" in reused


def test_recovery_codes_work_once(app, client, db, signed_in):
    user = signed_in("buyer")
    _secret, codes = enrol_authenticator(client)
    client.post_form("/account/sign-out")

    location = _password_step(client, user)
    used = client.post_form(location, {"code": codes[0].upper()})
    assert used.status_code == 302
    assert "You have 9 left" in client.get("/account/").get_data(as_text=True)
    client.post_form("/account/sign-out")

    location = _password_step(client, user)
    again = client.post_form(location, {"code": codes[0]}).get_data(as_text=True)
    assert "This recovery code is not correct or has been used" in again
    assert client.post_form(location, {"code": codes[1]}).status_code == 302


def test_code_attempts_are_rate_limited_per_account(app, db):
    app.config["TWO_FACTOR_RATE_LIMIT"] = "3 per 5 minutes"
    secret = pyotp.random_base32(32)
    user = UserFactory(role=Role.ADMIN, totp_secret=secret)
    db.session.commit()
    client = app.test_client()
    location = _password_step(client, user)
    wrong = "111111" if totp_code(secret) != "111111" else "222222"
    for _ in range(3):
        assert client.post_form(location, {"code": wrong}).status_code == 200
    assert client.post_form(location, {"code": totp_code(secret)}).status_code == 429
    # A new session for the same account does not reset the count.
    fresh = app.test_client()
    location = _password_step(fresh, user)
    assert fresh.post_form(location, {"code": totp_code(secret)}).status_code == 429


def test_remember_this_browser_skips_the_code_until_the_password_changes(app, db):
    secret = pyotp.random_base32(32)
    user = UserFactory(role=Role.PARTNER, totp_secret=secret)
    db.session.commit()
    client = app.test_client()
    location = _password_step(client, user)
    response = client.post_form(location, {"code": totp_code(secret), "remember": "y"})
    cookie = client.get_cookie(two_factor.REMEMBER_COOKIE, path="/account/sign-in")
    assert cookie is not None
    assert cookie.max_age == 30 * 86400 or "Max-Age=2592000" in response.headers["Set-Cookie"]
    client.post_form("/account/sign-out")

    assert _password_step(client, user) == "/account/"  # no code asked
    client.post_form("/account/sign-out")

    # A cookie signed for another user's session does nothing for this one.
    other = UserFactory(role=Role.STAFF)
    db.session.commit()
    assert _password_step(client, other).startswith("/account/sign-in/code")
    client.post_form("/account/sign-out")

    # Changing the password makes the remembered browser ask again.
    user = _user(db, user.id)
    user.password_hash = hash_password("another long password")
    db.session.commit()
    assert _password_step(client, user, "another long password").startswith("/account/sign-in/code")


def test_staff_partners_and_admins_must_enrol_before_using_the_site(app, db):
    for role in (Role.STAFF, Role.PARTNER, Role.ADMIN):
        user = UserFactory(role=role, totp_secret=None, totp_enabled_at=None)
        db.session.commit()
        client = app.test_client()
        sign_in(client, user)
        for path in ("/", "/account/", "/staff/", "/find-a-supplier"):
            response = client.get(path)
            assert response.status_code == 302, (role, path)
            assert response.headers["Location"] == "/account/two-factor/set-up"
        assert "Your role needs a second factor" in client.get(
            "/account/two-factor/set-up"
        ).get_data(as_text=True)
        enrol_authenticator(client)
        assert client.get("/account/").status_code == 200


@pytest.mark.parametrize(
    ("role", "may_turn_off"), [("exporter", True), ("buyer", True), ("staff", False)]
)
def test_only_exporters_and_buyers_may_turn_the_second_factor_off(
    client, db, signed_in, role, may_turn_off
):
    user = signed_in(role)
    if not user.has_second_factor:
        enrol_authenticator(client)
    wrong = client.post_form("/account/two-factor/turn-off", {"off-password": "not my password"})
    if may_turn_off:
        assert "Your password is not correct" in wrong.get_data(as_text=True)
    response = client.post_form("/account/two-factor/turn-off", {"off-password": PASSWORD})
    assert _user(db, user.id).has_second_factor is (not may_turn_off)
    if may_turn_off:
        assert response.status_code == 302
    else:
        assert "cannot be turned off" in response.get_data(as_text=True)


def test_new_recovery_codes_replace_the_old_ones(client, db, signed_in):
    user = signed_in("exporter")
    _secret, old = enrol_authenticator(client)
    response = client.post_form(
        "/account/two-factor/recovery-codes/new", {"codes-password": PASSWORD}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert old[0] not in page
    client.post_form("/account/sign-out")
    location = _password_step(client, user)
    refused = client.post_form(location, {"code": old[0]}).get_data(as_text=True)
    assert "This recovery code is not correct or has been used" in refused
