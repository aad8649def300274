"""Settings come from the environment; production refuses unsafe ones."""

import pytest

from tradehub import create_app
from tradehub.config import load_config
from tradehub.errors import ConfigurationError


def test_production_refuses_to_start_without_secret_key():
    with pytest.raises(ConfigurationError, match="SECRET_KEY must be set in production"):
        create_app(load_config("production", environ={}))


def test_production_starts_with_a_secret_key():
    config = load_config(
        "production",
        environ={
            "SECRET_KEY": "x" * 64,
            "BASE_URL": "https://tradehub.example.gov.uk",
            "MAIL_SERVER": "smtp.example.gov.uk",
        },
    )
    assert config.SECRET_KEY == "x" * 64
    assert config.SESSION_COOKIE_SECURE is True


def test_development_without_secret_key_gets_a_random_one_per_start():
    first = load_config("development", environ={})
    second = load_config("development", environ={})
    assert first.SECRET_KEY and second.SECRET_KEY and first.SECRET_KEY != second.SECRET_KEY


def test_database_url_defaults_to_sqlite_and_accepts_postgres_urls():
    assert load_config("development", environ={}).SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    pg = load_config("development", environ={"DATABASE_URL": "postgres://u:p@db/tradehub"})
    assert pg.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u:p@db/tradehub"


def test_pooled_connections_are_tested_only_for_a_database_server():
    # A server's connection can drop while pooled; a SQLite file's cannot (#15: the test was
    # one more query on every request).
    assert load_config("development", environ={}).SQLALCHEMY_ENGINE_OPTIONS == {
        "pool_pre_ping": False
    }
    pg = load_config("development", environ={"DATABASE_URL": "postgresql://u:p@db/tradehub"})
    assert pg.SQLALCHEMY_ENGINE_OPTIONS == {"pool_pre_ping": True}


def test_search_insights_are_written_every_few_seconds_in_production_and_at_once_in_tests():
    assert load_config("development", environ={}).SEARCH_INSIGHTS_FLUSH_SECONDS == 5
    assert load_config("testing", environ={}).SEARCH_INSIGHTS_FLUSH_SECONDS == 0
    env = {"SEARCH_INSIGHTS_FLUSH_SECONDS": "30"}
    assert load_config("development", environ=env).SEARCH_INSIGHTS_FLUSH_SECONDS == 30


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SEARCH_BACKEND", "solr", "SEARCH_BACKEND must be"),
        ("MAIL_PORT", "twenty-five", "Expected a whole number"),
        ("RATELIMIT_ENABLED", "perhaps", "Expected a true/false value"),
        ("SEARCH_INSIGHTS_FLUSH_SECONDS", "soon", "Expected a number"),
        ("SEARCH_INSIGHTS_FLUSH_SECONDS", "-1", "SEARCH_INSIGHTS_FLUSH_SECONDS must be 0"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(name, value, message):
    with pytest.raises(ConfigurationError, match=message):
        load_config("development", environ={name: value})


def test_unknown_environment_name_is_refused():
    with pytest.raises(ConfigurationError, match="Unknown TRADEHUB_ENV"):
        load_config("staging", environ={})
