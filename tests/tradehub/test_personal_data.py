"""People's own data: the export holds the person's account, company, enquiries and
applications and never anyone else's; deleting an account asks for the password, refuses while
the person owns a company, anonymises what others keep, and ends every session."""

from __future__ import annotations

import json

from sqlalchemy import select

from marketplaces.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
)
from supplier_profiles.buyers.models import BuyingRequest, SavedSearch, ShortlistEntry
from supplier_profiles.models import CompanyMember, Enquiry, MemberRole
from tests.conftest import PASSWORD, sign_in
from tests.factories import (
    ApplicantCompanyFactory,
    ApplicationFactory,
    BuyingRequestFactory,
    BuyingRequestResponseFactory,
    CompanyFactory,
    EnquiryFactory,
    UserFactory,
)
from tradehub.accounts.models import AccountAuditEntry, Role, User

OTHERS = ("other@example.com", "Olga Other", "secret pitch of other", "Carol Customer",
          "For theirs only", "carol@customer.example")  # fmt: skip


def _people(db):
    me = UserFactory(email="me@example.com", full_name="Mia Mine")
    mine = ApplicantCompanyFactory(owner=me, name="Mine Ltd")
    other = UserFactory(email="other@example.com", full_name="Olga Other")
    theirs = ApplicantCompanyFactory(owner=other, name="Theirs Ltd")
    db.session.flush()
    application = ApplicationFactory(
        company=mine, status=ApplicationStatus.SUBMITTED, contact_name="Mia Contact"
    )
    db.session.add(
        ApplicationEvent(
            application=application, move="submit", actor_id=me.id, actor_role="exporter",
            from_status=ApplicationStatus.DRAFT, to_status=ApplicationStatus.SUBMITTED,
            message="Please look at our jumpers",
        )
    )  # fmt: skip
    ApplicationFactory(company=theirs, contact_name="Olga Other", pitch="secret pitch of other")
    EnquiryFactory(company=mine, full_name="Bob Buyer", subject="Brackets for Mine")
    EnquiryFactory(company=theirs, email="me@example.com", subject="My own question")
    EnquiryFactory(
        company=theirs, full_name="Carol Customer", subject="For theirs only",
        email="carol@customer.example",
    )  # fmt: skip
    db.session.commit()
    return me, other


def test_the_export_holds_my_data_and_never_another_users(client, db):
    me, _other = _people(db)
    sign_in(client, me)
    response = client.get("/account/your-data.json")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "me@example.com"
    assert data["account"]["full_name"] == "Mia Mine"
    [company] = data["companies"]
    assert company["your_role"] == "owner" and company["company"]["name"] == "Mine Ltd"
    assert [e["subject"] for e in data["enquiries_sent"]] == ["My own question"]
    assert [e["subject"] for e in data["enquiries_received"]] == ["Brackets for Mine"]
    assert data["enquiries_received"][0]["from_name"] == "Bob Buyer"
    [application] = data["applications"]
    assert application["answers"]["contact_name"] == "Mia Contact"
    assert application["history"][0]["message"] == "Please look at our jumpers"
    assert application["history"][0]["by"] == "you"

    page = client.get("/account/your-data").get_data(as_text=True)
    assert (
        "Mine Ltd" in page and "Brackets for Mine" in page and "Please look at our jumpers" in page
    )
    text = response.get_data(as_text=True)
    for secret in OTHERS:
        assert secret not in text, secret
        assert secret not in page, secret


def test_an_admins_changes_show_without_the_admins_address(app, client, db):
    admin = UserFactory(role=Role.ADMIN, email="the.admin@example.com")
    me = UserFactory(email="me@example.com")
    db.session.commit()
    admin_client = app.test_client()
    sign_in(admin_client, admin)
    admin_client.post_form(f"/admin/users/{me.id}/role", {"role": "buyer"})
    sign_in(client, me)
    data = client.get("/account/your-data.json").get_json()
    assert data["account"]["account_changes"][0]["by"] == "an administrator"
    assert "the.admin@example.com" not in json.dumps(data)


def test_an_owner_must_hand_on_or_delete_their_company_first(client, db):
    me, _other = _people(db)
    sign_in(client, me)
    page = client.get("/account/delete").get_data(as_text=True)
    assert "You own Mine Ltd" in page
    assert "kept for the department" in page  # what happens to applications is explained
    refused = client.post_form("/account/delete", {"password": PASSWORD})
    assert "You own Mine Ltd" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, me.id).deleted_at is None


def test_deleting_an_account_anonymises_what_others_keep_and_ends_every_session(app, client, db):
    owner = UserFactory(email="owner@example.com")
    company = ApplicantCompanyFactory(owner=owner, name="Shared Ltd")
    editor = UserFactory(email="ed@example.com", full_name="Ed Editor")
    db.session.flush()
    db.session.add(CompanyMember(company=company, user_id=editor.id, role=MemberRole.EDITOR))
    application = ApplicationFactory(
        company=company, applicant_id=editor.id, contact_name="Ed Editor",
        contact_email="ed@example.com", status=ApplicationStatus.SUBMITTED,
    )  # fmt: skip
    sent = EnquiryFactory(company=CompanyFactory(), email="ed@example.com", full_name="Ed Editor")
    db.session.commit()
    other_device = app.test_client()
    sign_in(other_device, editor)
    sign_in(client, editor)

    wrong = client.post_form("/account/delete", {"password": "not my password"})
    assert "Your password is not correct" in wrong.get_data(as_text=True)
    done = client.post_form("/account/delete", {"password": PASSWORD})
    assert done.status_code == 302

    db.session.expire_all()
    gone = db.session.get(User, editor.id)
    assert gone.state == "deleted" and gone.email.endswith("@deleted.invalid")
    assert gone.full_name == "" and not gone.active
    assert (
        db.session.scalar(select(CompanyMember).where(CompanyMember.user_id == editor.id)) is None
    )
    kept = db.session.get(Application, application.id)
    assert (kept.contact_name, kept.contact_email, kept.contact_phone) == ("", "", "")
    assert kept.business_name == "Shared Ltd"
    enquiry = db.session.get(Enquiry, sent.id)
    assert (enquiry.full_name, enquiry.email) == ("Deleted user", "")
    assert enquiry.message  # the company keeps the message itself
    entry = db.session.scalar(
        select(AccountAuditEntry).where(AccountAuditEntry.action == "account_deleted")
    )
    assert entry.subject_email == f"deleted user {editor.id}"
    # Every session has ended, and the address can register again.
    assert other_device.get("/account/").status_code == 302
    again = app.test_client().post_form(
        "/account/sign-in", {"email": "ed@example.com", "password": PASSWORD}
    )
    assert "Enter a correct email address and password" in again.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "ed@example.com")) is None


def test_the_last_admin_cannot_delete_their_account(client, db, signed_in):
    admin = signed_in("admin")
    refused = client.post_form("/account/delete", {"password": PASSWORD})
    assert "last active administrator" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).deleted_at is None


def test_a_buyers_shortlist_searches_and_requests_are_exported_then_deleted(app, client, db):
    me = UserFactory(role=Role.BUYER, email="buyer.me@example.com")
    other = UserFactory(role=Role.BUYER, email="buyer.other@example.com")
    supplier = CompanyFactory(name="Cheddar Co")
    db.session.flush()
    db.session.add(ShortlistEntry(user_id=me.id, company_id=supplier.id, note="call in May"))
    db.session.add(SavedSearch(user_id=me.id, name="Cheese in Somerset", query_text="cheddar"))
    db.session.add(SavedSearch(user_id=other.id, name="Their private search"))
    mine = BuyingRequestFactory(buyer=me, title="Cheddar for Paris")
    BuyingRequestResponseFactory(request=mine, company=supplier, message="We ship weekly")
    BuyingRequestFactory(buyer=other, title="Their secret request")
    db.session.commit()
    sign_in(client, me)

    data = client.get("/account/your-data.json").get_json()
    assert data["shortlist"] == [
        {
            "company": "Cheddar Co",
            "note": "call in May",
            "added_at": data["shortlist"][0]["added_at"],
        }
    ]
    assert [s["name"] for s in data["saved_searches"]] == ["Cheese in Somerset"]
    [request] = data["buying_requests"]
    assert request["title"] == "Cheddar for Paris"
    assert request["responses"][0]["message"] == "We ship weekly"
    text = json.dumps(data)
    assert "Their private search" not in text and "Their secret request" not in text

    assert client.post_form("/account/delete", {"password": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(ShortlistEntry)).all() == []
    assert [s.name for s in db.session.scalars(select(SavedSearch))] == ["Their private search"]
    assert [r.title for r in db.session.scalars(select(BuyingRequest))] == ["Their secret request"]
