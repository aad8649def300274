"""`flask alerts send`: the buyers' periodic work (see supplier_profiles.buyers.jobs). Links in
its mails are built from BASE_URL (tradehub.base_url), as every mail outside a request is."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from supplier_profiles.buyers.jobs import run_jobs
from tradehub.after_commit import process_after_commit

alerts_cli = AppGroup("alerts", help="Buyers' alerts: saved-search emails and buying requests.")


@alerts_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="Most rows of each kind per run.")
def send_command(limit: int) -> None:
    """Send due saved-search alerts and response digests, offer open requests to newly
    published suppliers, and close requests past their deadline (safe with several workers)."""
    report = run_jobs(limit=limit, progress=lambda step: click.echo(f"{step}…"))
    process_after_commit()  # send the mails the run committed, over one connection
    click.echo(report.summary())
