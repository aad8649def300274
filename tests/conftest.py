"""Shared fixtures: a real database (SQLite or PostgreSQL), a real SMTP server, a client
that speaks CSRF like a browser, and factories.

Set TEST_DATABASE_URL to a PostgreSQL URL to run the suite there (CI does both).
"""

from __future__ import annotations

import copy
import email
import email.policy
import json
import re
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from flask.globals import _cv_app
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from openapi_core import OpenAPI
from sqlalchemy import (
    Integer,
    create_engine,
    exists,
    func,
    inspect,
    literal,
    select,
    text,
    union_all,
)

from tradehub import create_app
from tradehub.extensions import db as _db
from tradehub.extensions import limiter

CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


_OPENAPI_SPECS: dict[str, OpenAPI] = {}


def openapi_spec(document: dict) -> OpenAPI:
    """openapi-core's validator for `document`, built once per distinct document (0.4 s each)."""
    key = json.dumps(document, sort_keys=True)
    if key not in _OPENAPI_SPECS:
        _OPENAPI_SPECS[key] = OpenAPI.from_dict(document)
    return _OPENAPI_SPECS[key]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- mail -----------------------------------------------------------------------------------


class Mailbox:
    """Messages a real SMTP server on loopback received during one test."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self._lock = threading.Lock()

    def handle(self, envelope) -> None:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(msg)

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()

    def to(self, address: str) -> list[email.message.EmailMessage]:
        """Messages addressed to `address` (case-insensitive)."""
        return [m for m in self.messages if address.lower() in m["To"].lower()]

    def wait_for(self, address: str, count: int = 1, timeout: float = 5.0):
        """Wait until `count` messages reached `address`; return them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} email(s) to {address}, got {len(self.to(address))}")

    @staticmethod
    def body(msg) -> str:
        return msg.get_body(preferencelist=("plain",)).get_content()

    def links(self, msg) -> list[str]:
        return re.findall(r"https?://\S+", self.body(msg))


class _Handler:
    def __init__(self, mailbox: Mailbox):
        self.mailbox = mailbox

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.mailbox.handle(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server (aiosmtpd) on a loopback port for the whole run."""
    mailbox = Mailbox()
    controller = Controller(_Handler(mailbox), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    """The messages delivered during this test."""
    _, box = smtp_server
    box.clear()
    return box


# --- database & app ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> str:
    """The test database, migrated once: PostgreSQL when TEST_DATABASE_URL is set.

    Under pytest-xdist each worker gets its own PostgreSQL database (`<name>_gw0`, ...).
    """
    import os

    url = os.environ.get("TEST_DATABASE_URL")
    if url and worker_id != "master":
        url = f"{url}_{worker_id}"
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": _normalise(url), "SECRET_KEY": "migrations"})
    with app.app_context():
        from flask_migrate import upgrade

        _db.drop_all()
        with _db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
    return _normalise(url)


def _normalise(url: str) -> str:
    from tradehub.config import _database_url

    return _database_url(url)


# Tables whose serial/identity sequence has handed out a value since it was last restarted.
_MOVED_SEQUENCES = text(
    "SELECT DISTINCT t.relname::text FROM pg_class s"
    " JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')"
    " JOIN pg_class t ON t.oid = d.refobjid"
    " JOIN pg_sequences ps ON ps.schemaname = current_schema() AND ps.sequencename = s.relname"
    " WHERE s.relkind = 'S' AND ps.last_value IS NOT NULL AND t.relname = ANY(:names)"
)


class TableWiper:
    """Empties every table the last test wrote to, on one engine kept for the whole run.

    Cheaper than wiping everything: one round trip finds the tables that hold rows (and, on
    PostgreSQL, the ones whose id sequence moved), then one statement empties just those.
    """

    def __init__(self, url: str):
        self.engine = create_engine(url)
        existing = set(inspect(self.engine).get_table_names())
        # Children before parents, so DELETE never trips a foreign key.
        self.tables = [
            t
            for t in reversed(_db.metadata.sorted_tables)
            if t.name in existing and t.name != "alembic_version"
        ]
        self.postgresql = self.engine.dialect.name == "postgresql"
        self._with_rows = union_all(
            *(select(literal(t.name)).where(exists().select_from(t)) for t in self.tables)
        )

    def _dirty(self, conn) -> set[str]:
        dirty = set(conn.scalars(self._with_rows))
        if self.postgresql:
            # A rolled-back insert leaves no row but moves the id sequence: restart it too.
            dirty.update(conn.scalars(_MOVED_SEQUENCES, {"names": [t.name for t in self.tables]}))
        return dirty

    def wipe(self) -> None:
        """Remove every row (and on PostgreSQL restart the ids) of the tables in use."""
        with self.engine.begin() as conn:
            dirty = self._dirty(conn)
            if not dirty:
                return
            if self.postgresql:
                names = ", ".join(f'"{t.name}"' for t in self.tables if t.name in dirty)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in self.tables:
                    if table.name in dirty:
                        conn.execute(table.delete())

    def is_empty(self) -> bool:
        """True when no table holds a row (and no id sequence moved)."""
        with self.engine.connect() as conn:
            return not self._dirty(conn)

    def snapshot(self) -> dict[str, list[dict]]:
        """Every row now in the database, by table, parents first (the order to insert in)."""
        with self.engine.connect() as conn:
            dirty = self._dirty(conn)
            return {
                t.name: [dict(row) for row in conn.execute(select(t)).mappings()]
                for t in reversed(self.tables)
                if t.name in dirty
            }

    def restore(self, rows: dict[str, list[dict]]) -> bool:
        """Insert a snapshot's rows again; False (nothing done) if one of its tables has rows."""
        tables = {t.name: t for t in self.tables}
        with self.engine.begin() as conn:
            if any(conn.scalar(select(exists().select_from(tables[name]))) for name in rows):
                return False
            for name, table_rows in rows.items():
                if table_rows:
                    conn.execute(tables[name].insert(), table_rows)
                if self.postgresql:  # explicit ids: the next generated id follows the largest
                    for column in tables[name].primary_key.columns:
                        if isinstance(column.type, Integer):
                            sequence = func.pg_get_serial_sequence(name, column.name)
                            largest = select(func.max(column)).scalar_subquery()
                            conn.execute(select(func.setval(sequence, largest)))
        return True

    def close(self) -> None:
        self.engine.dispose()


@pytest.fixture(scope="session")
def table_wiper(database_url) -> Iterator[TableWiper]:
    """The run's one wiper for the test database."""
    wiper = TableWiper(database_url)
    yield wiper
    wiper.close()


class CSRFClient(FlaskClient):
    """A test client that sends the CSRF token a browser would have from the form page."""

    _csrf: str | None = None

    def open(self, *args, **kwargs):
        # The test holds an app context for its own db work. Hide it while the request runs, so
        # the request gets a fresh context (its own `g`, current user and db session) exactly
        # as it would in production, instead of sharing the test's.
        token = _cv_app.set(None)
        # Buffered, the client reads the whole body and closes the response the way a WSGI
        # server does, which runs the request's after-commit work (mail, search index).
        kwargs.setdefault("buffered", True)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)

    def csrf_token(self, refresh: bool = False) -> str:
        if self._csrf is None or refresh:
            page = self.get("/account/sign-in").get_data(as_text=True)
            if "csrf_token" not in page:  # signed in: any form page carries the token
                page = self.get("/account/password").get_data(as_text=True)
            match = CSRF_RE.search(page)
            assert match, "no CSRF token found on the form page"
            self._csrf = match.group(1) or match.group(2)
        return self._csrf

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        """POST like a browser submitting our form: with the CSRF token."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)


@pytest.fixture
def app_config(tmp_path, smtp_server, database_url) -> dict:
    """Settings for one test's app; tests may change them before `app` is built."""
    controller, _ = smtp_server
    return {
        "TRADEHUB_ENV": "testing",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": controller.port,
        "SEARCH_BACKEND": "embedded",
        "SEARCH_EMBEDDED_PATH": str(tmp_path / "search.sqlite3"),
        "SERVER_NAME": None,
        "BASE_URL": "http://localhost",  # the test client's own address
    }


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept for the whole run, shared by every test's app.

    Each app has its own Jinja environment, so without this every test compiled each template
    it rendered again (over half of a typical test's time). Jinja checks the source's checksum
    on every load, so an edited template is compiled afresh.
    """

    def __init__(self):
        self._store: dict[str, bytes] = {}
        self._lock = threading.Lock()  # live-server tests render in threads

    def load_bytecode(self, bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket) -> None:
        with self._lock:
            self._store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = MemoryBytecodeCache()


def build_app(config: dict):
    """create_app as production runs it, plus the test client and the shared template cache."""
    application = create_app(config)
    application.test_client_class = CSRFClient
    application.jinja_env.bytecode_cache = TEMPLATE_CACHE
    return application


# Settings that differ from test to test without making a different app: each test's value is
# put into the cached app's config (the search backend is rebuilt from it on first use).
PER_TEST_SETTINGS = ("SEARCH_EMBEDDED_PATH", "SEARCH_INDEX_PREFIX")


def _close(value) -> None:
    close = getattr(value, "close", None)
    if callable(close):
        close()


def _filled(registry: dict) -> tuple:
    # Flask's registries are defaultdicts: a lookup adds an empty entry, which is no change.
    return tuple(sorted((repr(key), len(value)) for key, value in registry.items() if value))


def _shape(app) -> tuple:
    """What a test would change if it added routes, blueprints, hooks, filters or commands."""
    hooks = (
        app.before_request_funcs,
        app.after_request_funcs,
        app.teardown_request_funcs,
        app.template_context_processors,
        app.url_value_preprocessors,
        app.url_default_functions,
    )
    error_handlers = {
        (scope, code): handlers
        for scope, by_code in app.error_handler_spec.items()
        for code, handlers in by_code.items()
    }
    return (
        tuple(app.blueprints),
        tuple(app.view_functions),
        len(list(app.url_map.iter_rules())),
        tuple(_filled(registry) for registry in hooks),
        len(app.teardown_appcontext_funcs),
        _filled(error_handlers),
        tuple(app.jinja_env.globals),
        tuple(app.jinja_env.filters),
        tuple(app.cli.commands),
    )


class CachedApp:
    """One built app and the state it had when new, so each test can start from that state."""

    def __init__(self, config: dict):
        self.app = build_app(config)
        self.shape = _shape(self.app)
        self.config = copy.deepcopy(dict(self.app.config))
        self.extensions = {
            key: (value, copy.copy(value) if isinstance(value, dict | list | set) else None)
            for key, value in self.app.extensions.items()
        }

    def reset(self, per_test: dict) -> None:
        """Put back the config and extensions the app was built with, and the test's settings."""
        app = self.app
        app.config.clear()
        app.config.update(copy.deepcopy(self.config))
        app.config.update(per_test)
        for key in list(app.extensions):
            if key not in self.extensions:
                _close(app.extensions.pop(key))  # e.g. a search backend built by the last test
        for key, (value, contents) in self.extensions.items():
            if app.extensions.get(key) is not value:
                _close(app.extensions.get(key))
                app.extensions[key] = value
            if contents is not None:  # a registry the last test added to (health checks)
                value.clear()
                if isinstance(value, list):
                    value.extend(contents)
                else:
                    value.update(contents)
        # The limiter is one object for every app: bind it to this app again, with new counters.
        limiter.init_app(app)
        # Let the test add routes or blueprints as to a new app (it is then not reused).
        app._got_first_request = False

    def release(self) -> bool:
        """Close what the test opened (the search backend); False if the app itself changed."""
        for key in list(self.app.extensions):
            if key not in self.extensions:
                _close(self.app.extensions.pop(key))
        return _shape(self.app) == self.shape


class AppCache:
    """The apps of one worker, one per distinct configuration (at most `size`, least recent out)."""

    def __init__(self, size: int = 4):
        self.size = size
        self._apps: dict[str, CachedApp] = {}

    def get(self, config: dict) -> tuple[CachedApp, dict]:
        """The cached app for `config` (built on first use) and the per-test settings."""
        per_test = {key: config[key] for key in PER_TEST_SETTINGS if key in config}
        shared = {key: value for key, value in config.items() if key not in PER_TEST_SETTINGS}
        key = repr(sorted(shared.items()))
        cached = self._apps.pop(key, None) or CachedApp(config)
        self._apps[key] = cached  # most recently used last
        while len(self._apps) > self.size:
            self._dispose(self._apps.pop(next(iter(self._apps))))
        return cached, per_test

    def discard(self, cached: CachedApp) -> None:
        """Forget an app a test changed (added routes to); the next test gets a new one."""
        for key, value in list(self._apps.items()):
            if value is cached:
                del self._apps[key]
        self._dispose(cached)

    @staticmethod
    def _dispose(cached: CachedApp) -> None:
        with cached.app.app_context():
            _db.engine.dispose()


APPS = AppCache()


@pytest.fixture
def fresh_app() -> bool:
    """Override to return True for tests that need an app nobody used before them."""
    return False


@pytest.fixture
def app(app_config, table_wiper, fresh_app) -> Iterator:
    """The app for this test's settings, on the migrated database; every row is removed after.

    Building an app takes longer than most tests, so each worker keeps one per configuration
    and gives it back to each test as new: the config, the extensions' registries and the rate
    limiter's counters are put back, and the search backend is rebuilt for the test's own
    index. A test that adds routes, blueprints or hooks may do so; that app is then dropped.

    Isolation is by real commits and a wipe, not by rolling back one outer transaction: the
    code under test commits, runs after-commit work, sends mail from the outbox, serves live
    browsers from threads and takes row locks from several connections, and each of those
    needs the database to behave as it does in production.
    """
    cached = None
    if fresh_app:
        application = build_app(app_config)
    else:
        cached, per_test = APPS.get(app_config)
        cached.reset(per_test)
        application = cached.app
    try:
        with application.app_context():
            yield application
            _db.session.remove()
    finally:
        if cached is not None and not cached.release():
            APPS.discard(cached)
        table_wiper.wipe()


@pytest.fixture
def db(app):
    """The SQLAlchemy handle, inside the test's app context."""
    return _db


@pytest.fixture
def client(app) -> CSRFClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- users ---------------------------------------------------------------------------------

PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(db):
    """Create a confirmed user with the shared test password."""
    from tests.factories import UserFactory

    def make(**kwargs):
        user = UserFactory(**kwargs)
        db.session.commit()
        return user

    return make


def totp_code(secret: str, last_step: int | None = None) -> str:
    """The code an authenticator app shows now, or the next step's when now's was used."""
    import pyotp

    totp = pyotp.TOTP(secret)
    step = int(time.time() // totp.interval)
    if last_step is not None and step <= last_step:
        step = last_step + 1  # accepted: one step of clock drift either side
    return totp.generate_otp(step)


SECRET_RE = re.compile(r'id="totp-secret">([A-Z2-7 ]+)<')


def enrol_authenticator(client: CSRFClient) -> tuple[str, list[str]]:
    """Set up an authenticator app through the real pages; returns (secret, recovery codes)."""
    page = client.get("/account/two-factor/set-up").get_data(as_text=True)
    secret = SECRET_RE.search(page).group(1).replace(" ", "")
    response = client.post_form("/account/two-factor/set-up", {"code": totp_code(secret)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    codes_page = client.get(response.headers["Location"]).get_data(as_text=True)
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", codes_page)
    return secret, codes


def sign_in(client: CSRFClient, user_or_email, password: str = PASSWORD, next_url: str = ""):
    """Sign in through the real forms (password, then the app's code if asked); the response."""
    from tradehub.accounts.models import User

    address = getattr(user_or_email, "email", user_or_email)
    url = "/account/sign-in" + (f"?next={next_url}" if next_url else "")
    response = client.post_form(url, {"email": address, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    if response.headers["Location"].startswith("/account/sign-in/code"):
        user = _db.session.scalar(select(User).where(User.email == address.lower()))
        _db.session.refresh(user)
        code = totp_code(user.totp_secret, user.totp_last_step)
        response = client.post_form(response.headers["Location"], {"code": code})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


@pytest.fixture
def signed_in(client, make_user):
    """A client signed in as a new user of the given role: `signed_in("staff")`."""

    def _sign_in(role: str = "exporter", **kwargs):
        from tradehub.accounts.models import Role

        user = make_user(role=Role(role), **kwargs)
        sign_in(client, user)
        return user

    return _sign_in


def browser_sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real pages in a browser, entering the app's code when asked."""
    from tradehub.accounts.models import User

    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/account/sign-in/code" in page.url:
        _db.session.expire_all()
        user = _db.session.scalar(select(User).where(User.email == email.lower()))
        page.get_by_label("Code", exact=True).fill(totp_code(user.totp_secret, user.totp_last_step))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/account/**")


# --- live server and real browser -----------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class LiveServer:
    """The test's app served by a real threaded WSGI server on 127.0.0.1."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    """Serve this test's app over HTTP; `live_server.url` is its base URL."""
    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _browser():
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_browser, live_server):
    """A fresh headless Chromium page (own cookies) pointed at the live server.

    JavaScript stays on, as most people have it; tests of no-JS behaviour make their own
    context with `java_script_enabled=False`.
    """
    context = _browser.new_context(
        base_url=live_server.url, viewport={"width": 1200, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def new_browser_page(_browser, live_server):
    """Make more independent pages (for example staff and exporter side by side)."""
    contexts = []

    def make(**kwargs):
        context = _browser.new_context(base_url=live_server.url, **kwargs)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core (shipped inside axe-playwright-python, offline) on the page.

    Returns the violations of the given impacts, each as {id, impact, help, nodes}.
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]],
        }
        for v in results.response["violations"]
        if v.get("impact") in impacts
    ]


@pytest.fixture(name="axe_violations")
def axe_violations_fixture():
    """The axe check as a fixture: `assert axe_violations(page) == []`."""
    return axe_violations
