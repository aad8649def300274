"""Company (database) -> SupplierDocument (search engines): the one place the mapping lives.

The document carries only what a buyer may see; contact details, verification codes and
addresses never reach the index.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from search_index.document import SupplierDocument, format_updated_at
from tradehub.extensions import db

if TYPE_CHECKING:
    from supplier_profiles.models import Company


# The company columns a document is made of (the bulk path reads only these).
DOCUMENT_COLUMNS = (
    "id",
    "slug",
    "name",
    "summary",
    "description",
    "keywords",
    "products_services",
    "industries",
    "region",
    "export_countries",
    "languages",
    "employees",
    "published",
    "verified_at",
    "deleted_at",
    "updated_at",
)
CASE_STUDY_COLUMNS = ("company_id", "title", "summary", "description", "keywords", "updated_at")


def build_document(company: Company) -> SupplierDocument:
    """The search document of one company (also built for unpublishable ones: the indexer
    deletes those). Its `published` is false once the company is deleted."""
    return document_from(company, list(company.case_studies))


def document_from(company: Any, studies: Sequence[Any]) -> SupplierDocument:
    """The document from anything carrying DOCUMENT_COLUMNS (a Company or a result row) and
    its case studies (CaseStudy objects or rows with CASE_STUDY_COLUMNS)."""
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
        # The same rules as Company.is_verified and Company.is_deleted.
        "verified": company.verified_at is not None,
        "published": bool(company.published) and company.deleted_at is None,
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


def count_publishable_companies() -> int:
    """How many companies the index should hold."""
    from supplier_profiles.models import Company

    return db.session.scalar(select(func.count(Company.id)).where(*publishable_filter())) or 0


def iter_publishable_documents(batch_size: int = 500) -> Iterator[SupplierDocument]:
    """Documents of every publishable company, read from the database in batches of
    `batch_size` (keyset pagination on id: memory stays flat and each query is short). Reads
    plain columns, not ORM objects: a rebuild of 100,000 companies spends its time indexing."""
    from supplier_profiles.models import CaseStudy, Company

    company_columns = [getattr(Company, name) for name in DOCUMENT_COLUMNS]
    study_columns = [getattr(CaseStudy, name) for name in CASE_STUDY_COLUMNS]
    last_id = 0
    while True:
        companies = db.session.execute(
            select(*company_columns)
            .where(*publishable_filter(), Company.id > last_id)
            .order_by(Company.id)
            .limit(batch_size)
        ).all()
        if not companies:
            return
        studies: dict[int, list[Any]] = {}
        for study in db.session.execute(
            select(*study_columns)
            .where(CaseStudy.company_id.in_([c.id for c in companies]))
            .order_by(CaseStudy.id)
        ):
            studies.setdefault(study.company_id, []).append(study)
        for company in companies:
            yield document_from(company, studies.get(company.id, []))
        last_id = companies[-1].id
