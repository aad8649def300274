"""Accounts and addresses the load test uses, made in the database it runs against.

    python -m bench.load.accounts --exporters 4 --password P --slugs FILE

Creates (or reuses) confirmed exporter accounts load-exporter-<n>@example.com, each the owner
of one company that has none, and writes every publishable company's slug to FILE (the pages
the load opens). Reads DATABASE_URL and the other settings from the environment.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy import select

from supplier_profiles.models import Company, CompanyMember, MemberRole
from tradehub import create_app
from tradehub.accounts.models import Role
from tradehub.accounts.services import create_user, find_user_by_email
from tradehub.extensions import db


def exporters(count: int, password: str) -> list[str]:
    """Emails of `count` exporters, each owning a company of its own."""
    emails = []
    for number in range(1, count + 1):
        email = f"load-exporter-{number}@example.com"
        user = find_user_by_email(email) or create_user(
            email, password, Role.EXPORTER, full_name=f"Load Exporter {number}", confirmed=True
        )
        owned = db.session.scalar(select(CompanyMember).where(CompanyMember.user_id == user.id))
        if owned is None:
            company = db.session.scalar(
                select(Company)
                .where(~Company.members.any())
                .where(Company.is_publishable)
                .order_by(Company.id)
                .limit(1)
            )
            if company is None:
                raise SystemExit("no publishable company without members is left to own")
            db.session.add(CompanyMember(company=company, user_id=user.id, role=MemberRole.OWNER))
        emails.append(email)
    db.session.commit()
    return emails


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exporters", type=int, default=4)
    parser.add_argument("--password", required=True)
    parser.add_argument("--slugs", type=Path, required=True)
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        emails = exporters(args.exporters, args.password)
        slugs = db.session.scalars(
            select(Company.slug).where(Company.is_publishable).order_by(Company.id)
        )
        count = 0
        with args.slugs.open("w", encoding="utf-8") as handle:
            for slug in slugs:
                handle.write(slug + "\n")
                count += 1
    print(",".join(emails))
    print(f"{count:,} publishable companies listed in {args.slugs}", flush=True)


if __name__ == "__main__":
    main()
