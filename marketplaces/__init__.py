"""Selling Online Overseas: compare the partner marketplaces, their UK offers, and apply.

`bp` serves the public pages under /selling-online-overseas; `init_app` wires the public, staff
and API blueprints, the `flask marketplaces` CLI, the staff sections, and (when that subpackage
is installed) the application workflow in `marketplaces.applications`.
"""

from __future__ import annotations

import importlib.util

from flask import Blueprint, Flask

bp = Blueprint("marketplaces", __name__, url_prefix="/selling-online-overseas")


def init_app(app: Flask) -> None:
    """Register the marketplace blueprints, CLI, staff sections and the applications package."""
    from marketplaces import (
        models,  # noqa: F401  (the models must be known to migrations)
        views,  # noqa: F401  (routes attach themselves to `bp`)
    )
    from marketplaces.api import api_bp
    from marketplaces.cli import marketplaces_cli
    from marketplaces.staff_views import staff_marketplaces_bp
    from tradehub.staff import register_staff_section

    app.register_blueprint(bp)
    app.register_blueprint(staff_marketplaces_bp)
    app.register_blueprint(api_bp)
    app.cli.add_command(marketplaces_cli)
    register_staff_section(
        app,
        "staff_marketplaces.list_marketplaces",
        "Marketplaces and UK offers",
        "Edit marketplace facts as drafts, publish them, and manage the negotiated UK offers.",
    )
    register_staff_section(
        app,
        "staff_marketplaces.list_exchange_rates",
        "Exchange rates",
        "The rates the cost estimate uses to turn marketplace fees into pounds.",
    )
    register_template_helpers(app)

    if importlib.util.find_spec("marketplaces.applications") is not None:
        applications = importlib.import_module("marketplaces.applications")
        register = getattr(applications, "register_applications", None)
        if register is not None:
            register(app)


def register_template_helpers(app: Flask) -> None:
    """Formatting helpers every marketplace template (and imported macro) can use."""
    from marketplaces import costs, services
    from marketplaces.models import COMMISSION_BASES, SETUP_REQUIREMENTS, TRANSLATION_NEEDS

    app.add_template_global(costs.format_money, "format_money")
    app.add_template_global(costs.format_commission, "format_commission")
    app.add_template_global(COMMISSION_BASES, "commission_bases")
    app.add_template_filter(services.country_name, "country_name")
    app.add_template_filter(lambda code: SETUP_REQUIREMENTS.get(code, code), "setup_label")
    app.add_template_filter(lambda code: TRANSLATION_NEEDS.get(code, code), "translation_label")
