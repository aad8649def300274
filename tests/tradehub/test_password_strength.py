"""Passwords are judged by how guessable they are (zxcvbn score 3 or more), length first and no
composition rules; `flask users create` applies the sign-in form's address rules (issue 13)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD, sign_in
from tradehub.accounts.models import User
from tradehub.cli import users_cli


def register(client, password: str, email: str = "ada@example.com"):
    return client.post_form(
        "/account/register",
        {
            "full_name": "Ada Lovelace",
            "email": email,
            "role": "exporter",
            "password": password,
            "confirm": password,
        },
    )


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("abcdefghijkl", "Sequences like"),
        ("12345678901", "similar to a commonly used password"),
        ("mypassword123X", "similar to a commonly used password"),
        ("ada@example.com!", "must not contain your email address"),
    ],
)
def test_guessable_passwords_are_refused_saying_why(client, db, password, why):
    response = register(client, password)
    html = response.get_data(as_text=True).replace("&#34;", '"').replace("&quot;", '"')
    assert response.status_code == 200
    assert 'id="password-error"' in html
    assert why in html
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_long_passphrase_is_accepted(client, db):
    assert register(client, "marmalade orbit tundra whisper").status_code == 302


def test_changing_to_a_guessable_password_is_refused(client, make_user):
    user = make_user()
    sign_in(client, user)
    response = client.post_form(
        "/account/password",
        {"current_password": PASSWORD, "password": "abcdefghijkl", "confirm": "abcdefghijkl"},
    )
    assert "Choose a password that is harder to guess" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("admin@tradehub.test", "Enter an email address in the correct format"),
        ("not-an-address", "Enter an email address in the correct format"),
    ],
)
def test_users_create_refuses_addresses_the_sign_in_form_refuses(app, db, email, message):
    result = app.test_cli_runner().invoke(
        users_cli, ["create", "--email", email, "--password", "marmalade orbit tundra whisper"]
    )
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_users_create_refuses_a_guessable_password(app, db):
    result = app.test_cli_runner().invoke(
        users_cli, ["create", "--email", "admin@example.com", "--password", "12345678901"]
    )
    assert result.exit_code != 0
    assert "harder to guess" in result.output


def test_users_create_makes_a_user_who_can_sign_in(app, db, client):
    result = app.test_cli_runner().invoke(
        users_cli,
        [
            "create",
            "--email",
            "Admin@Example.com",
            "--role",
            "exporter",
            "--password",
            "marmalade orbit tundra whisper",
        ],
    )
    assert result.exit_code == 0, result.output
    response = client.post_form(
        "/account/sign-in",
        {"email": "admin@example.com", "password": "marmalade orbit tundra whisper"},
    )
    assert response.status_code == 302
