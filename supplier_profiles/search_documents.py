"""Company (database) -> SupplierDocument (search index), and the suppliers document source.

The one place the mapping lives. Only publishable companies (`Company.is_publishable`, the one
"may be shown to buyers" rule) become documents; search_index deletes every other id. The
document carries only what a buyer may see; contact details, verification codes and addresses
never reach the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import func, or_, select

from search_index.document import SupplierDocument, checked, format_updated_at
from search_index.indexing import OP_DELETE, OP_UPSERT, mark_changed, mark_many_changed
from search_index.sources import DocumentSource, register_source
from supplier_profiles.models import CaseStudy, CaseStudyImage, Company
from tradehub.extensions import db

__all__ = [
    "CASE_STUDY_COLUMNS",
    "DOCUMENT_COLUMNS",
    "SUPPLIERS",
    "build_document",
    "document_from",
    "mark_company_changed",
    "register",
]

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
    "verified_at",
    "updated_at",
)
CASE_STUDY_COLUMNS = (
    "id",
    "company_id",
    "title",
    "summary",
    "description",
    "keywords",
    "website",
    "updated_at",
)


def build_document(company: Company) -> SupplierDocument:
    """The search document of one company (whether it may be shown is the source's question)."""
    return document_from(company, list(company.case_studies))


def _website_words(address: str | None) -> list[str]:
    """A case study's web address as buyers type it: without the scheme, "www." or a slash."""
    address = (address or "").strip()
    for prefix in ("https://", "http://", "www."):
        address = address.removeprefix(prefix) if address.lower().startswith(prefix) else address
    return [address.rstrip("/")] if address else []


def _study_terms(study: Any, captions: Mapping[int, list[str]] | None) -> list[str]:
    """A case study's keywords, image captions and web address: all searchable."""
    if captions is None:
        study_captions = [image.caption for image in study.images]
    else:
        study_captions = captions.get(study.id, [])
    return (
        _strings(study.keywords)
        + _strings(study_captions)
        + _website_words(getattr(study, "website", ""))
    )


def document_from(
    company: Any, studies: Sequence[Any], captions: Mapping[int, list[str]] | None = None
) -> SupplierDocument:
    """The document from anything carrying DOCUMENT_COLUMNS (a Company or a result row) and
    its case studies (CaseStudy objects, or rows with CASE_STUDY_COLUMNS plus `captions`, the
    image captions by case study id), built in the shape search_index.validate_document makes
    (so the backends need not check it again). A case study's image captions and web address
    are searched with its keywords."""
    updated = max([company.updated_at, *(s.updated_at for s in studies if s.updated_at)])
    return checked(
        {
            "id": company.id,
            "slug": company.slug,
            "name": company.name,
            "summary": company.summary or "",
            "description": company.description or "",
            "keywords": _strings(company.keywords),
            "products_services": _strings(company.products_services),
            "case_studies": [
                {
                    "title": study.title or "",
                    "summary": study.summary or "",
                    "description": study.description or "",
                    "keywords": _study_terms(study, captions),
                }
                for study in studies
            ],
            "industries": _strings(company.industries),
            "region": company.region or None,
            "countries": _strings(company.export_countries),
            "languages": _strings(company.languages),
            "employees": company.employees or None,
            "verified": company.verified_at is not None,  # the "verified" facet
            "case_study_count": len(studies),
            "updated_at": format_updated_at(updated),
        }
    )


def _strings(values: Sequence[str] | None) -> list[str]:
    """A list column as a document list: its non-empty strings, in order."""
    return [value for value in values or () if value]


def _documents(company_rows: Sequence[Any]) -> Iterator[SupplierDocument]:
    """Documents of company rows, their case studies read in one query."""
    study_columns = [getattr(CaseStudy, name) for name in CASE_STUDY_COLUMNS]
    studies: dict[int, list[Any]] = {}
    for study in db.session.execute(
        select(*study_columns)
        .where(CaseStudy.company_id.in_([c.id for c in company_rows]))
        .order_by(CaseStudy.id)
    ):
        studies.setdefault(study.company_id, []).append(study)
    captions: dict[int, list[str]] = {}
    study_ids = [study.id for rows in studies.values() for study in rows]
    if study_ids:
        for image in db.session.execute(
            select(CaseStudyImage.case_study_id, CaseStudyImage.caption)
            .where(CaseStudyImage.case_study_id.in_(study_ids))
            .order_by(CaseStudyImage.case_study_id, CaseStudyImage.id)
        ):
            captions.setdefault(image.case_study_id, []).append(image.caption)
    for company in company_rows:
        yield document_from(company, studies.get(company.id, []), captions)


def _company_columns() -> list[Any]:
    return [getattr(Company, name) for name in DOCUMENT_COLUMNS]


def load_documents(ids: Sequence[int]) -> dict[int, SupplierDocument]:
    """{id: document} of the publishable companies among `ids` (read fresh from the database)."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(*_company_columns()).where(Company.id.in_(list(ids)), Company.is_publishable)
    ).all()
    return {doc["id"]: doc for doc in _documents(rows)} if rows else {}


def iter_documents(batch_size: int = 500) -> Iterator[SupplierDocument]:
    """Documents of every publishable company, read in batches of `batch_size` (keyset
    pagination on id: memory stays flat and each query is short). Reads plain columns, not ORM
    objects: a rebuild of 100,000 companies spends its time indexing."""
    last_id = 0
    while True:
        rows = db.session.execute(
            select(*_company_columns())
            .where(Company.is_publishable, Company.id > last_id)
            .order_by(Company.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return
        yield from _documents(rows)
        last_id = rows[-1].id


def changed_since(moment: datetime) -> set[int]:
    """Companies whose profile or case studies changed at or after `moment`."""
    return set(db.session.scalars(select(Company.id).where(Company.updated_at >= moment))) | set(
        db.session.scalars(
            select(CaseStudy.company_id).where(
                or_(CaseStudy.updated_at >= moment, CaseStudy.created_at >= moment)
            )
        )
    )


def count_publishable() -> int:
    """How many companies the index should hold."""
    return db.session.scalar(select(func.count(Company.id)).where(Company.is_publishable)) or 0


SUPPLIERS = DocumentSource(
    name="suppliers",
    label="companies",
    load=load_documents,
    iter_all=iter_documents,
    changed_since=changed_since,
    count=count_publishable,
)


def register(app: Flask) -> None:
    """Index supplier profiles: make SUPPLIERS the app's search document source."""
    register_source(app, SUPPLIERS)


def mark_company_changed(company_id: int) -> None:
    """Queue, in the current transaction, a refresh of this company's search document.

    The row's op says what the change looked like (upsert while the company may be shown,
    delete otherwise); when the row is applied, `load_documents` decides again.
    """
    company = db.session.get(Company, company_id)
    shown = company is not None and company.is_publishable
    mark_changed(company_id, OP_UPSERT if shown else OP_DELETE)


def mark_companies_changed(companies: Iterable[Company]) -> None:
    """mark_company_changed for many flushed companies at once (bulk import)."""
    mark_many_changed(
        {company.id: OP_UPSERT if company.is_publishable else OP_DELETE for company in companies}
    )
