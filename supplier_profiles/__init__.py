"""Supplier profiles: companies and their pages, the buyer-facing Find a Supplier pages, the
contact form, the JSON API and bulk import. Searching goes through search_index."""

from __future__ import annotations

import importlib

from flask import Blueprint, Flask

bp = Blueprint("supplier_profiles", __name__)

# Route modules decorate `bp` when imported, so they must load before any app registers it.
from supplier_profiles import search_documents, views  # noqa: E402

try:  # the exporter pages (profile editing, verification, staff moderation)
    exporter_views = importlib.import_module("supplier_profiles.exporter_views")
except ModuleNotFoundError as exc:
    if exc.name != "supplier_profiles.exporter_views":
        raise
    exporter_views = None


def init_app(app: Flask) -> None:
    """Register the buyer pages, the staff blocked-senders screen, the JSON API and its OpenAPI
    document, the CLI groups, and the exporter engineer's pages."""
    from supplier_profiles.api import api_bp
    from supplier_profiles.cli import register_commands
    from tradehub import api_docs
    from tradehub.extensions import csrf
    from tradehub.staff import register_staff_section

    search_documents.register(app)  # supplier profiles are what search indexes
    app.register_blueprint(bp)
    app.register_blueprint(views.staff_blocked_bp)
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    api_docs.init_app(app)
    register_commands(app)
    register_staff_section(
        app,
        "blocked_senders.list_blocked_senders",
        "Blocked senders",
        "Email addresses and domains whose messages to suppliers are refused.",
    )
    if exporter_views is not None and hasattr(exporter_views, "register_exporter"):
        exporter_views.register_exporter(app)
