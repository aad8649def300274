"""Selling Online Overseas: compare the partner marketplaces, their UK offers, and apply.

`init_app` is the package's one piece of wiring: the public, staff and API blueprints, the
application workflow's exporter, staff and partner blueprints (`marketplaces.applications`),
both CLI groups, the staff and partner sections, the account-page link, the API's OpenAPI tag and
the template helpers.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

import tradehub  # noqa: F401  (the composition root first: it loads every layer in order)
from marketplaces import api, costs, staff_views, views
from marketplaces.applications import partner_views as application_partner_views
from marketplaces.applications import personal_data as application_personal_data
from marketplaces.applications import services as application_services
from marketplaces.applications import staff_views as application_staff_views
from marketplaces.applications import views as application_views
from marketplaces.applications.cli import applications_cli
from marketplaces.cli import marketplaces_cli
from marketplaces.industries import marketplaces_for_industry
from marketplaces.models import COMMISSION_BASES, SETUP_REQUIREMENTS, TRANSLATION_NEEDS
from supplier_profiles.industries import register_industry_marketplaces
from supplier_profiles.taxonomies import display_label
from tradehub.accounts.administration import register_role_link
from tradehub.accounts.models import Role
from tradehub.api_docs import register_openapi
from tradehub.main import register_account_links, register_navigation
from tradehub.staff import register_partner_section, register_staff_section


def init_app(app: Flask) -> None:
    """Register every marketplaces blueprint, CLI group, section, link and template helper."""
    for blueprint in (
        views.bp,
        staff_views.bp,
        api.bp,
        application_views.bp,
        application_staff_views.bp,
        application_partner_views.bp,
    ):
        app.register_blueprint(blueprint)
    register_openapi(app, tags=[api.TAG])  # its paths come from the declared endpoints
    register_industry_marketplaces(app, marketplaces_for_industry)  # industry pages (#14)
    app.cli.add_command(marketplaces_cli)
    app.cli.add_command(applications_cli)
    register_staff_section(
        app,
        "marketplaces_staff.list_marketplaces",
        "Marketplaces and UK offers",
        "Edit marketplace facts as drafts, publish them, and manage the negotiated UK offers.",
    )
    register_staff_section(
        app,
        "marketplaces_staff.list_exchange_rates",
        "Exchange rates",
        "The rates the cost estimate uses to turn marketplace fees into pounds.",
    )
    register_staff_section(
        app,
        "marketplaces_applications_staff.queue",
        "Marketplace applications",
        "Review applications to the partner marketplaces: assign, ask questions, refer or "
        "decline, and export the queue.",
    )
    register_staff_section(
        app,
        "marketplaces_applications_staff.partners",
        "Marketplace partner accounts",
        "Link each partner user to the marketplace whose referred applications they decide.",
    )
    register_partner_section(
        app,
        "marketplaces_applications_partner.queue",
        "Referred applications",
        "Applications the TradeHub team referred to your marketplace: accept or decline them.",
    )
    register_account_links(app, application_views.account_links)
    application_personal_data.register(app)  # "Download your data", "Delete your account"
    # An admin inviting a partner (or making a user one) picks their marketplace in the same step.
    register_role_link(
        app,
        Role.PARTNER,
        "Marketplace",
        application_services.marketplace_choices,
        application_services.link_partner_to,
        application_services.partner_marketplace_name,
    )
    register_navigation(
        app, "marketplaces.landing", "Selling Online Overseas", "/selling-online-overseas"
    )
    register_template_helpers(app)


# How a language separates the items of a list ("a, b", "a、b", "a، b").
LIST_SEPARATORS = {"zh": "、", "ja": "、", "ar": "، "}


def join_list(items) -> str:
    """Items joined the way the reader's language writes a list."""
    locale = get_locale()
    separator = LIST_SEPARATORS.get(locale.language if locale else "en", ", ")
    return separator.join(str(item) for item in items)


def register_template_helpers(app: Flask) -> None:
    """Formatting helpers every marketplace template (and imported macro) can use."""
    app.add_template_global(costs.format_money, "format_money")
    app.add_template_global(costs.format_commission, "format_commission")
    app.add_template_filter(costs.format_rate, "format_rate")
    app.add_template_global(COMMISSION_BASES, "commission_bases")
    app.add_template_filter(join_list, "join_list")
    # Country names in the reader's language (CLDR); English ones stay the data.
    app.add_template_filter(lambda code: display_label("country", code), "country_name")
    app.add_template_filter(lambda code: SETUP_REQUIREMENTS.get(code, code), "setup_label")
    app.add_template_filter(lambda code: TRANSLATION_NEEDS.get(code, code), "translation_label")
