"""Helpers for the buyer-journey tests: publishable companies that are really in the search
index (written through the outbox, as the services do), and an SQL statement counter."""

from __future__ import annotations

import contextlib
import itertools

from sqlalchemy import event

from supplier_profiles.models import CaseStudy, Company
from supplier_profiles.search_documents import mark_company_changed
from tradehub.after_commit import process_after_commit
from tradehub.db_types import utcnow
from tradehub.extensions import db

_counter = itertools.count(1)


def make_company(
    *, case_studies: list[dict] | None = None, index: bool = True, **fields
) -> Company:
    """A published, verified company (override any field), committed and indexed."""
    n = next(_counter)
    values = {
        "name": f"Buyer Test Company {n}",
        "slug": f"buyer-test-company-{n}",
        "company_type": "COMPANIES_HOUSE",
        "number": f"{90000000 + n:08d}",
        "summary": "Engineering supplies for export markets.",
        "description": "A family firm.",
        "email": f"sales{n}@supplier.example",
        "employees": "11-50",
        "region": "LONDON",
        "industries": ["MECHANICAL_ELECTRICAL_AND_PROCESS_ENGINEERING"],
        "export_countries": ["FR"],
        "languages": ["en"],
        "keywords": [],
        "products_services": [],
        "published": True,
        "published_at": utcnow(),
        "verified_at": utcnow(),
    }
    values.update(fields)
    company = Company(**values)
    for i, study in enumerate(case_studies or [], start=1):
        data = {
            "slug": f"{values['slug']}-study-{i}",
            "summary": "",
            "description": "",
            "keywords": [],
        }
        data.update(study)
        company.case_studies.append(CaseStudy(**data))
    db.session.add(company)
    db.session.flush()
    if index:
        mark_company_changed(company.id)
    db.session.commit()
    process_after_commit()
    return company


def reindex(company: Company) -> None:
    """Commit a change made in a test and apply it to the index, as a service save would."""
    db.session.flush()
    mark_company_changed(company.id)
    db.session.commit()
    process_after_commit()


@contextlib.contextmanager
def count_queries():
    """Count the SQL statements sent to the database inside the block."""
    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def make_search_engine_unreachable(app, tmp_path) -> None:
    """A real outage: the embedded index file replaced by one that is not a database."""
    from search_index import service

    broken = tmp_path / "not-a-database.sqlite3"
    broken.write_bytes(b"this is not an SQLite database" * 100)
    app.config["SEARCH_EMBEDDED_PATH"] = str(broken)
    service.reset_backend(app)
