"""Company (database) -> SupplierDocument (search engines): the one place the mapping lives.

The document carries only what a buyer may see; contact details, verification codes and
addresses never reach the index.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from search_index.document import SupplierDocument, format_updated_at
from tradehub.extensions import db

if TYPE_CHECKING:
    from supplier_profiles.models import Company


def build_document(company: Company) -> SupplierDocument:
    """The search document of one company (also built for unpublishable ones: the indexer
    deletes those). Its `published` is false once the company is deleted."""
    studies = list(company.case_studies)
    updated = max([company.updated_at, *(s.updated_at for s in studies if s.updated_at)])
    return {
        "id": company.id,
        "slug": company.slug,
        "name": company.name,
        "summary": company.summary or "",
        "description": company.description or "",
        "keywords": list(company.keywords or []),
        "products_services": list(company.products_services or []),
        "case_studies": [
            {
                "title": study.title or "",
                "summary": study.summary or "",
                "description": study.description or "",
                "keywords": list(study.keywords or []),
            }
            for study in studies
        ],
        "industries": list(company.industries or []),
        "region": company.region or None,
        "countries": list(company.export_countries or []),
        "languages": list(company.languages or []),
        "employees": company.employees or None,
        "verified": company.is_verified,
        "published": bool(company.published) and not company.is_deleted,
        "case_study_count": len(studies),
        "updated_at": format_updated_at(updated),
    }


def publishable_filter():
    """SQL condition equal to Company.is_publishable (published, verified, not deleted)."""
    from supplier_profiles.models import Company

    return (
        Company.published.is_(True),
        Company.verified_at.is_not(None),
        Company.deleted_at.is_(None),
    )


def publishable_companies_query() -> Select:
    """Every publishable company with its case studies, in id order."""
    from supplier_profiles.models import Company

    return (
        select(Company)
        .where(*publishable_filter())
        .options(selectinload(Company.case_studies))
        .order_by(Company.id)
    )


def count_publishable_companies() -> int:
    """How many companies the index should hold."""
    from supplier_profiles.models import Company

    return db.session.scalar(select(func.count(Company.id)).where(*publishable_filter())) or 0


def iter_publishable_documents(batch_size: int = 500) -> Iterator[SupplierDocument]:
    """Documents of every publishable company, read from the database in batches of
    `batch_size` (keyset pagination on id, so memory stays flat and each query is short)."""
    from supplier_profiles.models import Company

    last_id = 0
    while True:
        companies = db.session.scalars(
            publishable_companies_query().where(Company.id > last_id).limit(batch_size)
        ).all()
        if not companies:
            return
        for company in companies:
            yield build_document(company)
        last_id = companies[-1].id
        # Forget the batch: a reindex of 100,000 companies must not keep them all in memory.
        for company in companies:
            db.session.expunge(company)
