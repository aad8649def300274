"""Sharing: canonical links, OpenGraph and Twitter card tags on profiles, case studies,
marketplaces and industry pages; long descriptions fold behind "Read more" with JavaScript and
show in full without it."""

from __future__ import annotations

import re

import pytest

from tests.supplier_profiles.buyer_fixtures import make_company

LONG = "\n".join(
    f"Paragraph {n} about our long history of making fine things." * 4 for n in range(12)
)


@pytest.fixture
def company(db):
    return make_company(
        name="Tamar Valley Ciders",
        slug="tamar-valley-ciders",
        summary="Craft cider from Cornish orchards.",
        description=LONG,
        industries=["FOOD_AND_DRINK"],
        case_studies=[{"title": "Cider for Tokyo", "summary": "A first order for Japan."}],
    )


def tags(html: str) -> dict[str, str]:
    found = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html))
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html)
    found["canonical"] = canonical.group(1) if canonical else ""
    return found


def test_a_profile_has_sharing_tags(client, company):
    found = tags(client.get("/suppliers/tamar-valley-ciders").get_data(as_text=True))
    assert found["og:title"] == "Tamar Valley Ciders"
    assert found["og:description"] == "Craft cider from Cornish orchards."
    assert found["canonical"].endswith("/suppliers/tamar-valley-ciders")
    assert found["og:url"] == found["canonical"]
    assert found["twitter:card"] == "summary" and found["twitter:title"] == "Tamar Valley Ciders"


def test_a_case_study_has_sharing_tags(client, company):
    study = company.case_studies[0]
    html = client.get(f"/suppliers/tamar-valley-ciders/case-studies/{study.slug}").get_data(
        as_text=True
    )
    found = tags(html)
    assert found["og:title"] == "Cider for Tokyo – Tamar Valley Ciders"
    assert found["og:type"] == "article"
    assert found["canonical"].endswith(f"/case-studies/{study.slug}")


def test_marketplace_and_industry_pages_have_sharing_tags(client, company, loaded):
    found = tags(client.get("/selling-online-overseas/rakuten").get_data(as_text=True))
    assert found["og:title"].startswith("Rakuten")
    assert found["canonical"].endswith("/selling-online-overseas/rakuten")
    found = tags(client.get("/industries/food-and-drink").get_data(as_text=True))
    assert found["og:title"] == "Food and drink – UK suppliers"
    assert found["og:description"].startswith("Food and drink products")
    assert found["canonical"].endswith("/industries/food-and-drink")


def test_a_long_description_is_all_in_the_page(client, company):
    html = client.get("/suppliers/tamar-valley-ciders").get_data(as_text=True)
    assert "data-th-read-more" in html
    assert html.count("long history of making fine things") == 48  # nothing cut on the server


@pytest.mark.browser
def test_read_more_folds_a_long_description_and_unfolds_it(company, browser_page, axe_violations):
    page = browser_page
    page.goto("/suppliers/tamar-valley-ciders")
    button = page.get_by_role("button", name="Read more")
    box = page.locator("[data-th-read-more]")
    assert box.evaluate("el => el.clientHeight") <= 200
    assert button.get_attribute("aria-expanded") == "false"
    assert axe_violations(page) == []
    button.click()
    assert box.evaluate("el => el.clientHeight") > 400
    assert page.get_by_role("button", name="Show less").get_attribute("aria-expanded") == "true"
