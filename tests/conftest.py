"""Shared fixtures: a real database (SQLite or PostgreSQL), a real SMTP server, a client
that speaks CSRF like a browser, and factories.

Set TEST_DATABASE_URL to a PostgreSQL URL to run the suite there (CI does both).
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import create_engine, inspect, text

from tradehub import create_app
from tradehub.extensions import db as _db

CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


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


def _clean_tables(url: str) -> None:
    engine = create_engine(url)
    try:
        tables = [t for t in reversed(_db.metadata.sorted_tables) if t.name != "alembic_version"]
        existing = set(inspect(engine).get_table_names())
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables if t.name in existing)
                if names:
                    conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    if table.name in existing:
                        conn.execute(table.delete())
    finally:
        engine.dispose()


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
    }


@pytest.fixture
def app(app_config, database_url) -> Iterator:
    """A fresh app per test on the migrated database; every row is removed afterwards."""
    application = create_app(app_config)
    application.test_client_class = CSRFClient
    with application.app_context():
        yield application
        _db.session.remove()
    _clean_tables(database_url)


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


def sign_in(client: CSRFClient, user_or_email, password: str = PASSWORD):
    """Sign in through the real form; returns the response."""
    address = getattr(user_or_email, "email", user_or_email)
    response = client.post_form("/account/sign-in", {"email": address, "password": password})
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
