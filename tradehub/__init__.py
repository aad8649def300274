"""TradeHub: the application factory and the wiring of every feature package."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from pathlib import Path

from dotenv import load_dotenv
from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from tradehub.config import BASE_DIR, Config, load_config
from tradehub.extensions import csrf, db, limiter, login_manager, migrate

# Feature packages; each exposes `init_app(app)` that registers its blueprints, CLI and hooks.
FEATURE_PACKAGES = ("search_index", "supplier_profiles", "marketplaces")


def create_app(config: Config | str | Mapping | None = None) -> Flask:
    """Build a configured app. `config` is a Config, an environment name, or overrides."""
    if config is None or isinstance(config, str):
        if config != "testing":
            load_dotenv(BASE_DIR / ".env")  # development convenience; real env wins
        config = load_config(config)
    elif isinstance(config, Mapping):
        overrides = dict(config)
        config = load_config(overrides.pop("TRADEHUB_ENV", "testing"), overrides=overrides)

    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
        instance_path=str(BASE_DIR / "instance"),
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
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )


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

    from tradehub import filters

    filters.register(app)


def register_extensions(app: Flask) -> None:
    """Attach the unbound extensions and the per-request hooks they need."""
    from tradehub.after_commit import process_after_commit
    from tradehub.security import register_security

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    register_security(app)

    @login_manager.user_loader
    def load_user(session_id: str):
        from tradehub.accounts.models import User
        from tradehub.accounts.tokens import fingerprint

        user_id, _, pw = session_id.partition(".")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        # The id carries a password fingerprint: changing the password ends other sessions.
        if user is None or fingerprint(user.password_hash) != pw:
            return None
        return user

    @app.after_request
    def run_side_effects(response):
        process_after_commit()
        return response

    @app.teardown_appcontext
    def run_remaining_side_effects(_exc):
        process_after_commit()


def register_blueprints(app: Flask) -> None:
    """The core blueprints, then each feature package."""
    from tradehub.accounts import bp as accounts_bp
    from tradehub.main import bp as main_bp
    from tradehub.staff import partner_bp, staff_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(partner_bp)
    for name in FEATURE_PACKAGES:
        module = importlib.import_module(name)
        init_app = getattr(module, "init_app", None)
        if init_app is not None:
            init_app(app)


def register_errorhandlers(app: Flask) -> None:
    """HTML error pages, JSON under /api/."""
    from tradehub.handlers import register_errorhandlers as register

    register(app)


def register_commands(app: Flask) -> None:
    """`flask users` and `flask outbox`; feature packages add their own in init_app."""
    from tradehub.cli import users_cli
    from tradehub.mail import outbox_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(outbox_cli)
