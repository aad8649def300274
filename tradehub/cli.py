"""`flask users ...`: account administration from the command line."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from tradehub.accounts import audit
from tradehub.accounts.forms import PASSWORD_MIN, email_problem
from tradehub.accounts.models import Role
from tradehub.accounts.passwords import password_problem
from tradehub.accounts.services import create_user
from tradehub.errors import ValidationFailed
from tradehub.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.option("--email", required=True, help="Sign-in email address.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.STAFF.value,
    show_default=True,
    help="What the user may do.",
)
@click.option("--name", "full_name", default="", help="Full name.")
@click.password_option(help="Password (prompted when not given).")
def create_command(email: str, role: str, full_name: str, password: str) -> None:
    """Create a confirmed user, for example the first staff account."""
    # The same rules as the registration form, so the account can sign in.
    if problem := email_problem(email):
        raise click.BadParameter(problem, param_hint="email")
    if len(password) < PASSWORD_MIN:
        raise click.BadParameter(
            f"must be at least {PASSWORD_MIN} characters", param_hint="password"
        )
    if problem := password_problem(password, email=email, name=full_name):
        raise click.BadParameter(problem, param_hint="password")
    try:
        user = create_user(email, password, Role(role), full_name=full_name, confirmed=True)
    except ValidationFailed as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.role.value} user {user.email} (id {user.id}).")


@users_cli.command("prune-audit")
def prune_audit_command() -> None:
    """Delete account audit entries older than AUDIT_RETENTION_DAYS; run daily."""
    days = current_app.config["AUDIT_RETENTION_DAYS"]
    removed = audit.prune(days)
    db.session.commit()
    click.echo(
        f"Deleted {removed} audit entr{'y' if removed == 1 else 'ies'} older than {days} days."
    )
