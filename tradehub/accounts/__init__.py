"""Accounts: registration, email confirmation, sign-in, password reset, roles."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/account")

from tradehub.accounts import (  # noqa: E402,F401  (routes attach to bp)
    data_views,
    two_factor_views,
    views,
)
