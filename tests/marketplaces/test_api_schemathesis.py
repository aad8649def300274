"""Property-based requests against the whole public API, generated from its OpenAPI document.

Schemathesis reads /api/v1/openapi.json from the test app and sends requests it derives from
every operation (v1 and v2, suppliers and marketplaces), then fails on any 5xx, an undocumented
status, or a body or header outside the document. Bounded: EXAMPLES cases per operation (a few
hundred in all), so it stays quick enough for both CI legs. It lives with the marketplaces tests
because that is the top layer, whose fixtures can load every kind of data the API serves.
"""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.supplier_profiles.buyer_fixtures import make_company

EXAMPLES = 20  # valid cases for each of 10 operations, invalid for the 6 with query parameters
KNOWN_SLUGS = {
    "marketplaces": ["etsy", "rakuten"],
    "suppliers": ["lomond-smokehouse", "Lomond-Smokehouse"],
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(app, loaded):
    """The served document, loaded through the app itself, with data behind every endpoint."""
    # Schemathesis sends far more requests than the anonymous allowance, from one address.
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    make_company(
        name="Lomond Smokehouse",
        slug="lomond-smokehouse",
        industries=["FOOD_AND_DRINK"],
        region="SCOTLAND",
        export_countries=["FR"],
        case_studies=[{"slug": "paris", "title": "Salmon for Paris", "keywords": ["hotels"]}],
    )
    make_company(name="Derwent Drones", slug="derwent-drones", industries=["AEROSPACE"])
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_the_api_answers_as_its_document_says(api_schema):
    # Schemathesis' own pytest plugin (from_fixture) does not run under pytest 9 yet, so each
    # operation's Hypothesis strategy is driven here; a failure names the operation and case.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 10
    statuses: list[int] = []

    for operation, mode in itertools.product(operations, GenerationMode):
        if mode is GenerationMode.NEGATIVE and not operation.query:
            continue  # a slug is any string: there is no invalid one to send

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,  # the same cases on every run: a failure can be reproduced
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def answers_as_documented(case):
            statuses.append(case.call_and_validate(checks=CHECKS).status_code)

        answers_as_documented()

    # Random slugs find nothing (404): real ones, and a non-canonical one (301), are sent too.
    for operation in operations:
        if "{slug}" in operation.path:
            kind = operation.path.split("/")[3]
            for slug in KNOWN_SLUGS[kind]:
                case = operation.Case(path_parameters={"slug": slug})
                statuses.append(case.call_and_validate(checks=CHECKS).status_code)

    # A real run: a few hundred requests, many answered, many refused as the document says.
    assert len(statuses) >= 300
    assert statuses.count(200) >= 50 and statuses.count(400) >= 50
    assert 301 in statuses and 404 in statuses
