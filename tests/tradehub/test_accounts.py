"""Accounts through the HTTP routes: register, confirm, sign in/out, reset, change password."""

from __future__ import annotations

import re
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from tests.conftest import PASSWORD, sign_in
from tradehub.accounts.models import Role, User
from tradehub.mail import OutboxEmail

NEW_PASSWORD = "a much better passphrase"


def register(client, **overrides):
    data = {
        "full_name": "Ada Lovelace",
        "email": "ada@example.com",
        "role": "exporter",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    data.update(overrides)
    return client.post_form("/account/register", data)


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def test_registration_emails_a_confirmation_link_that_confirms_the_address(client, db, mailbox):
    response = register(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/register/check-email")

    [message] = mailbox.wait_for("ada@example.com")
    assert message["Subject"] == "Confirm your email address"
    [link] = [link for link in mailbox.links(message) if "/account/confirm/" in link]

    user = db.session.scalar(select(User).where(User.email == "ada@example.com"))
    assert user.role is Role.EXPORTER
    assert user.password_hash.startswith("$argon2id$")
    assert not user.email_confirmed

    confirmed = client.get(path_of(link), follow_redirects=True)
    assert "Your email address is confirmed." in confirmed.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email_confirmed


def test_registering_a_taken_address_looks_the_same_and_tells_the_owner(
    client, make_user, mailbox, db
):
    make_user(email="taken@example.com")
    response = register(client, email="Taken@Example.com")
    assert response.headers["Location"].endswith("/account/register/check-email")
    [message] = mailbox.wait_for("taken@example.com")
    assert message["Subject"] == "Someone tried to register with your email address"
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter an email address in the correct format"),
        ("full_name", "", "Enter your full name"),
        ("password", "short", "Password must be between 10 and 128 characters"),
        ("password", "password123", "Choose a password that is harder to guess"),
        ("confirm", "something else entirely", "Passwords must match"),
        ("role", "staff", "Choose one of the answers offered to “What do you want to do?”"),
    ],
)
def test_registration_errors_show_next_to_the_field_and_keep_input(
    client, db, field, value, message
):
    response = register(client, **{field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert message in page
    assert 'value="Ada Lovelace"' in page or field == "full_name"
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 0


def test_sign_in_and_sign_out(client, make_user):
    user = make_user(email="exporter@example.com")
    response = sign_in(client, user)
    assert response.headers["Location"].endswith("/account/")
    assert "exporter@example.com" in client.get("/account/").get_data(as_text=True)

    out = client.post_form("/account/sign-out")
    assert out.status_code == 302
    assert client.get("/account/").status_code == 302  # back to sign-in


def test_sign_in_refuses_wrong_password_and_unknown_address_with_the_same_message(
    client, make_user
):
    make_user(email="known@example.com")
    wrong = client.post_form(
        "/account/sign-in", {"email": "known@example.com", "password": "wrong password!"}
    )
    unknown = client.post_form(
        "/account/sign-in", {"email": "nobody@example.com", "password": "wrong password!"}
    )
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_sign_in_keeps_the_typed_email(client):
    page = client.post_form(
        "/account/sign-in", {"email": "typed@example.com", "password": "wrong password!"}
    ).get_data(as_text=True)
    assert 'value="typed@example.com"' in page


def test_next_parameter_only_redirects_to_local_paths(client, make_user):
    user = make_user()
    for evil in (
        "https://evil.example",
        "//evil.example/x",
        "/\\evil.example",
        "https:/evil.example",
    ):
        response = client.post_form(
            f"/account/sign-in?next={evil}", {"email": user.email, "password": PASSWORD}
        )
        assert response.status_code == 302
        assert "evil.example" not in response.headers["Location"]
        client.post_form("/account/sign-out")
    response = client.post_form(
        "/account/sign-in?next=/account/password", {"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"].endswith("/account/password")


def _reset_link(client, mailbox, address):
    client.post_form("/account/forgot-password", {"email": address})
    [message] = mailbox.wait_for(address)
    assert message["Subject"] == "Reset your password"
    [link] = [link for link in mailbox.links(message) if "/account/reset-password/" in link]
    return path_of(link)


def test_password_reset_by_emailed_link(client, make_user, mailbox):
    user = make_user(email="forgetful@example.com")
    link = _reset_link(client, mailbox, user.email)
    response = client.post_form(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    sign_in(client, user, NEW_PASSWORD)
    # The link is single use: the password it was made for is gone.
    again = client.get(link)
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)


def test_password_reset_link_expires(client, make_user, mailbox, app, monkeypatch):
    user = make_user(email="late@example.com")
    link = _reset_link(client, mailbox, user.email)
    later = time.time() + app.config["PASSWORD_RESET_MAX_AGE"] + 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(later))
    response = client.get(link)
    assert response.status_code == 400
    assert "This link has expired" in response.get_data(as_text=True)


def test_password_reset_for_unknown_address_says_the_same_and_sends_nothing(client, mailbox):
    response = client.post_form("/account/forgot-password", {"email": "ghost@example.com"})
    assert "If ghost@example.com has a TradeHub account" in response.get_data(as_text=True)
    time.sleep(0.2)
    assert mailbox.to("ghost@example.com") == []


def test_change_password_checks_current_and_signs_out_other_sessions(app, client, make_user):
    user = make_user()
    sign_in(client, user)
    other = app.test_client()
    sign_in(other, user)

    bad = client.post_form(
        "/account/password",
        {"current_password": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert "Your current password is not correct." in bad.get_data(as_text=True)

    good = client.post_form(
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert good.status_code == 302
    assert client.get("/account/").status_code == 200
    assert other.get("/account/").status_code == 302


def test_post_without_csrf_token_is_rejected(client, db):
    response = client.post(
        "/account/register",
        data={
            "full_name": "No Token",
            "email": "notoken@example.com",
            "role": "buyer",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "Your form has expired" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "notoken@example.com")) is None


def test_login_attempts_are_rate_limited_per_account(app, client, make_user):
    user = make_user()
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    for _ in range(limit):
        response = client.post_form(
            "/account/sign-in", {"email": user.email, "password": "wrong password!"}
        )
        assert response.status_code == 200
    blocked = client.post_form("/account/sign-in", {"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)


def test_login_attempts_are_rate_limited_per_ip_across_accounts(app, client):
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    statuses = [
        client.post_form(
            "/account/sign-in", {"email": f"guess{i}@example.com", "password": "wrong password!"}
        ).status_code
        for i in range(limit + 1)
    ]
    assert statuses[:limit] == [200] * limit
    assert statuses[limit] == 429


def test_successful_sign_ins_do_not_count_against_the_per_ip_limit(app, client, make_user):
    # An office behind NAT: many people sign in correctly from one address.
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    users = [make_user() for _ in range(limit + 2)]
    for user in users:
        response = client.post_form("/account/sign-in", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        client.post_form("/account/sign-out", {})
    # Failed attempts still count per IP once the successes are done.
    statuses = [
        client.post_form(
            "/account/sign-in", {"email": f"guess{i}@example.com", "password": "wrong password!"}
        ).status_code
        for i in range(limit + 1)
    ]
    assert statuses[:limit] == [200] * limit
    assert statuses[limit] == 429


def test_mail_waits_in_the_outbox_when_smtp_is_down_and_the_cli_sends_it(
    app, client, db, mailbox, runner
):
    from tests.conftest import free_port

    good_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nothing listens here
    register(client, email="patient@example.com")
    row = db.session.scalar(
        select(OutboxEmail).where(OutboxEmail.to_address == "patient@example.com")
    )
    assert row.sent_at is None and row.attempts == 1 and "Connection" in row.last_error
    assert mailbox.to("patient@example.com") == []

    app.config["MAIL_PORT"] = good_port
    row.next_attempt_at = row.created_at  # due now, skipping the back-off
    db.session.commit()
    result = runner.invoke(args=["outbox", "send"])
    assert "Sent 1 email(s)" in result.output
    mailbox.wait_for("patient@example.com")
