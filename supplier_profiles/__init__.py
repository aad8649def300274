"""Supplier profiles: companies and their pages, the exporter's profile area, verification and
moderation by staff, the buyer-facing Find a Supplier pages, the contact form, the JSON API and
bulk import. Searching goes through search_index, which indexes the documents this package
registers (supplier_profiles.search_documents)."""

from __future__ import annotations

from flask import Flask

import tradehub  # noqa: F401  (the composition root first: it loads every layer in order)
from supplier_profiles import (
    buyers,
    cli,
    industries,
    personal_data,
    recheck,
    reports,  # noqa: F401  ("Report this profile": its routes attach to bp)
    search_documents,
)
from supplier_profiles.api import api_bp
from supplier_profiles.api_schemas import TAG as API_TAG
from supplier_profiles.exporter import account_links, exporter_bp
from supplier_profiles.media import case_study_image_url, company_logo_url, media_bp
from supplier_profiles.staff import staff_bp
from supplier_profiles.verification import format_code
from supplier_profiles.views import bp
from tradehub.api_docs import register_openapi
from tradehub.extensions import csrf
from tradehub.main import register_account_links, register_navigation, register_sitemap
from tradehub.staff import register_staff_section
from tradehub.worker import register_job


def init_app(app: Flask) -> None:
    """Register every supplier blueprint (buyer pages, exporter area, media, staff, JSON API),
    the API's OpenAPI tag, the search document source, the CLI groups, the staff sections,
    the account links and the Jinja helpers for image URLs."""
    search_documents.register(app)  # supplier profiles are what search indexes
    app.register_blueprint(bp)
    app.register_blueprint(industries.bp)  # /industries (#14)
    app.add_template_global(industries.industry_url, "industry_url")
    register_sitemap(app, industries.sitemap_urls)
    app.register_blueprint(exporter_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(staff_bp)
    buyers.init_app(app)  # shortlists, saved searches and alerts, buying requests (#11)
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    register_openapi(app, tags=[API_TAG])  # its paths come from the declared endpoints
    cli.register_commands(app)
    register_job(
        app,
        "companies-house-recheck",
        recheck.run_worker_batch,
        "re-check companies' status at Companies House, unpublish the closed ones",
    )
    register_staff_section(
        app,
        "supplier_profiles_staff.list_blocked_senders",
        "Blocked senders",
        "Email addresses and domains whose messages to suppliers are refused.",
    )
    register_staff_section(
        app,
        "supplier_profiles_staff.index",
        "Supplier profiles",
        "Print verification letters, verify or revoke companies, and take profiles down.",
    )
    register_staff_section(
        app,
        "supplier_profiles_staff.verification_requests",
        "Verification requests",
        "Sole traders, partnerships, charities and other businesses waiting for a staff check.",
    )
    register_account_links(app, account_links)
    personal_data.register(app)  # "Download your data", "Delete your account"
    register_navigation(
        app, "supplier_profiles.find_a_supplier", "Find a Supplier", "/find-a-supplier"
    )
    app.add_template_global(company_logo_url, "company_logo_url")
    app.add_template_global(case_study_image_url, "case_study_image_url")
    app.add_template_global(format_code, "format_verification_code")
