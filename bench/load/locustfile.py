"""A mixed load on a running TradeHub, for `bench/load/run` (Locust, headless).

Buyers (most users): Find a Supplier pages with text and with filters only, the JSON search API
with filters, profile pages and suggest. Exporters (a few): sign in once, then open their
profile form and save it (every save goes through the search outbox). Enquirers (a few): open
a supplier's contact form, wait the form's minimum fill time and send it; the contact limits
answer some of them with 429, which is deliberate and counted apart, never as a failure.

Every request kind has its own name in Locust's statistics. Filter values come from the API's
own facets, supplier addresses from LOAD_SLUGS (a file with one slug a line, written by the
runner from the database), query words from a fixed list of trade words.
"""

from __future__ import annotations

import itertools
import os
import random
import re
from html.parser import HTMLParser

import gevent
from locust import HttpUser, between, events, task

WORDS = (
    "furniture", "whisky", "software", "medical", "steel", "engineering", "textiles", "food",
    "packaging", "consultancy", "aerospace", "marine", "education", "cosmetics", "security",
    "renewable energy", "machine tools", "clinical trials", "freight", "architecture",
    "wool knitwear", "craft gin", "cyber security", "precision engineering", "organic tea",
)  # fmt: skip
PREFIXES = ("al", "bri", "nor", "cal", "mer", "stan", "wes", "pen", "th", "roy")
FILTER_GROUPS = ("industry", "region", "country", "language")
MIN_FILL_SECONDS = float(os.environ.get("LOAD_MIN_FILL_SECONDS", "4.5"))

_slugs: list[str] = []
_facets: dict[str, list[str]] = {}
_exporter_numbers = itertools.count()


@events.test_start.add_listener
def _load_fixtures(environment, **_kwargs) -> None:
    with open(os.environ["LOAD_SLUGS"], encoding="utf-8") as handle:
        _slugs.extend(line.strip() for line in handle if line.strip())
    if not _slugs:
        raise SystemExit("LOAD_SLUGS lists no suppliers")


class _Forms(HTMLParser):
    """The fields of every POST <form> of a page (inputs, textareas, selected options)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, list[str]]] = []
        self._fields: dict[str, list[str]] | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag, attrs):
        attr = dict(attrs)
        if tag == "form" and (attr.get("method") or "get").lower() == "post":
            self._fields = {}
            return
        fields = self._fields
        if fields is None:
            return
        name = attr.get("name")
        if tag == "input" and name:
            kind = (attr.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attr:
                return
            if kind in ("submit", "button", "file"):
                return
            fields.setdefault(name, []).append(attr.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea, self._buffer = name, []
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attr:
            fields[self._select].append(attr.get("value") or "")

    def handle_data(self, data):
        if self._textarea:
            self._buffer.append(data)

    def handle_endtag(self, tag):
        if self._fields is None:
            return
        if tag == "textarea" and self._textarea:
            text = "".join(self._buffer)
            self._fields.setdefault(self._textarea, []).append(text.removeprefix("\n"))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.forms.append(self._fields)
            self._fields = None


def form_fields(html: str, field: str) -> dict[str, list[str]]:
    """The fields of the page's POST form that has `field` (and a CSRF token)."""
    parser = _Forms()
    parser.feed(html)
    for fields in parser.forms:
        if field in fields and "csrf_token" in fields:
            return fields
    raise ValueError(f"no form with {field!r} and a csrf_token on the page")


def _filters() -> dict[str, str]:
    group = random.choice([g for g in FILTER_GROUPS if _facets.get(g)])
    return {group: random.choice(_facets[group])}


class Buyer(HttpUser):
    """Search, browse, read profiles and use autocomplete (anonymous)."""

    weight = 12
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        if not _facets:
            answer = self.client.get("/api/v1/suppliers?per_page=1", name="api: search").json()
            for group in FILTER_GROUPS:
                _facets[group] = [f["value"] for f in answer["facets"].get(group, [])][:40]

    @task(4)
    def search_page_text(self) -> None:
        params = {"q": random.choice(WORDS)}
        if random.random() < 0.4:
            params.update(_filters())
        self.client.get("/find-a-supplier", params=params, name="page: search with text")

    @task(3)
    def search_page_filters(self) -> None:
        params = _filters()
        if random.random() < 0.3:
            params["page"] = str(random.randint(2, 20))
        self.client.get("/find-a-supplier", params=params, name="page: browse by filter")

    @task(4)
    def api_search(self) -> None:
        params = _filters()
        if random.random() < 0.5:
            params["q"] = random.choice(WORDS)
        if random.random() < 0.5:
            params.update(_filters())
        self.client.get("/api/v1/suppliers", params=params, name="api: search")

    @task(4)
    def profile(self) -> None:
        self.client.get(f"/suppliers/{random.choice(_slugs)}", name="page: supplier profile")

    @task(3)
    def suggest(self) -> None:
        prefix = random.choice(PREFIXES) + random.choice("aeiou")
        self.client.get("/api/v1/suggest", params={"q": prefix}, name="api: suggest")


class Exporter(HttpUser):
    """Signs in once, then saves its company profile now and then."""

    weight = 1
    wait_time = between(2.0, 4.0)

    def on_start(self) -> None:
        emails = os.environ["LOAD_EXPORTERS"].split(",")
        email = emails[next(_exporter_numbers) % len(emails)]
        page = self.client.get("/account/sign-in", name="exporter: sign-in page")
        fields = form_fields(page.text, "email")
        fields.update(email=[email], password=[os.environ["LOAD_EXPORTER_PASSWORD"]])
        self.client.post("/account/sign-in", data=fields, name="exporter: sign in")

    @task
    def save_profile(self) -> None:
        page = self.client.get("/profile/edit", name="exporter: profile form")
        fields = form_fields(page.text, "summary")
        summary = re.sub(r" \(load [0-9]+\)$", "", fields["summary"][0])
        fields["summary"] = [f"{summary} (load {random.randint(1, 10**6)})"]
        with self.client.post(
            "/profile/edit", data=fields, name="exporter: save profile", catch_response=True
        ) as answer:
            if answer.status_code == 200 and "Your profile has been saved" not in answer.text:
                answer.failure("the profile form came back with an error")


class Enquirer(HttpUser):
    """Sends enquiries through the contact form (limited: 429s are expected)."""

    weight = 1
    wait_time = between(1.0, 3.0)

    @task
    def enquire(self) -> None:
        slug = random.choice(_slugs)
        page = self.client.get(f"/suppliers/{slug}/contact", name="enquiry: form")
        if page.status_code == 429:
            return
        fields = form_fields(page.text, "message")
        number = random.randint(1, 10**6)
        fields.update(
            full_name=["Load Tester"],
            organisation=["Load Test Imports"],
            country=[random.choice(_facets.get("country") or ["FR"])],
            email=[f"buyer{number}@example.com"],
            subject=["Prices for an order of 500 units"],
            message=["Please send your prices and lead times for 500 units delivered to Lyon."],
        )
        fields.setdefault("industry", [])
        if not fields["industry"] or not fields["industry"][0]:
            fields["industry"] = [random.choice(_facets.get("industry") or ["FOOD_AND_DRINK"])]
        gevent.sleep(MIN_FILL_SECONDS)  # the form refuses faster senders as bots
        with self.client.post(
            f"/suppliers/{slug}/contact",
            data=fields,
            name="enquiry: send",
            catch_response=True,
            allow_redirects=False,
        ) as answer:
            if answer.status_code == 429:
                answer.request_meta["name"] = "enquiry: refused by the limit (429)"
                answer.success()
            elif answer.status_code != 302:
                answer.failure(f"enquiry not sent: {answer.status_code}")
