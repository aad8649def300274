"""Staff-managed search synonyms (#9): staff add, change and remove groups (audited, CSRF,
GOV.UK messages), and buyer searches on both backends use them at once."""

from __future__ import annotations

import pytest

from search_index import synonyms
from search_index.indexing import rebuild_index
from search_index.models import SearchSynonymAudit, SearchSynonymGroup
from tests.factories import SearchCompanyFactory


@pytest.fixture(autouse=True)
def _fresh_synonyms():
    """Another test's groups may still be in this process's copy (checked once a second)."""
    synonyms.forget_cache()
    yield
    synonyms.forget_cache()


@pytest.fixture
def distillery(db):
    company = SearchCompanyFactory(name="Juniper Hill Distillery", summary="Small batch gin.")
    db.session.commit()
    rebuild_index()
    return company


def buyer_finds(client, text: str) -> bool:
    return "Juniper Hill Distillery" in client.get(f"/find-a-supplier?q={text}").get_data(
        as_text=True
    )


def test_a_staff_group_works_at_once_on_each_backend(search_backend, client, signed_in, distillery):
    staff = signed_in("staff")
    assert not buyer_finds(client, "hooch")

    response = client.post_form("/staff/search-synonyms", {"entries": "Hooch, gin , HOOCH"})

    assert response.status_code == 302
    group = SearchSynonymGroup.query.one()
    assert group.entries == "hooch, gin"
    audit = SearchSynonymAudit.query.one()
    assert (audit.action, audit.after, audit.actor_id) == ("add", "hooch, gin", staff.id)
    assert buyer_finds(client, "hooch")
    api = client.get("/api/v1/suppliers?q=hooch").get_json()
    assert [r["name"] for r in api["results"]] == ["Juniper Hill Distillery"]

    response = client.post_form(f"/staff/search-synonyms/{group.id}", {"entries": "moonshine, gin"})
    assert response.status_code == 302
    assert not buyer_finds(client, "hooch")
    assert buyer_finds(client, "moonshine")

    response = client.post_form(f"/staff/search-synonyms/{group.id}/remove", {})
    assert response.status_code == 302
    assert not buyer_finds(client, "moonshine")
    assert [a.action for a in SearchSynonymAudit.query.order_by(SearchSynonymAudit.id)] == [
        "add",
        "change",
        "remove",
    ]
    page = client.get("/staff/search-synonyms").get_data(as_text=True)
    assert "removed “moonshine, gin”" in page


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ("", "Enter at least two words or phrases, separated by commas"),
        ("sneakers", "Enter at least two words or phrases, separated by commas, like sneakers"),
        ("the, gin", "&#39;the&#39; is only words search ignores"),
        ("x" * 501, "Enter 500 characters or fewer"),
    ],
)
def test_a_bad_group_is_refused_next_to_the_field(client, signed_in, entries, message):
    signed_in("staff")

    response = client.post_form("/staff/search-synonyms", {"entries": entries})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="govuk-error-message"' in html
    assert SearchSynonymGroup.query.count() == 0


def test_only_staff_manage_synonyms(client, signed_in):
    signed_in("exporter")
    assert client.get("/staff/search-synonyms").status_code == 403
    assert client.post_form("/staff/search-synonyms", {"entries": "a, b"}).status_code == 403


def test_removing_a_removed_group_is_a_conflict(client, signed_in, db):
    staff = signed_in("staff")
    group = synonyms.add_group("hooch, gin", staff)
    db.session.commit()
    client.post_form(f"/staff/search-synonyms/{group.id}/remove", {})

    response = client.post_form(f"/staff/search-synonyms/{group.id}/remove", {})

    assert response.status_code == 409
