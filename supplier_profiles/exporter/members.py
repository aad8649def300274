"""Who can edit the profile: the owner invites and removes editors; invitees accept."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from supplier_profiles.exporter.common import company_required, exporter_bp
from supplier_profiles.forms import ButtonForm, InviteForm
from supplier_profiles.models import Company, CompanyInvitation, CompanyMember
from supplier_profiles.permissions import membership_for_user
from supplier_profiles.services import members as member_services
from tradehub.accounts.tokens import InvalidToken
from tradehub.errors import PermissionDenied
from tradehub.extensions import db
from tradehub.refusals import service_call


@exporter_bp.route("/members", methods=["GET", "POST"])
@company_required
def members(company: Company, member: CompanyMember):
    """Who can edit the profile; the owner invites and removes editors here."""
    form = InviteForm()
    if request.method == "POST":
        if not member.is_owner:
            raise PermissionDenied("Only the owner can invite people.")
        if form.validate_on_submit():
            with service_call(form=form, field="email") as call:
                invitation = member_services.invite_editor(company, current_user, form.email.data)
            if call.ok:
                flash(f"We have sent an invitation to {invitation.email}.", "success")
                return redirect(url_for("supplier_profiles_exporter.members"))
    return render_template(
        "supplier_profiles/exporter/members.html",
        form=form,
        company=company,
        member=member,
        invitations=member_services.open_invitations(company),
        button_form=ButtonForm(),
    )


@exporter_bp.route("/members/<int:member_id>/make-owner", methods=["POST"])
@company_required
def offer_ownership(company: Company, member: CompanyMember, member_id: int):
    """The owner offers the profile to an editor (who accepts by the emailed link)."""
    target = db.session.get(CompanyMember, member_id)
    if target is None or target.company_id != company.id:
        abort(404)
    if ButtonForm().validate_on_submit():
        email = target.user.email
        with service_call() as call:
            member_services.offer_ownership(company, current_user, target)
        if call.ok:
            flash(f"We have emailed {email} a link to accept ownership.", "success")
    return redirect(url_for("supplier_profiles_exporter.members"))


@exporter_bp.route("/ownership/<token>", methods=["GET", "POST"])
def accept_ownership(token: str):
    """Follow the emailed link: become the owner of the profile."""
    try:
        company = member_services.ownership_offer(token, current_user)
    except InvalidToken as exc:
        return _invitation_problem(exc)
    form = ButtonForm()
    if form.validate_on_submit():
        with service_call() as call:
            member_services.accept_ownership(token, current_user)
        if call.ok:
            flash(f"You are now the owner of {company.name}.", "success")
        return redirect(url_for("supplier_profiles_exporter.members"))
    return render_template(
        "supplier_profiles/exporter/accept_ownership.html", form=form, company=company
    )


@exporter_bp.route("/leave", methods=["POST"])
@company_required
def leave_company(company: Company, member: CompanyMember):
    """An editor stops editing the profile (the owner cannot: they delete it instead)."""
    if ButtonForm().validate_on_submit():
        name = company.name
        with service_call() as call:
            member_services.leave_company(company, current_user)
        if call.ok:
            flash(f"You no longer edit the profile of {name}.", "success")
            return redirect(url_for("accounts.dashboard"))
    return redirect(url_for("supplier_profiles_exporter.members"))


@exporter_bp.route("/members/<int:member_id>/remove", methods=["POST"])
@company_required
def remove_member(company: Company, member: CompanyMember, member_id: int):
    """The owner removes an editor."""
    target = db.session.get(CompanyMember, member_id)
    if target is None or target.company_id != company.id:
        abort(404)
    if ButtonForm().validate_on_submit():
        email = target.user.email
        with service_call() as call:
            member_services.remove_member(company, current_user, target)
        if call.ok:
            flash(f"{email} can no longer edit the profile.", "success")
    return redirect(url_for("supplier_profiles_exporter.members"))


@exporter_bp.route("/invitations/<int:invitation_id>/cancel", methods=["POST"])
@company_required
def cancel_invitation(company: Company, member: CompanyMember, invitation_id: int):
    """The owner withdraws an invitation."""
    invitation = db.session.get(CompanyInvitation, invitation_id)
    if invitation is None or invitation.company_id != company.id:
        abort(404)
    if ButtonForm().validate_on_submit():
        email = invitation.email
        with service_call() as call:
            member_services.cancel_invitation(invitation, current_user)
        if call.ok:
            flash(f"The invitation to {email} has been cancelled.", "success")
    return redirect(url_for("supplier_profiles_exporter.members"))


def _invitation_problem(exc: InvalidToken):
    return render_template(
        "supplier_profiles/exporter/invitation_problem.html", message=str(exc)
    ), 400


@exporter_bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Follow the emailed link: see the invitation, then accept it."""
    try:
        invitation = member_services.invitation_from_token(token)
    except InvalidToken as exc:
        return _invitation_problem(exc)
    form = ButtonForm()
    if form.validate_on_submit():
        company_name = invitation.company.name
        try:
            with service_call() as call:
                member_services.accept_invitation(token, current_user)
        except InvalidToken as exc:  # used or cancelled meanwhile: nothing was written
            return _invitation_problem(exc)
        if call.ok:
            flash(f"You can now edit the profile of {company_name}.", "success")
        return redirect(url_for("supplier_profiles_exporter.overview"))
    wrong_address = invitation.email.lower() != current_user.email.lower()
    return render_template(
        "supplier_profiles/exporter/accept_invitation.html",
        form=form,
        invitation=invitation,
        wrong_address=wrong_address,
        already_member=membership_for_user(current_user) is not None,
    )
