"""Dated Companies House evidence (#14): the status and the day it was checked on the profile
and in the API, and `flask suppliers recheck` / the worker's job, which unpublish companies
Companies House lists as closed and back off when Companies House fails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from supplier_profiles import recheck
from supplier_profiles.models import (
    AuditAction,
    Company,
    CompanyAuditEntry,
    CompanyMember,
    MemberRole,
)
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.supplier_profiles.buyer_fixtures import make_company
from tradehub.db_types import utcnow
from tradehub.mail import OutboxEmail
from tradehub.worker import registered_jobs

CHECKED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _owned(db, **fields):
    company = make_company(**fields)
    owner = UserFactory(email=f"owner-{company.slug}@example.com")
    db.session.flush()
    db.session.add(CompanyMember(company_id=company.id, user_id=owner.id, role=MemberRole.OWNER))
    db.session.commit()
    return company


def _search_names(client, words: str) -> list[str]:
    body = client.get(f"/api/v2/suppliers?q={words}").get_json()
    return [hit["name"] for hit in body["data"]]


def test_the_profile_and_the_api_say_what_companies_house_said_and_when(client, db):
    make_company(
        name="Checked Status Ltd",
        slug="checked-status",
        companies_house_status="active",
        companies_house_checked_at=CHECKED,
    )
    make_company(
        name="Wound Up Ltd",
        slug="wound-up",
        companies_house_status="liquidation",
        companies_house_checked_at=CHECKED,
    )
    make_company(name="Never Checked Ltd", slug="never-checked")
    html = client.get("/suppliers/checked-status").get_data(as_text=True)
    assert "Companies House: active, checked 1 December 2026" in html
    assert "Companies House: in liquidation, checked 1 December 2026" in client.get(
        "/suppliers/wound-up"
    ).get_data(as_text=True)
    assert "Companies House:" not in client.get("/suppliers/never-checked").get_data(as_text=True)
    french = client.get("/suppliers/checked-status?lang=fr").get_data(as_text=True)
    assert "Companies House : en activité, vérifié le 1 décembre 2026" in french  # French date
    for version in ("v1", "v2"):
        body = client.get(f"/api/{version}/suppliers/checked-status").get_json()
        assert body["companies_house"] == {"status": "active", "checked_on": "2026-12-01"}
    assert client.get("/api/v2/suppliers/never-checked").get_json()["companies_house"] is None


def test_recheck_takes_the_oldest_checked_first_in_a_bounded_batch(app, db, companies_house):
    old = make_company(name="Oldest Check Ltd", companies_house_checked_at=CHECKED)
    never = make_company(name="Never Checked Ltd")
    recent = make_company(
        name="Recent Check Ltd", companies_house_checked_at=CHECKED + timedelta(days=1)
    )
    not_due = make_company(
        name="Not Due Ltd",
        companies_house_checked_at=utcnow(),
        companies_house_next_check_at=utcnow() + timedelta(days=20),
    )
    for company in (old, never, recent, not_due):
        companies_house.add(company.number, company.name.upper())

    result = app.test_cli_runner().invoke(args=["suppliers", "recheck", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "Companies House: 2; unpublished as closed: 0" in result.output
    asked = [r["path"].rsplit("/", 1)[-1] for r in companies_house.requests]
    assert asked == [never.number, old.number]  # never checked, then the oldest
    db.session.expire_all()
    assert never.companies_house_status == "active" and old.companies_house_checked_at > CHECKED
    assert recent.companies_house_checked_at == CHECKED + timedelta(days=1)  # next batch
    assert recent.companies_house_status is None

    app.test_cli_runner().invoke(args=["suppliers", "recheck"])
    assert companies_house.calls(recent.number) == 1
    assert companies_house.calls(not_due.number) == 0  # its next check is not due


def test_a_dissolved_company_is_unpublished_removed_from_search_and_its_owner_told(
    app, client, db, companies_house, signed_in
):
    company = _owned(db, name="Gone Quarry Ltd", keywords=["granite"])
    companies_house.add(company.number, "GONE QUARRY LIMITED", status="dissolved")
    assert _search_names(client, "granite") == ["Gone Quarry Ltd"]

    result = app.test_cli_runner().invoke(args=["suppliers", "recheck"])
    assert "unpublished as closed: 1" in result.output, result.output
    signed_in("staff")
    staff_page = client.get(f"/staff/suppliers/{company.id}").get_data(as_text=True)
    assert "dissolved, checked" in staff_page

    db.session.expire_all()
    assert not company.published and company.companies_house_status == "dissolved"
    assert client.get(f"/suppliers/{company.slug}").status_code == 404
    assert _search_names(client, "granite") == []
    entry = db.session.scalar(
        select(CompanyAuditEntry).where(
            CompanyAuditEntry.company_id == company.id,
            CompanyAuditEntry.action == AuditAction.UNPUBLISHED,
        )
    )
    assert entry.actor_id is None and "as dissolved" in entry.reason
    mail = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_address.like("owner-%")))
    assert mail.to_address == f"owner-{company.slug}@example.com"
    assert "Gone Quarry Ltd" in mail.body_text and "as dissolved" in mail.body_text
    assert "support@tradehub.test" in mail.body_text


def test_companies_house_errors_back_off_and_never_unpublish(
    app, client, db, companies_house, signed_in
):
    company = _owned(db, name="Flaky Answer Ltd")
    companies_house.add(company.number, "FLAKY ANSWER LIMITED", status="dissolved")
    companies_house.fail[company.number] = [503, 503, 503]  # every retry of one check

    result = app.test_cli_runner().invoke(args=["suppliers", "recheck"])
    assert "will retry later): 1" in result.output, result.output
    db.session.expire_all()
    assert company.published and company.companies_house_status is None
    assert company.companies_house_failures == 1
    wait = company.companies_house_next_check_at - utcnow()
    assert timedelta(minutes=55) < wait <= timedelta(hours=1)
    # Not due again at once: a second run does not ask.
    app.test_cli_runner().invoke(args=["suppliers", "recheck"])
    assert companies_house.calls(company.number) == 3
    # Staff see the failure and when the next check is due.
    signed_in("staff")
    html = client.get(f"/staff/suppliers/{company.id}").get_data(as_text=True)
    assert "Not checked yet" in html and "The last 1 check(s) failed" in html
    assert "Next check from" in html
    assert recheck.backoff(2) == timedelta(hours=2) and recheck.backoff(9) == timedelta(days=1)


def test_the_worker_runs_the_recheck_and_a_closed_company_cannot_be_published_again(
    app, client, db, companies_house
):
    company = _owned(db, name="Struck Off Ltd")
    company_id, owner_email = company.id, company.owner.user.email
    companies_house.add(company.number, "STRUCK OFF LIMITED", status="removed")
    assert "companies-house-recheck" in {job.name for job in registered_jobs(app)}
    result = app.test_cli_runner().invoke(
        args=["worker", "--until-idle", "--job", "companies-house-recheck"]
    )
    assert result.exit_code == 0, result.output
    # The worker ends its session after each job: read the company afresh.
    assert not db.session.get(Company, company_id).published

    sign_in(client, owner_email)
    checklist = client.get("/profile/publish").get_data(as_text=True)
    assert "as removed from the register, so its profile cannot be published" in checklist
    page = client.post_form("/profile/publish", {})
    assert "as removed from the register, so its profile cannot be published" in page.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert not db.session.get(Company, company_id).published
