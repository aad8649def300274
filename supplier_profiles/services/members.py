"""Members: the owner invites editors by email (a signed link), cancels invitations and removes
editors; an invitee accepts."""

from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import func, select

from supplier_profiles.models import Company, CompanyInvitation, CompanyMember, MemberRole
from supplier_profiles.permissions import can_manage_members, membership_for_user
from tradehub.accounts.models import Role, User
from tradehub.accounts.tokens import InvalidToken, make_token, read_token
from tradehub.db_types import utcnow
from tradehub.errors import Conflict, NotAllowed, PermissionDenied, ValidationFailed
from tradehub.extensions import db
from tradehub.mail import queue_email

INVITATION_PURPOSE = "company-invitation"


def _open(stmt):
    return stmt.where(
        CompanyInvitation.accepted_at.is_(None), CompanyInvitation.cancelled_at.is_(None)
    )


def invite_editor(company: Company, inviter: User, email: str) -> CompanyInvitation:
    """Owner invites someone (by email) to edit; they get a signed link."""
    if not can_manage_members(inviter, company):
        raise PermissionDenied("Only the owner can invite people.")
    email = email.strip().lower()
    if any(m.user.email == email for m in company.members):
        raise ValidationFailed("That person is already a member", "email")
    existing_user = db.session.scalar(select(User).where(User.email == email))
    if existing_user is not None and membership_for_user(existing_user) is not None:
        raise ValidationFailed("That person already belongs to another company profile", "email")
    if existing_user is not None and existing_user.role is not Role.EXPORTER:
        raise ValidationFailed(
            "That address belongs to an account that is not a UK business account", "email"
        )
    for old in db.session.scalars(
        _open(
            select(CompanyInvitation).where(
                CompanyInvitation.company_id == company.id,
                func.lower(CompanyInvitation.email) == email,
            )
        )
    ):
        old.cancelled_at = utcnow()  # a new invitation replaces an older one
    invitation = CompanyInvitation(company=company, email=email, invited_by_id=inviter.id)
    db.session.add(invitation)
    db.session.flush()
    token = make_token(INVITATION_PURPOSE, {"invitation": invitation.id, "email": email})
    queue_email(
        email,
        f"You have been invited to edit {company.name} on TradeHub",
        "supplier_invitation",
        company=company,
        inviter=inviter,
        accept_url=url_for(
            "supplier_profiles_exporter.accept_invitation", token=token, _external=True
        ),
        register_url=url_for("accounts.register", _external=True),
        max_age_days=current_app.config["EMAIL_TOKEN_MAX_AGE"] // 86400,
    )
    return invitation


def invitation_from_token(token: str) -> CompanyInvitation:
    """The open invitation a link names (InvalidToken if broken, expired, used or cancelled)."""
    payload = read_token(INVITATION_PURPOSE, token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    invitation = db.session.get(CompanyInvitation, payload.get("invitation"))
    if invitation is None or not invitation.is_open or invitation.company.is_deleted:
        raise InvalidToken(
            "This invitation has been used or cancelled. Ask the owner for a new one."
        )
    return invitation


def accept_invitation(token: str, user: User) -> CompanyMember:
    """The signed-in invitee joins the company as an editor."""
    invitation = invitation_from_token(token)
    if invitation.email.lower() != user.email.lower():
        raise PermissionDenied(
            f"This invitation was sent to {invitation.email}. Sign in with "
            "that address to accept it."
        )
    if membership_for_user(user) is not None:
        raise Conflict("You already belong to a company profile.")
    invitation.accepted_at = utcnow()
    member = CompanyMember(
        company_id=invitation.company_id, user_id=user.id, role=MemberRole.EDITOR
    )
    db.session.add(member)
    db.session.flush()
    return member


def cancel_invitation(invitation: CompanyInvitation, user: User) -> None:
    """Owner withdraws an invitation; its link stops working."""
    if not can_manage_members(user, invitation.company):
        raise PermissionDenied("Only the owner can cancel invitations.")
    if invitation.is_open:
        invitation.cancelled_at = utcnow()
        db.session.flush()


def remove_member(company: Company, owner: User, member: CompanyMember) -> None:
    """Owner removes an editor (never the owner)."""
    if not can_manage_members(owner, company):
        raise PermissionDenied("Only the owner can remove members.")
    if member.company_id != company.id:
        raise PermissionDenied("That person is not a member of this company.")
    if member.is_owner:
        raise NotAllowed("The owner cannot be removed.")
    db.session.delete(member)
    db.session.flush()


OWNERSHIP_PURPOSE = "company-ownership"


def offer_ownership(company: Company, owner: User, member: CompanyMember) -> None:
    """The owner offers the profile to one of its editors, who accepts by an emailed link."""
    if not can_manage_members(owner, company):
        raise PermissionDenied("Only the owner can hand over the profile.")
    if member.company_id != company.id or member.is_owner:
        raise NotAllowed("Choose an editor of this profile to become its owner.")
    token = make_token(
        OWNERSHIP_PURPOSE, {"company": company.id, "owner": owner.id, "to": member.user_id}
    )
    queue_email(
        member.user.email,
        f"{owner.full_name or owner.email} wants you to own {company.name} on TradeHub",
        "ownership_offer",
        company=company,
        owner=owner,
        accept_url=url_for(
            "supplier_profiles_exporter.accept_ownership", token=token, _external=True
        ),
        max_age_days=current_app.config["EMAIL_TOKEN_MAX_AGE"] // 86400,
    )


def ownership_offer(token: str, user: User) -> Company:
    """The company an ownership link offers to `user` (InvalidToken when it cannot be used:
    broken, expired, already used, or the owner or editor changed since)."""
    payload = read_token(OWNERSHIP_PURPOSE, token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    company = db.session.get(Company, payload.get("company"))
    owner = company.owner if company is not None and not company.is_deleted else None
    member = membership_for_user(user)
    if (
        owner is None
        or owner.user_id != payload.get("owner")
        or payload.get("to") != user.id
        or member is None
        or member.company_id != company.id
        or member.is_owner
    ):
        raise InvalidToken("This link has been used or is no longer valid. Ask the owner again.")
    return company


def accept_ownership(token: str, user: User) -> Company:
    """The editor becomes the owner; the old owner stays on as an editor. Single use: once
    the owner changed, the link stops working."""
    company = ownership_offer(token, user)
    old_owner = company.owner
    old_owner.role = MemberRole.EDITOR
    membership_for_user(user).role = MemberRole.OWNER
    db.session.flush()
    return company


def leave_company(company: Company, user: User) -> None:
    """An editor stops editing the company. The only owner cannot leave: they transfer the
    profile or delete it instead."""
    member = membership_for_user(user)
    if member is None or member.company_id != company.id:
        raise PermissionDenied("You are not a member of this company.")
    if member.is_owner:
        raise NotAllowed(
            "You are the owner, so you cannot leave the profile. Make an editor the owner "
            "first, or delete the profile."
        )
    db.session.delete(member)
    db.session.flush()


def open_invitations(company: Company) -> list[CompanyInvitation]:
    """Invitations not yet accepted or cancelled, newest first."""
    return list(
        db.session.scalars(
            _open(
                select(CompanyInvitation).where(CompanyInvitation.company_id == company.id)
            ).order_by(CompanyInvitation.created_at.desc())
        )
    )
