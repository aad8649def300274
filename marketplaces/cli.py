"""`flask marketplaces ...`: load the partner marketplaces and seed exchange rates."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from marketplaces.loading import (
    EXCHANGE_RATES_FILE,
    MARKETPLACES_FILE,
    load_exchange_rates,
    load_marketplaces,
)
from tradehub.errors import ValidationFailed
from tradehub.extensions import db

marketplaces_cli = AppGroup("marketplaces", help="Manage Selling Online Overseas data.")


@marketplaces_cli.command("load")
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--rates",
    "rates_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Exchange-rate seed file (default: the packaged one).",
)
def load_command(file: Path | None, rates_file: Path | None) -> None:
    """Load (or update, matching on slug) the marketplaces, their UK offers and seed rates."""
    try:
        result = load_marketplaces(file or MARKETPLACES_FILE)
        added, kept = load_exchange_rates(rates_file or EXCHANGE_RATES_FILE)
    except ValidationFailed as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(
        f"Marketplaces: {result.total} in file (data as of {result.as_of or 'unknown'}): "
        f"{len(result.created)} created, {len(result.updated)} updated, "
        f"{len(result.unchanged)} unchanged."
    )
    if result.kept_unpublished:
        click.echo(
            "Kept unpublished (staff unpublished them): " + ", ".join(result.kept_unpublished)
        )
    click.echo(
        f"UK offers: {result.offers_created} created, {result.offers_updated} updated, "
        f"{result.offers_withdrawn} withdrawn."
    )
    click.echo(f"Exchange rates: {added} added, {kept} already set (kept).")
