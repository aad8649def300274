"""Public Selling Online Overseas pages: landing, finder, marketplace, compare, cost estimate."""

from __future__ import annotations

from flask import render_template

from marketplaces import bp, services


@bp.route("/")
def landing():
    """How the service helps, how many marketplaces it covers, and a few to start with."""
    marketplaces = services.published_marketplaces()
    return render_template(
        "marketplaces/landing.html",
        count=len(marketplaces),
        featured=services.featured_marketplaces(),
        last_updated=services.data_last_updated(),
        today=services.uk_today(),
    )
