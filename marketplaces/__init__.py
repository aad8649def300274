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
    from marketplaces.cli import marketplaces_cli

    app.register_blueprint(bp)
    app.cli.add_command(marketplaces_cli)
    app.jinja_env.filters.setdefault("money", _money_filter)

    if importlib.util.find_spec("marketplaces.applications") is not None:
        applications = importlib.import_module("marketplaces.applications")
        register = getattr(applications, "register_applications", None)
        if register is not None:
            register(app)


def _money_filter(amount, currency: str = "GBP", frequency: str | None = None) -> str:
    from marketplaces.costs import format_money

    return format_money(amount, currency, frequency)
