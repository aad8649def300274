"""`flask suppliers import FILE.jsonl`, `flask suppliers recheck` and `flask demo seed
--suppliers N` (the import itself is supplier_profiles.importer, the re-check
supplier_profiles.recheck)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from supplier_profiles import recheck
from supplier_profiles.buyers.demo import seed_demo_buyer
from supplier_profiles.demo import generate_companies
from supplier_profiles.importer import BATCH_SIZE, import_records, read_jsonl
from tradehub.progress import progress

suppliers_cli = AppGroup(
    "suppliers", help="Supplier profiles: bulk import, Companies House re-check."
)


@suppliers_cli.command("import")
@click.argument("path", type=click.File("r", encoding="utf-8"))
@click.option(
    "--batch-size", default=BATCH_SIZE, show_default=True, help="Lines committed together."
)
def import_command(path, batch_size: int) -> None:
    """Import companies from a JSON Lines file (one company per line; see docs/import-schema.md)."""
    lines = None
    if path.seekable():
        lines = sum(1 for line in path if line.strip())
        path.seek(0)
    with progress(lines, f"Importing {path.name}") as advance:
        report = import_records(
            read_jsonl(path),
            source=f"import of {path.name}",
            batch_size=batch_size,
            advance=advance,
        )
    for number, reason in report.errors:
        click.echo(f"line {number}: {reason}", err=True)
    click.echo(
        f"Imported {report.imported} companies ({report.created} new, "
        f"{report.updated} updated); {len(report.errors)} line(s) refused."
    )
    if report.errors:
        raise SystemExit(1)


@suppliers_cli.command("recheck")
@click.option(
    "--limit",
    default=500,
    show_default=True,
    help="Check at most this many companies (the oldest checked first).",
)
def recheck_command(limit: int) -> None:
    """Re-check the status of companies at Companies House; unpublish the closed ones.

    `flask worker` runs the same check in small batches (job "companies-house-recheck")."""
    due = min(recheck.due_count(), limit)
    with progress(due, "Checking Companies House") as advance:
        report = recheck.recheck_due(limit, advance=advance)
    click.echo(report.summary())


demo_cli = AppGroup("demo", help="Demo data for development and benchmarks.")


@demo_cli.command("seed")
@click.option(
    "--suppliers",
    "count",
    default=300,
    show_default=True,
    help="How many demo companies to create or refresh.",
)
@click.option(
    "--seed",
    default=2027,
    show_default=True,
    help="Random seed: the same seed gives the same companies.",
)
@click.option(
    "--buyer-password",
    envvar="DEMO_BUYER_PASSWORD",
    default=None,
    help="Password of the demo buyer when it is created (default: a random one, printed).",
)
def seed_command(count: int, seed: int, buyer_password: str | None) -> None:
    """Create (or refresh) realistic published, verified demo suppliers, and the demo buyer."""
    records = ((i + 1, record) for i, record in enumerate(generate_companies(count, seed=seed)))
    with progress(count, "Seeding demo suppliers") as advance:
        report = import_records(records, source="demo seed", batch_size=500, advance=advance)
    for number, reason in report.errors:
        click.echo(f"demo company {number}: {reason}", err=True)
    click.echo(f"Demo suppliers: {report.created} created, {report.updated} refreshed.")
    if report.errors:
        raise SystemExit(1)
    buyer, password = seed_demo_buyer(buyer_password)
    if password:
        click.echo(
            f"Demo buyer {buyer.email} created (password: {password}) with a saved search and "
            "an open buying request with two responses."
        )
    else:
        click.echo(f"Demo buyer {buyer.email} already there.")


def register_commands(app: Flask) -> None:
    """Add `flask suppliers` and `flask demo` (joining a `demo` group another package made)."""
    app.cli.add_command(suppliers_cli)
    existing = app.cli.commands.get("demo")
    if existing is None:
        app.cli.add_command(demo_cli)
    elif existing is not demo_cli and isinstance(existing, click.Group):
        existing.add_command(seed_command, "seed")
