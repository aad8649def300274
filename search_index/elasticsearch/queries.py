"""Request pieces of the Elasticsearch backend: query units and clauses, filters, facets,
sort, the spelling suggester and its corrections, and turning raw hits into Hits."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from search_index import analysis
from search_index.analysis import MAX_FUZZY_CANDIDATES, MAX_QUERY_WORDS, porter_stem
from search_index.base import (
    FILTER_GROUPS,
    Hit,
)
from search_index.elasticsearch import settings

# Matches counted per correction candidate when ranking them (the embedded backend's cap).
CORRECTION_HITS_CAP = 50


@lru_cache(maxsize=1)
def _synonym_phrase_stems() -> tuple[frozenset[tuple[str, ...]], int]:
    """Stems of every multi-word synonym entry ("financial technology"), and the longest."""
    phrases = frozenset(
        tuple(porter_stem(analysis.normalise_spelling(word)) for word in entry)
        for group in analysis.synonym_phrases()
        for entry in group
        if len(entry) > 1
    )
    return phrases, max((len(p) for p in phrases), default=1)


def query_units(text: str) -> list[str]:
    """Query words without stop words; a multi-word synonym entry stays together as one unit.

    Entries are recognised by stem, as the embedded backend does ("financial technologies").
    """
    words = analysis.query_words(text)[:MAX_QUERY_WORDS]
    stems = [porter_stem(analysis.normalise_spelling(word)) for word in words]
    phrases, longest = _synonym_phrase_stems()
    units: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 1, -1):
            if tuple(stems[i : i + size]) in phrases:
                units.append(" ".join(words[i : i + size]))
                i += size
                break
        else:
            units.append(words[i])
            i += 1
    return analysis.unique(units)


def checkable_units(units: Sequence[str]) -> list[str]:
    """Units typo tolerance may correct: single words long enough for an edit."""
    return [unit for unit in units if " " not in unit and analysis.max_edits(unit) > 0]


def unit_clause(unit: str, candidates: Sequence[str] | None = None) -> dict[str, Any]:
    """One unit must match in some field (all its words in that field for a phrase unit);
    a corrected unit matches when any of its candidate spellings does."""
    return {
        "multi_match": {
            "query": " ".join(candidates) if candidates else unit,
            "fields": settings.query_fields(),
            "type": "best_fields",
            "operator": "or" if candidates else "and",
        }
    }


def unit_existence_agg(units: Sequence[str]) -> dict[str, Any]:
    """How many documents each unit (or candidate word) matches as typed, ignoring
    the rest of the query."""
    return {
        "global": {},
        "aggs": {"units": {"filters": {"filters": {unit: unit_clause(unit) for unit in units}}}},
    }


def _terms_filter(group: str, values: Sequence[str]) -> dict[str, Any]:
    field = settings.INDEX_GROUP_FIELDS[group]
    if group == "verified":
        return {"terms": {field: [v == "true" for v in values]}}
    return {"terms": {field: list(values)}}


def group_filter_clauses(filters: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    return [_terms_filter(group, values) for group, values in sorted(filters.items())]


def facet_aggs(filters: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """One filter aggregation per group applying every other group's filters (disjunctive)."""
    aggs: dict[str, Any] = {}
    for group in FILTER_GROUPS:
        others = [_terms_filter(g, values) for g, values in sorted(filters.items()) if g != group]
        aggs[f"facet_{group}"] = {
            "filter": {"bool": {"filter": others}} if others else {"match_all": {}},
            "aggs": {
                "values": {
                    "terms": {
                        "field": settings.INDEX_GROUP_FIELDS[group],
                        "size": settings.FACET_SIZE,
                        "min_doc_count": 1,
                        "order": [{"_count": "desc"}, {"_key": "asc"}],
                    }
                }
            },
        }
    return aggs


def sort_clause(sort: str) -> list[dict[str, Any]]:
    """Sort keys: the chosen order, then the folded name, then id, so pages are stable."""
    tail = [{settings.NAME_SORT_FIELD: "asc"}, {"id": "asc"}]
    if sort == "name":
        return tail
    if sort == "updated":
        return [{"updated_at": "desc"}, *tail]
    return [{"_score": "desc"}, *tail]


def spelling_suggester(units: Sequence[str]) -> dict[str, Any]:
    """A term suggester per unit over the folded surface words of every text field."""
    return {
        f"unit_{i}": {
            "text": unit,
            "term": {
                "field": settings.SPELL_FIELD,
                "suggest_mode": "always",
                "max_edits": analysis.max_edits(unit),
                "prefix_length": 0,
                "min_word_length": analysis.FUZZY_ONE_EDIT_MIN_LENGTH,
                "size": MAX_FUZZY_CANDIDATES,
                "max_inspections": 10,
            },
        }
        for i, unit in enumerate(units)
    }


def find_corrections(
    candidates: Mapping[str, Sequence[str]], response: Mapping[str, Any]
) -> dict[str, str]:
    """Each corrected unit's best candidate that still matches a document: nearest, then most
    matches (counted up to CORRECTION_HITS_CAP, as the embedded backend does), then A-Z.

    The spell checker reads the term dictionary, which keeps words of deleted documents until
    segments merge; the per-candidate counts make sure a suggestion leads to results.
    """
    buckets = response.get("aggregations", {}).get("_candidates", {}).get("units", {})
    counts = {word: b["doc_count"] for word, b in buckets.get("buckets", {}).items()}
    corrections: dict[str, str] = {}
    for unit, words in candidates.items():
        limit = analysis.max_edits(unit)
        ranked = sorted(
            (
                analysis.edit_distance(unit, word, limit),
                -min(counts[word], CORRECTION_HITS_CAP),
                word,
            )
            for word in words
            if counts.get(word, 0) > 0
        )
        if ranked:
            corrections[unit] = ranked[0][2]
    return corrections


def missing_units(response: Mapping[str, Any], checkable: Sequence[str]) -> list[str]:
    """Units that match no publishable document as typed."""
    agg = response.get("aggregations", {}).get("_units")
    if agg is None:
        return []
    buckets = agg["units"]["buckets"]
    return [unit for unit in checkable if buckets.get(unit, {}).get("doc_count", 1) == 0]


def correction_candidates(
    missing: Sequence[str], checkable: Sequence[str], suggest: Mapping[str, Any]
) -> dict[str, list[str]]:
    """Indexed words within each missing unit's edit limit: nearest, then most frequent."""
    found: dict[str, list[str]] = {}
    for i, unit in enumerate(checkable):
        if unit not in missing:
            continue
        limit = analysis.max_edits(unit)
        ranked = sorted(
            (analysis.edit_distance(unit, option["text"], limit), -option["freq"], option["text"])
            for entry in suggest.get(f"unit_{i}") or []
            for option in entry.get("options", [])
            if len(option["text"]) >= 3 and not analysis.is_stopword(option["text"])
        )
        words = analysis.unique(text for distance, _freq, text in ranked if distance <= limit)
        if words:
            found[unit] = words[:MAX_FUZZY_CANDIDATES]
    return found


def to_hit(raw: Mapping[str, Any], *, with_score: bool) -> Hit:
    source = raw["_source"]
    return Hit(
        id=int(source["id"]),
        slug=source["slug"],
        name=source["name"],
        summary=source["summary"],
        highlight=highlight_html(raw.get("highlight") or {}, source["summary"]),
        industries=list(source.get("industries") or []),
        region=source.get("region"),
        countries=list(source.get("countries") or []),
        verified=bool(source["verified"]),
        updated_at=source["updated_at"],
        score=float(raw["_score"]) if with_score and raw.get("_score") is not None else None,
    )


def highlight_html(fields: Mapping[str, list[str]], summary: str) -> str:
    """The first highlighted field's fragments (already HTML-encoded by the engine), else the
    escaped summary."""
    for field in settings.HIGHLIGHT_FIELDS:
        fragments = fields.get(field)
        if fragments:
            # The engine's HTML encoder also escapes "/", which needs no escaping; undo just
            # that so highlights read like html.escape() output ("&amp;#x2F;" stays as it is).
            return " … ".join(fragments).replace("&#x2F;", "/")
    return html.escape(summary, quote=True)
