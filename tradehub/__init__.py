"""TradeHub: the application factory, and the composition root that wires every feature package.

This module is the only place in `tradehub` that names a feature package: the core never
imports search_index, supplier_profiles or marketplaces anywhere else. Feature modules import
`tradehub.<submodule>`, never a name defined here, and each feature package's `__init__` imports
`tradehub` before its own modules, so whichever package a program imports first, the layers
load bottom-up and no module is used half-loaded.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from dotenv import load_dotenv
from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

import marketplaces
import search_index
import supplier_profiles
from tradehub import api_docs, api_keys_staff, filters, i18n
from tradehub.accounts import bp as accounts_bp
from tradehub.accounts.admin_views import bp as admin_bp
from tradehub.accounts.sessions import load_user, register_sessions
from tradehub.after_commit import defer_until_response_sent, process_after_commit
from tradehub.api import register_api
from tradehub.base_url import TradeHubFlask
from tradehub.cli import users_cli
from tradehub.config import BASE_DIR, INSTANCE_DIR, Config, load_config
from tradehub.deployment import configure_logging, register_deployment
from tradehub.extensions import csrf, db, limiter, login_manager, migrate
from tradehub.feedback import setup as feedback
from tradehub.handlers import register_errorhandlers
from tradehub.mail import OutboxEmail, outbox_cli, send_due_batch
from tradehub.main import bp as main_bp
from tradehub.metrics import register_metrics, register_outbox
from tradehub.security import register_security
from tradehub.staff import partner_bp, staff_bp
from tradehub.worker import register_job, register_worker


def create_app(config: Config | str | Mapping | None = None) -> Flask:
    """Build a configured app. `config` is a Config, an environment name, or overrides."""
    if config is None or isinstance(config, str):
        if config != "testing":
            load_dotenv(BASE_DIR / ".env")  # development convenience; real env wins
        config = load_config(config)
    elif isinstance(config, Mapping):
        overrides = dict(config)
        config = load_config(overrides.pop("TRADEHUB_ENV", "testing"), overrides=overrides)

    app = TradeHubFlask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_mapping(config.as_dict())
    app.config["TRADEHUB_ENV"] = config.ENV_NAME
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    register_logging(app)
    register_templates(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_logging(app: Flask) -> None:
    """Plain log lines to stderr; the WSGI server or platform collects them."""
    # The Elasticsearch client logs every request at INFO: too much for an app log.
    logging.getLogger("elasticsearch").setLevel(logging.WARNING)
    # Text or JSON lines (LOG_FORMAT), each with the request id (docs/deploy.md).
    configure_logging(app.config["LOG_FORMAT"])


def register_templates(app: Flask) -> None:
    """Our templates first, then GOV.UK Frontend's macros and the WTForms widgets."""
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(BASE_DIR / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    filters.register(app)


def register_extensions(app: Flask) -> None:
    """Attach the unbound extensions and the per-request hooks they need."""
    db.init_app(app)

    # Mail and index work of a request runs once its response has been sent. Flask runs
    # after_request hooks in reverse order, so this first one runs after every other hook.
    @app.after_request
    def run_side_effects_after_response(response):
        return defer_until_response_sent(app, response)

    # ProxyFix (TRUSTED_PROXIES), request ids and the request log line; /metrics and its timer.
    register_deployment(app)
    register_metrics(app)

    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    register_sessions(app)
    register_security(app)
    register_api(app)
    i18n.init_app(app)

    # The CLI and other app contexts (and anything committed during teardown) run it here.
    @app.teardown_appcontext
    def run_remaining_side_effects(_exc):
        process_after_commit()


def register_blueprints(app: Flask) -> None:
    """The core blueprints, then each feature package, lowest layer first."""
    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(api_docs.bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(partner_bp)
    app.register_blueprint(admin_bp)
    api_keys_staff.register(app)  # the API keys screen, on the core's staff blueprint
    feedback.init_app(app)  # report a problem, contact us, /staff/feedback
    search_index.init_app(app)
    supplier_profiles.init_app(app)
    marketplaces.init_app(app)


def register_commands(app: Flask) -> None:
    """`flask users`, `flask outbox` and `flask worker` with the email job; feature packages
    add their own commands and worker jobs in init_app."""
    app.cli.add_command(users_cli)
    app.cli.add_command(outbox_cli)
    register_worker(app)
    register_job(app, "email-outbox", send_due_batch, "send due emails")
    register_outbox(app, "email", OutboxEmail, OutboxEmail.sent_at.is_(None))
