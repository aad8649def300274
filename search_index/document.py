"""The search document: one plain dict per company that may be shown to buyers.

supplier_profiles builds these (supplier_profiles/search_documents.py) and decides which
companies get one; search_index owns their shape. Both backends read documents only through the
helpers here so they index exactly the same text and filter values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypedDict

from search_index.errors import SearchError


class CaseStudyDocument(TypedDict):
    """The searchable part of one (non-deleted) case study."""

    title: str
    summary: str
    description: str
    keywords: list[str]


class SupplierDocument(TypedDict):
    """One company as the search engines see it."""

    id: int
    slug: str
    name: str
    summary: str
    description: str
    keywords: list[str]
    products_services: list[str]
    case_studies: list[CaseStudyDocument]
    industries: list[str]
    region: str | None
    countries: list[str]
    languages: list[str]
    employees: str | None
    verified: bool
    case_study_count: int
    updated_at: str


class InvalidDocument(SearchError, ValueError):
    """A document is missing a field or has a value of the wrong type."""


# Filter groups in the order facets are shown, and the document field behind each one.
FILTER_GROUPS: tuple[str, ...] = (
    "industry",
    "region",
    "country",
    "language",
    "employees",
    "verified",
)
GROUP_FIELDS: dict[str, str] = {
    "industry": "industries",
    "region": "region",
    "country": "countries",
    "language": "languages",
    "employees": "employees",
    "verified": "verified",
}

# Free-text fields, in the order of FIELD_WEIGHTS in analysis.py (name weighs most).
TEXT_FIELDS: tuple[str, ...] = (
    "name",
    "keywords",
    "products_services",
    "summary",
    "case_studies",
    "description",
)

_LIST_FIELDS = ("keywords", "products_services", "industries", "countries", "languages")
_STR_FIELDS = ("slug", "name", "summary", "description")
_OPTIONAL_STR_FIELDS = ("region", "employees")

# Separator between list items when a list field is indexed as one text: a full stop keeps
# "freight" and "forwarding" from two different keywords out of one phrase match.
LIST_SEPARATOR = ". "


def parse_updated_at(value: str) -> datetime:
    """Parse an ISO 8601 timestamp; naive values are taken as UTC."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (AttributeError, ValueError) as exc:
        raise InvalidDocument(f"updated_at is not an ISO 8601 timestamp: {value!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_updated_at(moment: datetime) -> str:
    """Format a UTC moment the one way documents store it (millisecond precision, Z suffix)."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


class CheckedDocument(dict):
    """A document already in the normalised shape validate_document returns.

    validate_document returns one, and a source whose builder makes that shape itself
    (supplier_profiles' document_from) marks its documents with it (`checked(doc)`), so the
    backends' bulk paths do not check every document a second time. tests/search_index proves
    the builder's documents are exactly what validate_document would make of them.
    """


def checked(doc: SupplierDocument) -> SupplierDocument:
    """Mark a document built in the normalised shape (see CheckedDocument); not a check."""
    return CheckedDocument(doc)  # type: ignore[return-value]


def validate_document(doc: Mapping[str, Any]) -> SupplierDocument:
    """Check a document's shape and return a normalised copy (lists are lists, time is UTC 'Z').

    A CheckedDocument is returned as it is: it is in that shape already.
    """
    if isinstance(doc, CheckedDocument):
        return doc  # type: ignore[return-value]
    missing = [key for key in SupplierDocument.__annotations__ if key not in doc]
    if missing:
        raise InvalidDocument(f"document {doc.get('id')!r} is missing {', '.join(missing)}")
    if not isinstance(doc["id"], int) or isinstance(doc["id"], bool):
        raise InvalidDocument(f"document id must be an int, got {doc['id']!r}")
    out: dict[str, Any] = {"id": doc["id"]}
    for key in _STR_FIELDS:
        value = doc[key]
        if not isinstance(value, str):
            raise InvalidDocument(f"document {doc['id']}: {key} must be a string")
        out[key] = value
    for key in _OPTIONAL_STR_FIELDS:
        value = doc[key]
        if value is not None and not isinstance(value, str):
            raise InvalidDocument(f"document {doc['id']}: {key} must be a string or None")
        out[key] = value or None
    for key in _LIST_FIELDS:
        value = doc[key]
        if isinstance(value, str) or not all(isinstance(item, str) for item in value):
            raise InvalidDocument(f"document {doc['id']}: {key} must be a list of strings")
        out[key] = [item for item in value if item]
    studies = []
    for study in doc["case_studies"]:
        studies.append(
            {
                "title": str(study.get("title") or ""),
                "summary": str(study.get("summary") or ""),
                "description": str(study.get("description") or ""),
                "keywords": [str(k) for k in study.get("keywords") or [] if k],
            }
        )
    out["case_studies"] = studies
    out["verified"] = bool(doc["verified"])
    out["case_study_count"] = int(doc["case_study_count"])
    out["updated_at"] = format_updated_at(parse_updated_at(doc["updated_at"]))
    return CheckedDocument(out)  # type: ignore[return-value]


def case_study_text(study: Mapping[str, Any]) -> str:
    """The indexed text of one case study: title, summary, description and keywords."""
    parts = [study.get("title") or "", study.get("summary") or "", study.get("description") or ""]
    parts.extend(study.get("keywords") or [])
    return LIST_SEPARATOR.join(part for part in parts if part)


def field_text_values(doc: Mapping[str, Any]) -> tuple[str, ...]:
    """The text of every field in TEXT_FIELDS, in that order, list fields joined with
    LIST_SEPARATOR (a tuple: the embedded bulk path builds one per document)."""
    studies = doc["case_studies"]
    return (
        doc["name"],
        LIST_SEPARATOR.join(doc["keywords"]),
        LIST_SEPARATOR.join(doc["products_services"]),
        doc["summary"],
        LIST_SEPARATOR.join(map(case_study_text, studies)) if studies else "",
        doc["description"],
    )


def field_texts(doc: Mapping[str, Any]) -> dict[str, str]:
    """The text of every field in TEXT_FIELDS, list fields joined with LIST_SEPARATOR."""
    return dict(zip(TEXT_FIELDS, field_text_values(doc), strict=True))


def _group_values(raw: Any) -> list[str]:
    """The filter values of one field: "true"/"false" for a flag, none for None."""
    if isinstance(raw, bool):
        return ["true" if raw else "false"]
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw]
    return raw


def filter_values(doc: Mapping[str, Any]) -> dict[str, list[str]]:
    """The filter/facet values of a document per group ("true"/"false" for verified)."""
    return {group: sorted(set(_group_values(doc[field]))) for group, field in GROUP_FIELDS.items()}


def filter_values_json(doc: Mapping[str, Any]) -> str:
    """filter_values(doc) as a JSON object, the values in document order and possibly
    repeated (the embedded bulk path writes one per document and SQLite expands it)."""
    return (
        "{"
        + ", ".join(
            f'"{group}": {json_list(_group_values(doc[field]))}'
            for group, field in GROUP_FIELDS.items()
        )
        + "}"
    )


# Lists of plain codes (industries, countries, regions, …) are written as JSON without the
# json module, whose every call builds a new encoder; anything else goes through it.
_PLAIN_CODES_RE = re.compile(r"[A-Za-z0-9_-]*")
_JSON = json.JSONEncoder()


def json_list(values: Sequence[str]) -> str:
    """values as a JSON array, exactly as json.dumps writes it."""
    if not values:
        return "[]"
    if _PLAIN_CODES_RE.fullmatch("".join(values)):
        return '["' + '", "'.join(values) + '"]'
    return _JSON.encode(list(values))
