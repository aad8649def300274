"""Request pieces of the Elasticsearch backend: query units and clauses, filters, facets,
sort, the spelling suggester and its corrections, and turning raw hits into Hits."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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
def _synonym_phrase_keys() -> frozenset[tuple[str, ...]]:
    """Keys of every multi-word vocabulary entry ("financial technology"); one-word entries
    need no grouping, the search analyzer's synonym_graph expands them."""
    return frozenset(
        key
        for group in analysis.synonym_phrases()
        for entry in group
        if len(key := analysis.entry_key(entry)) > 1
    )


@dataclass
class Units:
    """A query as the engine matches it.

    units: the words, or multi-word synonym entries kept together, each matched as a whole;
    weights: each unit's word count (one for a phrase given alternatives); staff: a unit's
    staff synonym entries (it matches any); alternatives: a unit's alternatives
    (SearchQuery.alternatives), each the units of its own text (it matches when all of
    them do); slug, exact_name, phrase: a pasted profile address, the name an exact match
    must have, and the whole query as a phrase (None for one word).
    """

    units: list[str] = field(default_factory=list)
    weights: list[int] = field(default_factory=list)
    staff: dict[str, list[str]] = field(default_factory=dict)
    alternatives: dict[str, list[Units]] = field(default_factory=dict)
    slug: str | None = None
    exact_name: str = ""
    phrase: str | None = None


def query_units(
    text: str,
    extra: Sequence[Sequence[str]] = (),
    alternatives: Sequence[tuple[str, Sequence[str]]] = (),
) -> Units:
    """Query words without stop words; a phrase given alternatives, a multi-word vocabulary
    entry, or any staff synonym entry, stays together as one unit. Entries are recognised by
    stem, as the embedded backend does ("financial technologies")."""
    slug = analysis.profile_slug(text)
    if slug is not None:
        text = slug.replace("-", " ")
    words = analysis.query_words(text)[:MAX_QUERY_WORDS]
    stems = [porter_stem(analysis.normalise_spelling(word)) for word in words]
    staff_groups: dict[tuple[str, ...], list[str]] = {}
    for group in analysis.synonym_phrases(extra):
        for entry in group:
            key = analysis.entry_key(entry)
            if key:
                found = staff_groups.setdefault(key, [])
                found.extend(" ".join(other) for other in group if other not in found)
    phrases = _synonym_phrase_keys() | set(staff_groups)
    longest = max((len(p) for p in phrases), default=1)
    out = Units(
        slug=slug,
        exact_name=analysis.name_key(text),
        phrase=" ".join(analysis.tokenize(text)[:MAX_QUERY_WORDS]) if len(words) > 1 else None,
    )
    other_ways = analysis.alternative_keys(alternatives)
    longest_other = max((len(key) for key in other_ways), default=0)
    i = 0
    while i < len(words):
        size = 0
        for length in range(min(longest_other, len(words) - i), 0, -1):
            options = other_ways.get(tuple(stems[i : i + length]))
            if options:
                unit = " ".join(words[i : i + length])
                out.units.append(unit)
                out.weights.append(1)
                found_units = [query_units(option, extra) for option in options]
                out.alternatives[unit] = [found for found in found_units if found.units]
                size = length
                break
        if size:
            i += size
            continue
        size = 1
        for length in range(min(longest, len(words) - i), 0, -1):
            key = tuple(stems[i : i + length])
            if (length > 1 and key in phrases) or key in staff_groups:
                size = length
                break
        unit = " ".join(words[i : i + size])
        key = tuple(stems[i : i + size])
        out.units.append(unit)
        out.weights.append(size)
        if key in staff_groups:
            out.staff[unit] = analysis.unique(staff_groups[key])
        i += size
    return out


def checkable_units(units: Sequence[str]) -> list[str]:
    """Units typo tolerance may correct: single words long enough for an edit, or for a
    sounds-alike neighbour."""
    return analysis.unique(
        unit
        for unit in units
        if " " not in unit
        and (analysis.max_edits(unit) > 0 or len(unit) >= analysis.PHONETIC_MIN_LENGTH)
    )


def _multi_match(text: str, operator: str) -> dict[str, Any]:
    return {
        "multi_match": {
            "query": text,
            "fields": settings.query_fields(),
            "type": "best_fields",
            "operator": operator,
        }
    }


def unit_clause(
    unit: str,
    candidates: Sequence[str] | None = None,
    entries: Sequence[str] = (),
    alternatives: Sequence[Units] = (),
) -> dict[str, Any]:
    """One unit must match in some field (all its words in that field for a phrase unit);
    a corrected unit matches when any of its candidate spellings does; a unit in a staff
    synonym group matches when any entry of the group does; a unit given alternatives also
    matches when every unit of one alternative does (searched as if typed)."""
    if candidates:
        clause = _multi_match(" ".join([unit, *candidates]), "or")
    elif entries:
        options = [_multi_match(text, "and") for text in analysis.unique([unit, *entries])]
        clause = {"bool": {"should": options, "minimum_should_match": 1}}
    elif alternatives and " " in unit:
        # A phrase given alternatives matches as typed when each of its words is somewhere in
        # the document, as the embedded backend matches it (all of its terms).
        clause = {"bool": {"must": [_multi_match(word, "and") for word in unit.split()]}}
    else:
        clause = _multi_match(unit, "and")
    if not alternatives:
        return clause
    others = []
    for alternative in alternatives:
        parts = text_clauses(alternative, {})
        others.append(parts[0] if len(parts) == 1 else {"bool": {"must": parts}})
    return {"bool": {"should": [clause, *others], "minimum_should_match": 1}}


def text_clauses(units: Units, candidates: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    return [
        unit_clause(
            unit,
            candidates.get(unit),
            units.staff.get(unit, ()),
            units.alternatives.get(unit, ()),
        )
        for unit in units.units
    ]


def text_rule(units: Units, clauses: list[dict[str, Any]], widen: bool) -> tuple[dict, bool]:
    """Which companies match: every unit, or enough units for most of the words (each unit's
    clause repeated once per word, so minimum_should_match counts words), or any unit when
    widened; and whether some unit is optional (then ranking counts the words matched)."""
    if widen:
        return {"bool": {"should": clauses, "minimum_should_match": 1}}, True
    if analysis.unit_combinations(units.weights) is None:
        return {"bool": {"must": clauses}}, False
    weighted = [c for c, w in zip(clauses, units.weights, strict=True) for _ in range(w)]
    need = analysis.required_words(sum(units.weights))
    return {"bool": {"should": weighted, "minimum_should_match": need}}, True


def ranking_clauses(
    units: Units, clauses: list[dict[str, Any]], optional: bool
) -> list[dict[str, Any]]:
    """Scoring clauses: the ranking tiers as constant scores (words matched when some are
    optional, pasted profile address, exact name, whole-query phrase), then BM25."""
    scoring: list[dict[str, Any]] = []
    if optional:
        scoring.extend(
            {"constant_score": {"filter": clause, "boost": analysis.TIER_UNIT * weight}}
            for clause, weight in zip(clauses, units.weights, strict=True)
        )
    if units.slug:
        scoring.append(
            {"constant_score": {"filter": {"term": {"slug": units.slug}},
                                "boost": analysis.TIER_SLUG}}
        )  # fmt: skip
    if units.exact_name:
        scoring.append(
            {
                "constant_score": {
                    "filter": {"term": {settings.NAME_KEY_FIELD: units.exact_name}},
                    "boost": analysis.TIER_EXACT_NAME,
                }
            }
        )
    if units.phrase:
        scoring.append(
            {
                "constant_score": {
                    "filter": {
                        "multi_match": {
                            "query": units.phrase,
                            "type": "phrase",
                            "analyzer": "th_text",
                            "fields": [
                                settings.INDEX_TEXT_FIELDS[f] for f in analysis.PHRASE_FIELDS
                            ],
                        }
                    },
                    "boost": analysis.TIER_PHRASE,
                }
            }
        )
    return scoring + clauses


def phonetic_aggs(units: Sequence[str]) -> dict[str, Any]:
    """Indexed words sounding like each unit (same sound key), with their document counts."""
    return {
        f"sounds_{i}": {
            "terms": {
                "field": settings.SOUNDS_FIELD,
                "include": f"{analysis.phonetic_key(unit)}:.*",
                "size": 200,
            }
        }
        for i, unit in enumerate(units)
        if len(unit) >= analysis.PHONETIC_MIN_LENGTH and len(analysis.phonetic_key(unit)) >= 2
    }


def phonetic_candidates(
    missing: Sequence[str], checkable: Sequence[str], aggregations: Mapping[str, Any]
) -> dict[str, list[str]]:
    """Sounds-alike candidates of each missing unit, best first (analysis.rank_phonetic)."""
    found: dict[str, list[str]] = {}
    for i, unit in enumerate(checkable):
        if unit not in missing:
            continue
        buckets = (aggregations.get(f"sounds_{i}") or {}).get("buckets", [])
        words = [b["key"].split(":", 1)[1] for b in buckets if b["doc_count"] > 0]
        ranked = analysis.rank_phonetic(unit, words)
        if ranked:
            found[unit] = ranked
    return found


def unit_existence_agg(units: Sequence[str], owner: Units | None = None) -> dict[str, Any]:
    """How many documents each unit (or candidate word) matches as typed (or through the
    staff synonyms and alternatives of the query that owns it), ignoring the rest of the
    query."""
    staff = owner.staff if owner else {}
    others = owner.alternatives if owner else {}
    filters = {
        unit: unit_clause(unit, None, staff.get(unit, ()), others.get(unit, ())) for unit in units
    }
    return {"global": {}, "aggs": {"units": {"filters": {"filters": filters}}}}


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
        if analysis.max_edits(unit) > 0
    }


def find_corrections(
    candidates: Mapping[str, Sequence[str]],
    response: Mapping[str, Any],
    phonetic: Sequence[str] = (),
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
        limit = 8 if unit in phonetic else analysis.max_edits(unit)
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
    for name in settings.HIGHLIGHT_FIELDS:
        fragments = fields.get(name)
        if fragments:
            # The engine's HTML encoder also escapes "/", which needs no escaping; undo just
            # that so highlights read like html.escape() output ("&amp;#x2F;" stays as it is).
            return " … ".join(fragments).replace("&#x2F;", "/")
    return html.escape(summary, quote=True)
