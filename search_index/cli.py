"""`flask search ...`: drain the indexing outbox, rebuild the index, report how level it is."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from search_index import insights
from search_index.errors import SearchError, SearchUnavailable
from search_index.indexing import DEFAULT_BATCH, outbox_backlog, rebuild_index, sync_outbox
from search_index.service import get_backend
from search_index.sources import get_source
from tradehub.filters import uk_datetime
from tradehub.progress import progress

search_cli = AppGroup("search", help="Search index: sync the outbox, reindex, status.")


@search_cli.command("sync")
@click.option(
    "--batch-size",
    default=DEFAULT_BATCH,
    show_default=True,
    help="Outbox rows applied per transaction.",
)
@click.option(
    "--due-only",
    is_flag=True,
    help="Skip rows still waiting for their retry back-off (for a frequent cron job).",
)
def sync_command(batch_size: int, due_only: bool) -> None:
    """Apply every pending change from the outbox.

    Run it after the engine comes back, or from cron as a worker (with --due-only).
    """
    applied, failed = sync_outbox(batch_size=batch_size, due_only=due_only)
    backlog = outbox_backlog()
    click.echo(
        f"Applied {applied} change(s); {failed} failed; {backlog.pending} left in the outbox."
    )
    if failed:
        raise click.ClickException(
            f"{failed} change(s) could not be applied and stay queued: {backlog.last_error}"
        )


@search_cli.command("reindex")
@click.option(
    "--batch-size",
    default=500,
    show_default=True,
    help="Documents read from the database per query.",
)
def reindex_command(batch_size: int) -> None:
    """Rebuild the index and swap it in atomically.

    Reads every document the registered source delivers; searches keep working throughout.
    """
    started = time.monotonic()
    source = get_source()
    try:
        with progress(source.count(), f"Reindexing {source.label}") as advance:
            name, loaded = rebuild_index(batch_size=batch_size, advance=advance)
    except SearchUnavailable as exc:
        raise click.ClickException(f"Search engine unavailable; nothing changed: {exc}") from exc
    except SearchError as exc:
        raise click.ClickException(f"Reindex failed; the old index is still live: {exc}") from exc
    elapsed = time.monotonic() - started
    click.echo(f"Reindexed {loaded} {source.label} into {name} in {elapsed:.1f}s.")


@search_cli.command("status")
def status_command() -> None:
    """Index vs database, and the outbox backlog.

    Shows the backend and its health, documents indexed against the documents the source says
    the index should hold, and how many changes wait in the outbox. Exits 1 when the engine is
    unavailable.
    """
    backend = get_backend()
    health = backend.health()
    source = get_source()
    publishable = source.count()
    backlog = outbox_backlog()
    click.echo(
        f"Backend: {backend.name} ({'ok' if health['ok'] else 'UNAVAILABLE'}): {health['detail']}"
    )
    indexed: int | None = None
    if health["ok"]:
        try:
            indexed = backend.count()
        except SearchError as exc:
            click.echo(f"Documents indexed: unknown ({exc})")
    if indexed is not None:
        click.echo(f"Documents indexed: {indexed}")
    click.echo(f"Publishable {source.label} in the database: {publishable}")
    oldest = f"; oldest {uk_datetime(backlog.oldest)}" if backlog.oldest else ""
    click.echo(
        f"Outbox backlog: {backlog.pending} pending ({backlog.due} due now, "
        f"{backlog.failing} failed at least once{oldest})"
    )
    if backlog.last_error:
        click.echo(f"Last indexing error: {backlog.last_error}")
    if not health["ok"]:
        raise click.ClickException("search engine unavailable")
    if backlog.pending:
        click.echo("Run `flask search sync` to apply the backlog.")
    elif indexed is not None and indexed != publishable:
        click.echo("The index and the database differ: run `flask search reindex`.")
    else:
        click.echo("The index is level with the database.")


@search_cli.command("prune-insights")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Keep this many days (default: SEARCH_INSIGHTS_RETENTION_DAYS, 90).",
)
def prune_insights_command(days: int | None) -> None:
    """Delete recorded searches and clicks older than the retention period (run it daily)."""
    kept = days if days is not None else insights.retention_days()
    gone = insights.prune(days=kept)
    click.echo(f"Deleted {gone} search insights row(s) older than {kept} days.")
