"""The application pages, driven through HTTP: the exporter's wizard and dashboard, the staff
queue, the partner's screen, and who may see what."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from marketplaces.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationNote,
    ApplicationStatus,
)
from supplier_profiles.permissions import company_for_user
from tests.conftest import sign_in
from tests.factories import (
    ApplicantCompanyFactory,
    ApplicationFactory,
    MarketplaceFactory,
    PartnerAccountFactory,
    UserFactory,
)
from tradehub.accounts.models import Role
from tradehub.db_types import utcnow

S = ApplicationStatus

STEP_1 = {
    "contact_name": "Morwenna Trevithick",
    "contact_job_title": "Director",
    "contact_email": "morwenna@knitwear.example",
    "contact_phone": "01632 960 001",
}
STEP_2 = {
    "business_name": "Harbour Knitwear Ltd",
    "company_type": "COMPANIES_HOUSE",
    "company_number": "09876543",
    "website": "https://knitwear.example",
    "employees": "11-50",
    "turnover": "500k_1m",
    "postcode": "tr18 4aa",
}
STEP_3 = {
    "product_categories": ["Clothing and accessories"],
    "product_description": "Hand-finished wool jumpers.",
    "sku_count": "120",
    "has_trademarks": "yes",
    "trademarks": "HARBOUR (UK00003123456)",
}
STEP_4 = {
    "export_experience": "offline",
    "marketplaces_used": "",
    "pitch": "Our jumpers sell well to visitors from France and Germany.",
}


def hidden(page: str, name: str) -> str:
    """The value of the hidden input called `name` in the page."""
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert tag, f"no input {name!r} on the page"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def post_page_form(client, page_url: str, action_url: str, data: dict, prefix: str = ""):
    """Load the page, then post its form with the one-time token and version it carried."""
    page = client.get(page_url).get_data(as_text=True)
    fields = {f"{prefix}token": hidden(page, f"{prefix}token")}
    if f'name="{prefix}version"' in page:
        fields[f"{prefix}version"] = hidden(page, f"{prefix}version")
    fields.update(data)
    return client.post_form(action_url, fields)


@pytest.fixture
def market(db):
    marketplace = MarketplaceFactory(name="Fjord Market", slug="fjord-market")
    db.session.commit()
    return marketplace


@pytest.fixture
def staff(make_user):
    return make_user(role=Role.STAFF, full_name="Sam Staff", email="sam.staff@tradehub.test")


def apply_through_wizard(client, market) -> Application:
    """Walk steps 1-4 as an exporter; returns the draft."""
    start = f"/selling-online-overseas/{market.slug}/apply"
    response = post_page_form(client, start, start, STEP_1)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"].endswith("/your-business")
    base = response.headers["Location"].rsplit("/", 1)[0]
    for slug, data in (
        ("your-business", STEP_2),
        ("your-products", STEP_3),
        ("your-experience", STEP_4),
    ):
        response = post_page_form(client, f"{base}/{slug}", f"{base}/{slug}", data)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"].endswith("/check-your-answers")
    application_id = int(base.rsplit("/", 1)[1])
    from tradehub.extensions import db

    return db.session.get(Application, application_id)


def test_exporter_without_a_company_applies_and_everyone_is_emailed(
    client, signed_in, market, staff, mailbox, db
):
    exporter = signed_in("exporter", full_name="Morwenna Trevithick")
    page = client.get(f"/selling-online-overseas/{market.slug}/apply").get_data(as_text=True)
    assert "Your details" in page and 'value="Morwenna Trevithick"' in page
    assert exporter.email in page  # prefilled from the account

    application = apply_through_wizard(client, market)
    # Step 2 created the company profile, so the application belongs to a company.
    company = company_for_user(exporter)
    assert company is not None and company.name == "Harbour Knitwear Ltd"
    assert application.company_id == company.id
    assert application.postcode == "TR18 4AA"

    check = f"/account/applications/{application.id}/check-your-answers"
    page = client.get(check).get_data(as_text=True)
    for answer in (
        "Harbour Knitwear Ltd",
        "£500,000 to £999,999",
        "HARBOUR (UK00003123456)",
        "Our jumpers sell well",
    ):
        assert answer in page
    response = post_page_form(client, check, f"/account/applications/{application.id}/submit", {})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/submitted")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert application.reference in page

    db.session.refresh(application)
    assert application.status == S.SUBMITTED
    confirmation = mailbox.wait_for(exporter.email)[0]
    assert application.reference in mailbox.body(confirmation)
    assert any(
        f"/account/applications/{application.id}" in link for link in mailbox.links(confirmation)
    )
    assert "waiting for review" in mailbox.body(mailbox.wait_for(staff.email)[0])

    dashboard = client.get("/account/applications").get_data(as_text=True)
    assert "Fjord Market" in dashboard and "Submitted" in dashboard


def test_each_step_validates_and_keeps_what_was_typed(client, signed_in, market):
    signed_in("exporter")
    start = f"/selling-online-overseas/{market.slug}/apply"
    response = post_page_form(client, start, start, {**STEP_1, "contact_email": "not-an-email"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in page
    assert "govuk-error-summary" in page
    assert 'value="not-an-email"' in page and 'value="Morwenna Trevithick"' in page

    response = post_page_form(client, start, start, STEP_1)
    base = response.headers["Location"].rsplit("/", 1)[0]
    post_page_form(client, f"{base}/your-business", f"{base}/your-business", STEP_2)
    response = post_page_form(
        client,
        f"{base}/your-products",
        f"{base}/your-products",
        {**STEP_3, "trademarks": "", "sku_count": "0"},
    )
    page = response.get_data(as_text=True)
    assert "List your trademarks and where they are registered" in page
    assert "Enter a whole number between 1 and 1,000,000, like 120" in page
    assert "Hand-finished wool jumpers." in page  # kept


@pytest.mark.parametrize(
    ("typed", "saved", "error"),
    [
        ("9876543", "09876543", None),  # the registry zero-pads all-digit numbers
        (" sc 123456 ", "SC123456", None),
        ("12-34567", None, "Enter a Companies House number of 8 characters"),
        ("ABCDEFGH", None, "Enter a Companies House number of 8 characters"),
    ],
)
def test_companies_house_numbers_follow_the_registrys_rule(
    client, signed_in, market, db, typed, saved, error
):
    signed_in("exporter")
    start = f"/selling-online-overseas/{market.slug}/apply"
    base = post_page_form(client, start, start, STEP_1).headers["Location"].rsplit("/", 1)[0]
    response = post_page_form(
        client,
        f"{base}/your-business",
        f"{base}/your-business",
        {**STEP_2, "company_number": typed},
    )
    application = db.session.get(Application, int(base.rsplit("/", 1)[1]))
    if error is None:
        assert response.status_code == 302
        assert application.company_number == saved
    else:
        assert error in response.get_data(as_text=True)
        assert application.company_number == ""


def test_a_companies_house_number_already_on_tradehub_is_explained(client, signed_in, market, db):
    ApplicantCompanyFactory(number="09876543")
    db.session.commit()
    signed_in("exporter")
    start = f"/selling-online-overseas/{market.slug}/apply"
    base = post_page_form(client, start, start, STEP_1).headers["Location"].rsplit("/", 1)[0]
    response = post_page_form(client, f"{base}/your-business", f"{base}/your-business", STEP_2)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Company 09876543 already has a profile on TradeHub" in page
    assert "Ask the person who manages it to add you" in page
    assert 'value="Harbour Knitwear Ltd"' in page  # what was typed is kept
    assert db.session.get(Application, int(base.rsplit("/", 1)[1])).company_id is None


def test_drafts_resume_from_the_dashboard_and_back_links_work(client, signed_in, market):
    signed_in("exporter")
    start = f"/selling-online-overseas/{market.slug}/apply"
    response = post_page_form(client, start, start, STEP_1)
    base = response.headers["Location"].rsplit("/", 1)[0]
    post_page_form(client, f"{base}/your-business", f"{base}/your-business", STEP_2)

    dashboard = client.get("/account/applications").get_data(as_text=True)
    assert "Draft" in dashboard
    view = client.get(base).get_data(as_text=True)
    assert f'href="{base}/your-products"' in view and "Continue your application" in view
    # A later step cannot be skipped to; the back link on step 3 goes to step 2.
    assert client.get(f"{base}/your-experience").headers["Location"].endswith("/your-products")
    step3 = client.get(f"{base}/your-products").get_data(as_text=True)
    assert f'href="{base}/your-business"' in step3
    # Step 2 shows what was saved.
    assert 'value="Harbour Knitwear Ltd"' in client.get(f"{base}/your-business").get_data(
        as_text=True
    )
    # Starting again resumes the draft instead of making a second one.
    page = client.get(start).get_data(as_text=True)
    assert "You already have an application to Fjord Market" in page
    assert f'href="{base}"' in page


def test_business_step_is_prefilled_from_the_company_profile(client, make_user, market, db):
    company = ApplicantCompanyFactory(name="Tinners Rest Ltd", postal_code="TR1 1AA")
    db.session.commit()
    sign_in(client, company.members[0].user)
    start = f"/selling-online-overseas/{market.slug}/apply"
    response = post_page_form(client, start, start, STEP_1)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="Tinners Rest Ltd"' in page and 'value="TR1 1AA"' in page
    assert "filled in these answers from your company profile" in page


def test_submitting_twice_makes_one_submission(client, market, staff, mailbox, db):
    application = ApplicationFactory(marketplace=market)
    db.session.commit()
    sign_in(client, application.applicant)
    check = f"/account/applications/{application.id}/check-your-answers"
    page = client.get(check).get_data(as_text=True)
    form = {"token": hidden(page, "token"), "version": hidden(page, "version")}
    first = client.post_form(f"/account/applications/{application.id}/submit", form)
    second = client.post_form(f"/account/applications/{application.id}/submit", form)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"].endswith("/submitted")
    submits = db.session.scalar(
        select(func.count())
        .select_from(ApplicationEvent)
        .where(ApplicationEvent.application_id == application.id, ApplicationEvent.move == "submit")
    )
    assert submits == 1
    mailbox.wait_for(application.applicant.email)
    assert len(mailbox.to(application.applicant.email)) == 1


def test_a_resent_first_step_makes_one_draft(client, signed_in, market, db):
    signed_in("exporter")
    start = f"/selling-online-overseas/{market.slug}/apply"
    token = hidden(client.get(start).get_data(as_text=True), "token")
    first = client.post_form(start, {**STEP_1, "token": token})
    second = client.post_form(start, {**STEP_1, "token": token})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1


def test_a_second_application_says_where_the_open_one_is(client, market, db):
    open_one = ApplicationFactory(marketplace=market, status=S.UNDER_REVIEW)
    db.session.commit()
    sign_in(client, open_one.applicant)
    start = f"/selling-online-overseas/{market.slug}/apply"
    page = client.get(start).get_data(as_text=True)
    assert open_one.reference in page and "Under review" in page
    assert f'href="/account/applications/{open_one.id}"' in page
    # Even a hand-made POST cannot open a second one.
    response = client.post_form(start, {**STEP_1, "token": "another-form"})
    assert response.status_code == 409
    assert open_one.reference in response.get_data(as_text=True)


def test_the_database_allows_one_open_application_per_company_and_marketplace(market, db):
    first = ApplicationFactory(marketplace=market, status=S.SUBMITTED)
    db.session.commit()
    with pytest.raises(IntegrityError):
        ApplicationFactory(marketplace=market, company=first.company, status=S.DRAFT)
    db.session.rollback()
    # Once it is closed, the company may apply again.
    first.status = S.DECLINED
    db.session.commit()
    again = ApplicationFactory(marketplace=market, company=first.company, status=S.DRAFT)
    db.session.commit()
    assert again.id != first.id


def test_the_database_refuses_unknown_states_and_companyless_submissions(market, db):
    application = ApplicationFactory(marketplace=market)
    db.session.commit()
    # Raw SQL, as another program (or a bug bypassing the model) would write it.
    for statement in (
        "UPDATE marketplace_applications SET status = 'approved' WHERE id = :id",
        "UPDATE marketplace_applications SET status = 'submitted', company_id = NULL "
        "WHERE id = :id",
    ):
        with pytest.raises(IntegrityError):
            db.session.execute(text(statement), {"id": application.id})
        db.session.rollback()


def test_an_exporter_cannot_see_another_companys_application(client, market, db, signed_in):
    theirs = ApplicationFactory(marketplace=market, status=S.INFO_REQUESTED)
    draft = ApplicationFactory(status=S.DRAFT)
    db.session.commit()
    signed_in("exporter")
    for application in (theirs, draft):
        base = f"/account/applications/{application.id}"
        for url in (
            base,
            f"{base}/your-details",
            f"{base}/check-your-answers",
            f"{base}/withdraw",
            f"{base}/submitted",
        ):
            assert client.get(url).status_code == 404, url
        assert (
            client.post_form(
                f"{base}/answer", {"message": "x", "token": "t", "version": "1"}
            ).status_code
            == 404
        )
        assert client.post_form(f"{base}/submit", {"token": "t", "version": "1"}).status_code == 404
    assert theirs.business_name not in client.get("/account/applications").get_data(as_text=True)


def test_a_colleague_in_the_same_company_sees_the_application(client, market, db):
    from supplier_profiles.models import CompanyMember, MemberRole

    application = ApplicationFactory(marketplace=market, status=S.SUBMITTED)
    colleague = UserFactory(role=Role.EXPORTER)
    db.session.add(
        CompanyMember(
            company_id=application.company_id, user_id=colleague.id, role=MemberRole.EDITOR
        )
    )
    db.session.commit()
    sign_in(client, colleague)
    assert client.get(f"/account/applications/{application.id}").status_code == 200


def test_partner_sees_only_referrals_to_their_own_marketplace(app, client, market, db, mailbox):
    other_market = MarketplaceFactory(name="Elsewhere Bazaar")
    partner = PartnerAccountFactory(marketplace=market).user
    ours = ApplicationFactory(marketplace=market, status=S.REFERRED, business_name="Ours Ltd")
    not_referred = ApplicationFactory(marketplace=market, status=S.UNDER_REVIEW)
    theirs = ApplicationFactory(
        marketplace=other_market, status=S.REFERRED, business_name="Theirs Ltd"
    )
    db.session.commit()
    sign_in(client, partner)

    queue = client.get("/partner/applications/").get_data(as_text=True)
    assert "Ours Ltd" in queue and "Theirs Ltd" not in queue
    assert client.get(f"/partner/applications/{theirs.id}").status_code == 404
    assert client.get(f"/partner/applications/{not_referred.id}").status_code == 404
    refused = client.post_form(
        f"/partner/applications/{theirs.id}/move/partner_accept",
        {"partner_accept-token": "t", "partner_accept-version": "1"},
    )
    assert refused.status_code == 404
    db.session.refresh(theirs)
    assert theirs.status == S.REFERRED

    url = f"/partner/applications/{ours.id}"
    response = post_page_form(
        client,
        url,
        f"{url}/move/partner_decline",
        {"partner_decline-message": ""},
        prefix="partner_decline-",
    )
    assert response.status_code == 400
    assert "Enter the reason" in response.get_data(as_text=True)
    response = post_page_form(
        client,
        url,
        f"{url}/move/partner_accept",
        {"partner_accept-message": "We will call you this week."},
        prefix="partner_accept-",
    )
    assert response.status_code == 302
    db.session.refresh(ours)
    assert ours.status == S.ACCEPTED
    accepted = mailbox.wait_for(ours.applicant.email)[0]
    assert "We will call you this week." in mailbox.body(accepted)


def test_partner_area_is_for_partners_only(client, signed_in, make_user):
    signed_in("exporter")
    assert client.get("/partner/applications/").status_code == 403
    partner_client = client.application.test_client()
    sign_in(partner_client, make_user(role=Role.PARTNER))
    page = partner_client.get("/partner/applications/").get_data(as_text=True)
    assert "not linked to a marketplace" in page


def test_staff_area_is_guarded(client, signed_in):
    assert client.get("/staff/applications/").status_code == 302  # to sign in
    signed_in("partner")
    assert client.get("/staff/applications/").status_code == 403
    assert client.get("/staff/applications/export.csv").status_code == 403


def test_staff_queue_filters_and_flags_overdue(client, signed_in, market, db):
    me = signed_in("staff")
    other_market = MarketplaceFactory(name="Elsewhere Bazaar")
    late = ApplicationFactory(
        marketplace=market,
        status=S.SUBMITTED,
        business_name="Late Ltd",
        response_due_at=utcnow() - timedelta(hours=1),
    )
    mine = ApplicationFactory(
        marketplace=other_market,
        status=S.UNDER_REVIEW,
        business_name="Mine Ltd",
        assigned_to_id=me.id,
    )
    ApplicationFactory(marketplace=market, business_name="Draft Ltd")  # never shown to staff
    db.session.commit()

    page = client.get("/staff/applications/").get_data(as_text=True)
    assert "Late Ltd" in page and "Mine Ltd" in page and "Draft Ltd" not in page
    assert "Overdue" in page
    only = {
        "?overdue=y": "Late Ltd",
        "?assigned=me": "Mine Ltd",
        f"?marketplace={other_market.id}": "Mine Ltd",
        "?status=submitted": "Late Ltd",
    }
    for query, name in only.items():
        page = client.get(f"/staff/applications/{query}").get_data(as_text=True)
        other = ({"Late Ltd", "Mine Ltd"} - {name}).pop()
        assert name in page and other not in page, query
    detail = client.get(f"/staff/applications/{late.id}").get_data(as_text=True)
    assert 'id="overdue"' in detail
    assert client.get(f"/staff/applications/{mine.id}").status_code == 200


def test_staff_assign_and_notes_stay_internal(app, client, signed_in, market, db, make_user):
    staff = signed_in("staff")
    colleague = make_user(role=Role.STAFF, full_name="Colleague Staff")
    partner = PartnerAccountFactory(marketplace=market).user
    application = ApplicationFactory(marketplace=market, status=S.REFERRED)
    db.session.commit()
    url = f"/staff/applications/{application.id}"
    assert client.post_form(f"{url}/assign-to-me").status_code == 302
    db.session.refresh(application)
    assert application.assigned_to_id == staff.id
    assert client.post_form(f"{url}/assign", {"assignee": str(colleague.id)}).status_code == 302
    db.session.refresh(application)
    assert application.assigned_to_id == colleague.id
    response = client.post_form(f"{url}/notes", {"body": "Owner sounded unsure on the phone."})
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Owner sounded unsure on the phone." in page
    assert "Assigned to Colleague Staff" in page  # the audit trail records assignment
    # Staff read about the applicant, not in the applicant's own voice.
    assert "Contact details" in page and "The business" in page
    assert "Your details" not in page and "Your business" not in page
    assert db.session.scalar(select(func.count()).select_from(ApplicationNote)) == 1

    exporter_client = app.test_client()
    sign_in(exporter_client, application.applicant)
    page = exporter_client.get(f"/account/applications/{application.id}").get_data(as_text=True)
    assert "Owner sounded unsure" not in page and "Colleague Staff" not in page
    partner_client = app.test_client()
    sign_in(partner_client, partner)
    page = partner_client.get(f"/partner/applications/{application.id}").get_data(as_text=True)
    assert "Owner sounded unsure" not in page


def test_csv_export_neutralises_formulas(client, signed_in, market, db):
    signed_in("staff")
    ApplicationFactory(
        marketplace=market,
        status=S.SUBMITTED,
        business_name='=HYPERLINK("http://evil.example","x")',
        contact_name="+cmd|' /C calc'!A0",
        contact_phone="-1+1",
        contact_email="@SUM(1+1)@example.com",
    )
    db.session.commit()
    response = client.get("/staff/applications/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # charset said once
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1
    row = rows[0]
    assert row["Business"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["Contact name"].startswith("'+")
    assert row["Contact phone"] == "'-1+1"
    assert row["Contact email"].startswith("'@")
    assert row["Marketplace"] == "Fjord Market" and row["Status"] == "Submitted"


def test_two_staff_moving_at_once_the_second_gets_a_clear_conflict(app, market, db, make_user):
    first, second = (
        make_user(role=Role.STAFF, full_name="First Staff"),
        make_user(role=Role.STAFF, full_name="Second Staff"),
    )
    application = ApplicationFactory(marketplace=market, status=S.UNDER_REVIEW)
    db.session.commit()
    url = f"/staff/applications/{application.id}"
    clients = []
    for user in (first, second):
        c = app.test_client()
        sign_in(c, user)
        clients.append((c, c.get(url).get_data(as_text=True)))  # both see version 1

    (a, page_a), (b, page_b) = clients
    refer = a.post_form(
        f"{url}/move/refer",
        {
            "refer-token": hidden(page_a, "refer-token"),
            "refer-version": hidden(page_a, "refer-version"),
        },
    )
    assert refer.status_code == 302
    late = b.post_form(
        f"{url}/move/request_information",
        {
            "request_information-token": hidden(page_b, "request_information-token"),
            "request_information-version": hidden(page_b, "request_information-version"),
            "request_information-message": "Which countries do you ship to?",
        },
    )
    assert late.status_code == 409
    page = late.get_data(as_text=True)
    assert "Someone else changed this application first" in page
    assert "Referred to the marketplace" in page and "First Staff" in page

    db.session.expire_all()
    events = db.session.scalars(
        select(ApplicationEvent).where(ApplicationEvent.application_id == application.id)
    ).all()
    assert [(e.move, e.from_status, e.to_status, e.actor_id) for e in events] == [
        ("refer", S.UNDER_REVIEW, S.REFERRED, first.id)
    ]
    assert db.session.get(Application, application.id).status == S.REFERRED


def test_exporter_answers_a_question_from_the_email_link(
    app, client, market, db, mailbox, make_user
):
    staff = make_user(role=Role.STAFF)
    application = ApplicationFactory(
        marketplace=market, status=S.UNDER_REVIEW, assigned_to_id=staff.id
    )
    db.session.commit()
    staff_client = app.test_client()
    sign_in(staff_client, staff)
    url = f"/staff/applications/{application.id}"
    response = post_page_form(
        staff_client,
        url,
        f"{url}/move/request_information",
        {"request_information-message": "Do you ship to Norway?"},
        prefix="request_information-",
    )
    assert response.status_code == 302
    email = mailbox.wait_for(application.applicant.email)[0]
    assert "Do you ship to Norway?" in mailbox.body(email)
    link = next(link for link in mailbox.links(email) if "/account/applications/" in link)
    path = "/" + link.split("/", 3)[3]

    sign_in(client, application.applicant)
    page = client.get(path).get_data(as_text=True)
    assert "Do you ship to Norway?" in page and "Information requested" in page
    response = post_page_form(
        client, path, f"{path}/answer", {"message": "Yes, with Posten in 3 days."}
    )
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status == S.SUBMITTED and application.response_due_at is not None
    answer = mailbox.wait_for(staff.email)[0]  # the assigned reviewer hears
    assert "Yes, with Posten in 3 days." in mailbox.body(answer)
    timeline = client.get(path).get_data(as_text=True)
    assert "Do you ship to Norway?" in timeline and "Yes, with Posten in 3 days." in timeline
    # The dashboard carries each application's history, questions and answers too.
    dashboard = client.get("/account/applications").get_data(as_text=True)
    assert "Do you ship to Norway?" in dashboard and "Yes, with Posten in 3 days." in dashboard
    assert "Information requested" in dashboard and "Applicant answered the question" in dashboard


def test_exporter_withdraws_and_can_apply_again(client, market, db, mailbox):
    application = ApplicationFactory(marketplace=market, status=S.SUBMITTED)
    db.session.commit()
    sign_in(client, application.applicant)
    url = f"/account/applications/{application.id}/withdraw"
    response = post_page_form(client, url, url, {"message": "We chose another marketplace."})
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status == S.WITHDRAWN
    mailbox.wait_for(application.applicant.email)
    page = client.get(f"/selling-online-overseas/{market.slug}/apply").get_data(as_text=True)
    assert "Your details" in page  # a fresh application may start


def test_unconfirmed_exporters_and_buyers_cannot_apply(client, signed_in, market, make_user):
    signed_in("exporter", email_confirmed_at=None)
    response = client.get(f"/selling-online-overseas/{market.slug}/apply")
    assert response.status_code == 403
    assert "Confirm your email address" in response.get_data(as_text=True)
    buyer_client = client.application.test_client()
    sign_in(buyer_client, make_user(role=Role.BUYER))
    assert buyer_client.get(f"/selling-online-overseas/{market.slug}/apply").status_code == 403


def test_unpublished_marketplaces_take_no_applications(client, signed_in, db):
    from marketplaces.models import MarketplaceState

    hidden_market = MarketplaceFactory(state=MarketplaceState.DRAFT)
    db.session.commit()
    signed_in("exporter")
    assert client.get(f"/selling-online-overseas/{hidden_market.slug}/apply").status_code == 404


def test_account_page_links_to_the_applications(client, signed_in):
    signed_in("exporter")
    page = client.get("/account/").get_data(as_text=True)
    assert 'href="/account/applications"' in page


def test_cli_links_a_partner_and_lists_overdue(runner, market, db, make_user):
    partner = make_user(role=Role.PARTNER, email="partner@fjord.example")
    result = runner.invoke(args=["applications", "link-partner", partner.email, market.slug])
    assert result.exit_code == 0, result.output
    assert "now handles referrals to Fjord Market" in result.output
    from marketplaces.applications.models import PartnerAccount

    assert (
        db.session.scalar(
            select(PartnerAccount.marketplace_id).where(PartnerAccount.user_id == partner.id)
        )
        == market.id
    )
    result = runner.invoke(args=["applications", "link-partner", "nobody@x.example", market.slug])
    assert result.exit_code != 0 and "No user" in result.output

    late = ApplicationFactory(
        marketplace=market, status=S.SUBMITTED, response_due_at=utcnow() - timedelta(days=1)
    )
    db.session.commit()
    result = runner.invoke(args=["applications", "overdue"])
    assert late.reference in result.output and "1 overdue" in result.output


def test_staff_link_a_partner_user_to_a_marketplace(client, signed_in, market, db, make_user):
    partner = make_user(role=Role.PARTNER, email="team@fjord.example")
    exporter = make_user(role=Role.EXPORTER)
    signed_in("staff")
    page = client.get("/staff/applications/partners").get_data(as_text=True)
    assert "team@fjord.example" in page and "Not linked" in page
    assert exporter.email not in page  # only partner users can be linked
    response = client.post_form(
        "/staff/applications/partners", {"user": str(partner.id), "marketplace": str(market.id)}
    )
    assert response.status_code == 302
    page = client.get("/staff/applications/partners").get_data(as_text=True)
    assert "Fjord Market" in page and "Not linked" not in page
    response = client.post_form(
        "/staff/applications/partners", {"user": str(exporter.id), "marketplace": str(market.id)}
    )
    assert response.status_code == 200
    assert "Choose partner user from the list" in response.get_data(as_text=True)
