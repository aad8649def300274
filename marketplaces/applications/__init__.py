"""The tracked application workflow of Selling Online Overseas.

Exporters apply to a marketplace through a four-step wizard; staff review the queue; the
marketplace's partner records the outcome. `register_applications(app)` is called by
`marketplaces.init_app` and wires the three blueprints, the staff and partner sections, the
account-page link and the `flask applications` CLI.
"""

from __future__ import annotations

from flask import Flask, url_for

from tradehub.accounts.models import Role


def _account_links(user) -> list[tuple[str, str]]:
    if user.is_authenticated and user.role == Role.EXPORTER:
        return [
            (
                url_for("marketplace_applications.dashboard"),
                "Your applications to sell on online marketplaces",
            )
        ]
    return []


def register_applications(app: Flask) -> None:
    """Register the application blueprints, sections, account link and CLI."""
    from marketplaces.applications import models  # noqa: F401  (tables known to migrations)
    from marketplaces.applications.cli import applications_cli
    from marketplaces.applications.partner_views import bp as partner_bp
    from marketplaces.applications.staff_views import bp as staff_bp
    from marketplaces.applications.views import bp as exporter_bp
    from tradehub.main import register_account_links
    from tradehub.staff import register_partner_section, register_staff_section

    app.register_blueprint(exporter_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(partner_bp)
    app.cli.add_command(applications_cli)
    register_staff_section(
        app,
        "marketplace_applications_staff.queue",
        "Marketplace applications",
        "Review applications to the partner marketplaces: assign, ask questions, refer or "
        "decline, and export the queue.",
    )
    register_staff_section(
        app,
        "marketplace_applications_staff.partners",
        "Marketplace partner accounts",
        "Link each partner user to the marketplace whose referred applications they decide.",
    )
    register_partner_section(
        app,
        "marketplace_applications_partner.queue",
        "Referred applications",
        "Applications the TradeHub team referred to your marketplace: accept or decline them.",
    )
    register_account_links(app, _account_links)
