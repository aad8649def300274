"""Editing the profile through /profile/edit: every field, its limits, and errors in place."""

from __future__ import annotations

import pytest


def _valid(**changes) -> dict:
    data = {
        "name": "Pennine Precision Ltd",
        "summary": "Precision parts for aerospace",
        "description": "Small-batch CNC machining.",
        "website": "www.pennine.example",
        "email": "Sales@Pennine.example",
        "phone": "+44 114 496 0000",
        "employees": "11-50",
        "region": "YORKSHIRE_AND_HUMBER",
        "industries": ["AEROSPACE", "RAILWAYS"],
        "export_countries": ["FR", "US"],
        "languages": ["en", "fr"],
        "products_services": ["Accounting and tax"],
        "keywords": "machining, brackets, Machining, titanium",
        "linkedin_url": "https://www.linkedin.com/company/pennine",
        "twitter_url": "https://x.com/pennine",
        "facebook_url": "",
    }
    data.update(changes)
    return data


def test_every_field_is_saved(client, exporter, db):
    _, company = exporter
    response = client.post_form("/profile/edit", _valid())
    assert response.status_code == 302
    db.session.refresh(company)
    assert company.name == "Pennine Precision Ltd"
    assert company.website == "https://www.pennine.example"
    assert company.email == "sales@pennine.example"
    assert company.phone == "+44 114 496 0000"
    assert (company.employees, company.region) == ("11-50", "YORKSHIRE_AND_HUMBER")
    assert company.industries == ["AEROSPACE", "RAILWAYS"]
    assert company.export_countries == ["FR", "US"]
    assert company.languages == ["en", "fr"]
    assert company.products_services == ["Accounting and tax"]
    assert company.keywords == ["machining", "brackets", "titanium"]  # repeats dropped
    assert company.linkedin_url == "https://www.linkedin.com/company/pennine"


def test_edits_to_a_published_profile_reach_search(client, signed_in, db):
    from search_index.base import SearchQuery
    from search_index.service import search
    from tests.factories import PublishedCompanyFactory

    user = signed_in("exporter")
    company = PublishedCompanyFactory(owner=user)
    db.session.commit()
    assert client.post_form("/profile/edit", _valid(keywords="titanium")).status_code == 302
    result = search(SearchQuery(text="titanium"))
    assert [hit.slug for hit in result.hits] == [company.slug]


def test_form_shows_saved_values(client, exporter, db):
    import re

    client.post_form("/profile/edit", _valid())
    html = client.get("/profile/edit").get_data(as_text=True)
    assert 'value="machining, brackets, titanium"' in html
    checked = set(re.findall(r'<input[^>]*value="([A-Za-z_]+)"[^>]*checked', html))
    assert {"FR", "US", "en", "fr", "AEROSPACE", "RAILWAYS"} <= checked


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the business name"),
        ({"name": "x" * 256}, "name", "Business name must be 255 characters or fewer"),
        ({"summary": "x" * 251}, "summary", "Summary must be 250 characters or fewer"),
        (
            {"description": "x" * 2001},
            "description",
            "Description must be 2,000 characters or fewer",
        ),
        (
            {"keywords": ", ".join(f"word{i}" for i in range(11))},
            "keywords",
            "Enter no more than 10 keywords",
        ),
        ({"keywords": "x" * 51}, "keywords", "Each keyword must be 50 characters or fewer"),
        ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
        (
            {"website": "javascript:alert(1)"},
            "website",
            "Enter a web address in the correct format",
        ),
        ({"phone": "call me"}, "phone", "Enter a phone number"),
        (
            {"linkedin_url": "https://evil.example/pennine"},
            "linkedin_url",
            "Enter a LinkedIn address",
        ),
        ({"twitter_url": "https://facebook.com/x"}, "twitter_url", "Enter a X (Twitter) address"),
        ({"region": "ATLANTIS"}, "region", "Choose UK region from the list"),
        (
            {"industries": ["AEROSPACE", "UNICORNS"]},
            "industries",
            "Choose industries from the list",
        ),
        (
            {"export_countries": ["XX"]},
            "export_countries",
            "Choose countries you export to from the list",
        ),
        (
            {"languages": ["zz"]},
            "languages",
            "Choose languages you can do business in from the list",
        ),
        ({"employees": "lots"}, "employees", "Choose number of employees from the list"),
    ],
)
def test_invalid_values_are_refused_next_to_the_field_and_kept(
    client, exporter, db, changes, field, message
):
    _, company = exporter
    before = company.name
    response = client.post_form("/profile/edit", _valid(**changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in html
    assert message.lower() in html.lower()
    kept = "Precision parts for aerospace" if field == "description" else "Small-batch CNC"
    assert kept in html  # what was typed elsewhere is kept
    db.session.refresh(company)
    assert company.name == before  # nothing saved


def test_a_member_only_ever_edits_their_own_company(client, signed_in, db):
    from tests.factories import CompanyFactory

    someone_else = CompanyFactory(name="Other Co")
    user = signed_in("exporter")
    mine = CompanyFactory(owner=user, name="Mine Co")
    db.session.commit()
    client.post_form("/profile/edit", _valid(name="Renamed"))
    db.session.refresh(someone_else)
    db.session.refresh(mine)
    assert (mine.name, someone_else.name) == ("Renamed", "Other Co")


def test_exporter_without_company_is_sent_to_create_one(client, signed_in):
    signed_in("exporter")
    response = client.get("/profile/edit")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/profile/create")
