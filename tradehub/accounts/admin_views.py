"""The administration area at /admin: users, invitations, roles, deactivation, the audit trail.

The whole blueprint is guarded once for the admin role (staff get 403), so every route added
here is protected by default. Views are thin: each calls one rule of
`tradehub.accounts.administration` inside `service_call`.
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tradehub.accounts import administration, audit
from tradehub.accounts.admin_forms import (
    AuditFilterForm,
    ConfirmForm,
    InviteForm,
    RoleForm,
    UserFilterForm,
)
from tradehub.accounts.models import AccountAuditEntry, Role, User
from tradehub.extensions import db
from tradehub.permissions import guard_blueprint
from tradehub.refusals import service_call

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp, Role.ADMIN)

PER_PAGE = 50


def _args() -> dict:
    return {key: value for key, value in request.args.items() if key != "page" and value}


def _valid(field):
    return field.data if field.data and not field.errors else ""


@bp.route("/")
def home():
    """The administration area starts at the user list."""
    return redirect(url_for(".users"))


@bp.route("/users")
def users():
    """Every user, searchable by address and filterable by role, state and last sign-in."""
    form = UserFilterForm(request.args)
    form.validate()  # an unknown value is ignored, not an error page
    filters = administration.UserFilters(
        email=_valid(form.email),
        role=_valid(form.role),
        state=_valid(form.state),
        last_sign_in=_valid(form.last_sign_in),
    )
    page = db.paginate(administration.user_query(filters), per_page=PER_PAGE, error_out=False)
    return render_template(
        "admin/users.html",
        filter_form=form,
        form=form if form.errors else None,
        page=page,
        args=_args(),
    )


@bp.route("/users/invite", methods=["GET", "POST"])
def invite():
    """Invite a staff member or a marketplace partner (linked to their marketplace)."""
    link = administration.role_link(Role.PARTNER)
    form = InviteForm(link=link)
    if form.validate_on_submit():
        with service_call(form) as call:
            user = administration.invite_user(
                current_user,
                form.email.data,
                form.full_name.data,
                Role(form.role.data),
                form.link.data or None,
            )
        if call.ok:
            flash(f"We have emailed an invitation to {user.email}.", "success")
            return redirect(url_for(".user", user_id=user.id))
    return render_template("admin/invite.html", form=form)


def _user_page(user: User, role_form: RoleForm | None = None, status: int = 200):
    links = administration.role_links()
    linked = [(link.label, link.describe(user)) for link in links.values() if link.describe(user)]
    if role_form is None:
        role_form = RoleForm(link=links.get(Role.PARTNER), role=user.role.value)
    entries = db.session.scalars(
        audit.audit_query(audit.AuditFilters()).where(AccountAuditEntry.subject_id == user.id)
    ).all()
    return render_template(
        "admin/user.html",
        user=user,
        linked=linked,
        form=role_form,
        confirm_form=ConfirmForm(),
        entries=entries,
        actions=audit.ACTIONS,
    ), status


@bp.route("/users/<int:user_id>")
def user(user_id: int):
    """One user: what they are, what was done to their account, and what an admin can do."""
    return _user_page(db.get_or_404(User, user_id))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
def change_role(user_id: int):
    """Give the user another role (the last admin cannot be demoted)."""
    user = db.get_or_404(User, user_id)
    form = RoleForm(link=administration.role_link(Role.PARTNER))
    if form.validate_on_submit():
        with service_call(form, "role") as call:
            administration.change_role(current_user, user, Role(form.role.data), form.link.data)
        if call.ok:
            flash(f"{user.email} is now: {user.role.label}.", "success")
            return redirect(url_for(".user", user_id=user.id))
    return _user_page(user, form)


def _confirmed_action(user_id: int, rule, message: str):
    user = db.get_or_404(User, user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        with service_call() as call:
            result = rule(current_user, user)
        if call.ok:
            flash(message.format(email=user.email, result=result), "success")
    return redirect(url_for(".user", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate(user_id: int):
    """Stop the user signing in; their open sessions end at once."""
    return _confirmed_action(
        user_id, administration.deactivate, "{email} is deactivated and signed out everywhere."
    )


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
def reactivate(user_id: int):
    """Let a deactivated user sign in again."""
    return _confirmed_action(user_id, administration.reactivate, "{email} can sign in again.")


@bp.route("/users/<int:user_id>/resend", methods=["POST"])
def resend(user_id: int):
    """Send the confirmation link or the invitation again."""
    return _confirmed_action(
        user_id, administration.resend_link, "We have sent the {result} to {email} again."
    )


@bp.route("/users/<int:user_id>/reset-second-factor", methods=["POST"])
def reset_second_factor(user_id: int):
    """Remove the user's authenticator app and recovery codes."""
    return _confirmed_action(
        user_id,
        administration.reset_second_factor,
        "{email}'s second factor is reset. They set up a new one at their next sign-in.",
    )


def _audit_filters() -> tuple[AuditFilterForm, audit.AuditFilters]:
    form = AuditFilterForm(request.args)
    form.validate()

    filters = audit.AuditFilters(
        action=_valid(form.action),
        actor=_valid(form.actor),
        subject=_valid(form.subject),
        since=_valid(form.since) or None,
        until=_valid(form.until) or None,
    )
    return form, filters


@bp.route("/audit")
def audit_log():
    """Who changed which account, what and when, newest first."""
    form, filters = _audit_filters()
    page = db.paginate(audit.audit_query(filters), per_page=PER_PAGE, error_out=False)
    return render_template(
        "admin/audit.html",
        filter_form=form,
        form=form if form.errors else None,
        page=page,
        args=_args(),
        actions=audit.ACTIONS,
        describe=audit.describe,
    )


@bp.route("/audit.csv")
def audit_csv():
    """The filtered audit trail as a CSV download."""
    _form, filters = _audit_filters()
    entries = db.session.scalars(audit.audit_query(filters))
    return Response(
        audit.export_csv(entries),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="account-audit.csv"'},
    )
