"""Search backend for Elasticsearch 7 and OpenSearch 1-2 through the elasticsearch 7.13 client.

Index lifecycle: concrete indices ``<prefix>-suppliers-<UTC timestamp, microseconds>`` behind the
alias ``<prefix>-suppliers``. reindex() fills a fresh index, then moves the alias in one atomic
``update_aliases`` call and keeps the newest two indices, so searches never see a half-built index.

Query: every query word (stop words dropped, multi-word synonyms kept together) must match in
at least one text field, through the analyzers' spelling, stemming and synonym rules. A word that
matches nothing as typed is replaced by the indexed words within its edit limit (one edit from 5
letters, two from 8; found by the term suggester, Lucene's Levenshtein-automaton spell checker)
and the corrected text comes back as the "did you mean" suggestion. This follows the contract in
search_index/base.py ("when the term matches nothing as typed") exactly, where a plain
``fuzziness`` on every word would also widen queries whose words all exist, and would compare
the typo with Porter stems rather than words. Group filters go in ``post_filter``
and every facet is a ``filter`` aggregation applying all other groups' filters, which makes the
counts disjunctive. The index holds only what the document source delivered (what may be
shown), so every indexed document may match.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from elasticsearch import Elasticsearch, helpers
from elasticsearch import exceptions as es_exceptions

from search_index import analysis, es_settings
from search_index.base import (
    FILTER_GROUPS,
    FacetValue,
    Hit,
    SearchBackend,
    SearchQuery,
    SearchResult,
    sort_facet_values,
)
from search_index.document import SupplierDocument, validate_document
from search_index.embedded import MAX_FUZZY_CANDIDATES, MAX_QUERY_WORDS, porter_stem
from search_index.errors import SearchError, SearchUnavailable

log = logging.getLogger(__name__)

# Elasticsearch refuses from + size beyond this (index.max_result_window default).
MAX_RESULT_WINDOW = 10_000
# Documents per bulk request.
BULK_CHUNK = 500
# Matches counted per correction candidate when ranking them (the embedded backend's cap).
CORRECTION_HITS_CAP = 50
# Concrete indices kept after a reindex (the live one and the one before it).
KEEP_INDICES = 2

class _Unavailable:
    """Context manager translating client errors into the search layer's errors."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> bool:
        if exc is None:
            return False
        if isinstance(exc, es_exceptions.ConnectionError):
            # ConnectionTimeout and SSLError are subclasses.
            raise SearchUnavailable(f"search engine unreachable during {self.what}: {exc}") from exc
        if isinstance(exc, es_exceptions.TransportError):
            status = exc.status_code
            if not isinstance(status, int) or status >= 500 or status == 429:
                raise SearchUnavailable(
                    f"search engine could not answer {self.what} (HTTP {status}): {exc.error}"
                ) from exc
            raise SearchError(f"search engine rejected {self.what} (HTTP {status}): {exc}") from exc
        return False


class ElasticsearchBackend(SearchBackend):
    """SearchBackend on an Elasticsearch/OpenSearch cluster (see the module docstring)."""

    name = "elasticsearch"

    def __init__(
        self,
        url: str,
        prefix: str = "tradehub",
        timeout: float = 10.0,
        *,
        refresh: bool = True,
        client: Elasticsearch | None = None,
    ) -> None:
        """Connect lazily to ``url``; ``refresh`` makes index/delete calls visible at once.

        refresh=True suits the app (a saved profile shows up in the next search) and tests;
        reindex() never refreshes per batch, it loads with refresh off and refreshes once.
        """
        self.url = url
        self.prefix = prefix
        self.timeout = timeout
        self.refresh = refresh
        self.alias = f"{prefix}-suppliers"
        self.client = client or Elasticsearch(
            [url], timeout=timeout, max_retries=1, retry_on_timeout=False
        )

    # -- index lifecycle ------------------------------------------------------------------

    def new_index_name(self) -> str:
        """A fresh concrete index name: ``<alias>-<UTC timestamp with microseconds>``."""
        return f"{self.alias}-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"

    def _indices(self) -> dict[str, bool]:
        """Concrete indices of this prefix, oldest first (names sort by timestamp), each with
        whether the alias points at it. One light request (no settings or mappings)."""
        with _Unavailable("listing indices"):
            found = self.client.indices.get_alias(index=f"{self.alias}-*")
        return {
            name: self.alias in (found[name].get("aliases") or {})
            for name in sorted(found)
            if self._is_own_index(name)
        }

    def _is_own_index(self, name: str) -> bool:
        stamp = name[len(self.alias) + 1 :]
        return name.startswith(f"{self.alias}-") and stamp.isdigit()

    def _concrete_indices(self) -> list[str]:
        """Every concrete index of this prefix, oldest first."""
        return list(self._indices())

    def _alias_targets(self) -> list[str]:
        """Concrete indices the alias points at (empty when there is no alias yet)."""
        return [name for name, live in self._indices().items() if live]

    def ensure_ready(self) -> None:
        """Create a concrete index behind the alias unless the alias already exists."""
        if self._alias_targets():
            return
        name = self.new_index_name()
        body = es_settings.index_body()
        body["aliases"] = {self.alias: {}}
        with _Unavailable("creating the index"):
            self.client.indices.create(index=name, body=body)
        targets = self._alias_targets()
        if len(targets) > 1 and name != min(targets):
            # Another process created one at the same moment: every racer keeps the oldest.
            log.info("dropping %s: %s was created at the same time", name, min(targets))
            with _Unavailable("dropping a duplicate index"):
                self.client.indices.delete(index=name, ignore=[404])

    def reindex(self, docs: Iterable[SupplierDocument]) -> str:
        """Fill a fresh index, move the alias to it atomically, keep the newest two indices.

        An index newer than the live one is left over from a reindex that died (or is being
        replaced by this one, as in the embedded backend): it is dropped first, so it can
        neither take this one's place among the kept indices nor keep receiving writes.
        """
        self._drop_unfinished()
        name = self.new_index_name()
        with _Unavailable("creating the new index"):
            self.client.indices.create(index=name, body=es_settings.index_body(bulk_loading=True))
        try:
            self._bulk(self._index_actions(docs, name, upsert=False))
            with _Unavailable("preparing the new index"):
                self.client.indices.put_settings(
                    index=name, body={"index": {"refresh_interval": None}}
                )
                self.client.indices.refresh(index=name)
        except BaseException:
            # A half-built index must never be left where the next swap could pick it.
            with _Unavailable("dropping the unfinished index"):
                self.client.indices.delete(index=name, ignore=[404])
            raise
        actions: list[dict[str, Any]] = [
            {"remove": {"index": old, "alias": self.alias}} for old in self._alias_targets()
        ]
        actions.append({"add": {"index": name, "alias": self.alias}})
        with _Unavailable("moving the alias"):
            self.client.indices.update_aliases(body={"actions": actions})
        log.info("alias %s now points at %s", self.alias, name)
        self._delete_old_indices()
        return name

    def _drop_unfinished(self) -> None:
        """Delete indices newer than the live one (reindexes that never swapped)."""
        indices = self._indices()
        live = [name for name, is_live in indices.items() if is_live]
        if not live:
            return
        unfinished = [name for name in indices if name > max(live)]
        if unfinished:
            log.warning("dropping indices of an unfinished reindex: %s", ", ".join(unfinished))
            with _Unavailable("dropping unfinished indices"):
                self.client.indices.delete(index=",".join(unfinished), ignore=[404])

    def _delete_old_indices(self) -> None:
        """Keep the live index and the one before it; delete older ones."""
        indices = self._indices()
        live = [name for name, is_live in indices.items() if is_live]
        if not live:
            return
        settled = [name for name in indices if name <= max(live)]
        stale = [name for name in settled[:-KEEP_INDICES] if not indices[name]]
        if stale:
            with _Unavailable("deleting old indices"):
                self.client.indices.delete(index=",".join(stale), ignore=[404])

    def clear(self) -> None:
        """Delete every concrete index of this prefix (and with them the alias)."""
        indices = self._concrete_indices()
        if indices:
            with _Unavailable("deleting indices"):
                self.client.indices.delete(index=",".join(indices), ignore=[404])

    def _write_targets(self) -> list[str]:
        """Where changes go: the live index plus any newer index a running reindex is filling."""
        indices = self._indices()
        if not any(indices.values()):
            self.ensure_ready()
            indices = self._indices()
        newest_live = max(name for name, live in indices.items() if live)
        return [name for name, live in indices.items() if live or name > newest_live]

    # -- writing --------------------------------------------------------------------------

    def index_documents(self, docs: Iterable[SupplierDocument]) -> int:
        """Upsert documents, in bulk requests."""
        targets = self._write_targets()
        read = 0

        def counted() -> Iterator[SupplierDocument]:
            nonlocal read
            for doc in docs:
                read += 1
                yield doc

        actions = (
            action
            for doc_action in self._index_actions(counted(), None, upsert=True)
            for action in self._fan_out(doc_action, targets)
        )
        self._bulk(actions, refresh=targets if self.refresh else ())
        return read

    def delete_documents(self, ids: Iterable[int]) -> int:
        """Delete documents by id from the live (and any building) index."""
        targets = self._write_targets()
        given = [int(i) for i in ids]
        actions = (
            {"_op_type": "delete", "_index": target, "_id": str(doc_id)}
            for doc_id in given
            for target in targets
        )
        self._bulk(actions, refresh=targets if self.refresh else ())
        return len(given)

    @staticmethod
    def _fan_out(action: dict[str, Any], targets: Sequence[str]) -> Iterator[dict[str, Any]]:
        for target in targets:
            yield {**action, "_index": target}

    @staticmethod
    def _index_actions(
        docs: Iterable[SupplierDocument], index: str | None, *, upsert: bool
    ) -> Iterator[dict[str, Any]]:
        """Bulk actions: index (upsert) each document, or create it when `upsert` is false.

        Reindex loading creates documents: one the app already wrote into the building index is
        newer than the reindex's copy and must stay.
        """
        for raw in docs:
            doc = validate_document(raw)
            action: dict[str, Any] = {
                "_op_type": "index" if upsert else "create",
                "_id": str(doc["id"]),
                "_source": es_settings.to_source(doc),
            }
            if index is not None:
                action["_index"] = index
            yield action

    def _bulk(self, actions: Iterable[dict[str, Any]], *, refresh: Sequence[str] = ()) -> None:
        """Send actions in chunks, then refresh the given indices once (not once per chunk).

        Deleting a missing document or re-creating a present one (reindex) is not an error.
        """
        with _Unavailable("bulk indexing"):
            _, errors = helpers.bulk(
                self.client,
                actions,
                chunk_size=BULK_CHUNK,
                raise_on_error=False,
                raise_on_exception=True,
                request_timeout=max(self.timeout, 60.0),
            )
            if refresh:
                self.client.indices.refresh(index=",".join(refresh))
        failures = [e for e in errors if not _is_benign(e)]
        if failures:
            statuses = {status for e in failures for status in _statuses(e)}
            if any(s >= 500 or s == 429 for s in statuses):
                raise SearchUnavailable(
                    f"engine failed {len(failures)} bulk action(s): {failures[:1]}"
                )
            raise SearchError(f"engine rejected {len(failures)} bulk action(s): {failures[:1]}")

    # -- reading --------------------------------------------------------------------------

    def count(self) -> int:
        """Number of documents in the live index (0 before the index exists)."""
        with _Unavailable("counting"):
            try:
                return int(self.client.count(index=self.alias)["count"])
            except es_exceptions.NotFoundError:
                return 0

    def health(self) -> dict:
        """Cluster status and live index size; never raises."""
        try:
            with _Unavailable("health check"):
                status = self.client.cluster.health(request_timeout=self.timeout)["status"]
            targets = self._alias_targets()
            documents = self.count()
            outdated = self._outdated(targets)
        except SearchError as exc:
            return {"ok": False, "backend": self.name, "detail": str(exc)}
        ok = status in ("green", "yellow")
        if not targets:
            detail = f"cluster {status}; alias {self.alias} missing (run `flask search reindex`)"
            return {"ok": ok, "backend": self.name, "detail": detail}
        detail = f"cluster {status}; {self.alias} -> {', '.join(targets)}; {documents} documents"
        if outdated:
            detail += "; built with older analyzers or mappings (run `flask search reindex`)"
        return {"ok": ok, "backend": self.name, "detail": detail}

    def _outdated(self, targets: Sequence[str]) -> bool:
        """True when a live index was built with other analyzers/mappings than this code's."""
        if not targets:
            return False
        with _Unavailable("reading the mapping"):
            found = self.client.indices.get_mapping(index=",".join(targets))
        expected = es_settings.schema_fingerprint()
        return any(
            (found[name]["mappings"].get("_meta") or {}).get(es_settings.SCHEMA_META_KEY)
            != expected
            for name in targets
        )

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Names whose words start with every prefix word (the last as a prefix), alphabetical."""
        words = analysis.tokenize(prefix)
        if not words or limit < 1:
            return []
        body = {
            "query": {
                "bool": {
                    "must": [
                        {
                            "match": {
                                es_settings.AUTOCOMPLETE_FIELD: {
                                    # Edge n-grams stop at AUTOCOMPLETE_MAX_GRAM letters.
                                    "query": " ".join(
                                        w[: es_settings.AUTOCOMPLETE_MAX_GRAM] for w in words
                                    ),
                                    "operator": "and",
                                }
                            }
                        }
                    ],
                }
            },
            "sort": [{es_settings.NAME_SORT_FIELD: "asc"}, {"id": "asc"}],
            # Extra rows so that duplicate names still leave `limit` distinct ones.
            "size": limit * 3,
            "_source": ["name"],
        }
        response = self._search(body, "suggest")
        # The shared rule decides (longer words than the n-grams hold, identical names).
        names = [
            hit["_source"]["name"]
            for hit in response["hits"]["hits"]
            if analysis.name_matches_prefix(hit["_source"]["name"], prefix)
        ]
        return analysis.unique(names)[:limit]

    def search(self, query: SearchQuery) -> SearchResult:
        """Run one query (see the module docstring for how text, filters and facets work).

        One request whenever the words match something together. Only when they match nothing
        a second, results-free request finds the words that match nothing as typed and their
        indexed neighbours within the edit limit (term suggester, Lucene's Levenshtein-automaton
        spell checker); a third runs the query with those neighbours and counts them for the
        "did you mean" text.
        """
        units = query_units(query.text)
        response = self._search(self.request_body(query), "search")
        checkable = _checkable(units)
        matched = response.get("aggregations", {}).get("_matched", {}).get("doc_count", 0)
        if matched or not checkable:
            return self._result(query, response, None)
        probe = {
            "size": 0,
            "aggs": {"_units": _unit_existence_agg(checkable)},
            "suggest": _spelling_suggester(checkable),
        }
        probed = self._search(probe, "search")
        missing = _missing_units(probed, checkable)
        candidates = _candidates(missing, checkable, probed.get("suggest", {}))
        if not candidates:
            return self._result(query, response, None)
        body = self._search_body(query, units, candidates)
        words = analysis.unique(w for found in candidates.values() for w in found)
        body["aggs"]["_candidates"] = _unit_existence_agg(words)
        response = self._search(body, "search")
        corrections = _corrections(candidates, response)
        suggestion = None
        if corrections:
            suggestion = " ".join(corrections.get(w, w) for w in analysis.tokenize(query.text))
        return self._result(query, response, suggestion)

    def request_body(self, query: SearchQuery) -> dict[str, Any]:
        """The body of the first (usually only) request search() sends to ``<alias>/_search``;
        benchmarks send it raw to compare the engine alone with the whole backend."""
        body = self._search_body(query, query_units(query.text), {})
        if query.text:
            # Documents matching the text before group filters: zero means some word matched
            # nothing, the only case in which typo correction runs.
            body["aggs"]["_matched"] = {"filter": {"match_all": {}}}
        return body

    def _search(self, body: dict[str, Any], what: str) -> dict[str, Any]:
        with _Unavailable(what):
            try:
                return self.client.search(index=self.alias, body=body)
            except es_exceptions.NotFoundError:
                # No index yet: nothing has been indexed, so nothing matches.
                return {"hits": {"total": {"value": 0}, "hits": []}, "aggregations": {}}

    def _search_body(
        self, query: SearchQuery, units: Sequence[str], candidates: Mapping[str, list[str]]
    ) -> dict[str, Any]:
        """The request: unit clauses (a corrected unit matches any of its candidates), the
        group filters as post_filter, facets, sort, page, highlight."""
        clauses = [_unit_clause(unit, candidates.get(unit)) for unit in units]
        body: dict[str, Any] = {
            "query": {
                "bool": {
                    "must": clauses or [{"match_all": {}}],
                }
            },
            "sort": _sort(query.sort),
            "track_total_hits": True,
            "_source": list(es_settings.HIT_SOURCE_FIELDS),
            "aggs": _facet_aggs(query.filters),
        }
        offset = query.offset
        if offset + query.per_page <= MAX_RESULT_WINDOW:
            body["from"] = offset
            body["size"] = query.per_page
        else:
            # Beyond the engine's window: report totals and facets, no hits.
            body["size"] = 0
        group_filters = _group_filters(query.filters)
        if group_filters:
            body["post_filter"] = {"bool": {"filter": group_filters}}
        if units:
            body["highlight"] = {
                "encoder": "html",
                "pre_tags": ["<mark>"],
                "post_tags": ["</mark>"],
                "require_field_match": True,
                "fields": {
                    "summary": {"number_of_fragments": 0},
                    "description": {"fragment_size": 160, "number_of_fragments": 2},
                    "case_studies_text": {"fragment_size": 160, "number_of_fragments": 1},
                    "products_services": {"number_of_fragments": 0},
                    "keywords": {"number_of_fragments": 0},
                },
            }
        return body

    def _result(
        self, query: SearchQuery, response: Mapping[str, Any], suggestion: str | None
    ) -> SearchResult:
        hits_part = response["hits"]
        total = int(hits_part["total"]["value"])
        # Scores mean something only for a text query sorted by relevance (as in embedded).
        scored = query.sort == "relevance" and bool(query_units(query.text))
        hits = [_hit(raw, with_score=scored) for raw in hits_part["hits"]]
        aggregations = response.get("aggregations", {})
        facets: dict[str, list[FacetValue]] = {}
        for group in FILTER_GROUPS:
            agg = aggregations.get(f"facet_{group}")
            counts: dict[str, int] = {}
            if agg is not None:
                for bucket in agg["values"]["buckets"]:
                    key = bucket.get("key_as_string", bucket["key"])
                    counts[str(key)] = int(bucket["doc_count"])
            facets[group] = sort_facet_values(counts)
        return SearchResult(
            total=total,
            page=query.page,
            per_page=query.per_page,
            hits=hits,
            facets=facets,
            suggestion=suggestion,
        )


# -- query pieces ---------------------------------------------------------------------------


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


def _checkable(units: Sequence[str]) -> list[str]:
    """Units typo tolerance may correct: single words long enough for an edit."""
    return [unit for unit in units if " " not in unit and analysis.max_edits(unit) > 0]


def _unit_clause(unit: str, candidates: Sequence[str] | None = None) -> dict[str, Any]:
    """One unit must match in some field (all its words in that field for a phrase unit);
    a corrected unit matches when any of its candidate spellings does."""
    return {
        "multi_match": {
            "query": " ".join(candidates) if candidates else unit,
            "fields": es_settings.query_fields(),
            "type": "best_fields",
            "operator": "or" if candidates else "and",
        }
    }


def _unit_existence_agg(units: Sequence[str]) -> dict[str, Any]:
    """How many documents each unit (or candidate word) matches as typed, ignoring
    the rest of the query."""
    return {
        "global": {},
        "aggs": {
            "units": {
                "filters": {
                    "filters": {
                        unit: _unit_clause(unit)
                        for unit in units
                    }
                }
            }
        },
    }


def _terms_filter(group: str, values: Sequence[str]) -> dict[str, Any]:
    field = es_settings.INDEX_GROUP_FIELDS[group]
    if group == "verified":
        return {"terms": {field: [v == "true" for v in values]}}
    return {"terms": {field: list(values)}}


def _group_filters(filters: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    return [_terms_filter(group, values) for group, values in sorted(filters.items())]


def _facet_aggs(filters: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """One filter aggregation per group applying every other group's filters (disjunctive)."""
    aggs: dict[str, Any] = {}
    for group in FILTER_GROUPS:
        others = [_terms_filter(g, values) for g, values in sorted(filters.items()) if g != group]
        aggs[f"facet_{group}"] = {
            "filter": {"bool": {"filter": others}} if others else {"match_all": {}},
            "aggs": {
                "values": {
                    "terms": {
                        "field": es_settings.INDEX_GROUP_FIELDS[group],
                        "size": es_settings.FACET_SIZE,
                        "min_doc_count": 1,
                        "order": [{"_count": "desc"}, {"_key": "asc"}],
                    }
                }
            },
        }
    return aggs


def _sort(sort: str) -> list[dict[str, Any]]:
    """Sort keys: the chosen order, then the folded name, then id, so pages are stable."""
    tail = [{es_settings.NAME_SORT_FIELD: "asc"}, {"id": "asc"}]
    if sort == "name":
        return tail
    if sort == "updated":
        return [{"updated_at": "desc"}, *tail]
    return [{"_score": "desc"}, *tail]


def _spelling_suggester(units: Sequence[str]) -> dict[str, Any]:
    """A term suggester per unit over the folded surface words of every text field."""
    return {
        f"unit_{i}": {
            "text": unit,
            "term": {
                "field": es_settings.SPELL_FIELD,
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


def _corrections(
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


def _missing_units(response: Mapping[str, Any], checkable: Sequence[str]) -> list[str]:
    """Units that match no publishable document as typed."""
    agg = response.get("aggregations", {}).get("_units")
    if agg is None:
        return []
    buckets = agg["units"]["buckets"]
    return [unit for unit in checkable if buckets.get(unit, {}).get("doc_count", 1) == 0]


def _candidates(
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


def _hit(raw: Mapping[str, Any], *, with_score: bool) -> Hit:
    source = raw["_source"]
    return Hit(
        id=int(source["id"]),
        slug=source["slug"],
        name=source["name"],
        summary=source["summary"],
        highlight=_highlight(raw.get("highlight") or {}, source["summary"]),
        industries=list(source.get("industries") or []),
        region=source.get("region"),
        countries=list(source.get("countries") or []),
        verified=bool(source["verified"]),
        updated_at=source["updated_at"],
        score=float(raw["_score"]) if with_score and raw.get("_score") is not None else None,
    )


def _highlight(fields: Mapping[str, list[str]], summary: str) -> str:
    """The first highlighted field's fragments (already HTML-encoded by the engine), else the
    escaped summary."""
    for field in es_settings.HIGHLIGHT_FIELDS:
        fragments = fields.get(field)
        if fragments:
            # The engine's HTML encoder also escapes "/", which needs no escaping; undo just
            # that so highlights read like html.escape() output ("&amp;#x2F;" stays as it is).
            return " … ".join(fragments).replace("&#x2F;", "/")
    return html.escape(summary, quote=True)


def _statuses(error: Mapping[str, Any]) -> list[int]:
    return [int(item.get("status", 0)) for item in error.values() if isinstance(item, Mapping)]


def _is_benign(error: Mapping[str, Any]) -> bool:
    """A delete of a missing document, or a reindex create of one the app already wrote."""
    delete, create = error.get("delete"), error.get("create")
    if isinstance(delete, Mapping):
        return delete.get("status") == 404
    return isinstance(create, Mapping) and create.get("status") == 409
