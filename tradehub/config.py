"""Settings, read once from the environment (and a `.env` file in development).

Every setting the application uses is named here; nothing else reads `os.environ`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from tradehub.base_url import DEVELOPMENT_BASE_URL, parse_base_url
from tradehub.errors import ConfigurationError

# The folder that holds the four packages, `templates/` and `migrations/`: the checkout, or
# site-packages when installed from a wheel (templates and migrations ship as package data).
BASE_DIR = Path(__file__).resolve().parent.parent
# Where the SQLite database and the embedded search index live by default: `instance/` in a
# checkout; in an installed copy (no setup.cfg beside the packages) `instance/` under the
# directory the app is started from, never inside site-packages.
INSTANCE_DIR = (
    BASE_DIR / "instance" if (BASE_DIR / "setup.cfg").exists() else Path.cwd() / "instance"
)


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"Expected a true/false value, got {value!r}")


def _int(value: str | None, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigurationError(f"Expected a whole number, got {value!r}") from exc


def _float(value: str | None, default: float) -> float:
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ConfigurationError(f"Expected a number, got {value!r}") from exc


SEARCH_BACKENDS = ("embedded", "elasticsearch")


def search_settings(values: Mapping[str, object]) -> dict[str, object]:
    """The SEARCH_* settings and ELASTICSEARCH_URL, typed and checked: their one parse.

    Takes environment strings or values already typed (a Flask config, a benchmark's mapping),
    so search_index builds its backend from this parse whatever it is given.
    """
    backend = str(values.get("SEARCH_BACKEND") or "embedded").strip().lower()
    if backend not in SEARCH_BACKENDS:
        raise ConfigurationError(
            f"SEARCH_BACKEND must be 'embedded' or 'elasticsearch', not {backend!r}"
        )
    raw_timeout = values.get("SEARCH_TIMEOUT")
    try:
        timeout = 5.0 if raw_timeout in (None, "") else float(raw_timeout)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(
            f"SEARCH_TIMEOUT must be a number of seconds, got {raw_timeout!r}"
        ) from exc
    if timeout <= 0:
        raise ConfigurationError("SEARCH_TIMEOUT must be more than 0 seconds")
    # One node's URL, or a comma-separated list of a cluster's nodes (the client spreads
    # requests over them and retries a failed node's requests on another).
    nodes = [part.strip() for part in str(values.get("ELASTICSEARCH_URL") or "").split(",")]
    url = ",".join(node for node in nodes if node) or None
    if backend == "elasticsearch" and url is None:
        raise ConfigurationError("SEARCH_BACKEND=elasticsearch needs ELASTICSEARCH_URL")
    shards = _search_count(values, "SEARCH_SHARDS", 1, minimum=1)
    replicas = _search_count(values, "SEARCH_REPLICAS", 0, minimum=0)
    return {
        "SEARCH_BACKEND": backend,
        "SEARCH_EMBEDDED_PATH": str(
            values.get("SEARCH_EMBEDDED_PATH") or INSTANCE_DIR / "search.sqlite3"
        ),
        "ELASTICSEARCH_URL": url,
        "SEARCH_INDEX_PREFIX": str(values.get("SEARCH_INDEX_PREFIX") or "tradehub"),
        "SEARCH_TIMEOUT": timeout,
        "SEARCH_SHARDS": shards,
        "SEARCH_REPLICAS": replicas,
    }


def _search_count(values: Mapping[str, object], name: str, default: int, *, minimum: int) -> int:
    """SEARCH_SHARDS / SEARCH_REPLICAS: a whole number of at least `minimum`."""
    raw = values.get(name)
    try:
        number = default if raw in (None, "") else int(raw)  # type: ignore[call-overload]
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"{name} must be a whole number, got {raw!r}") from exc
    if number < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, got {number}")
    return number


def check_rate_limit_storage(storage_uri: str, workers: int) -> None:
    """Refuse per-process rate-limit storage when several processes serve requests.

    With `memory://` every worker counts on its own, so each limit becomes workers times looser.
    Production calls this with WEB_CONCURRENCY and the gunicorn config with its real worker
    count (tradehub/gunicorn_conf.py).
    """
    if workers > 1 and str(storage_uri).startswith("memory://"):
        raise ConfigurationError(
            f"RATELIMIT_STORAGE_URI is {storage_uri!r} with {workers} workers: each worker "
            "would keep its own counts, so every rate limit would be that many times looser. "
            "Set RATELIMIT_STORAGE_URI=redis://HOST:PORT/0 (see docs/deploy.md)."
        )


def _database_url(url: str | None) -> str:
    """Default to SQLite in instance/; accept Heroku-style postgres:// and use psycopg 3."""
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'tradehub.db'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    """Base settings shared by every environment."""

    ENV_NAME = "base"
    TESTING = False
    DEBUG = False
    REQUIRE_SECRET_KEY = False
    REQUIRE_BASE_URL = False

    def __init__(self, environ: Mapping[str, str] | None = None):
        env = os.environ if environ is None else environ
        self.SECRET_KEY = env.get("SECRET_KEY") or None
        self.SQLALCHEMY_DATABASE_URI = _database_url(env.get("DATABASE_URL"))
        self.SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {}
        # SEARCH_BACKEND, SEARCH_EMBEDDED_PATH, ELASTICSEARCH_URL, SEARCH_INDEX_PREFIX,
        # SEARCH_TIMEOUT, SEARCH_SHARDS, SEARCH_REPLICAS; a local engine is the default URL.
        vars(self).update(search_settings({"ELASTICSEARCH_URL": "http://127.0.0.1:9200", **env}))
        # Mail: with no MAIL_SERVER the outbox logs messages instead of sending them.
        self.MAIL_SERVER = env.get("MAIL_SERVER") or None
        self.MAIL_PORT = _int(env.get("MAIL_PORT"), 25)
        self.MAIL_USE_TLS = _bool(env.get("MAIL_USE_TLS"), False)
        self.MAIL_USERNAME = env.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = env.get("MAIL_PASSWORD") or None
        self.MAIL_DEFAULT_SENDER = env.get(
            "MAIL_DEFAULT_SENDER", "TradeHub <noreply@tradehub.test>"
        )
        self.MAIL_TIMEOUT = _float(env.get("MAIL_TIMEOUT"), 10.0)
        # Where people write to the TradeHub team (printed on verification letters, #14).
        self.SUPPORT_EMAIL = env.get("SUPPORT_EMAIL", "support@tradehub.test")
        self.COMPANIES_HOUSE_API_URL = env.get(
            "COMPANIES_HOUSE_API_URL", "https://api.company-information.service.gov.uk"
        )
        self.COMPANIES_HOUSE_API_KEY = env.get("COMPANIES_HOUSE_API_KEY", "")
        self.COMPANIES_HOUSE_TIMEOUT = _float(env.get("COMPANIES_HOUSE_TIMEOUT"), 5.0)
        self.COMPANIES_HOUSE_RETRIES = _int(env.get("COMPANIES_HOUSE_RETRIES"), 2)
        self.COMPANIES_HOUSE_BACKOFF = _float(env.get("COMPANIES_HOUSE_BACKOFF"), 0.2)
        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_ENABLED = _bool(env.get("RATELIMIT_ENABLED"), True)
        self.RATELIMIT_HEADERS_ENABLED = True
        # Scale-out (#12; docs/deploy.md). TRUSTED_PROXIES: reverse proxies in front of the app
        # whose X-Forwarded-For/-Proto (and X-Request-Id) are believed; 0 believes none.
        self.TRUSTED_PROXIES = _int(env.get("TRUSTED_PROXIES"), 0)
        # Worker processes of the WSGI server (gunicorn reads WEB_CONCURRENCY too).
        self.WEB_CONCURRENCY = _int(env.get("WEB_CONCURRENCY"), 1)
        self.LOG_FORMAT = (env.get("LOG_FORMAT") or "text").strip().lower()
        # /metrics: open in development; in production only with this bearer token, or from
        # the addresses in METRICS_ALLOW (comma-separated, default loopback).
        self.METRICS_TOKEN = env.get("METRICS_TOKEN") or None
        self.METRICS_ALLOW = env.get("METRICS_ALLOW", "127.0.0.1,::1")
        # Set (by tradehub/gunicorn_conf.py) when several processes share their metrics.
        self.PROMETHEUS_MULTIPROC_DIR = env.get("PROMETHEUS_MULTIPROC_DIR") or None
        # Seconds `flask worker` sleeps when a round of jobs found nothing to do.
        self.WORKER_IDLE_SECONDS = _float(env.get("WORKER_IDLE_SECONDS"), 2.0)
        self.LOGIN_RATE_LIMIT = env.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
        # Contact-a-supplier spam defences (no outside service): fill time and rate limits.
        self.CONTACT_MIN_FILL_SECONDS = _int(env.get("CONTACT_MIN_FILL_SECONDS"), 4)
        self.CONTACT_MAX_FORM_AGE_SECONDS = _int(env.get("CONTACT_MAX_FORM_AGE_SECONDS"), 86400)
        self.CONTACT_RATE_LIMIT_IP = env.get("CONTACT_RATE_LIMIT_IP", "5 per 10 minutes;20 per day")
        self.CONTACT_RATE_LIMIT_SENDER = env.get(
            "CONTACT_RATE_LIMIT_SENDER", "3 per hour;10 per day"
        )
        # Report a problem, report a profile and the contact page (#14): per IP, shared.
        self.FEEDBACK_RATE_LIMIT = env.get("FEEDBACK_RATE_LIMIT", "5 per 10 minutes;20 per day")
        # Buying requests (#11): auto-approve buyers who had a request approved before; the
        # contact form's fill time applies, with its own per-IP limit.
        self.BUYING_REQUEST_AUTO_APPROVE = _bool(env.get("BUYING_REQUEST_AUTO_APPROVE"), True)
        self.BUYING_REQUEST_RATE_LIMIT_IP = env.get(
            "BUYING_REQUEST_RATE_LIMIT_IP", "5 per 10 minutes;20 per day"
        )
        self.SERVER_NAME = env.get("SERVER_NAME") or None
        self.PREFERRED_URL_SCHEME = env.get("PREFERRED_URL_SCHEME", "http")
        self.EMAIL_TOKEN_MAX_AGE = _int(env.get("EMAIL_TOKEN_MAX_AGE"), 3 * 24 * 3600)
        self.PASSWORD_RESET_MAX_AGE = _int(env.get("PASSWORD_RESET_MAX_AGE"), 3600)
        self.MAX_CONTENT_LENGTH = _int(env.get("MAX_CONTENT_LENGTH"), 8 * 1024 * 1024)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = False
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.WTF_CSRF_TIME_LIMIT = 3600 * 8
        self.SQLALCHEMY_RECORD_QUERIES = False
        # Public API (issue #17): requests per client IP (partners' keys carry their own limit),
        # and the longest URL it reads before answering 414.
        self.API_RATE_LIMIT = env.get("API_RATE_LIMIT", "600 per minute")
        self.API_MAX_URL_LENGTH = _int(env.get("API_MAX_URL_LENGTH"), 2048)
        # Security (issue #13): a signed-in session ends after this many seconds without a
        # request, and this many seconds after sign-in whatever happens (accounts/sessions.py).
        self.SESSION_IDLE_TIMEOUT = _int(env.get("SESSION_IDLE_TIMEOUT"), 2 * 3600)
        self.SESSION_LIFETIME = _int(env.get("SESSION_LIFETIME"), 30 * 24 * 3600)
        # Every external link (mail, API `url` fields, PDFs, canonical links) is built from
        # BASE_URL, never from the Host header. Production requires it and trusts only its host
        # (plus any extra TRUSTED_HOSTS, comma-separated, e.g. a load balancer's health check).
        # Image uploads (logos, case-study pictures) per user and per IP address.
        self.UPLOAD_RATE_LIMIT = env.get("UPLOAD_RATE_LIMIT", "30 per hour;100 per day")
        self.UPLOAD_RATE_LIMIT_IP = env.get("UPLOAD_RATE_LIMIT_IP", "60 per hour;300 per day")
        self.BASE_URL = env.get("BASE_URL") or None
        self.TRUSTED_HOSTS = [
            h.strip() for h in env.get("TRUSTED_HOSTS", "").split(",") if h.strip()
        ] or None
        # Accounts administration and second factor (issue #16).
        self.INVITATION_MAX_AGE = _int(env.get("INVITATION_MAX_AGE"), 7 * 24 * 3600)
        self.TWO_FACTOR_RATE_LIMIT = env.get("TWO_FACTOR_RATE_LIMIT", "5 per 5 minutes;20 per day")
        self.TWO_FACTOR_REMEMBER_DAYS = _int(env.get("TWO_FACTOR_REMEMBER_DAYS"), 30)
        self.TWO_FACTOR_PENDING_SECONDS = _int(env.get("TWO_FACTOR_PENDING_SECONDS"), 600)
        self.AUDIT_RETENTION_DAYS = _int(env.get("AUDIT_RETENTION_DAYS"), 6 * 365)
        self.OUTBOX_RETENTION_DAYS = _int(env.get("OUTBOX_RETENTION_DAYS"), 90)
        # Contact-page messages (a name and an email address) are deleted after this (#14).
        self.FEEDBACK_RETENTION_DAYS = _int(env.get("FEEDBACK_RETENTION_DAYS"), 365)
        # Buffered search insights are written at most this many seconds late (0: after every
        # response, one commit per search) (#15).
        self.SEARCH_INSIGHTS_FLUSH_SECONDS = _float(env.get("SEARCH_INSIGHTS_FLUSH_SECONDS"), 5.0)
        # Search results each process keeps until the index changes (0: none) (#15).
        self.SEARCH_RESULT_CACHE_SIZE = _int(env.get("SEARCH_RESULT_CACHE_SIZE"), 256)

    def validate(self) -> None:
        """Refuse to run with settings that would be unsafe in this environment."""
        if self.REQUIRE_SECRET_KEY and not self.SECRET_KEY:
            raise ConfigurationError(
                "SECRET_KEY must be set in production: it signs sessions and email tokens."
            )
        vars(self).update(search_settings(vars(self)))  # overrides are typed and checked too
        if self.REQUIRE_BASE_URL and not self.BASE_URL:
            raise ConfigurationError(
                "BASE_URL must be set in production, like https://tradehub.example.gov.uk: "
                "every emailed link is built from it."
            )
        self.BASE_URL = parse_base_url(self.BASE_URL or DEVELOPMENT_BASE_URL)
        if self.REQUIRE_BASE_URL and not self.MAIL_SERVER:
            raise ConfigurationError(
                "MAIL_SERVER must be set in production (and MAIL_PORT, MAIL_USE_TLS, "
                "MAIL_USERNAME, MAIL_PASSWORD as your provider needs): without it, password "
                "reset and confirmation emails would never be sent."
            )
        if self.REQUIRE_BASE_URL:
            # Refuse requests whose Host is not ours (Flask answers 400).
            host = urlsplit(self.BASE_URL).hostname
            self.TRUSTED_HOSTS = [host, *[h for h in self.TRUSTED_HOSTS or [] if h != host]]
        for name in ("SESSION_IDLE_TIMEOUT", "SESSION_LIFETIME"):
            if int(getattr(self, name)) <= 0:
                raise ConfigurationError(f"{name} must be a number of seconds above 0")
        self._validate_scale_out()
        # A server's connections can drop while pooled (restart, idle timeout): test each one
        # as it is taken. A SQLite file has nothing to drop, and the test was a query a request.
        self.SQLALCHEMY_ENGINE_OPTIONS = {
            "pool_pre_ping": not str(self.SQLALCHEMY_DATABASE_URI).startswith("sqlite"),
            **self.SQLALCHEMY_ENGINE_OPTIONS,
        }
        if self.SEARCH_RESULT_CACHE_SIZE < 0:
            raise ConfigurationError(
                "SEARCH_RESULT_CACHE_SIZE must be 0 (keep no results) or more, "
                f"got {self.SEARCH_RESULT_CACHE_SIZE!r}"
            )
        if self.SEARCH_INSIGHTS_FLUSH_SECONDS < 0:
            raise ConfigurationError(
                "SEARCH_INSIGHTS_FLUSH_SECONDS must be 0 (write after every response) or more, "
                f"got {self.SEARCH_INSIGHTS_FLUSH_SECONDS!r}"
            )

    def _validate_scale_out(self) -> None:
        """TRUSTED_PROXIES, LOG_FORMAT, and no per-process rate limits with several workers."""
        if not isinstance(self.TRUSTED_PROXIES, int) or self.TRUSTED_PROXIES < 0:
            raise ConfigurationError(
                f"TRUSTED_PROXIES must be a number of proxy hops (0 or more), "
                f"got {self.TRUSTED_PROXIES!r}"
            )
        if self.LOG_FORMAT not in ("text", "json"):
            raise ConfigurationError(
                f"LOG_FORMAT must be 'text' or 'json', not {self.LOG_FORMAT!r}"
            )
        if self.REQUIRE_SECRET_KEY:
            check_rate_limit_storage(self.RATELIMIT_STORAGE_URI, self.WEB_CONCURRENCY)

    def as_dict(self) -> dict:
        """Upper-case attributes, the form Flask's config takes."""
        names = {n for n in dir(type(self)) if n.isupper()} | {n for n in vars(self) if n.isupper()}
        return {name: getattr(self, name) for name in names}


class DevelopmentConfig(Config):
    """Local development: debug on; a per-process random key when none is given."""

    ENV_NAME = "development"
    DEBUG = True

    def __init__(self, environ: Mapping[str, str] | None = None):
        super().__init__(environ)
        if not self.SECRET_KEY:
            # Random per start: sessions end on restart, and no literal secret lives in code.
            self.SECRET_KEY = os.urandom(32).hex()


class TestingConfig(DevelopmentConfig):
    """Tests: no debug toolbar noise, fast password hashing stays the real KDF."""

    ENV_NAME = "testing"
    TESTING = True
    DEBUG = False

    def __init__(self, environ: Mapping[str, str] | None = None):
        super().__init__(environ)
        # Each test reads its own searches back: written after every response, no timer thread.
        self.SEARCH_INSIGHTS_FLUSH_SECONDS = 0.0


class ProductionConfig(Config):
    """Production: a SECRET_KEY is required and cookies are Secure."""

    ENV_NAME = "production"
    REQUIRE_SECRET_KEY = True
    REQUIRE_BASE_URL = True

    def __init__(self, environ: Mapping[str, str] | None = None):
        super().__init__(environ)
        self.SESSION_COOKIE_SECURE = True
        self.REMEMBER_COOKIE_SECURE = True
        self.PREFERRED_URL_SCHEME = "https"


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(
    name: str | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Config:
    """Build and validate the settings for `name` (default: TRADEHUB_ENV, else development).

    `overrides` replace settings before validation (tests and embedding applications).
    """
    env = os.environ if environ is None else environ
    name = name or env.get("TRADEHUB_ENV", "development")
    try:
        config_cls = CONFIGS[name]
    except KeyError as exc:
        raise ConfigurationError(
            f"Unknown TRADEHUB_ENV {name!r}; use one of {', '.join(CONFIGS)}"
        ) from exc
    config = config_cls(env)
    for key, value in (overrides or {}).items():
        setattr(config, key, value)
    config.validate()
    return config
