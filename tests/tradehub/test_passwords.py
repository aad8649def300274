"""Argon2 parameters: the cheap test hasher never leaves TESTING; production hashes stay strong."""

from __future__ import annotations

import argon2
from argon2.profiles import RFC_9106_LOW_MEMORY
from sqlalchemy import select

from tests.conftest import CSRF_RE, PASSWORD
from tests.factories import UserFactory
from tradehub import create_app
from tradehub.accounts.models import User
from tradehub.accounts.passwords import (
    TESTING_HASHER,
    hash_password,
    needs_rehash,
    verify_password,
)

CHEAP = argon2.Parameters(
    type=argon2.Type.ID,
    version=19,
    salt_len=16,
    hash_len=32,
    time_cost=1,
    memory_cost=8,
    parallelism=1,
)


def test_production_and_development_apps_hash_with_the_production_parameters(app_config):
    for env in ("production", "development"):
        app = create_app({**app_config, "TRADEHUB_ENV": env})
        assert app.config["TESTING"] is False
        with app.app_context():
            hashed = hash_password(PASSWORD)
            assert argon2.extract_parameters(hashed) == RFC_9106_LOW_MEMORY
            assert verify_password(hashed, PASSWORD)
            assert not needs_rehash(hashed)


def test_without_an_app_hashing_uses_the_production_parameters():
    hashed = hash_password(PASSWORD)
    assert argon2.extract_parameters(hashed) == RFC_9106_LOW_MEMORY


def test_the_testing_app_hashes_with_the_cheapest_argon2id(app):
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert argon2.extract_parameters(hashed) == CHEAP
    assert verify_password(hashed, PASSWORD)
    assert not verify_password(hashed, "wrong password entirely")
    assert not verify_password(None, PASSWORD)


def test_signing_in_to_a_production_app_upgrades_a_cheap_hash(app_config, db):
    user = UserFactory(password_hash=TESTING_HASHER.hash(PASSWORD))
    db.session.commit()
    user_id = user.id
    production = create_app({**app_config, "TRADEHUB_ENV": "production"})

    client = production.test_client()
    page = client.get("/account/sign-in", base_url="https://localhost")
    match = CSRF_RE.search(page.get_data(as_text=True))
    response = client.post(
        "/account/sign-in",
        base_url="https://localhost",
        headers={"Referer": "https://localhost/account/sign-in"},  # CSRF's HTTPS check
        data={"email": user.email, "password": PASSWORD, "csrf_token": match[1] or match[2]},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]

    with production.app_context():
        from tradehub.extensions import db as production_db

        stored = production_db.session.scalar(select(User.password_hash).where(User.id == user_id))
        production_db.session.remove()
    assert argon2.extract_parameters(stored) == RFC_9106_LOW_MEMORY
    with production.app_context():
        assert verify_password(stored, PASSWORD)
