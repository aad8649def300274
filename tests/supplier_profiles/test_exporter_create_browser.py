"""Companies House edge cases in a browser: "I cannot find my business" and the refusal of a
company registered outside the UK, both axe clean."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_cannot_find_and_outside_uk_pages(browser_page, axe_violations, make_user, companies_house):
    user = make_user()
    companies_house.add(
        "FC034567",
        "MAISON DUPONT SA",
        type="oversea-company",
        registered_office_address={"address_line_1": "12 Rue de Rivoli", "country": "France"},
    )
    page = browser_page
    page.goto("/account/sign-in?next=/profile/create")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="I cannot find my business").click()
    assert page.locator("h1").inner_text() == "If you cannot find your business"
    assert axe_violations(page) == []
    page.get_by_role("link", name="Sole trader").click()
    assert page.get_by_label("Sole trader").is_checked()
    page.get_by_label("Registered with Companies House", exact=True).check()
    page.get_by_label("Companies House number").fill("FC034567")
    page.get_by_role("button", name="Continue").click()
    assert "registered outside the UK" in page.locator("h1").inner_text()
    assert axe_violations(page) == []
