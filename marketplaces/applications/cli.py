"""`flask applications ...`: link partner users to marketplaces and list overdue applications."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from marketplaces.applications import services
from marketplaces.applications.models import Application
from marketplaces.models import Marketplace
from tradehub.accounts.services import find_user_by_email
from tradehub.db_types import utcnow
from tradehub.errors import ValidationFailed
from tradehub.extensions import db

applications_cli = AppGroup("applications", help="Marketplace applications: partners, overdue.")


@applications_cli.command("link-partner")
@click.argument("email")
@click.argument("marketplace_slug")
def link_partner(email: str, marketplace_slug: str) -> None:
    """Link the partner user EMAIL to the marketplace MARKETPLACE_SLUG."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user has the email address {email}.")
    marketplace = db.session.scalar(select(Marketplace).where(Marketplace.slug == marketplace_slug))
    if marketplace is None:
        raise click.ClickException(f"No marketplace has the slug {marketplace_slug!r}.")
    try:
        services.link_partner_account(user, marketplace)
    except ValidationFailed as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{user.email} now handles referrals to {marketplace.name}.")


@applications_cli.command("overdue")
def overdue() -> None:
    """List applications whose first staff response is overdue."""
    now = utcnow()
    rows = db.session.scalars(
        select(Application).where(Application.is_overdue(now)).order_by(Application.response_due_at)
    ).all()
    for application in rows:
        click.echo(
            f"{application.reference}\t{application.marketplace.name}\t"
            f"{application.business_name}\tdue {application.response_due_at:%Y-%m-%d}"
        )
    click.echo(f"{len(rows)} overdue application(s).")
