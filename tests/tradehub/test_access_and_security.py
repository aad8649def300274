"""Role guards on the staff and partner areas, security headers, error pages, health check."""

from __future__ import annotations

import pytest

from tradehub.accounts.models import Role


@pytest.mark.parametrize(
    ("role", "staff_status", "partner_status"),
    [
        ("exporter", 403, 403),
        ("buyer", 403, 403),
        ("staff", 200, 403),
        ("admin", 200, 403),
        ("partner", 403, 200),
    ],
)
def test_each_role_reaches_only_its_own_area(client, signed_in, role, staff_status, partner_status):
    signed_in(role)
    assert client.get("/staff/").status_code == staff_status
    assert client.get("/partner/").status_code == partner_status


def test_anonymous_visitors_are_sent_to_sign_in_with_a_local_next(client):
    for area in ("/staff/", "/partner/"):
        response = client.get(area)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/account/sign-in?next=")
        assert area.rstrip("/") in response.headers["Location"]


def test_forbidden_page_explains_itself(client, signed_in):
    signed_in("buyer")
    page = client.get("/staff/").get_data(as_text=True)
    assert "You do not have permission to see this page" in page


def test_security_headers_on_every_page(client):
    response = client.get("/")
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    # The one inline script carries this response's nonce.
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    from tests.conftest import sign_in

    response = sign_in(client, make_user())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_cookies_are_secure(app_config):
    from tradehub import create_app

    app = create_app({**app_config, "TRADEHUB_ENV": "production"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_not_found_is_a_page_for_people_and_json_for_the_api(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "Page not found" in page.get_data(as_text=True)
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.is_json
    assert api.get_json()["error"]["status"] == 404


def test_healthz_reports_database_and_dependencies(client, app):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True

    app.extensions.setdefault("tradehub.health_checks", {})["probe"] = lambda: (
        False,
        "down for test",
    )
    failing = client.get("/healthz")
    assert failing.status_code == 503
    assert failing.get_json()["checks"]["probe"] == {"ok": False, "detail": "down for test"}


def test_users_create_cli_makes_a_confirmed_staff_user_who_can_enter_staff(runner, client, db):
    from tests.conftest import enrol_authenticator, sign_in

    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Boss@Example.com",
            "--role",
            "staff",
            "--password",
            "a long staff password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created staff user boss@example.com" in result.output
    sign_in(client, "boss@example.com", "a long staff password")
    # Staff must set up a second factor first (issue 16), then the staff area opens.
    assert client.get("/staff/").headers["Location"] == "/account/two-factor/set-up"
    enrol_authenticator(client)
    assert client.get("/staff/").status_code == 200

    again = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "boss@example.com",
            "--password",
            "a long staff password",
        ]
    )
    assert again.exit_code != 0
    assert "already exists" in again.output


def test_roles_cover_the_service(db):
    assert {r.value for r in Role} == {"exporter", "buyer", "staff", "partner", "admin"}
