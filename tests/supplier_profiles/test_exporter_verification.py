"""Verification: the letter code entered by the exporter, the PDF letter, staff verify/revoke."""

from __future__ import annotations

from sqlalchemy import select

from supplier_profiles.models import AuditAction, Company, CompanyAuditEntry


def _audit(db, company) -> list[tuple[AuditAction, str]]:
    rows = db.session.scalars(
        select(CompanyAuditEntry)
        .where(CompanyAuditEntry.company_id == company.id)
        .order_by(CompanyAuditEntry.id)
    )
    return [(row.action, row.reason) for row in rows]


def test_exporter_verifies_with_the_code_typed_loosely(client, exporter, db):
    owner, company = exporter
    response = client.post_form("/profile/verify", {"code": "abcd-efgh jklm"})
    assert response.status_code == 302
    db.session.refresh(company)
    assert company.is_verified and company.verification_code is None
    assert (AuditAction.VERIFIED_BY_CODE, "") in _audit(db, company)
    assert "was verified on" in client.get("/profile/verify").get_data(as_text=True)


def test_wrong_codes_are_counted_and_then_the_code_stops_working(client, exporter, db):
    _, company = exporter
    html = client.post_form("/profile/verify", {"code": "ZZZZZZZZZZZZ"}).get_data(as_text=True)
    assert 'id="code-error"' in html and "4 attempts left" in html
    for _ in range(4):
        client.post_form("/profile/verify", {"code": "ZZZZZZZZZZZZ"})
    db.session.refresh(company)
    assert company.verification_failures == 5
    html = client.post_form("/profile/verify", {"code": "ABCDEFGHJKLM"}).get_data(as_text=True)
    assert "can no longer be used" in html
    db.session.refresh(company)
    assert not company.is_verified


def test_badly_shaped_code_is_refused_by_the_form(client, exporter, db):
    _, company = exporter
    html = client.post_form("/profile/verify", {"code": "1234"}).get_data(as_text=True)
    assert "Enter the 12-letter code from the letter" in html
    db.session.refresh(company)
    assert company.verification_failures == 0


def test_staff_print_the_letter_as_a_pdf_and_it_is_recorded(app, exporter, db, make_user):
    from tests.conftest import sign_in
    from tradehub.accounts.models import Role

    _, company = exporter
    staff = make_user(role=Role.STAFF)
    browser = app.test_client()
    sign_in(browser, staff)
    listing = browser.get("/staff/suppliers/?state=unverified").get_data(as_text=True)
    assert company.name in listing
    response = browser.get(f"/staff/suppliers/{company.id}/letter.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert b"ABCD-EFGH-JKLM" in response.data  # the company's code, as printed
    assert company.name.encode() in response.data
    assert b"/profile/verify" in response.data
    # The letter names its recipient, the owner, and says how to reach the team.
    owner_name = company.owner.user.full_name.encode("latin-1")
    assert b"For the attention of " + owner_name in response.data
    assert b"Dear " + owner_name in response.data
    assert app.config["SUPPORT_EMAIL"].encode() in response.data
    assert (AuditAction.LETTER_PRINTED, "") in _audit(db, company)


def test_exporters_cannot_reach_the_staff_screens(client, exporter):
    _, company = exporter
    assert client.get("/staff/suppliers/").status_code == 403
    assert client.get(f"/staff/suppliers/{company.id}/letter.pdf").status_code == 403
    assert (
        client.post_form(
            f"/staff/suppliers/{company.id}/verify", {"verify-reason": "me"}
        ).status_code
        == 403
    )


def test_staff_verify_and_revoke_with_recorded_reasons(client, signed_in, db, make_user):
    from tests.factories import CompanyFactory

    owner = make_user()
    company = CompanyFactory(owner=owner)
    db.session.commit()
    staff = signed_in("staff")
    html = client.post_form(
        f"/staff/suppliers/{company.id}/verify", {"verify-reason": ""}
    ).get_data(as_text=True)
    assert "Enter the reason" in html
    client.post_form(
        f"/staff/suppliers/{company.id}/verify",
        {"verify-reason": "Checked by phone with the director"},
    )
    db.session.refresh(company)
    assert company.is_verified and company.verified_by_id == staff.id
    company.published = True
    db.session.commit()

    client.post_form(
        f"/staff/suppliers/{company.id}/revoke",
        {"revoke-reason": "Director says they never registered"},
    )
    db.session.refresh(company)
    assert not company.is_verified and not company.published
    assert _audit(db, company)[-2:] == [
        (AuditAction.VERIFIED_BY_STAFF, "Checked by phone with the director"),
        (AuditAction.REVOKED, "Director says they never registered"),
    ]
    page = client.get(f"/staff/suppliers/{company.id}").get_data(as_text=True)
    assert "Director says they never registered" in page and staff.email in page


def test_staff_issue_a_new_code_after_lockout(client, signed_in, db, make_user):
    from tests.factories import CompanyFactory

    company = CompanyFactory(owner=make_user(), verification_failures=5)
    db.session.commit()
    signed_in("staff")
    client.post_form(f"/staff/suppliers/{company.id}/new-code")
    db.session.refresh(company)
    assert company.verification_failures == 0
    assert company.verification_code != "ABCDEFGHJKLM" and len(company.verification_code) == 12


def test_staff_take_a_profile_down_and_the_owner_is_told(client, signed_in, db, make_user, mailbox):
    from search_index.base import SearchQuery
    from search_index.service import search
    from tests.factories import PublishedCompanyFactory

    owner = make_user(email="owner@pennine.example")
    company = PublishedCompanyFactory(owner=owner, name="Dodgy Widgets")
    db.session.commit()
    signed_in("staff")
    client.post_form(
        f"/staff/suppliers/{company.id}/unpublish",
        {"unpublish-reason": "Misleading claims about certification"},
    )
    db.session.expire_all()
    company = db.session.get(Company, company.id)
    assert not company.published and company.is_verified
    message = mailbox.wait_for("owner@pennine.example")[-1]
    assert "Misleading claims about certification" in mailbox.body(message)
    assert search(SearchQuery(text="Dodgy Widgets")).hits == []
