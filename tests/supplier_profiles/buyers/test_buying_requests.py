"""Buying requests through their HTTP routes: posting (validation, limits, spam defences),
staff moderation with audit rows and auto-approval, matching through the search layer
(publishable suppliers only, best 25, opted-out companies skipped, later-published ones
offered), responses (one per company, editable until read, mail or daily digest), the reply
that opens an enquiry thread, and closing (buyer, 10 responses, deadline)."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from supplier_profiles.buyers import requests as services
from supplier_profiles.buyers.models import (
    BuyingRequest,
    BuyingRequestAudit,
    BuyingRequestMatch,
    BuyingRequestResponse,
    CloseReason,
    RequestAuditAction,
    RequestStatus,
    ResponseNotice,
)
from supplier_profiles.models import CompanyMember, Enquiry, MemberRole
from tests.conftest import sign_in
from tests.factories import (
    BuyerFactory,
    BuyingRequestFactory,
    BuyingRequestResponseFactory,
    UserFactory,
)
from tests.supplier_profiles.buyer_fixtures import make_company
from tradehub.accounts.models import Role
from tradehub.dates import uk_today
from tradehub.db_types import utcnow
from tradehub.errors import PermissionDenied
from tradehub.extensions import db as _db

TOKEN_RE = re.compile(r'id="form_token" name="form_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def app_config(app_config):
    app_config["CONTACT_MIN_FILL_SECONDS"] = 0
    app_config["BUYING_REQUEST_RATE_LIMIT_IP"] = "50 per hour"
    return app_config


@pytest.fixture
def buyer(db):
    user = BuyerFactory(email="mei@importer.example", full_name="Mei Tanaka")
    db.session.commit()
    return user


def supplier(slug: str, name: str, summary: str, industries=("FOOD_AND_DRINK",), **fields):
    """A publishable, indexed company with an owner whose address is owner-<slug>@…"""
    company = make_company(
        name=name, slug=slug, summary=summary, industries=list(industries), **fields
    )
    owner = UserFactory(email=f"owner-{slug}@supplier.example")
    _db.session.flush()
    company.members.append(CompanyMember(user_id=owner.id, role=MemberRole.OWNER))
    _db.session.commit()
    return company


def request_data(**overrides) -> dict:
    deadline = uk_today() + timedelta(days=20)
    data = {
        "title": "Farmhouse cheddar for delicatessens",
        "description": "Mature cheddar in 2 kg truckles for 12 delicatessens in Paris.",
        "industry": "FOOD_AND_DRINK",
        "quantity": "400",
        "unit": "kilograms",
        "destination_country": "FR",
        "deadline": [str(deadline.day), str(deadline.month), str(deadline.year)],
        "budget_amount": "",
        "budget_currency": "",
        "response_notice": "each",
        "reference": "",
    }
    data.update(overrides)
    return data


def post(client, **overrides):
    page = client.get("/account/buying-requests/new")
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    token = html_lib.unescape(TOKEN_RE.search(page.get_data(as_text=True)).group(1))
    data = request_data(**overrides)
    data.setdefault("form_token", token)
    return client.post_form("/account/buying-requests/new", data)


def error_text(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


# --- posting ---------------------------------------------------------------------------------


def test_buyer_posts_a_request_that_waits_for_approval(client, db, buyer):
    sign_in(client, buyer)
    response = post(client)
    assert response.status_code == 302
    item = db.session.scalar(select(BuyingRequest))
    assert item.status is RequestStatus.PENDING
    assert item.buyer_id == buyer.id and item.quantity == 400
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Waiting for approval" in page
    [audit] = db.session.scalars(select(BuyingRequestAudit)).all()
    assert audit.action is RequestAuditAction.SUBMITTED and audit.actor_id == buyer.id


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Enter what you need"),
        ({"title": "x" * 121}, "What you need must be 120 characters or fewer"),
        ({"description": "y" * 2001}, "Description must be 2,000 characters or fewer"),
        ({"description": "Mail me at mei@importer.example"}, "must not contain an email address"),
        ({"description": "See www.cheese-spec.com for details"}, "must not contain a web address"),
        ({"industry": "NOPE"}, "Select an industry from the list"),
        ({"quantity": "lots"}, "Quantity must be a whole number, like 500"),
        ({"destination_country": ""}, "Select the country the goods go to"),
        ({"deadline": ["31", "2", "2027"]}, "Deadline must be a real date"),
        ({"budget_amount": "2500"}, "Select the currency of your budget"),
        ({"budget_amount": "cheap", "budget_currency": "EUR"}, "Budget must be an amount"),
    ],
)
def test_request_form_messages_keep_what_was_typed(client, db, buyer, overrides, message):
    sign_in(client, buyer)
    response = post(client, **overrides)
    assert response.status_code == 400
    text = error_text(response)
    assert message in text
    assert "Not a valid" not in text
    assert "Mature cheddar" in text or "description" in overrides
    assert db.session.scalar(select(func.count()).select_from(BuyingRequest)) == 0


@pytest.mark.parametrize("days", [0, 61])
def test_deadline_must_be_1_to_60_days_ahead(client, db, buyer, days):
    sign_in(client, buyer)
    day = uk_today() + timedelta(days=days)
    response = post(
        client,
        deadline=[str(day.day), str(day.month), str(day.year)],
    )
    assert response.status_code == 400
    assert "between 1 and 60 days from today" in error_text(response)


def test_three_open_requests_at_most(client, db, buyer):
    for _ in range(3):
        BuyingRequestFactory(buyer=buyer)
    db.session.commit()
    sign_in(client, buyer)
    response = post(client)
    assert response.status_code == 400
    assert "You already have 3 open requests" in error_text(response)
    # A closed one no longer counts.
    first = db.session.scalar(select(BuyingRequest))
    first.status = RequestStatus.CLOSED
    db.session.commit()
    assert post(client).status_code == 302


def test_five_new_requests_a_day_at_most(client, db, buyer):
    for _ in range(5):
        BuyingRequestFactory(buyer=buyer, status=RequestStatus.REJECTED)
    db.session.commit()
    sign_in(client, buyer)
    response = post(client)
    assert response.status_code == 400
    assert "You can post 5 requests a day" in error_text(response)


def test_honeypot_fill_time_and_rate_limit_defences(app, client, db, buyer):
    sign_in(client, buyer)
    response = post(client, reference="http://bot.example")
    assert response.status_code == 400
    assert "Leave the ‘Leave this field blank’ field empty" in error_text(response)

    response = post(client, form_token="forged")
    assert "This form has expired" in error_text(response)

    app.config["CONTACT_MIN_FILL_SECONDS"] = 60
    response = post(client)
    assert "You sent the form very quickly" in error_text(response)
    app.config["CONTACT_MIN_FILL_SECONDS"] = 0

    app.config["BUYING_REQUEST_RATE_LIMIT_IP"] = "1 per hour"
    assert post(client).status_code == 302
    response = post(client, title="Blue cheese")
    assert response.status_code == 400
    assert "too many messages from this connection" in error_text(response)
    assert db.session.scalar(select(func.count()).select_from(BuyingRequest)) == 1


def test_unconfirmed_buyers_and_exporters_cannot_post(client, db, make_user):
    unconfirmed = make_user(role=Role.BUYER, email_confirmed_at=None)
    sign_in(client, unconfirmed)
    response = client.get("/account/buying-requests/new")
    assert response.status_code == 403
    assert "Confirm your email address first" in response.get_data(as_text=True)
    assert client.post_form("/account/buying-requests/new", request_data()).status_code == 403


# --- moderation and matching -------------------------------------------------------------------


@pytest.fixture
def suppliers(db):
    return {
        "cheddar": supplier(
            "cheddar-gorge", "Cheddar Gorge Creamery", "Farmhouse cheddar cheese truckles."
        ),
        "stilton": supplier("stilton-vale", "Stilton Vale Dairy", "Blue cheese and cheddar."),
        "optout": supplier(
            "quiet-dairy",
            "Quiet Dairy",
            "Cheddar cheese.",
            accepts_buying_requests=False,
        ),
        "steel": supplier("steel-works", "Steel Works", "Steel beams.", ("METALS",)),
    }


def staff_client(app, make_user):
    staff = app.test_client()
    sign_in(staff, make_user(role=Role.STAFF, email="staff@trade.example"))
    return staff


def test_staff_approve_matches_through_search_and_emails_members(
    app, client, db, make_user, mailbox, buyer, suppliers
):
    sign_in(client, buyer)
    post(client)
    item = db.session.scalar(select(BuyingRequest))
    staff = staff_client(app, make_user)
    page = staff.get("/staff/buying-requests").get_data(as_text=True)
    assert "Farmhouse cheddar for delicatessens" in page
    assert staff.get(f"/staff/buying-requests/{item.id}").status_code == 200

    response = staff.post_form(f"/staff/buying-requests/{item.id}/approve")
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.get(BuyingRequest, item.id)
    assert item.status is RequestStatus.OPEN
    matched = {m.company_id for m in db.session.scalars(select(BuyingRequestMatch))}
    assert matched == {suppliers["cheddar"].id, suppliers["stilton"].id}
    [mail] = mailbox.wait_for("owner-cheddar-gorge@supplier.example")
    assert "Farmhouse cheddar for delicatessens" in mailbox.body(mail)
    assert "mei@importer.example" not in mailbox.body(mail)
    assert mailbox.to("owner-quiet-dairy@supplier.example") == []
    actions = [a.action for a in db.session.scalars(select(BuyingRequestAudit))]
    assert actions == [RequestAuditAction.SUBMITTED, RequestAuditAction.APPROVED]
    # Moderated once only.
    assert staff.post_form(f"/staff/buying-requests/{item.id}/approve").status_code == 302
    assert len(list(db.session.scalars(select(BuyingRequestAudit)))) == 2


def test_matching_takes_the_best_25_publishable_suppliers(app, db, make_user, buyer):
    for n in range(27):
        make_company(
            name=f"Cheddar Maker {n}",
            slug=f"cheddar-maker-{n}",
            summary="Farmhouse cheddar.",
            industries=["FOOD_AND_DRINK"],
        )
    make_company(
        name="Hidden Cheddar",
        slug="hidden-cheddar",
        summary="Farmhouse cheddar.",
        industries=["FOOD_AND_DRINK"],
        published=False,
        index=False,
    )
    item = BuyingRequestFactory(buyer=buyer, status=RequestStatus.PENDING, approved_at=None)
    db.session.commit()
    staff = staff_client(app, make_user)
    staff.post_form(f"/staff/buying-requests/{item.id}/approve")
    assert db.session.scalar(select(func.count()).select_from(BuyingRequestMatch)) == 25
    names = {m.company.name for m in db.session.scalars(select(BuyingRequestMatch))}
    assert "Hidden Cheddar" not in names


def test_reject_needs_a_reason_the_buyer_sees(app, client, db, make_user, mailbox, buyer):
    sign_in(client, buyer)
    post(client)
    item = db.session.scalar(select(BuyingRequest))
    staff = staff_client(app, make_user)
    response = staff.post_form(f"/staff/buying-requests/{item.id}/reject", {"reason": ""})
    assert response.status_code == 400
    assert "Enter the reason the buyer will see" in response.get_data(as_text=True)
    staff.post_form(
        f"/staff/buying-requests/{item.id}/reject", {"reason": "Say which cheeses you need."}
    )
    page = client.get(f"/account/buying-requests/{item.id}").get_data(as_text=True)
    assert "Rejected" in page and "Say which cheeses you need." in page
    [mail] = mailbox.wait_for("mei@importer.example")
    assert "Say which cheeses you need." in mailbox.body(mail)
    audit = db.session.scalars(select(BuyingRequestAudit).order_by(BuyingRequestAudit.id)).all()
    assert audit[-1].action is RequestAuditAction.REJECTED
    assert audit[-1].reason == "Say which cheeses you need."


def test_auto_approval_for_buyers_with_an_approved_request(app, client, db, buyer, suppliers):
    BuyingRequestFactory(buyer=buyer, status=RequestStatus.CLOSED)
    db.session.commit()
    sign_in(client, buyer)
    post(client)
    item = db.session.scalars(select(BuyingRequest).order_by(BuyingRequest.id.desc())).first()
    assert item.status is RequestStatus.OPEN
    assert db.session.scalar(select(func.count()).select_from(BuyingRequestMatch)) == 2
    assert RequestAuditAction.AUTO_APPROVED in {
        a.action for a in db.session.scalars(select(BuyingRequestAudit))
    }
    app.config["BUYING_REQUEST_AUTO_APPROVE"] = False
    post(client, title="Blue cheese")
    latest = db.session.scalars(select(BuyingRequest).order_by(BuyingRequest.id.desc())).first()
    assert latest.status is RequestStatus.PENDING


def test_later_published_suppliers_are_offered_open_requests(
    app, db, runner, mailbox, make_user, buyer, suppliers
):
    item = BuyingRequestFactory(buyer=buyer, status=RequestStatus.PENDING, approved_at=None)
    db.session.commit()
    staff_client(app, make_user).post_form(f"/staff/buying-requests/{item.id}/approve")
    assert db.session.scalar(select(func.count()).select_from(BuyingRequestMatch)) == 2
    late = supplier("new-creamery", "New Creamery", "Farmhouse cheddar made this year.")
    item = db.session.get(BuyingRequest, item.id)
    item.next_match_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = runner.invoke(args=["alerts", "send"])
    assert "suppliers newly offered requests: 1" in result.output, result.output
    match = db.session.scalar(
        select(BuyingRequestMatch).where(BuyingRequestMatch.company_id == late.id)
    )
    assert match is not None and match.late
    mailbox.wait_for("owner-new-creamery@supplier.example")


# --- responses, reply, closing ---------------------------------------------------------------


@pytest.fixture
def offered(db, buyer, suppliers):
    item = BuyingRequestFactory(buyer=buyer)
    db.session.flush()
    for key in ("cheddar", "stilton"):
        db.session.add(BuyingRequestMatch(request_id=item.id, company_id=suppliers[key].id))
    db.session.commit()
    return item


def test_supplier_answers_buyer_reads_and_replies_opening_an_enquiry(
    app, client, db, mailbox, buyer, suppliers, offered
):
    owner = app.test_client()
    sign_in(owner, "owner-cheddar-gorge@supplier.example")
    listing = owner.get("/profile/buying-requests").get_data(as_text=True)
    assert "Farmhouse cheddar for delicatessens" in listing
    page = owner.get(f"/profile/buying-requests/{offered.id}").get_data(as_text=True)
    assert "mei@importer.example" not in page and "Mei Tanaka" not in page

    response = owner.post_form(f"/profile/buying-requests/{offered.id}", {"message": ""})
    assert response.status_code == 400
    assert "Enter your answer to the buyer" in response.get_data(as_text=True)
    response = owner.post_form(
        f"/profile/buying-requests/{offered.id}", {"message": "z" * 2001, "price": "£14"}
    )
    assert response.status_code == 400
    assert "Your answer must be 2,000 characters or fewer" in response.get_data(as_text=True)
    assert "£14" in response.get_data(as_text=True)  # what was typed stays
    response = owner.post_form(
        f"/profile/buying-requests/{offered.id}",
        {"message": "We can supply 400 kg.", "price": "£14 a kg", "lead_time": "2 weeks"},
    )
    assert response.status_code == 302
    [mail] = mailbox.wait_for("mei@importer.example")
    assert "We can supply 400 kg." in mailbox.body(mail)
    # Editable until the buyer reads it; still one response per company.
    owner.post_form(f"/profile/buying-requests/{offered.id}", {"message": "We can supply 500 kg."})
    assert db.session.scalar(select(func.count()).select_from(BuyingRequestResponse)) == 1

    sign_in(client, buyer)
    page = client.get(f"/account/buying-requests/{offered.id}").get_data(as_text=True)
    assert "We can supply 500 kg." in page
    response_row = db.session.scalar(select(BuyingRequestResponse))
    assert response_row.read_at is not None
    page = owner.get(f"/profile/buying-requests/{offered.id}").get_data(as_text=True)
    assert "can no longer be changed" in page
    assert (
        owner.post_form(f"/profile/buying-requests/{offered.id}", {"message": "Changed"})
    ).status_code == 409

    mailbox.clear()
    url = f"/account/buying-requests/{offered.id}/responses/{response_row.id}/reply"
    response = client.post_form(url, {f"r{response_row.id}-message": ""})
    assert response.status_code == 400
    assert "Enter your reply" in response.get_data(as_text=True)
    response = client.post_form(url, {f"r{response_row.id}-message": "Please send a sample."})
    assert response.status_code == 302
    enquiry = db.session.scalar(select(Enquiry))
    assert enquiry.company_id == suppliers["cheddar"].id
    assert enquiry.email == "mei@importer.example"
    assert enquiry.message == "Please send a sample."
    [mail] = mailbox.wait_for(suppliers["cheddar"].email)
    assert mail["Reply-To"] == "mei@importer.example"
    inbox = owner.get("/profile/enquiries").get_data(as_text=True)
    assert "Re: Farmhouse cheddar for delicatessens" in inbox
    assert client.post_form(url, {f"r{response_row.id}-message": "Again"}).status_code == 400


def test_daily_digest_sends_one_mail_for_several_responses(
    app, db, runner, mailbox, buyer, suppliers, offered
):
    offered.response_notice = ResponseNotice.DAILY
    db.session.commit()
    for key in ("cheddar", "stilton"):
        owner = db.session.scalar(
            select(CompanyMember).where(CompanyMember.company_id == suppliers[key].id)
        )
        services.save_response(
            offered, suppliers[key], owner.user, services.ResponseDetails(message=f"From {key}")
        )
    db.session.commit()
    assert mailbox.to("mei@importer.example") == []
    offered.next_digest_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = runner.invoke(args=["alerts", "send"])
    assert "response digests: 1" in result.output
    [mail] = mailbox.wait_for("mei@importer.example")
    assert "From cheddar" in mailbox.body(mail) and "From stilton" in mailbox.body(mail)
    result = runner.invoke(args=["alerts", "send"])
    assert "response digests: 0" in result.output


def test_tenth_response_closes_the_request(app, db, buyer):
    item = BuyingRequestFactory(buyer=buyer)
    db.session.flush()
    companies = []
    for n in range(11):
        company = make_company(name=f"Dairy {n}", slug=f"dairy-{n}", index=False)
        owner = UserFactory()
        db.session.flush()
        company.members.append(CompanyMember(user_id=owner.id, role=MemberRole.OWNER))
        db.session.add(BuyingRequestMatch(request_id=item.id, company_id=company.id))
        companies.append((company, owner))
    db.session.commit()
    for company, owner in companies[:10]:
        services.save_response(item, company, owner, services.ResponseDetails(message="Yes"))
        db.session.commit()
    assert item.status is RequestStatus.CLOSED
    assert item.close_reason is CloseReason.RESPONSES
    company, owner = companies[10]
    with pytest.raises(PermissionDenied):
        services.save_response(item, company, owner, services.ResponseDetails(message="Me too"))


def test_buyer_closes_and_suppliers_lose_it_but_buyer_keeps_history(
    app, client, db, buyer, suppliers, offered
):
    BuyingRequestResponseFactory(request=offered, company=suppliers["cheddar"])
    db.session.commit()
    sign_in(client, buyer)
    assert client.post_form(f"/account/buying-requests/{offered.id}/close").status_code == 302
    owner = app.test_client()
    sign_in(owner, "owner-stilton-vale@supplier.example")
    assert "Farmhouse cheddar" not in owner.get("/profile/buying-requests").get_data(as_text=True)
    assert owner.get(f"/profile/buying-requests/{offered.id}").status_code == 404
    page = client.get(f"/account/buying-requests/{offered.id}").get_data(as_text=True)
    assert "Closed by you" in page and "We make 2 kg truckles" in page
    assert "Closed by you" in client.get("/account/buying-requests").get_data(as_text=True)


def test_deadline_closes_the_request(app, db, runner, buyer, suppliers, offered):
    offered.deadline = uk_today() - timedelta(days=1)
    db.session.commit()
    owner = app.test_client()
    sign_in(owner, "owner-cheddar-gorge@supplier.example")
    assert owner.get(f"/profile/buying-requests/{offered.id}").status_code == 404
    result = runner.invoke(args=["alerts", "send"])
    assert "requests closed at deadline: 1" in result.output
    db.session.expire_all()
    item = db.session.get(BuyingRequest, offered.id)
    assert item.status is RequestStatus.CLOSED and item.close_reason is CloseReason.DEADLINE


def test_company_opts_out_in_profile_settings(app, db, suppliers):
    owner = app.test_client()
    sign_in(owner, "owner-cheddar-gorge@supplier.example")
    assert owner.get("/profile/buying-requests/settings").status_code == 200
    response = owner.post_form("/profile/buying-requests/settings", {})
    assert response.status_code == 302
    db.session.expire_all()
    assert suppliers["cheddar"].accepts_buying_requests is False
