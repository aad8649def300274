"""The enquiries inbox: new, replied and archived; replies go by email with Reply-To."""

from __future__ import annotations

from supplier_profiles.models import EnquiryStatus
from tests.factories import EnquiryFactory


def test_inbox_lists_enquiries_by_status(client, exporter, db):
    _, company = exporter
    EnquiryFactory(company=company, subject="Brackets for Lyon")
    EnquiryFactory(company=company, subject="Old question", status=EnquiryStatus.ARCHIVED)
    EnquiryFactory(subject="Someone else's enquiry")
    db.session.commit()
    html = client.get("/profile/enquiries").get_data(as_text=True)
    assert "Brackets for Lyon" in html and "Old question" not in html
    assert "Someone else" not in html
    assert "New (1)" in html and "Archived (1)" in html
    archived = client.get("/profile/enquiries?status=archived").get_data(as_text=True)
    assert "Old question" in archived and "Brackets for Lyon" not in archived
    assert "Enquiries from buyers (1 new)" in client.get("/account/").get_data(
        as_text=True
    ) or "Enquiries from buyers (1 new)" in client.get("/account").get_data(as_text=True)


def test_reply_is_emailed_to_the_buyer_with_reply_to_the_company(client, exporter, db, mailbox):
    _, company = exporter
    enquiry = EnquiryFactory(
        company=company, email="marie@aero.example", subject="Quotation for brackets"
    )
    db.session.commit()
    page = client.get(f"/profile/enquiries/{enquiry.id}").get_data(as_text=True)
    assert "Could you quote for 500 brackets a month?" in page
    response = client.post_form(
        f"/profile/enquiries/{enquiry.id}", {"message": "Yes: 4.20 GBP each, delivered."}
    )
    assert response.status_code == 302
    message = mailbox.wait_for("marie@aero.example")[-1]
    assert message["Subject"] == "Re: Quotation for brackets"
    assert message["Reply-To"] == company.email
    assert "Yes: 4.20 GBP each, delivered." in mailbox.body(message)
    db.session.refresh(enquiry)
    assert enquiry.status is EnquiryStatus.REPLIED and enquiry.replied_at is not None


def test_empty_reply_is_refused_next_to_the_field(client, exporter, db):
    _, company = exporter
    enquiry = EnquiryFactory(company=company)
    db.session.commit()
    html = client.post_form(f"/profile/enquiries/{enquiry.id}", {"message": " "}).get_data(
        as_text=True
    )
    assert 'id="message-error"' in html and "Enter your reply" in html
    db.session.refresh(enquiry)
    assert enquiry.status is EnquiryStatus.NEW


def test_archive_and_restore(client, exporter, db):
    _, company = exporter
    enquiry = EnquiryFactory(company=company)
    db.session.commit()
    client.post_form(f"/profile/enquiries/{enquiry.id}/status", {"status": "archived"})
    db.session.refresh(enquiry)
    assert enquiry.status is EnquiryStatus.ARCHIVED
    client.post_form(f"/profile/enquiries/{enquiry.id}/status", {"status": "new"})
    db.session.refresh(enquiry)
    assert enquiry.status is EnquiryStatus.NEW
    assert (
        client.post_form(
            f"/profile/enquiries/{enquiry.id}/status", {"status": "deleted"}
        ).status_code
        == 400
    )


def test_enquiries_of_other_companies_are_not_found(client, exporter, db):
    theirs = EnquiryFactory()
    db.session.commit()
    assert client.get(f"/profile/enquiries/{theirs.id}").status_code == 404
    assert (
        client.post_form(f"/profile/enquiries/{theirs.id}", {"message": "hello"}).status_code == 404
    )
    assert (
        client.post_form(
            f"/profile/enquiries/{theirs.id}/status", {"status": "archived"}
        ).status_code
        == 404
    )
