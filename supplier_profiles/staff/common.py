"""The supplier staff area's one blueprint (supplier_profiles_staff, under /staff), guarded once
for department staff so every new route is protected by default."""

from __future__ import annotations

from flask import Blueprint

from tradehub.accounts.models import Role
from tradehub.permissions import guard_blueprint

staff_bp = Blueprint("supplier_profiles_staff", __name__, url_prefix="/staff")
guard_blueprint(staff_bp, Role.STAFF)
