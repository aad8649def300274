"""The administration area: who may enter, users and their filters, invitations, roles,
deactivation (ending open sessions), the last-admin rule, links sent again, and the audit trail."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplaces.applications.models import PartnerAccount
from tests.conftest import PASSWORD, sign_in
from tests.factories import CompanyFactory, MarketplaceFactory, UserFactory
from tradehub.accounts.models import AccountAuditEntry, Role, User
from tradehub.db_types import utcnow


@pytest.fixture
def admin(db, client):
    """A signed-in administrator (with the authenticator app admins must have)."""
    user = UserFactory(role=Role.ADMIN, email="ada.admin@example.com")
    db.session.commit()
    sign_in(client, user)
    return user


def _audit(db, action: str) -> list[AccountAuditEntry]:
    db.session.expire_all()
    return db.session.scalars(
        select(AccountAuditEntry).where(AccountAuditEntry.action == action)
    ).all()


def _admin_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")]


def test_every_admin_route_is_for_admins_only(app, db):
    target = UserFactory(role=Role.EXPORTER)
    people = {role: UserFactory(role=role) for role in Role}
    db.session.commit()
    rules = _admin_rules(app)
    assert len(rules) >= 11
    clients = {}
    for role, person in people.items():
        clients[role] = app.test_client()
        sign_in(clients[role], person)
    anonymous = app.test_client()
    for rule in rules:
        url = rule.build({"user_id": target.id})[1]
        method = "GET" if "GET" in rule.methods else "POST"
        response = anonymous.open(url, method=method)
        if method == "GET":
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/account/sign-in?next=")
        else:
            assert response.status_code in (302, 400), url  # no session: sign-in or no CSRF
        for role, client in clients.items():
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post_form(url, {})
            if role == Role.ADMIN:
                assert response.status_code in (200, 302), (role, url, response.status_code)
                if method == "GET" and response.status_code == 302:
                    assert response.headers["Location"] == "/admin/users"
            else:
                assert response.status_code == 403, (role, url, response.status_code)


def test_user_list_searches_and_filters(client, db, admin):
    now = utcnow()
    UserFactory(email="recent.staff@example.com", role=Role.STAFF, last_login_at=now)
    UserFactory(
        email="old.buyer@example.com", role=Role.BUYER, last_login_at=now - timedelta(days=200)
    )
    UserFactory(email="new.exporter@example.com", email_confirmed_at=None)
    UserFactory(email="gone.exporter@example.com", active=False, deactivated_at=now)
    db.session.commit()

    def emails(query: str) -> set[str]:
        page = client.get(f"/admin/users?{query}").get_data(as_text=True)
        return set(re.findall(r">([a-z.]+@example\.com)</a>", page))

    assert emails("email=STAFF") == {"recent.staff@example.com"}
    assert emails("role=buyer") == {"old.buyer@example.com"}
    assert emails("state=unconfirmed") == {"new.exporter@example.com"}
    assert emails("state=deactivated") == {"gone.exporter@example.com"}
    assert "old.buyer@example.com" in emails("last_sign_in=over-90")
    assert "recent.staff@example.com" not in emails("last_sign_in=over-90")
    assert "recent.staff@example.com" in emails("last_sign_in=7")
    assert "new.exporter@example.com" in emails("last_sign_in=never")
    # An unknown filter value is ignored, not an error.
    assert client.get("/admin/users?role=emperor").status_code == 200


def test_invited_staff_member_chooses_a_password_and_the_link_works_once(
    app, client, db, admin, mailbox
):
    form = client.get("/admin/users/invite").get_data(as_text=True)
    assert "Send invitation" in form
    response = client.post_form(
        "/admin/users/invite",
        {"email": "Sam.Staff@Example.com", "full_name": "Sam Staff", "role": "staff"},
    )
    assert response.status_code == 302
    invited = db.session.scalar(select(User).where(User.email == "sam.staff@example.com"))
    assert invited.role == Role.STAFF and invited.state == "invited"
    [entry] = _audit(db, "invited")
    assert entry.actor_email == admin.email and entry.after["role"] == "staff"

    [message] = mailbox.wait_for("sam.staff@example.com")
    link = next(url for url in mailbox.links(message) if "/account/invitation/" in url)
    path = link.split("localhost", 1)[1]

    invitee = app.test_client()
    page = invitee.get(path).get_data(as_text=True)
    assert "Accept your invitation" in page and "sam.staff@example.com" in page
    weak = invitee.post_form(
        path, {"full_name": "Sam Staff", "password": "short", "confirm": "short"}
    )
    assert "Password must be between" in weak.get_data(as_text=True)
    accepted = invitee.post_form(
        path,
        {
            "full_name": "Sam Staff",
            "password": "a long new password",
            "confirm": "a long new password",
        },
    )
    assert accepted.status_code == 302
    # Staff must set up an authenticator app before anything else.
    assert invitee.get("/staff/").headers["Location"] == "/account/two-factor/set-up"
    db.session.expire_all()
    assert db.session.get(User, invited.id).state == "active"
    # The link is single use.
    again = app.test_client().get(path)
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)


def test_invitation_refuses_an_address_that_has_an_account_and_says_what_to_enter(
    client, db, admin
):
    UserFactory(email="taken@example.com")
    db.session.commit()
    page = client.post_form(
        "/admin/users/invite", {"email": "TAKEN@example.com", "full_name": "T", "role": "staff"}
    ).get_data(as_text=True)
    assert "An account with this email address already exists" in page
    empty = client.post_form("/admin/users/invite", {}).get_data(as_text=True)
    assert "Enter your email address" in empty
    assert "Enter their full name" in empty
    assert "Select staff or marketplace partner" in empty


def test_invited_partner_is_linked_to_their_marketplace_in_the_same_step(client, db, admin):
    market = MarketplaceFactory(name="Rakuten France")
    db.session.commit()
    missing = client.post_form(
        "/admin/users/invite", {"email": "p@example.com", "full_name": "P", "role": "partner"}
    ).get_data(as_text=True)
    assert "Select the marketplace" in missing
    response = client.post_form(
        "/admin/users/invite",
        {"email": "p@example.com", "full_name": "P", "role": "partner", "link": str(market.id)},
    )
    assert response.status_code == 302
    partner = db.session.scalar(select(User).where(User.email == "p@example.com"))
    account = db.session.scalar(select(PartnerAccount).where(PartnerAccount.user_id == partner.id))
    assert account.marketplace_id == market.id
    assert "Rakuten France" in client.get(f"/admin/users/{partner.id}").get_data(as_text=True)


def test_role_change_is_audited_with_before_and_after(client, db, admin):
    user = UserFactory(role=Role.EXPORTER, email="promote.me@example.com")
    db.session.commit()
    response = client.post_form(f"/admin/users/{user.id}/role", {"role": "staff"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).role == Role.STAFF
    [entry] = _audit(db, "role_changed")
    assert (entry.before, entry.after) == ({"role": "exporter"}, {"role": "staff"})
    assert entry.subject_email == "promote.me@example.com"
    assert entry.actor_id == admin.id


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(client, db, admin):
    demote = client.post_form(f"/admin/users/{admin.id}/role", {"role": "staff"})
    assert "last active administrator" in demote.get_data(as_text=True)
    client.post_form(f"/admin/users/{admin.id}/deactivate")
    page = client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert "last active administrator" in page
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == Role.ADMIN
    assert db.session.get(User, admin.id).active
    # A deactivated admin does not count: still the last active one.
    UserFactory(role=Role.ADMIN, active=False)
    db.session.commit()
    client.post_form(f"/admin/users/{admin.id}/role", {"role": "staff"})
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == Role.ADMIN
    # With another active admin, demoting is allowed.
    UserFactory(role=Role.ADMIN)
    db.session.commit()
    assert client.post_form(f"/admin/users/{admin.id}/role", {"role": "staff"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == Role.STAFF


def test_deactivation_ends_an_open_session_and_blocks_sign_in_but_keeps_data(
    app, client, db, admin
):
    exporter = UserFactory(email="leaver@example.com")
    company = CompanyFactory(owner=exporter)
    db.session.commit()
    theirs = app.test_client()
    sign_in(theirs, exporter)
    assert theirs.get("/account/").status_code == 200

    assert client.post_form(f"/admin/users/{exporter.id}/deactivate").status_code == 302
    # Their open session ends at once.
    response = theirs.get("/account/")
    assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]
    # They cannot sign in again.
    again = app.test_client().post_form(
        "/account/sign-in", {"email": exporter.email, "password": PASSWORD}
    )
    assert again.status_code == 200
    assert "Enter a correct email address and password" in again.get_data(as_text=True)
    # Their company stays.
    db.session.expire_all()
    assert company.owner.user_id == exporter.id
    assert [e.after for e in _audit(db, "deactivated")] == [{"active": False}]

    assert client.post_form(f"/admin/users/{exporter.id}/reactivate").status_code == 302
    sign_in(app.test_client(), exporter)
    assert len(_audit(db, "reactivated")) == 1


def test_resending_an_invitation_replaces_the_old_link(app, client, db, admin, mailbox):
    client.post_form(
        "/admin/users/invite", {"email": "late@example.com", "full_name": "L", "role": "staff"}
    )
    [first] = mailbox.wait_for("late@example.com")
    invited = db.session.scalar(select(User).where(User.email == "late@example.com"))
    assert client.post_form(f"/admin/users/{invited.id}/resend").status_code == 302
    second = mailbox.wait_for("late@example.com", count=2)[1]

    def path(message):
        url = next(u for u in mailbox.links(message) if "/account/invitation/" in u)
        return url.split("localhost", 1)[1]

    assert app.test_client().get(path(first)).status_code == 400
    assert app.test_client().get(path(second)).status_code == 200
    assert len(_audit(db, "invitation_resent")) == 1


def test_resending_a_confirmation_link_to_an_unconfirmed_user(client, db, admin, mailbox):
    user = UserFactory(email="slow@example.com", email_confirmed_at=None)
    db.session.commit()
    client.post_form(f"/admin/users/{user.id}/resend")
    [message] = mailbox.wait_for("slow@example.com")
    assert message["Subject"] == "Confirm your email address"
    assert len(_audit(db, "confirmation_resent")) == 1


def test_admin_resets_a_second_factor_and_the_user_enrols_again(app, client, db, admin):
    staff = UserFactory(role=Role.STAFF)
    db.session.commit()
    assert client.post_form(f"/admin/users/{staff.id}/reset-second-factor").status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, staff.id).has_second_factor
    [entry] = _audit(db, "two_factor_reset")
    assert entry.actor_id == admin.id and entry.subject_id == staff.id
    theirs = app.test_client()
    sign_in(theirs, staff)
    assert theirs.get("/staff/").headers["Location"] == "/account/two-factor/set-up"


def test_audit_trail_filters_and_exports_csv(client, db, admin):
    one = UserFactory(email="one@example.com")
    two = UserFactory(email="=two@example.com")
    db.session.commit()
    client.post_form(f"/admin/users/{one.id}/role", {"role": "buyer"})
    client.post_form(f"/admin/users/{two.id}/deactivate")
    client.get("/admin/users")  # shows (and so clears) the confirmation messages

    page = client.get("/admin/audit?action=role_changed").get_data(as_text=True)
    assert "one@example.com" in page and "=two@example.com" not in page
    assert "role: exporter" in page and "role: buyer" in page
    page = client.get("/admin/audit?subject=two").get_data(as_text=True)
    assert "Deactivated" in page and "one@example.com" not in page
    bad_date = client.get("/admin/audit?since=31&since=2&since=2026")
    assert "From must be a real date" in bad_date.get_data(as_text=True)

    export = client.get("/admin/audit.csv")
    assert export.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert rows[0] == ["When (UTC)", "Who", "Action", "Account", "Before", "After"]
    accounts = {row[3] for row in rows[1:]}
    assert accounts == {"one@example.com", "'=two@example.com"}  # no formula runs
    only = client.get("/admin/audit.csv?action=deactivated").get_data(as_text=True)
    assert "one@example.com" not in only


def test_admins_see_the_admin_link_and_others_do_not(app, client, db, admin):
    assert 'href="/admin/users"' in client.get("/").get_data(as_text=True)
    staff = UserFactory(role=Role.STAFF)
    db.session.commit()
    staff_client = app.test_client()
    sign_in(staff_client, staff)
    assert 'href="/admin/users"' not in staff_client.get("/").get_data(as_text=True)
