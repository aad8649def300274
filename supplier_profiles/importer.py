"""Bulk import of supplier profiles (the format is in docs/import-schema.md).

Each line is validated on its own; a bad line is reported with its number and reason and the
import goes on. Valid lines are written a batch per transaction through the supplier services'
rules: keywords are cleaned by the one keyword rule, "published" needs the publish checklist,
and verification and publication go through the same transitions (and audit rows) as the pages.
After each commit the search outbox the batch wrote is applied, so imported published companies
are searchable when the import ends (whatever the engine could not take stays in the outbox for
`flask search sync`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from slugify import slugify
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import selectinload

from supplier_profiles import taxonomies
from supplier_profiles.keywords import clean_keywords
from supplier_profiles.models import (
    CASE_STUDY_DESCRIPTION_MAX,
    CASE_STUDY_SUMMARY_MAX,
    CASE_STUDY_TITLE_MAX,
    DESCRIPTION_MAX,
    IMPORTED_PROFILE_FIELDS,
    NAME_MAX,
    SUMMARY_MAX,
    CaseStudy,
    Company,
)
from supplier_profiles.search_documents import mark_companies_changed
from supplier_profiles.services.common import SlugAllocator
from supplier_profiles.services.publishing import apply_imported_state, missing_for_publishing
from tradehub.after_commit import process_after_commit
from tradehub.companies_house import is_company_number, normalise_company_number
from tradehub.errors import NotAllowed, ValidationFailed
from tradehub.extensions import db

BATCH_SIZE = 200

REQUIRED_KEYS = ("name", "company_type")
COMPANY_KEYS = frozenset(
    {
        "number",
        "name",
        "company_type",
        "summary",
        "description",
        "website",
        "email",
        "phone",
        "employees",
        "industries",
        "region",
        "export_countries",
        "languages",
        "keywords",
        "products_services",
        "case_studies",
        "verified",
        "published",
        "twitter_url",
        "facebook_url",
        "linkedin_url",
        "locality",
        "postal_code",
    }
)
CASE_STUDY_KEYS = frozenset(
    {
        "title",
        "summary",
        "description",
        "industry",
        "keywords",
        "website",
        "testimonial",
        "testimonial_source",
    }
)
_EMAIL_RE = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
# Words that do not tell companies apart: legal suffixes, "the", and "and" (written "&" too).
_IGNORED_WORDS = ("ltd", "limited", "plc", "llp", "lp", "the", "and", "co", "company")


# What a published line lacks, by publish checklist item.
_UNPUBLISHABLE = {
    "verified": "published companies must be verified",
    "email": "published companies need an email",
    "summary": "published companies need a summary or a description",
}


class BadLine(ValueError):
    """A line that cannot be imported; the message says why."""


@dataclass
class ImportReport:
    """What an import did: counts, and (line number, reason) for every line refused."""

    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def imported(self) -> int:
        """Lines written (created plus updated)."""
        return self.created + self.updated


def normalise_name(name: str) -> str:
    """Lower-case words without punctuation, accents or company suffixes:
    "The Acme Co. Ltd" -> "acme"; "Tyne & Wear Joinery" and "tyne and wear joinery plc" are equal.

    Used with the contact email to recognise a company without a Companies House number.
    """
    words = re.findall(r"[a-z0-9]+", slugify(name, separator=" ").lower())
    return " ".join(w for w in words if w not in _IGNORED_WORDS)


def _text(record: dict, key: str, max_length: int, required: bool = False) -> str:
    value = record.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise BadLine(f"{key} must be a string")
    value = value.strip()
    if required and not value:
        raise BadLine(f"{key} is required")
    if len(value) > max_length:
        raise BadLine(f"{key} must be {max_length} characters or fewer (it has {len(value)})")
    return value


def _list(record: dict, key: str) -> list[str]:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadLine(f"{key} must be a list of strings")
    seen: list[str] = []
    for item in (v.strip() for v in value):
        if item and item not in seen:
            seen.append(item)
    return seen


def _codes(record: dict, key: str, group: str, transform=str) -> list[str]:
    values = [transform(v) for v in _list(record, key)]
    bad = [v for v in values if not taxonomies.is_valid(group, v)]
    if bad:
        raise BadLine(f"{key}: unknown code(s) {', '.join(map(repr, bad))}")
    return values


def _bool(record: dict, key: str) -> bool:
    value = record.get(key, False)
    if not isinstance(value, bool):
        raise BadLine(f"{key} must be true or false")
    return value


def _keywords(record: dict, key: str = "keywords") -> list[str]:
    value = record.get(key)
    if value is not None and (
        not isinstance(value, list) or not all(isinstance(v, str) for v in value)
    ):
        raise BadLine(f"{key} must be a list of strings")
    try:
        return clean_keywords(value, key)
    except ValidationFailed as exc:
        raise BadLine(f"{key}: {exc}") from exc


def _case_study(raw: Any, index: int) -> dict:
    where = f"case_studies[{index}]"
    if not isinstance(raw, dict):
        raise BadLine(f"{where} must be an object")
    unknown = sorted(set(raw) - CASE_STUDY_KEYS)
    if unknown:
        raise BadLine(f"{where}: unknown key(s) {', '.join(unknown)}")
    try:
        study = {
            "title": _text(raw, "title", CASE_STUDY_TITLE_MAX, required=True),
            "summary": _text(raw, "summary", CASE_STUDY_SUMMARY_MAX),
            "description": _text(raw, "description", CASE_STUDY_DESCRIPTION_MAX),
            "industry": _text(raw, "industry", 60),
            "keywords": _keywords(raw),
            "website": _text(raw, "website", 255),
            "testimonial": _text(raw, "testimonial", 1000),
            "testimonial_source": _text(raw, "testimonial_source", 255),
        }
    except BadLine as exc:
        raise BadLine(f"{where}.{exc}") from exc
    if study["industry"] and not taxonomies.is_valid("industry", study["industry"]):
        raise BadLine(f"{where}.industry: unknown code {study['industry']!r}")
    if study["website"] and not _URL_RE.match(study["website"]):
        raise BadLine(f"{where}.website must start with http:// or https://")
    return study


def validate_record(record: Any) -> dict:
    """Check one company record of the import format; return it cleaned or raise BadLine."""
    if not isinstance(record, dict):
        raise BadLine("each line must be a JSON object")
    unknown = sorted(set(record) - COMPANY_KEYS)
    if unknown:
        raise BadLine(f"unknown key(s): {', '.join(unknown)}")
    missing = [key for key in REQUIRED_KEYS if not record.get(key)]
    if missing:
        raise BadLine(f"missing required key(s): {', '.join(missing)}")
    number = record.get("number")
    if number is not None and not isinstance(number, str):
        raise BadLine("number must be a string")
    number = normalise_company_number(number) or None
    if number is not None and not is_company_number(number):
        raise BadLine("number must be a Companies House number, like 01234567 or SC123456")
    clean = {
        "number": number,
        "name": _text(record, "name", NAME_MAX, required=True),
        "company_type": _text(record, "company_type", 40, required=True),
        "summary": _text(record, "summary", SUMMARY_MAX),
        "description": _text(record, "description", DESCRIPTION_MAX),
        "website": _text(record, "website", 255),
        "email": _text(record, "email", 320).lower(),
        "phone": _text(record, "phone", 40),
        "employees": _text(record, "employees", 20),
        "region": _text(record, "region", 40),
        "industries": _codes(record, "industries", "industry"),
        "export_countries": _codes(record, "export_countries", "country", str.upper),
        "languages": _codes(record, "languages", "language", str.lower),
        "keywords": _keywords(record),
        "products_services": _codes(record, "products_services", "products_services"),
        "twitter_url": _text(record, "twitter_url", 255),
        "facebook_url": _text(record, "facebook_url", 255),
        "linkedin_url": _text(record, "linkedin_url", 255),
        "locality": _text(record, "locality", 255),
        "postal_code": _text(record, "postal_code", 20),
        "verified": _bool(record, "verified"),
        "published": _bool(record, "published"),
    }
    if not taxonomies.is_valid("company_type", clean["company_type"]):
        raise BadLine(f"company_type: unknown code {clean['company_type']!r}")
    if clean["company_type"] == "COMPANIES_HOUSE" and clean["number"] is None:
        raise BadLine("number is required when company_type is COMPANIES_HOUSE")
    if clean["employees"] and not taxonomies.is_valid("employees", clean["employees"]):
        raise BadLine(f"employees: unknown band {clean['employees']!r}")
    if clean["region"] and not taxonomies.is_valid("region", clean["region"]):
        raise BadLine(f"region: unknown code {clean['region']!r}")
    if clean["email"] and not _EMAIL_RE.match(clean["email"]):
        raise BadLine("email is not an email address")
    for key in ("website", "twitter_url", "facebook_url", "linkedin_url"):
        if clean[key] and not _URL_RE.match(clean[key]):
            raise BadLine(f"{key} must start with http:// or https://")
    studies = record.get("case_studies") or []
    if not isinstance(studies, list):
        raise BadLine("case_studies must be a list")
    clean["case_studies"] = [_case_study(raw, i) for i, raw in enumerate(studies)]
    titles = [normalise_name(s["title"]) for s in clean["case_studies"]]
    if len(set(titles)) != len(titles):
        raise BadLine("case_studies: two case studies have the same title")
    if clean["published"]:
        # The publish checklist itself, asked about the company this line describes.
        described = SimpleNamespace(
            is_verified=clean["verified"],
            email=clean["email"],
            summary=clean["summary"],
            description=clean["description"],
        )
        missing = missing_for_publishing(described)
        if missing:
            raise BadLine(_UNPUBLISHABLE[missing[0].key])
    return clean


class CompanyMatcher:
    """Finds the existing company a record describes: by number, else by normalised name and
    email. Loaded once per import (and again only after a rollback), so matching costs no
    query per line; companies created earlier in the same batch are matched as objects."""

    def __init__(self):
        self.by_number: dict[str, int | Company] = {}
        self.by_name_email: dict[tuple[str, str], int | Company] = {}
        rows = db.session.execute(
            select(Company.id, Company.number, Company.name, Company.email).where(
                ~Company.is_deleted
            )
        )
        for company_id, number, name, email in rows:
            self.remember(company_id, number, name, email)

    def remember(
        self, company: int | Company, number: str | None, name: str, email: str | None
    ) -> None:
        """Record a company (its id, or the object before its first flush) so later lines
        (and reruns) match it."""
        if number:
            self.by_number[number] = company
        if email:
            self.by_name_email[(normalise_name(name), email.lower())] = company

    def find(self, record: dict) -> int | Company | None:
        """The company this record updates (id, or a not yet flushed object), None for new."""
        if record["number"]:
            return self.by_number.get(record["number"])
        if record["email"]:
            return self.by_name_email.get((normalise_name(record["name"]), record["email"]))
        return None


class ImportState:
    """What an import keeps from batch to batch: the matcher and the slugs in use. Read from
    the database once, and again after a rollback (which undoes what they remembered)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget everything and read it again from the database."""
        self.matcher = CompanyMatcher()
        self.company_slugs = SlugAllocator(Company)
        self.study_slugs = SlugAllocator(CaseStudy)

    def load_companies(self, records: Iterable[dict]) -> dict[int, Company]:
        """The existing companies these records update, with their case studies, in one query."""
        ids = [found for found in map(self.matcher.find, records) if isinstance(found, int)]
        if not ids:
            return {}
        companies = db.session.scalars(
            select(Company).where(Company.id.in_(ids)).options(selectinload(Company.case_studies))
        )
        return {company.id: company for company in companies}


def _sync_case_studies(company: Company, studies: list[dict], slugs: SlugAllocator) -> None:
    """Update case studies matched by title, add new ones; others are left as they are."""
    existing = {normalise_name(s.title): s for s in company.case_studies}
    for data in studies:
        study = existing.get(normalise_name(data["title"]))
        if study is None:
            study = CaseStudy(slug=slugs.allocate(f"{company.name} {data['title']}", 130))
            company.case_studies.append(study)
        for key, value in data.items():
            if getattr(study, key) != value:
                setattr(study, key, value)


def upsert_company(
    record: dict, state: ImportState, loaded: dict[int, Company], source: str = "import"
) -> tuple[Company, bool]:
    """Create or update (in the session, not flushed) the company a validated record
    describes; returns it and whether it was created. `loaded` holds the batch's existing
    companies (ImportState.load_companies)."""
    found = state.matcher.find(record)
    if isinstance(found, Company):
        company = found
    elif found is not None:
        company = loaded.get(found) or db.session.get(Company, found)
    else:
        company = None
    created = company is None
    if created:
        company = Company(
            slug=state.company_slugs.allocate(record["name"]), number=record["number"]
        )
        db.session.add(company)
    elif record["number"] and company.number != record["number"]:
        company.number = record["number"]
    for key in IMPORTED_PROFILE_FIELDS:
        if getattr(company, key) != record[key]:
            setattr(company, key, record[key])
    apply_imported_state(
        company, verified=record["verified"], published=record["published"], source=source
    )
    _sync_case_studies(company, record["case_studies"], state.study_slugs)
    state.matcher.remember(company, company.number, company.name, company.email)
    return company, created


def _write_records(records: list[dict], state: ImportState, source: str) -> int:
    """Upsert records in the current transaction with one flush, mark them for search in one
    go, and return how many were created (the caller commits)."""
    loaded = state.load_companies(records)
    written: dict[int, tuple[Company, bool]] = {}
    for record in records:
        company, created = upsert_company(record, state, loaded, source)
        # A company two lines of one batch describe was created (at most) once.
        written[id(company)] = (company, written.get(id(company), (company, False))[1] or created)
    db.session.flush()
    companies = [company for company, _created in written.values()]
    mark_companies_changed(companies)
    for company in companies:
        state.matcher.remember(company.id, company.number, company.name, company.email)
    return sum(created for _company, created in written.values())


def _refusal_reason(exc: IntegrityError | DataError | NotAllowed) -> str:
    if isinstance(exc, NotAllowed):
        return str(exc)
    detail = str(exc.orig).splitlines()[0][:120]
    if isinstance(exc, IntegrityError):
        return f"conflicts with an existing company ({detail})"
    return f"the database refused a value ({detail})"


def _write_batch(
    batch: list[tuple[int, dict]], report: ImportReport, source: str, state: ImportState
) -> None:
    """Write validated records in one transaction; if the database (or a service rule) refuses
    one, write them one per transaction instead so only the bad lines are refused. Then apply
    the search outbox."""
    try:
        created = _write_records([record for _number, record in batch], state, source)
        db.session.commit()
    except (IntegrityError, DataError, NotAllowed):
        db.session.rollback()
        state.reset()  # what it remembered was rolled back
        for number, record in batch:
            try:
                line_created = _write_records([record], state, source)
                db.session.commit()
            except (IntegrityError, DataError, NotAllowed) as exc:
                db.session.rollback()
                report.errors.append((number, _refusal_reason(exc)))
                state.reset()
                continue
            report.created += line_created
            report.updated += 1 - line_created
            process_after_commit()
    else:
        report.created += created
        report.updated += len(batch) - created
    process_after_commit()  # apply this batch's search outbox now


def import_records(
    lines: Iterable[tuple[int, Any]],
    source: str = "import",
    batch_size: int = BATCH_SIZE,
    advance: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import (line number, parsed JSON or BadLine) pairs; commits every `batch_size` lines.

    Lines are validated first; valid ones are written a batch per transaction (one search
    outbox apply per batch). Bad lines are reported with their number and skipped.
    `advance(n)` is told as each n lines are done (progress).
    """
    report = ImportReport()
    state = ImportState()
    batch: list[tuple[int, dict]] = []
    read = 0
    for number, raw in lines:
        read += 1
        try:
            if isinstance(raw, BadLine):
                raise raw
            batch.append((number, validate_record(raw)))
        except BadLine as exc:
            report.errors.append((number, str(exc)))
            continue
        if len(batch) >= batch_size:
            _write_batch(batch, report, source, state)
            batch = []
            if advance is not None:
                advance(read)
                read = 0
    if batch:
        _write_batch(batch, report, source, state)
    if advance is not None and read:
        advance(read)
    report.errors.sort()
    return report


def read_jsonl(stream: Iterable[str]) -> Iterator[tuple[int, Any]]:
    """(line number, parsed object or BadLine) for each non-blank line."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, BadLine(f"not valid JSON ({exc.msg} at column {exc.colno})")
