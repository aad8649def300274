"""Second-factor pages: the code step of signing in, enrolment (QR code and secret), recovery
codes shown once, and managing the factor from the account page.

A user whose role needs a second factor and who has none is sent to enrolment from every page
(`require_enrolment`), so the site makes them enrol at their next sign-in.
"""

from __future__ import annotations

import hashlib
import time

from flask import (
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user

from tradehub.accounts import bp, two_factor
from tradehub.accounts.forms import PasswordCheckForm, TwoFactorCodeForm, TwoFactorSetupForm
from tradehub.accounts.models import User
from tradehub.accounts.tokens import fingerprint
from tradehub.extensions import db, limiter
from tradehub.refusals import service_call
from tradehub.security import is_safe_redirect

PENDING = "tradehub_2fa_pending"
SETUP_SECRET = "tradehub_2fa_setup"  # noqa: S105 (a session key, not a secret)
NEW_CODES = "tradehub_2fa_codes"

# Pages a user who must still enrol may open.
ENROLMENT_OPEN = frozenset(
    {
        "static",
        "accounts.two_factor_setup",
        "accounts.recovery_codes",
        "accounts.sign_out",
        "main.privacy",
        "main.accessibility",
        "main.healthz",
    }
)


@bp.before_app_request
def require_enrolment():
    """Staff, partners and admins without a second factor may only enrol (or sign out)."""
    if (
        current_user.is_authenticated
        and current_user.second_factor_required
        and not current_user.has_second_factor
        and request.endpoint not in ENROLMENT_OPEN
    ):
        return redirect(url_for("accounts.two_factor_setup"))
    return None


def start_second_step(user: User, next_url: str | None):
    """After the password: remember who is half signed in, and ask for the code."""
    session[PENDING] = {
        "uid": user.id,
        "pw": fingerprint(user.password_hash),
        "at": int(time.time()),
    }
    target = next_url if is_safe_redirect(next_url) else None
    return redirect(url_for("accounts.two_factor_code", next=target))


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if time.time() - pending.get("at", 0) > current_app.config["TWO_FACTOR_PENDING_SECONDS"]:
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, pending.get("uid"))
    if user is None or not user.is_active or fingerprint(user.password_hash) != pending.get("pw"):
        return None
    return user


def _code_limit() -> str:
    return current_app.config["TWO_FACTOR_RATE_LIMIT"]


def _code_key() -> str:
    # Per account being signed in to (or enrolling), so a new session does not reset the count.
    pending = session.get(PENDING)
    uid = pending.get("uid") if isinstance(pending, dict) else None
    if uid is None and current_user.is_authenticated:
        uid = current_user.id
    return "2fa:" + hashlib.sha256(str(uid or request.remote_addr).encode()).hexdigest()


def _code_failed(response) -> bool:
    return response.status_code != 302


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(_code_limit, methods=["POST"], key_func=_code_key, deduct_when=_code_failed)
def two_factor_code():
    """The second step of signing in: a code from the app, or a recovery code."""
    user = _pending_user()
    if user is None:
        flash("Sign in again: that took too long or the sign-in changed.", "info")
        return redirect(url_for("accounts.sign_in"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        with service_call(form, "code") as call:
            used = two_factor.verify_second_factor(user, form.code.data)
        if call.ok:
            session.pop(PENDING, None)
            login_user(user)
            if used == "recovery code":
                left = two_factor.unused_recovery_codes(user)
                flash(f"You used a recovery code. You have {left} left.", "info")
            target = request.args.get("next")
            response = make_response(
                redirect(target if is_safe_redirect(target) else url_for("accounts.dashboard"))
            )
            if form.remember.data:
                response.set_cookie(
                    two_factor.REMEMBER_COOKIE,
                    two_factor.remember_token(user),
                    max_age=two_factor.remember_max_age(),
                    httponly=True,
                    secure=current_app.config["SESSION_COOKIE_SECURE"],
                    samesite="Lax",
                    path=url_for("accounts.sign_in"),
                )
            return response
    return render_template("accounts/two_factor_code.html", form=form)


@bp.route("/two-factor/set-up", methods=["GET", "POST"])
@login_required
@limiter.limit(_code_limit, methods=["POST"], key_func=_code_key, deduct_when=_code_failed)
def two_factor_setup():
    """Scan the QR code (or type the secret), then prove the app works with one code."""
    if current_user.has_second_factor:
        return redirect(url_for("accounts.two_factor_manage"))
    secret = session.get(SETUP_SECRET) or two_factor.new_secret()
    session[SETUP_SECRET] = secret
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        with service_call(form, "code") as call:
            codes = two_factor.enable(current_user, secret, form.code.data)
        if call.ok:
            session.pop(SETUP_SECRET, None)
            session[NEW_CODES] = codes
            return redirect(url_for("accounts.recovery_codes"))
    uri = two_factor.provisioning_uri(current_user, secret)
    return render_template(
        "accounts/two_factor_setup.html",
        form=form,
        qr=two_factor.qr_svg(uri),
        secret=two_factor.grouped(secret),
        required=current_user.second_factor_required,
    )


@bp.route("/two-factor/recovery-codes")
@login_required
def recovery_codes():
    """The new recovery codes, shown once: reloading the page does not show them again."""
    codes = session.pop(NEW_CODES, None)
    if not codes:
        return redirect(url_for("accounts.two_factor_manage"))
    return render_template("accounts/recovery_codes.html", codes=codes)


@bp.route("/two-factor", methods=["GET"])
@login_required
def two_factor_manage():
    """The second factor's state, new recovery codes, and (where allowed) turning it off."""
    return render_template(
        "accounts/two_factor_manage.html",
        codes_form=PasswordCheckForm(prefix="codes"),
        off_form=PasswordCheckForm(prefix="off"),
        codes_left=two_factor.unused_recovery_codes(current_user),
    )


@bp.route("/two-factor/recovery-codes/new", methods=["POST"])
@login_required
def new_recovery_codes():
    """Replace the recovery codes (after the password)."""
    form = PasswordCheckForm(prefix="codes")
    if form.validate_on_submit():
        with service_call(form, "password") as call:
            codes = two_factor.new_recovery_codes(current_user, form.password.data)
        if call.ok:
            session[NEW_CODES] = codes
            return redirect(url_for("accounts.recovery_codes"))
    return render_template(
        "accounts/two_factor_manage.html",
        codes_form=form,
        off_form=PasswordCheckForm(prefix="off"),
        codes_left=two_factor.unused_recovery_codes(current_user),
        form=form,
    )


@bp.route("/two-factor/turn-off", methods=["POST"])
@login_required
def turn_off_two_factor():
    """Exporters and buyers may turn their second factor off again (after the password)."""
    form = PasswordCheckForm(prefix="off")
    if form.validate_on_submit():
        with service_call(form, "password") as call:
            two_factor.disable(current_user, form.password.data)
        if call.ok:
            flash("Your second factor is turned off.", "success")
            return redirect(url_for("accounts.dashboard"))
    return render_template(
        "accounts/two_factor_manage.html",
        codes_form=PasswordCheckForm(prefix="codes"),
        off_form=form,
        codes_left=two_factor.unused_recovery_codes(current_user),
        form=form,
    )
