"""Fixtures for supplier_profiles tests: a fake Companies House API served over real HTTP on
loopback, and exporters with companies."""

from __future__ import annotations

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

API_KEY = "test-companies-house-key"


def ch_company(number: str, name: str, status: str = "active", **extra) -> dict:
    """A company as GET /company/{number} returns it (the fields we read)."""
    data = {
        "company_number": number,
        "company_name": name,
        "company_status": status,
        "date_of_creation": "2009-03-17",
        "type": "ltd",
        "sic_codes": ["62012", "10710"],
        "registered_office_address": {
            "premises": "Unit 4",
            "address_line_1": "Riverside Works",
            "locality": "Sheffield",
            "postal_code": "S3 8EN",
            "country": "England",
        },
    }
    data.update(extra)
    return data


class FakeCompaniesHouse:
    """State of the fake API: companies it knows, and numbers that misbehave."""

    def __init__(self):
        self.companies: dict[str, dict] = {}
        self.sleep: dict[str, float] = {}  # number -> seconds before answering
        self.fail: dict[str, list[int]] = {}  # number -> statuses to answer first, in order
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        self.url = ""
        self.generation = 0  # bumped by reset(): a request from an earlier test is stale

    def reset(self) -> None:
        with self.lock:
            self.companies.clear()
            self.sleep.clear()
            self.fail.clear()
            self.requests.clear()
            self.generation += 1

    def add(self, number: str, name: str, status: str = "active", **extra) -> dict:
        self.companies[number] = ch_company(number, name, status, **extra)
        return self.companies[number]

    def calls(self, number: str) -> int:
        return sum(1 for r in self.requests if r["path"] == f"/company/{number}")


def _handler(state: FakeCompaniesHouse):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output clean
            pass

        def _send(self, status: int, body: dict) -> None:
            payload = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

        def do_GET(self):  # noqa: N802 (http.server's name)
            auth = self.headers.get("Authorization", "")
            with state.lock:
                state.requests.append({"path": self.path, "auth": auth})
            expected = "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()
            if auth != expected:
                self._send(401, {"error": "Invalid Authorization"})
                return
            if not self.path.startswith("/company/"):
                self._send(404, {"errors": [{"error": "not-found"}]})
                return
            number = self.path.rsplit("/", 1)[-1]
            generation = state.generation
            delay = state.sleep.get(number)
            if delay:
                time.sleep(delay)
            with state.lock:
                if generation != state.generation:
                    # An earlier test's request that slept past its client's timeout: answer
                    # it without consuming the current test's scripted failures.
                    self._send(503, {"error": "Service unavailable"})
                    return
                queue = state.fail.get(number)
                status = queue.pop(0) if queue else None
            if status is not None:
                self._send(status, {"error": "Service unavailable"})
                return
            company = state.companies.get(number)
            if company is None:
                self._send(
                    404, {"errors": [{"error": "company-profile-not-found", "type": "ch:service"}]}
                )
                return
            self._send(200, company)

    return Handler


@pytest.fixture(scope="session")
def _companies_house_server():
    state = FakeCompaniesHouse()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def companies_house(_companies_house_server) -> FakeCompaniesHouse:
    """The fake Companies House API, emptied for this test."""
    _companies_house_server.reset()
    return _companies_house_server


@pytest.fixture
def app_config(app_config, _companies_house_server) -> dict:
    """Point the Companies House client at the fake server, with a short timeout."""
    app_config.update(
        {
            "COMPANIES_HOUSE_API_URL": _companies_house_server.url,
            "COMPANIES_HOUSE_API_KEY": API_KEY,
            "COMPANIES_HOUSE_TIMEOUT": 2.0,  # generous: a loaded CI machine is slow, not down
            "COMPANIES_HOUSE_BACKOFF": 0.01,
        }
    )
    return app_config


@pytest.fixture
def exporter(signed_in, db):
    """A signed-in exporter who owns a company (not verified, not published)."""
    from tests.factories import CompanyFactory

    user = signed_in("exporter")
    company = CompanyFactory(owner=user)
    db.session.commit()
    return user, company
