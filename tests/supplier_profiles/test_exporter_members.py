"""Members: the owner invites editors by email; editors edit but cannot manage or delete."""

from __future__ import annotations

import re

from sqlalchemy import select

from supplier_profiles.models import Company, CompanyInvitation, CompanyMember, MemberRole
from tests.conftest import sign_in


def _invite(client, mailbox, email: str) -> str:
    response = client.post_form("/profile/members", {"email": email})
    assert response.status_code == 302, response.get_data(as_text=True)
    message = mailbox.wait_for(email)[-1]
    assert "invited you to help edit" in mailbox.body(message)
    return next(link for link in mailbox.links(message) if "/profile/invitations/" in link)


def test_owner_invites_an_editor_who_accepts_by_the_emailed_link(
    app, client, exporter, db, make_user, mailbox
):
    owner, company = exporter
    editor = make_user(email="editor@pennine.example")
    link = _invite(client, mailbox, "Editor@Pennine.example")

    other = app.test_client()
    sign_in(other, editor)
    path = link.split("localhost", 1)[-1]
    page = other.get(path)
    assert f"Edit the profile of {company.name}" in page.get_data(as_text=True)
    assert other.post_form(path).status_code == 302
    member = db.session.scalar(select(CompanyMember).where(CompanyMember.user_id == editor.id))
    assert member.company_id == company.id and member.role is MemberRole.EDITOR
    # The link works once.
    assert other.post_form(path).status_code == 400


def test_editor_edits_but_cannot_manage_members_or_delete(app, exporter, db, make_user):
    owner, company = exporter
    editor = make_user()
    db.session.add(CompanyMember(company_id=company.id, user_id=editor.id, role=MemberRole.EDITOR))
    db.session.commit()
    browser = app.test_client()
    sign_in(browser, editor)
    assert browser.post_form("/profile/edit", {"name": "Edited by editor"}).status_code == 302
    db.session.refresh(company)
    assert company.name == "Edited by editor"
    page = browser.get("/profile/members").get_data(as_text=True)
    assert "Only the owner can invite or remove people." in page
    assert browser.post_form("/profile/members", {"email": "x@example.com"}).status_code == 403
    owner_member = company.owner
    assert browser.post_form(f"/profile/members/{owner_member.id}/remove").status_code == 403
    assert browser.get("/profile/delete").status_code == 403
    assert browser.post_form("/profile/delete", {"confirm": "y"}).status_code == 403
    db.session.refresh(company)
    assert not company.is_deleted and len(company.members) == 2


def test_owner_removes_an_editor_who_then_loses_access(app, client, exporter, db, make_user):
    owner, company = exporter
    editor = make_user()
    membership = CompanyMember(company_id=company.id, user_id=editor.id, role=MemberRole.EDITOR)
    db.session.add(membership)
    db.session.commit()
    member_id = membership.id
    assert client.post_form(f"/profile/members/{member_id}/remove").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(CompanyMember).where(CompanyMember.id == member_id)) is None
    browser = app.test_client()
    sign_in(browser, editor)
    response = browser.get("/profile/edit")
    assert response.status_code == 302 and response.headers["Location"].endswith("/create")


def test_owner_cannot_be_removed(client, exporter, db):
    owner, company = exporter
    client.post_form(f"/profile/members/{company.owner.id}/remove")
    db.session.expire_all()
    assert db.session.get(Company, company.id).owner.user_id == owner.id


def test_invitation_for_someone_else_cannot_be_accepted(
    app, client, exporter, db, make_user, mailbox
):
    link = _invite(client, mailbox, "invitee@example.com")
    intruder = make_user(email="intruder@example.com")
    browser = app.test_client()
    sign_in(browser, intruder)
    path = link.split("localhost", 1)[-1]
    assert "was sent to invitee@example.com" in browser.get(path).get_data(as_text=True)
    assert browser.post_form(path).status_code == 403
    assert (
        db.session.scalar(select(CompanyMember).where(CompanyMember.user_id == intruder.id)) is None
    )


def test_cancelled_or_tampered_invitation_links_fail(app, client, exporter, db, make_user, mailbox):
    link = _invite(client, mailbox, "invitee@example.com")
    invitation = db.session.scalar(select(CompanyInvitation))
    client.post_form(f"/profile/invitations/{invitation.id}/cancel")
    invitee = make_user(email="invitee@example.com")
    browser = app.test_client()
    sign_in(browser, invitee)
    path = link.split("localhost", 1)[-1]
    assert "used or cancelled" in browser.get(path).get_data(as_text=True)
    assert browser.get(path[:-3] + "abc").status_code == 400


def test_invitation_errors_show_next_to_the_field(client, exporter, db, make_user):
    owner, company = exporter
    html = client.post_form("/profile/members", {"email": "nope"}).get_data(as_text=True)
    assert 'id="email-error"' in html and "correct format" in html
    html = client.post_form("/profile/members", {"email": owner.email}).get_data(as_text=True)
    assert "already a member" in html
    from tradehub.accounts.models import Role

    buyer = make_user(role=Role.BUYER)
    html = client.post_form("/profile/members", {"email": buyer.email}).get_data(as_text=True)
    assert "not a UK business account" in html
    assert db.session.scalar(select(CompanyInvitation)) is None


def test_owner_deletes_the_company(client, exporter, db):
    owner, company = exporter
    assert client.post_form("/profile/delete", {}).status_code == 200  # must confirm
    assert client.post_form("/profile/delete", {"confirm": "y"}).status_code == 302
    db.session.refresh(company)
    assert company.is_deleted and company.members == [] and not company.is_publishable
    assert client.get("/profile/").headers["Location"].endswith("/profile/create")


def test_deleting_a_published_company_drops_it_from_search(client, signed_in, db):
    from search_index.base import SearchQuery
    from search_index.service import search
    from tests.factories import PublishedCompanyFactory

    user = signed_in("exporter")
    company = PublishedCompanyFactory(owner=user, name="Vanishing Valves")
    db.session.commit()
    client.post_form("/profile/edit", {"name": "Vanishing Valves", "summary": "Valves"})
    assert [h.slug for h in search(SearchQuery(text="vanishing valves")).hits] == [company.slug]
    client.post_form("/profile/delete", {"confirm": "y"})
    assert search(SearchQuery(text="vanishing valves")).hits == []
    assert client.application.test_client().get(f"/suppliers/{company.slug}").status_code == 404


def test_a_new_user_invited_while_signed_out_lands_signed_in_on_the_invitation(
    app, client, exporter, db, mailbox
):
    from tests.conftest import PASSWORD

    owner, company = exporter
    link = _invite(client, mailbox, "newcomer@pennine.example")
    path = link.split("localhost", 1)[-1]

    invitee = app.test_client()
    to_sign_in = invitee.get(path)
    assert to_sign_in.status_code == 302
    sign_in_page = invitee.get(to_sign_in.headers["Location"]).get_data(as_text=True)
    register_link = re.search(r'href="(/account/register\?next=[^"]+)"', sign_in_page).group(1)
    register_url = register_link.replace("&amp;", "&")
    response = invitee.post_form(
        register_url,
        {
            "full_name": "Nia Newcomer",
            "email": "newcomer@pennine.example",
            "role": "exporter",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 302
    confirm = next(
        link
        for message in mailbox.wait_for("newcomer@pennine.example")
        if "Confirm" in message["Subject"]
        for link in mailbox.links(message)
        if "/account/confirm/" in link
    )
    confirm_path = confirm.split("localhost", 1)[-1]
    landed = invitee.get(confirm_path)
    assert landed.status_code == 302 and landed.headers["Location"] == path
    page = invitee.get(path).get_data(as_text=True)
    assert f"Edit the profile of {company.name}" in page and "Accept invitation" in page
    assert invitee.post_form(path).status_code == 302
    assert len(db.session.scalar(select(Company).where(Company.id == company.id)).members) == 2

    # The confirmation link signs in once: followed again elsewhere, it only offers sign-in.
    stranger = app.test_client()
    again = stranger.get(confirm_path)
    assert again.status_code == 302 and "/account/sign-in" in again.headers["Location"]
    assert stranger.get(path).status_code == 302  # still signed out


def test_an_editor_can_leave_but_the_only_owner_cannot(app, client, exporter, db, make_user):
    owner, company = exporter
    editor = make_user()
    db.session.add(CompanyMember(company_id=company.id, user_id=editor.id, role=MemberRole.EDITOR))
    db.session.commit()
    browser = app.test_client()
    sign_in(browser, editor)
    assert "Leave this profile" in browser.get("/profile/members").get_data(as_text=True)
    left = browser.post_form("/profile/leave")
    assert left.status_code == 302 and left.headers["Location"].endswith("/account/")
    db.session.expire_all()
    assert (
        db.session.scalar(select(CompanyMember).where(CompanyMember.user_id == editor.id)) is None
    )
    # The owner is refused and stays the owner.
    refused = client.post_form("/profile/leave", follow_redirects=True)
    assert "You are the owner, so you cannot leave the profile." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Company, company.id).owner.user_id == owner.id


def test_the_owner_hands_over_to_an_editor_who_accepts_by_the_emailed_link(
    app, client, exporter, db, make_user, mailbox
):
    owner, company = exporter
    editor = make_user(email="heir@pennine.example")
    membership = CompanyMember(company_id=company.id, user_id=editor.id, role=MemberRole.EDITOR)
    db.session.add(membership)
    db.session.commit()
    assert "Make owner" in client.get("/profile/members").get_data(as_text=True)
    assert client.post_form(f"/profile/members/{membership.id}/make-owner").status_code == 302
    message = mailbox.wait_for("heir@pennine.example")[-1]
    link = next(link for link in mailbox.links(message) if "/profile/ownership/" in link)
    path = link.split("localhost", 1)[-1]
    db.session.expire_all()
    assert db.session.get(Company, company.id).owner.user_id == owner.id  # nothing yet

    heir = app.test_client()
    sign_in(heir, editor)
    assert "Accept ownership" in heir.get(path).get_data(as_text=True)
    assert heir.post_form(path).status_code == 302
    db.session.expire_all()
    company = db.session.get(Company, company.id)
    assert company.owner.user_id == editor.id
    roles = {m.user_id: m.role for m in company.members}
    assert roles[owner.id] is MemberRole.EDITOR
    # The link works once, and the old owner can now leave.
    assert heir.get(path).status_code == 400
    assert client.post_form("/profile/leave").status_code == 302
    db.session.expire_all()
    assert len(db.session.get(Company, company.id).members) == 1
