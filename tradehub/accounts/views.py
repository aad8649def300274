"""Account pages: thin views that validate with a form and call one service in `service_call`
(which commits once, or shows the refusal on the form)."""

from __future__ import annotations

import hashlib

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from tradehub.accounts import administration, bp, services, two_factor
from tradehub.accounts.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetPasswordForm,
    SignInForm,
    SignOutEverywhereForm,
)
from tradehub.accounts.models import Role, normalise_email
from tradehub.accounts.tokens import InvalidToken
from tradehub.accounts.two_factor_views import start_second_step
from tradehub.extensions import limiter
from tradehub.refusals import service_call
from tradehub.security import is_safe_redirect, safe_next


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_key() -> str:
    # Per-account limit keyed by the address typed, known or not, so it reveals nothing.
    email = normalise_email(request.form.get("email", ""))
    return "signin-account:" + hashlib.sha256(email.encode()).hexdigest()


def _next_path() -> str:
    """The local page the visitor was on their way to (`next`), or ""."""
    target = request.values.get("next", "")
    return target if is_safe_redirect(target) else ""


def _sign_in_failed(response) -> bool:
    # Only failed attempts count (per account and per IP): a success redirects.
    return response.status_code != 302


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Create an exporter or buyer account."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            services.register_user(
                form.email.data,
                form.password.data,
                form.full_name.data,
                Role(form.role.data),
                next_path=_next_path(),
            )
        if call.ok:
            return redirect(url_for("accounts.check_email"))
    return render_template("accounts/register.html", form=form, next_path=_next_path())


@bp.route("/register/check-email")
def check_email():
    """The same page whether or not the address already had an account."""
    return render_template("accounts/check_email.html")


@bp.route("/confirm/<token>")
def confirm_email(token: str):
    """Follow the emailed link to confirm an address."""
    try:
        with service_call():
            confirmation = services.confirm_email(token)
    except InvalidToken as exc:
        return render_template("accounts/link_problem.html", message=str(exc)), 400
    user = confirmation.user
    flash("Your email address is confirmed.", "success")
    target = confirmation.next_path or url_for("accounts.dashboard")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(target)
    if (
        confirmation.first_use
        and user.is_active
        and not user.has_second_factor
        and not current_user.is_authenticated
    ):
        # The link proves the address, once: sign the new user in where they were going (an
        # invitation they opened before they had an account).
        login_user(user)
        return redirect(target)
    return redirect(url_for("accounts.sign_in", next=confirmation.next_path or None))


@bp.route("/confirm/resend", methods=["POST"])
@login_required
def resend_confirmation():
    """Send the confirmation link again."""
    form = ResendConfirmationForm()
    if form.validate_on_submit():
        with service_call() as call:
            services.resend_confirmation(current_user)
        if call.ok:
            flash("We have sent you a new confirmation link.", "success")
    return redirect(url_for("accounts.dashboard"))


@bp.route("/sign-in", methods=["GET", "POST"])
# Only failed attempts count, both per IP (an office behind NAT signs in many times an hour)
# and per account.
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_sign_in_failed)
@limiter.limit(_login_limit, methods=["POST"], key_func=_account_key, deduct_when=_sign_in_failed)
def sign_in():
    """Sign in; the same message for an unknown address and a wrong password."""
    if current_user.is_authenticated:
        return redirect(safe_next("accounts.dashboard"))
    form = SignInForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            user = services.authenticate(form.email.data, form.password.data)
        if call.ok and user is not None:
            remembered = request.cookies.get(two_factor.REMEMBER_COOKIE)
            if user.has_second_factor and not two_factor.is_remembered(user, remembered):
                return start_second_step(user, request.values.get("next"))
            login_user(user)
            return redirect(safe_next("accounts.dashboard"))
        form.email.errors.append("Enter a correct email address and password")
    return render_template("accounts/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    """Sign out (POST with CSRF, so another site cannot sign you out).

    The session ends on the server too: a copy of the cookie stops working.
    """
    if current_user.is_authenticated:
        with service_call():
            services.sign_out(current_user)
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("main.home"))


@bp.route("/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """End every session of this account, on every device, then sign in again here."""
    form = SignOutEverywhereForm()
    if form.validate_on_submit():
        with service_call():
            services.sign_out(current_user)
        logout_user()
        flash("You have signed out on all your devices. Sign in again to continue.", "success")
        return redirect(url_for("accounts.sign_in"))
    return redirect(url_for("accounts.dashboard"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    """Ask for a reset link; the reply is the same for any address."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            services.request_password_reset(form.email.data)
        if call.ok:
            return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through an emailed link that expires."""
    try:
        services.user_for_reset_token(token)
    except InvalidToken as exc:
        return render_template("accounts/link_problem.html", message=str(exc)), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            services.reset_password(token, form.password.data)
        if call.ok:
            logout_user()
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """An invited staff member or partner chooses a password through the emailed link."""
    try:
        invited = administration.user_for_invitation(token)
    except InvalidToken as exc:
        return render_template("accounts/link_problem.html", message=str(exc)), 400
    form = AcceptInvitationForm(
        data={"full_name": invited.full_name} if request.method == "GET" else None
    )
    if form.validate_on_submit():
        with service_call(form) as call:
            user = administration.accept_invitation(token, form.full_name.data, form.password.data)
        if call.ok:
            logout_user()
            login_user(user)
            flash("Your password is set. Now set up your authenticator app.", "success")
            return redirect(url_for("accounts.dashboard"))
    return render_template("accounts/accept_invitation.html", form=form, invited=invited)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password of the signed-in user."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with service_call(form) as call:
            services.change_password(current_user, form.current_password.data, form.password.data)
        if call.ok:
            # The session id includes the password fingerprint: sign in again with the new one.
            login_user(current_user._get_current_object())
            flash("Your password has been changed.", "success")
            return redirect(url_for("accounts.dashboard"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/")
@login_required
def dashboard():
    """Your account: what you can do next, by role."""
    return render_template(
        "accounts/dashboard.html",
        resend_form=ResendConfirmationForm(),
        sign_out_everywhere_form=SignOutEverywhereForm(),
    )
