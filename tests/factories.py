"""factory_boy factories for the core models; feature packages keep theirs beside their tests."""

from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from tradehub.accounts.models import Role, User
from tradehub.accounts.passwords import hash_password
from tradehub.db_types import utcnow
from tradehub.extensions import db

_PASSWORD_HASH: dict[str, str] = {}


def password_hash(password: str = "correct horse battery staple") -> str:  # noqa: S107
    """Hash once per password per run: Argon2 is slow on purpose."""
    if password not in _PASSWORD_HASH:
        _PASSWORD_HASH[password] = hash_password(password)
    return _PASSWORD_HASH[password]


class BaseFactory(SQLAlchemyModelFactory):
    """Adds to the app's session and flushes; tests commit when they need to."""

    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name", locale="en_GB")
    password_hash = factory.LazyFunction(password_hash)
    role = Role.EXPORTER
    email_confirmed_at = factory.LazyFunction(utcnow)
