"""The search contract: query and result types and the backend interface.

Every backend (embedded SQLite FTS5, Elasticsearch/OpenSearch) implements SearchBackend and passes
tests/search_contract/. The rules both must follow:

- free text: query text is read as shown (markup dropped, entities decoded); a query unit is a
  word (stop words and legal-form words dropped), a multi-word synonym entry, or a phrase the
  caller gave alternatives for (SearchQuery.alternatives: it matches as typed or as any
  alternative, each searched as a query of its own, and counts as one word); a company must
  match every unit of a one- or two-unit query and most units (more than half) of a longer one
  (analysis.required_units); a unit matches through its UK/US spelling forms, its synonyms (the
  reviewed vocabulary and staff groups), its stem, and, when the unit matches nothing as typed,
  through words within its edit limit (one edit from 5 letters, two from 8) or, failing those,
  words that sound alike (metaphone), which also make the "did you mean" text;
- ranking: more units matched first; then a pasted profile address's company, an exact
  full-name match (legal forms ignored), the whole query as a phrase in a name, summary or case
  study; then BM25 with the field weights;
- filters: OR within a group, AND across groups; facets are disjunctive;
- every indexed document may be returned: which records may be shown is decided once, by the
  document source (search_index/sources.py), which indexes nothing else;
- relevance ties, name sort and pages are ordered by (sort key, folded name, id), so walking the
  pages never repeats or skips a hit.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from search_index.analysis import clean_query
from search_index.document import FILTER_GROUPS, GROUP_FIELDS, SupplierDocument
from search_index.errors import InvalidSearchQuery

__all__ = [
    "FILTER_GROUPS",
    "GROUP_FIELDS",
    "MAX_PER_PAGE",
    "SORTS",
    "TOTAL_CAP",
    "FacetValue",
    "Hit",
    "SearchBackend",
    "SearchQuery",
    "SearchResult",
]

SORTS: tuple[str, ...] = ("relevance", "name", "updated")
MAX_PER_PAGE = 100
# Totals are counted exactly up to this many matches; beyond it a result says "at least
# TOTAL_CAP" (total_capped), which pages show as "10,000+". Counting every match of a broad
# browse costs more than the page itself, and nobody pages that far (the engines' result
# window ends at the same number).
TOTAL_CAP = 10_000


def _freeze_filters(
    filters: Mapping[str, Sequence[str] | str] | None,
) -> dict[str, tuple[str, ...]]:
    """Validate filters and return them as group -> sorted unique values (empty groups dropped)."""
    frozen: dict[str, tuple[str, ...]] = {}
    for group, values in (filters or {}).items():
        if group not in FILTER_GROUPS:
            raise InvalidSearchQuery(f"unknown filter group {group!r}")
        if isinstance(values, str):
            values = [values]
        cleaned = tuple(sorted({str(v).strip() for v in values if str(v).strip()}))
        if group == "verified":
            cleaned = tuple(v.lower() for v in cleaned)
            if any(v not in ("true", "false") for v in cleaned):
                raise InvalidSearchQuery("verified filter values are 'true' or 'false'")
        if cleaned:
            frozen[group] = cleaned
    return frozen


def _freeze_alternatives(
    alternatives: Iterable[tuple[str, Iterable[str]]],
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Alternatives as (cleaned phrase, cleaned alternatives without repeats or the phrase
    itself); pairs left with nothing are dropped."""
    frozen = []
    for phrase, options in alternatives:
        phrase = clean_query(str(phrase))
        kept = tuple(
            option
            for option in dict.fromkeys(clean_query(str(o)) for o in options)
            if option and option.casefold() != phrase.casefold()
        )
        if phrase and kept:
            frozen.append((phrase, kept))
    return tuple(frozen)


@dataclass(frozen=True)
class SearchQuery:
    """One search request. Validated on construction; filters are normalised to sorted tuples."""

    text: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    # Synonym groups staff added (each a tuple of entries), applied to this query on top of
    # the reviewed vocabulary; the app's search service fills it in.
    synonyms: tuple[tuple[str, ...], ...] = ()
    # Other ways to search a phrase of the text, from the caller's own vocabulary (a buyer's
    # word for a taxonomy term and its English label: ("Möbel", ("furniture",))). Each pair is
    # (the phrase as it occurs in the text, its alternatives); the phrase's words become one
    # unit that matches as typed OR as any alternative (the alternative's words searched as
    # if typed: spelling, stems, synonyms), and it counts as one word matched either way.
    alternatives: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        """Reject what the contract does not allow and normalise the filters."""
        if self.sort not in SORTS:
            raise InvalidSearchQuery(f"sort must be one of {', '.join(SORTS)}")
        if not isinstance(self.page, int) or self.page < 1:
            raise InvalidSearchQuery("page must be a whole number from 1")
        if not isinstance(self.per_page, int) or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InvalidSearchQuery(f"per_page must be between 1 and {MAX_PER_PAGE}")
        # Markup and entities pasted into the box are read as the text they show.
        object.__setattr__(self, "text", clean_query(self.text or ""))
        object.__setattr__(
            self, "synonyms", tuple(tuple(group) for group in self.synonyms if len(group) >= 2)
        )
        object.__setattr__(self, "alternatives", _freeze_alternatives(self.alternatives))
        object.__setattr__(self, "filters", _freeze_filters(self.filters))

    @property
    def offset(self) -> int:
        """Index of the first hit of this page in the full ordered result."""
        return (self.page - 1) * self.per_page

    def filters_except(self, group: str) -> dict[str, tuple[str, ...]]:
        """The filters of every group but one: what that group's disjunctive facet counts apply."""
        return {g: v for g, v in self.filters.items() if g != group}


@dataclass
class Hit:
    """One company in a result page; highlight is safe HTML (escaped text plus <mark> tags)."""

    id: int
    slug: str
    name: str
    summary: str
    highlight: str
    industries: list[str]
    region: str | None
    countries: list[str]
    verified: bool
    updated_at: str
    score: float | None


@dataclass
class FacetValue:
    """A filter value and how many results selecting it (alone in its group) would give."""

    value: str
    count: int


@dataclass
class SearchResult:
    """A page of hits, the total, facet counts for every group, and a "did you mean" text.

    total is exact up to TOTAL_CAP; when more documents match, total is TOTAL_CAP and
    total_capped is true ("10,000+").
    """

    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    total_capped: bool = False
    # The insights id of this search (search_index.insights), for click links; None when the
    # search was not recorded.
    search_id: str | None = None

    @property
    def pages(self) -> int:
        """Number of pages the total fills (at least 1)."""
        return max(1, -(-self.total // self.per_page))

    @classmethod
    def capped(cls, exact_total: int, **fields: Any) -> SearchResult:
        """A result whose exact total is known: capped at TOTAL_CAP as every backend reports."""
        return cls(
            total=min(exact_total, TOTAL_CAP), total_capped=exact_total > TOTAL_CAP, **fields
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (for the API and the benchmark)."""
        return {
            "total": self.total,
            "total_capped": self.total_capped,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "hits": [vars(h).copy() for h in self.hits],
            "facets": {g: [vars(v).copy() for v in vs] for g, vs in self.facets.items()},
            "suggestion": self.suggestion,
        }


def sort_facet_values(counts: Mapping[str, int]) -> list[FacetValue]:
    """Facet values with a positive count, by count descending then value."""
    return [
        FacetValue(value, count)
        for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        if count > 0
    ]


class SearchBackend(abc.ABC):
    """A search engine holding SupplierDocuments. All methods raise SearchUnavailable when the
    engine cannot answer."""

    name: str = ""

    @abc.abstractmethod
    def ensure_ready(self) -> None:
        """Create the index (tables, alias) when missing; safe to call repeatedly."""

    @abc.abstractmethod
    def index_documents(self, docs: Iterable[SupplierDocument]) -> int:
        """Upsert documents (all of them: the source delivers only what may be shown). Returns
        docs read."""

    @abc.abstractmethod
    def delete_documents(self, ids: Iterable[int]) -> int:
        """Remove documents by id (missing ids are fine). Returns how many ids were given."""

    @abc.abstractmethod
    def search(self, query: SearchQuery) -> SearchResult:
        """Run a query: text, filters, facets, sort, one page, highlight, suggestion."""

    @abc.abstractmethod
    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Company-name completions for a prefix (case- and accent-insensitive), alphabetical."""

    @abc.abstractmethod
    def reindex(self, docs: Iterable[SupplierDocument]) -> str:
        """Build a fresh index from docs and swap it in atomically; return the new index name.

        Searches keep answering, with the old index until the swap and the new one after."""

    @abc.abstractmethod
    def count(self) -> int:
        """Number of documents in the live index."""

    @abc.abstractmethod
    def health(self) -> dict:
        """{"ok": bool, "backend": name, "detail": str}; never raises."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Drop every index/table this backend owns (tests and `flask search reindex --clear`)."""
