"""Site-wide pages: home, health check, accessibility and privacy statements, navigation."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import text

from tradehub.accounts.models import Role
from tradehub.extensions import db
from tradehub.i18n import N_

bp = Blueprint("main", __name__)


@dataclass(frozen=True)
class NavItem:
    """One link in the header navigation."""

    href: str
    text: str
    active: bool


_NAVIGATION = "tradehub.navigation"

# The core's links, after the ones feature packages register: (endpoint, text, who sees it,
# url prefix that marks it active).
_CORE_NAVIGATION = (
    ("accounts.dashboard", N_("Your account"), "signed_in", "/account"),
    ("accounts.sign_in", N_("Sign in"), "anonymous", "/account/sign-in"),
    ("staff.home", N_("Staff"), "staff", "/staff"),
    ("partner.home", N_("Partner"), "partner", "/partner"),
    ("admin.users", "Admin", "admin", "/admin"),
)


_SITEMAP = "tradehub.sitemap"


def register_sitemap(app, urls) -> None:
    """Add a feature's public pages to /sitemap.xml: `urls()` yields absolute URLs."""
    app.extensions.setdefault(_SITEMAP, []).append(urls)


@bp.route("/sitemap.xml")
def sitemap():
    """Every public page the features list, for search engines."""
    pages = [url_for("main.home", _external=True)]
    for urls in current_app.extensions.get(_SITEMAP, []):
        pages.extend(urls())
    body = render_template("main/sitemap.xml", pages=pages)
    return current_app.response_class(body, content_type="application/xml; charset=utf-8")


def register_navigation(app, endpoint: str, text: str, prefix: str) -> None:
    """Add a feature's link to the header, shown to everyone; `prefix` marks it active."""
    app.extensions.setdefault(_NAVIGATION, []).append((endpoint, text, "all", prefix))


def _shown_to(audience: str) -> bool:
    signed_in = current_user.is_authenticated
    return {
        "all": True,
        "signed_in": signed_in,
        "anonymous": not signed_in,
        "staff": signed_in and current_user.has_role(Role.STAFF),
        "partner": signed_in and current_user.has_role(Role.PARTNER),
        "admin": signed_in and current_user.has_role(Role.ADMIN),
    }[audience]


def main_navigation() -> list[NavItem]:
    """Header links for the current user: the features' links, then the core's."""
    links = [*current_app.extensions.get(_NAVIGATION, []), *_CORE_NAVIGATION]
    return [
        NavItem(url_for(endpoint), gettext(label), request.path.startswith(prefix))
        for endpoint, label, audience, prefix in links
        if _shown_to(audience)
    ]


def account_links() -> list[NavItem]:
    """Links on the account page, contributed by feature packages for the current user.

    A package registers a callable `(user) -> [(href, text), ...]` with `register_account_links`.
    """
    links = []
    for provider in current_app.extensions.get("tradehub.account_links", []):
        links.extend(NavItem(href, text, False) for href, text in provider(current_user))
    return links


def register_account_links(app, provider) -> None:
    """Add a provider of links for the "Your account" page."""
    app.extensions.setdefault("tradehub.account_links", []).append(provider)


@bp.app_context_processor
def inject_navigation():
    return {
        "main_navigation": main_navigation,
        "account_links": account_links,
    }


@bp.route("/")
def home():
    """What TradeHub offers, to each kind of visitor."""
    return render_template("main/home.html")


@bp.route("/accessibility")
def accessibility():
    """Accessibility statement."""
    return render_template("main/accessibility.html")


@bp.route("/privacy")
def privacy():
    """What personal data the service keeps, why, and for how long (figures from the settings)."""
    config = current_app.config
    retention = {
        "audit_days": config["AUDIT_RETENTION_DAYS"],
        "outbox_days": config["OUTBOX_RETENTION_DAYS"],
        "feedback_days": config["FEEDBACK_RETENTION_DAYS"],
        "remember_days": config["TWO_FACTOR_REMEMBER_DAYS"],
        "idle_hours": config["SESSION_IDLE_TIMEOUT"] // 3600,
        "session_days": config["SESSION_LIFETIME"] // 86400,
    }
    return render_template("main/privacy.html", retention=retention)


def check_database() -> tuple[bool, str]:
    """The database answers a trivial query."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means unhealthy; report it, do not raise
        db.session.rollback()
        return False, f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
    return True, db.engine.dialect.name


@bp.route("/healthz")
def healthz():
    """JSON status of the database and every registered dependency; 503 if any is down."""
    checks = {"database": check_database}
    checks.update(current_app.extensions.get("tradehub.health_checks", {}))
    report = {}
    healthy = True
    for name, check in checks.items():
        ok, detail = check()
        report[name] = {"ok": ok, "detail": detail}
        healthy = healthy and ok
    body = {"status": "ok" if healthy else "unavailable", "checks": report}
    return jsonify(body), 200 if healthy else 503
