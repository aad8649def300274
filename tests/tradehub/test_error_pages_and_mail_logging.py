"""405s say what is allowed, error pages are never cached, and email bodies (which carry live
sign-in tokens) are logged only in development (issue 13, L4 and L5)."""

from __future__ import annotations

import logging

import pytest

from tradehub import create_app
from tradehub.config import load_config
from tradehub.errors import ConfigurationError


def test_405_keeps_the_allow_header_and_is_not_cached(client):
    response = client.post_form("/account/register/check-email")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Method not allowed" in response.get_data(as_text=True)


def test_404_is_not_cached(client, signed_in):
    signed_in("exporter")  # the page shows the signed-in navigation
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"


def test_without_a_mail_server_email_bodies_are_not_logged_outside_development(
    app, client, make_user, caplog
):
    app.config["MAIL_SERVER"] = None
    user = make_user(email="victim@example.com")
    with caplog.at_level(logging.INFO):
        client.post_form("/account/forgot-password", {"email": user.email})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "victim@example.com" in logged and "Reset your password" in logged
    assert "/account/reset-password/" not in logged


def test_development_logs_the_body_so_links_can_be_followed(app, client, make_user, caplog):
    app.config["MAIL_SERVER"] = None
    app.config["TRADEHUB_ENV"] = "development"
    user = make_user(email="dev@example.com")
    with caplog.at_level(logging.INFO):
        client.post_form("/account/forgot-password", {"email": user.email})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/account/reset-password/" in logged


def test_production_refuses_to_start_without_mail_settings():
    settings = {"SECRET_KEY": "x" * 64, "BASE_URL": "https://tradehub.example.gov.uk"}
    with pytest.raises(ConfigurationError, match="MAIL_SERVER must be set in production"):
        create_app(load_config("production", environ=settings))
