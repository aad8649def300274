"""Core guards: role checks for whole areas and single views.

Whole areas are guarded once with `guard_blueprint`, so a new route in the staff or partner
area is protected by default. Ownership rules live with their feature (for example
supplier_profiles.permissions and marketplaces.applications.permissions), never here.
"""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from tradehub.accounts.models import Role


def _deny_or_sign_in():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))
    return abort(403)


def guard_blueprint(blueprint: Blueprint, *roles: Role) -> None:
    """Require a signed-in user with one of `roles` for every route of `blueprint`."""

    @blueprint.before_request
    def _check_role():
        if not current_user.is_authenticated or not current_user.has_role(*roles):
            return _deny_or_sign_in()
        return None


def role_required(*roles: Role):
    """Decorator for a single view outside a guarded area."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated or not current_user.has_role(*roles):
                return _deny_or_sign_in()
            return view(*args, **kwargs)

        return wrapped

    return decorator


def is_staff(user) -> bool:
    """Staff and administrators."""
    return bool(user and user.is_authenticated and user.is_staff)
