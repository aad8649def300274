"""Publishing: only when verified with a contact email and a summary or description."""

from __future__ import annotations

import re

import pytest

from search_index.base import SearchQuery
from search_index.service import search
from tests.factories import CompanyFactory, VerifiedCompanyFactory

PUBLISH_BUTTON = re.compile(r"<button[^>]*>\s*Publish profile\s*</button>")


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"verified_at": None}, ["Verify your company"]),
        ({"email": ""}, ["Add a contact email address"]),
        ({"summary": "", "description": ""}, ["Add a summary or a description"]),
        (
            {"verified_at": None, "email": "", "summary": "", "description": ""},
            [
                "Verify your company",
                "Add a contact email address",
                "Add a summary or a description",
            ],
        ),
    ],
)
def test_checklist_says_what_is_missing_and_publishing_is_refused(
    client, signed_in, db, fields, missing
):
    user = signed_in("exporter")
    company = VerifiedCompanyFactory(owner=user, **fields)
    db.session.commit()
    page = client.get("/profile/publish").get_data(as_text=True)
    for text in missing:
        assert text in page
    assert not PUBLISH_BUTTON.search(page)
    refused = client.post_form("/profile/publish").get_data(as_text=True)
    assert "not ready to publish" in refused
    db.session.refresh(company)
    assert not company.published


def test_summary_or_description_is_enough(client, signed_in, db):
    user = signed_in("exporter")
    company = VerifiedCompanyFactory(owner=user, summary="", description="We make widgets.")
    db.session.commit()
    assert client.post_form("/profile/publish").status_code == 302
    db.session.refresh(company)
    assert company.is_publishable and company.published_at is not None


def test_publish_then_unpublish_drops_the_company_from_search_and_its_page(
    client, app, signed_in, db
):
    user = signed_in("exporter")
    company = VerifiedCompanyFactory(
        owner=user, name="Calder Valley Looms", summary="Jacquard looms for heritage mills"
    )
    db.session.commit()
    assert PUBLISH_BUTTON.search(client.get("/profile/publish").get_data(as_text=True))
    assert client.post_form("/profile/publish").status_code == 302
    assert [h.slug for h in search(SearchQuery(text="jacquard looms")).hits] == [company.slug]
    public = app.test_client()
    if "supplier_profiles.company_profile" in app.view_functions:
        assert public.get(f"/suppliers/{company.slug}").status_code == 200

    overview = client.get("/profile/").get_data(as_text=True)
    assert "Unpublish profile" in overview
    assert client.post_form("/profile/unpublish").status_code == 302
    db.session.refresh(company)
    assert not company.published and not company.is_publishable
    assert search(SearchQuery(text="jacquard looms")).hits == []
    if "supplier_profiles.company_profile" in app.view_functions:
        assert public.get(f"/suppliers/{company.slug}").status_code == 404


def test_unverified_company_never_reaches_search(client, signed_in, db):
    user = signed_in("exporter")
    CompanyFactory(owner=user, name="Unverified Looms", published=True)
    db.session.commit()
    client.post_form("/profile/edit", {"name": "Unverified Looms", "summary": "looms"})
    assert search(SearchQuery(text="looms")).hits == []


def test_an_unconfirmed_account_drafts_but_cannot_publish_upload_or_apply(
    client, signed_in, db, mailbox
):
    """The documented choice (docs/architecture.md, "Unconfirmed accounts"): an account whose
    address is not confirmed may draft a profile; publishing, uploads and marketplace
    applications wait for the emailed link."""
    user = signed_in("exporter", email_confirmed_at=None)
    company = VerifiedCompanyFactory(owner=user)
    db.session.commit()
    # Drafting works.
    assert client.post_form("/profile/edit", {"name": "Draft Name Ltd"}).status_code == 302
    page = client.get("/profile/publish").get_data(as_text=True)
    assert "Confirm your email address before you publish" in page
    assert not PUBLISH_BUTTON.search(page)
    refused = client.post_form("/profile/publish")
    assert "Confirm your email address before you publish" in refused.get_data(as_text=True)
    db.session.refresh(company)
    assert not company.published
    # The page resends the link.
    assert client.post_form("/account/confirm/resend").status_code == 302
    assert mailbox.wait_for(user.email)
