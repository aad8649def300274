"""The staff and partner areas: each blueprint is guarded once for its role.

Feature packages add their own staff or partner blueprints (guarded the same way with
`guard_blueprint`) and list their sections with `register_staff_section`.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for

from tradehub.accounts.models import Role
from tradehub.permissions import guard_blueprint

staff_bp = Blueprint("staff", __name__, url_prefix="/staff")
partner_bp = Blueprint("partner", __name__, url_prefix="/partner")

guard_blueprint(staff_bp, Role.STAFF)
guard_blueprint(partner_bp, Role.PARTNER)


def register_staff_section(app, endpoint: str, title: str, description: str) -> None:
    """List a staff screen on the staff home page."""
    app.extensions.setdefault("tradehub.staff_sections", []).append((endpoint, title, description))


def register_partner_section(app, endpoint: str, title: str, description: str) -> None:
    """List a partner screen on the partner home page."""
    app.extensions.setdefault("tradehub.partner_sections", []).append(
        (endpoint, title, description)
    )


def _sections(key: str) -> list[dict]:
    return [
        {"href": url_for(endpoint), "title": title, "description": description}
        for endpoint, title, description in current_app.extensions.get(key, [])
    ]


@staff_bp.route("/")
def home():
    """Staff home: the screens staff can use."""
    return render_template("staff/home.html", sections=_sections("tradehub.staff_sections"))


@partner_bp.route("/", endpoint="home")
def partner_home():
    """Partner home: the screens a marketplace partner can use."""
    return render_template("partner/home.html", sections=_sections("tradehub.partner_sections"))
