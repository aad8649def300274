"""Wiring the feedback package into the app (called by create_app)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from tradehub.extensions import db
from tradehub.feedback import bp, services, staff_views
from tradehub.personal_data import register_personal_data

feedback_cli = AppGroup("feedback", help="Feedback and contact messages.")


@feedback_cli.command("prune")
def prune_command() -> None:
    """Delete contact messages older than FEEDBACK_RETENTION_DAYS; run daily."""
    days = current_app.config["FEEDBACK_RETENTION_DAYS"]
    removed = services.prune_contact_messages(days)
    db.session.commit()
    click.echo(
        f"Deleted {removed} contact message{'' if removed == 1 else 's'} older than {days} days."
    )


def init_app(app: Flask) -> None:
    """The public pages, the staff screen, the contact messages as personal data, the CLI."""
    app.register_blueprint(bp)
    staff_views.register(app)
    register_personal_data(
        app,
        "contact_messages",
        "Messages you sent through the contact page",
        services.export_contact_messages,
        erase=services.erase_contact_messages,
        on_deletion="Deleted.",
    )
    app.cli.add_command(feedback_cli)
