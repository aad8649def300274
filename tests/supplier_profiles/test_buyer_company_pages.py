"""Company and case-study pages: canonical URLs, 301 from other spellings, 404 for anything not
publishable, and a constant number of SQL statements however many case studies there are."""

from __future__ import annotations

import pytest

from tests.supplier_profiles.buyer_fixtures import count_queries, make_company
from tradehub.db_types import utcnow


@pytest.fixture
def company(db):
    return make_company(
        name="Harbour Ropes Ltd",
        slug="harbour-ropes",
        number="SC123456",
        summary="Marine ropes and rigging.",
        description="Spliced by hand in Aberdeen.",
        industries=["MARINE"],
        region="SCOTLAND",
        export_countries=["NO", "IS"],
        languages=["en", "no"],
        keywords=["rigging", "mooring"],
        website="https://ropes.example",
        case_studies=[
            {
                "slug": "north-sea-moorings",
                "title": "Moorings for a North Sea platform",
                "summary": "Twelve kilometres of rope.",
                "description": "Delivered in six weeks.",
                "industry": "MARINE",
                "keywords": ["offshore"],
                "testimonial": "On time and on spec.",
                "testimonial_source": "Platform manager",
            },
        ],
    )


def test_company_page_shows_the_public_profile(client, company):
    response = client.get("/suppliers/harbour-ropes")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1" in html and "Harbour Ropes Ltd" in html
    assert "Marine ropes and rigging." in html and "Spliced by hand in Aberdeen." in html
    assert "Scotland" in html and "Norway" in html and "Iceland" in html
    assert "Marine" in html and "rigging, mooring" in html
    assert 'href="/suppliers/harbour-ropes/contact"' in html
    assert 'href="/suppliers/harbour-ropes/case-studies/north-sea-moorings"' in html
    assert '<link rel="canonical" href="http://localhost/suppliers/harbour-ropes">' in html
    assert (
        '<a class="govuk-link" rel="nofollow noopener" href="https://ropes.example">'
        "https://ropes.example</a>"
    ) in html
    # The contact address is not published: buyers use the form.
    assert company.email not in html


def test_case_study_page(client, company):
    response = client.get("/suppliers/harbour-ropes/case-studies/north-sea-moorings")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Moorings for a North Sea platform" in html
    assert "Case study by Harbour Ropes Ltd" in html
    assert "On time and on spec." in html and "Platform manager" in html


@pytest.mark.parametrize(
    "path, target",
    [
        ("/suppliers/Harbour-Ropes", "/suppliers/harbour-ropes"),
        ("/suppliers/harbour_ropes", "/suppliers/harbour-ropes"),
        ("/suppliers/SC123456", "/suppliers/harbour-ropes"),
        ("/suppliers/sc123456", "/suppliers/harbour-ropes"),
        (
            "/suppliers/HARBOUR-ROPES/case-studies/north-sea-moorings",
            "/suppliers/harbour-ropes/case-studies/north-sea-moorings",
        ),
        (
            "/suppliers/harbour-ropes/case-studies/North-Sea-Moorings",
            "/suppliers/harbour-ropes/case-studies/north-sea-moorings",
        ),
        ("/suppliers/Harbour-Ropes/contact", "/suppliers/harbour-ropes/contact"),
    ],
)
def test_non_canonical_urls_redirect_permanently(client, company, path, target):
    response = client.get(path)
    assert response.status_code == 301
    assert response.location == target


@pytest.mark.parametrize(
    "change",
    [
        {"published": False},
        {"verified_at": None},
        {"deleted_at": "now"},
    ],
)
def test_pages_of_companies_that_are_not_publishable_are_404(client, db, company, change):
    for key, value in change.items():
        setattr(company, key, utcnow() if value == "now" else value)
    db.session.commit()
    for path in (
        "/suppliers/harbour-ropes",
        "/suppliers/harbour-ropes/case-studies/north-sea-moorings",
        "/suppliers/harbour-ropes/contact",
        "/suppliers/SC123456",
    ):
        assert client.get(path).status_code == 404, path


def test_unknown_company_and_case_study_are_404(client, company):
    other = make_company(slug="other-co", case_studies=[{"slug": "other-study", "title": "Other"}])
    assert other.case_studies
    assert client.get("/suppliers/no-such-company").status_code == 404
    assert client.get("/suppliers/harbour-ropes/case-studies/nothing").status_code == 404
    # A case study is only shown under its own company.
    assert client.get("/suppliers/harbour-ropes/case-studies/other-study").status_code == 404


def test_company_page_makes_no_query_per_case_study(client, db):
    few = make_company(slug="few-studies", case_studies=[{"title": "One"}])
    many = make_company(
        slug="many-studies", case_studies=[{"title": f"Study {i}"} for i in range(12)]
    )
    few_url, many_url = f"/suppliers/{few.slug}", f"/suppliers/{many.slug}"
    client.get(few_url)  # warm up (templates compiled)
    with count_queries() as one:
        assert client.get(few_url).status_code == 200
    with count_queries() as twelve:
        response = client.get(many_url)
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("/case-studies/many-studies-study-") == 12
    # The company, then one query for its case studies, one for their images and one for the
    # audit entry that dates the verification.
    assert len(one) == len(twelve) <= 4, "\n".join(s[:120] for s in twelve)


def test_the_profile_says_how_and_when_the_company_was_verified(client, db):
    from datetime import UTC, datetime

    from supplier_profiles.models import AuditAction, CompanyAuditEntry
    from tests.supplier_profiles.buyer_fixtures import make_company as make_shown

    company = make_shown(name="Dated Evidence Ltd", slug="dated-evidence")
    db.session.add_all(
        [
            CompanyAuditEntry(
                company_id=company.id,
                action=AuditAction.VERIFIED_BY_STAFF,
                created_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
            ),
            CompanyAuditEntry(
                company_id=company.id,
                action=AuditAction.VERIFIED_BY_CODE,
                created_at=datetime(2026, 12, 3, 10, 0, tzinfo=UTC),
            ),
        ]
    )
    db.session.commit()
    html = client.get("/suppliers/dated-evidence").get_data(as_text=True)
    assert "Verified by letter code, 3 December 2026" in html
