"""`flask alerts send`: the buyers' periodic work (see supplier_profiles.buyers.jobs)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from supplier_profiles.buyers.jobs import run_jobs
from tradehub.after_commit import process_after_commit

alerts_cli = AppGroup("alerts", help="Buyers' alerts: saved-search emails and buying requests.")

# What `make run` serves: links in mails from a development machine point there.
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


def base_url(app: Flask) -> str:
    """Where links in mails point when no request is in hand: BASE_URL, else SERVER_NAME."""
    if app.config.get("BASE_URL"):
        return app.config["BASE_URL"]
    if app.config.get("SERVER_NAME"):
        return f"{app.config['PREFERRED_URL_SCHEME']}://{app.config['SERVER_NAME']}"
    return DEVELOPMENT_BASE_URL


@alerts_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="Most rows of each kind per run.")
def send_command(limit: int) -> None:
    """Send due saved-search alerts and response digests, offer open requests to newly
    published suppliers, and close requests past their deadline (safe with several workers)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.test_request_context("/", base_url=base_url(app)):
        report = run_jobs(limit=limit, progress=lambda step: click.echo(f"{step}…"))
        process_after_commit()  # send the mails the run committed, over one connection
    click.echo(report.summary())
