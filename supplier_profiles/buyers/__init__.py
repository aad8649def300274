"""Buyers who come back: shortlists, saved searches with email alerts, and buying requests
(one request, many suppliers) with staff moderation, matching through the search layer,
supplier responses and enquiry threads. Registered by supplier_profiles.init_app."""

from __future__ import annotations

from flask import Flask, g, url_for
from flask_login import current_user

from supplier_profiles.buyers import shortlists, staff_views, supplier_views
from supplier_profiles.buyers.cli import alerts_cli
from supplier_profiles.buyers.jobs import run_worker_batch
from supplier_profiles.buyers.permissions import can_post_buying_request, can_use_buyer_area
from supplier_profiles.buyers.views import alerts_bp, buyers_bp
from tradehub.accounts.models import Role
from tradehub.main import register_account_links
from tradehub.staff import register_staff_section
from tradehub.worker import register_job

# The modules add their routes to the exporter and staff blueprints when imported.
ROUTE_MODULES = (staff_views, supplier_views)


def account_links(user) -> list[tuple[str, str]]:
    """Links on "Your account" for buyers (and exporters buying)."""
    if not can_use_buyer_area(user):
        return []
    links = [
        (url_for("supplier_profiles_buyers.shortlist"), "Your shortlist of suppliers"),
        (url_for("supplier_profiles_buyers.saved_searches"), "Your saved searches and alerts"),
    ]
    if can_post_buying_request(user) or user.has_role(Role.BUYER):
        links.append((url_for("supplier_profiles_buyers.buying_requests"), "Your buying requests"))
    if user.has_role(Role.EXPORTER):
        links.append(
            (url_for("supplier_profiles_exporter.buying_requests"), "Buying requests for you")
        )
    return links


def shortlisted_ids() -> set[int] | None:
    """For templates: ids on the signed-in buyer's shortlist, None for anyone who has none."""
    if not can_use_buyer_area(current_user):
        return None
    if "shortlisted_ids" not in g:
        g.shortlisted_ids = shortlists.shortlisted_ids(current_user)
    return g.shortlisted_ids


def init_app(app: Flask) -> None:
    """The buyer area, the unsubscribe link, `flask alerts`, account links and staff section."""
    app.register_blueprint(buyers_bp)
    app.register_blueprint(alerts_bp)
    app.cli.add_command(alerts_cli)
    register_job(
        app,
        "buyer-alerts",
        run_worker_batch,
        "saved-search alerts, response digests, late request offers, closing at deadline",
    )
    app.add_template_global(shortlisted_ids, "shortlisted_ids")
    register_account_links(app, account_links)
    register_staff_section(
        app,
        "supplier_profiles_staff.buying_requests",
        "Buying requests",
        "Approve buyers' requests for quotation, or reject them with a reason.",
    )
