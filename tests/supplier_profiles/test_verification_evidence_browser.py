"""Browser test (#14): a buyer reads on the profile how and when the company was verified and
what Companies House said about it, and the page passes axe, in English and in Arabic."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from supplier_profiles.models import AuditAction, CompanyAuditEntry
from tests.supplier_profiles.buyer_fixtures import make_company


@pytest.mark.browser
def test_the_profile_shows_the_dated_evidence(db, browser_page, axe_violations):
    company = make_company(
        name="Dated Evidence Ltd",
        slug="dated-evidence",
        companies_house_status="active",
        companies_house_checked_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
    )
    db.session.add(
        CompanyAuditEntry(
            company_id=company.id,
            action=AuditAction.VERIFIED_BY_CODE,
            created_at=datetime(2026, 12, 3, 10, 0, tzinfo=UTC),
        )
    )
    db.session.commit()
    page = browser_page
    page.goto("/suppliers/dated-evidence")
    expect(page.locator(".th-verification-evidence")).to_have_text(
        "Verified by letter code, 3 December 2026"
    )
    expect(page.locator(".th-companies-house-check")).to_have_text(
        "Companies House: active, checked 1 December 2026"
    )
    assert axe_violations(page) == []

    page.goto("/suppliers/dated-evidence?lang=ar")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator(".th-companies-house-check")).to_contain_text("دار الشركات")
    expect(page.locator(".th-companies-house-check")).to_contain_text("نشطة")
    assert axe_violations(page) == []
