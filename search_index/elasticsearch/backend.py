"""Search backend for Elasticsearch 7 and OpenSearch 1-2 through the elasticsearch 7.13 client.

Index lifecycle: search_index.elasticsearch.lifecycle; request pieces: .queries; index
settings, mappings and sources: .settings.

Query: every query word (stop words dropped, multi-word synonyms kept together) must match in
at least one text field, through the analyzers' spelling, stemming and synonym rules. A word that
matches nothing as typed is replaced by the indexed words within its edit limit (one edit from 5
letters, two from 8; found by the term suggester, Lucene's Levenshtein-automaton spell checker)
and the corrected text comes back as the "did you mean" suggestion. This follows the contract in
search_index/base.py ("when the term matches nothing as typed") exactly, where a plain
``fuzziness`` on every word would also widen queries whose words all exist, and would compare
the typo with Porter stems rather than words. The page request puts the group
filters inside the query and counts the total up to TOTAL_CAP; a second, hit-free request in the
same ``_msearch`` computes the facets, each a ``filter`` aggregation applying all other groups'
filters, which makes the counts disjunctive, and is served from the engine's request cache until
the index changes. The index holds only what the document source delivered (what may be
shown), so every indexed document may match.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from typing import Any

from elasticsearch import Elasticsearch, helpers
from elasticsearch import exceptions as es_exceptions

from search_index import analysis
from search_index.base import (
    FILTER_GROUPS,
    TOTAL_CAP,
    FacetValue,
    SearchBackend,
    SearchQuery,
    SearchResult,
    sort_facet_values,
)
from search_index.document import SupplierDocument, validate_document
from search_index.elasticsearch import settings
from search_index.elasticsearch.failures import Unavailable, bulk_statuses, is_benign
from search_index.elasticsearch.lifecycle import IndexLifecycle
from search_index.elasticsearch.queries import (
    Units,
    checkable_units,
    correction_candidates,
    facet_aggs,
    find_corrections,
    group_filter_clauses,
    missing_units,
    phonetic_aggs,
    phonetic_candidates,
    query_units,
    ranking_clauses,
    sort_clause,
    spelling_suggester,
    text_clauses,
    text_rule,
    to_hit,
    unit_existence_agg,
)
from search_index.errors import SearchError, SearchUnavailable

# Elasticsearch refuses from + size beyond this (index.max_result_window default).
MAX_RESULT_WINDOW = 10_000
# Documents per bulk request.
BULK_CHUNK = 500
# Bulk requests a reindex keeps in flight at once.
BULK_THREADS = 2
# Most times a request is sent to another node of a cluster after its node failed.
MAX_NODE_RETRIES = 2
# Pause before sending a search whose shards failed again (seconds, per attempt).
SHARD_RETRY_PAUSE = 0.25


def _shards_lost(response: Mapping[str, Any]) -> bool:
    """True when some shard of the answer failed (or the whole item failed with a 5xx)."""
    if "error" in response:
        return int(response.get("status") or 500) >= 500
    return bool((response.get("_shards") or {}).get("failed"))


class ElasticsearchBackend(IndexLifecycle, SearchBackend):
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
        shards: int = 1,
        replicas: int = 0,
    ) -> None:
        """Connect lazily to ``url``; ``refresh`` makes index/delete calls visible at once.

        ``url`` is one node or a comma-separated list of a cluster's nodes. With several, the
        client sends requests round-robin, marks a node that refuses a connection or times out
        as dead for a while and sends the request to the next node (at most one retry per
        other node, so a request is bounded by nodes x timeout); a search the engine answers
        with failed shards (a node lost mid-request) is sent again the same bounded number of
        times. refresh=True suits the app (a saved profile shows up in the next search) and
        tests; reindex() never refreshes per batch, it loads with refresh off and refreshes
        once. ``shards`` and ``replicas`` shape every index this backend creates.
        """
        self.url = url
        self.nodes = [node.strip() for node in url.split(",") if node.strip()]
        self.prefix = prefix
        self.timeout = timeout
        self.refresh = refresh
        self.shards = shards
        self.replicas = replicas
        self.alias = f"{prefix}-suppliers"
        # One node: one retry on a refused connection, none on a timeout (as before clusters).
        self.retries = min(len(self.nodes) - 1, MAX_NODE_RETRIES) if len(self.nodes) > 1 else 0
        self.client = client or Elasticsearch(
            self.nodes,
            timeout=timeout,
            max_retries=max(self.retries, 1),
            retry_on_timeout=self.retries > 0,
        )

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
                "_source": settings.to_source(doc),
            }
            if index is not None:
                action["_index"] = index
            yield action

    def _bulk(
        self,
        actions: Iterable[dict[str, Any]],
        *,
        refresh: Sequence[str] = (),
        parallel: bool = False,
    ) -> None:
        """Send actions in chunks, then refresh the given indices once (not once per chunk).

        `parallel` (reindex) keeps BULK_THREADS requests in flight, so the engine indexes one
        chunk while this process converts the next instead of waiting for it.
        Deleting a missing document or re-creating a present one (reindex) is not an error.
        """
        timeout = max(self.timeout, 60.0)
        with Unavailable("bulk indexing"):
            if parallel:
                errors = self._bulk_in_flight(actions, timeout)
            else:
                errors = self._bulk_chunk(actions, timeout)
            if refresh:
                self.client.indices.refresh(index=",".join(refresh))
        failures = [e for e in errors if not is_benign(e)]
        if failures:
            statuses = {status for e in failures for status in bulk_statuses(e)}
            if any(s >= 500 or s == 429 for s in statuses):
                raise SearchUnavailable(
                    f"engine failed {len(failures)} bulk action(s): {failures[:1]}"
                )
            raise SearchError(f"engine rejected {len(failures)} bulk action(s): {failures[:1]}")

    def _bulk_chunk(self, actions: Iterable[dict[str, Any]], timeout: float) -> list[dict]:
        """One helpers.bulk call; the items that failed."""
        _, errors = helpers.bulk(
            self.client,
            actions,
            chunk_size=BULK_CHUNK,
            raise_on_error=False,
            raise_on_exception=True,
            request_timeout=timeout,
        )
        return list(errors)

    def _bulk_in_flight(self, actions: Iterable[dict[str, Any]], timeout: float) -> list[dict]:
        """Bulk requests of BULK_CHUNK actions, BULK_THREADS at a time. The actions are made
        in this thread (their documents come from its database session); only sending is
        handed to the pool."""
        errors: list[dict] = []
        with ThreadPoolExecutor(BULK_THREADS, thread_name_prefix="bulk") as pool:
            in_flight: deque[Future[list[dict]]] = deque()
            iterator = iter(actions)
            while chunk := list(islice(iterator, BULK_CHUNK)):
                in_flight.append(pool.submit(self._bulk_chunk, chunk, timeout))
                if len(in_flight) >= BULK_THREADS:
                    errors.extend(in_flight.popleft().result())
            for sent in in_flight:
                errors.extend(sent.result())
        return errors

    # -- reading --------------------------------------------------------------------------

    def count(self) -> int:
        """Number of documents in the live index (0 before the index exists)."""
        with Unavailable("counting"):
            try:
                return int(self.client.count(index=self.alias)["count"])
            except es_exceptions.NotFoundError:
                return 0

    def health(self) -> dict:
        """Cluster status and live index size; never raises."""
        try:
            with Unavailable("health check"):
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
        with Unavailable("reading the mapping"):
            found = self.client.indices.get_mapping(index=",".join(targets))
        expected = settings.schema_fingerprint()
        return any(
            (found[name]["mappings"].get("_meta") or {}).get(settings.SCHEMA_META_KEY) != expected
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
                                settings.AUTOCOMPLETE_FIELD: {
                                    # Edge n-grams stop at AUTOCOMPLETE_MAX_GRAM letters.
                                    "query": " ".join(
                                        w[: settings.AUTOCOMPLETE_MAX_GRAM] for w in words
                                    ),
                                    "operator": "and",
                                }
                            }
                        }
                    ],
                }
            },
            "sort": [{settings.NAME_SORT_FIELD: "asc"}, {"id": "asc"}],
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

        One round trip whenever every word matches something: an ``_msearch`` of the page
        request and the facets request (see request_bodies). When a word matches nothing as
        typed, a results-free request finds its indexed neighbours within the edit limit (term
        suggester, Lucene's Levenshtein-automaton spell checker) or, failing those, the words
        that sound like it (a terms aggregation over the sound keys); the query then runs again
        with them, counting them for the "did you mean" text. When the words find fewer than
        analysis.FEW_MATCHES companies (but some), the query runs once more widened to any
        word, ranked by words matched.
        """
        units = query_units(query.text, query.synonyms, query.alternatives)
        page, facets = self._msearch(self._bodies(query, units, {}))
        checkable = checkable_units(units.units)
        if len(units.units) > 1:
            missing = missing_units(facets, checkable)
        else:
            missing = checkable if not facets["hits"]["total"]["value"] else []
        candidates: dict[str, list[str]] = {}
        phonetic: list[str] = []
        if missing:
            probe: dict[str, Any] = {"size": 0, "suggest": spelling_suggester(checkable)}
            sounds = phonetic_aggs(checkable)
            if sounds:
                probe["aggs"] = sounds
            if not probe["suggest"]:
                del probe["suggest"]
            probed = self._search(probe, "search")
            candidates = correction_candidates(missing, checkable, probed.get("suggest", {}))
            by_sound = phonetic_candidates(
                [u for u in missing if u not in candidates],
                checkable,
                probed.get("aggregations", {}),
            )
            phonetic = list(by_sound)
            candidates.update(by_sound)
        corrections: dict[str, str] = {}
        if candidates:
            page_body, facets_body = self._bodies(query, units, candidates)
            words = analysis.unique(w for found in candidates.values() for w in found)
            facets_body["aggs"]["_candidates"] = unit_existence_agg(words)
            page, facets = self._msearch((page_body, facets_body))
            corrections = find_corrections(candidates, facets, phonetic)
        found = facets["hits"]["total"]["value"]
        if len(units.units) > 1 and 0 < found < analysis.FEW_MATCHES:
            page, facets = self._msearch(self._bodies(query, units, candidates, widen=True))
        suggestion = None
        # Only a text that finds something is offered (the corrections are part of this query).
        if corrections and facets["hits"]["total"]["value"]:
            suggestion = " ".join(corrections.get(w, w) for w in analysis.tokenize(query.text))
        return self._result(query, page, facets, suggestion)

    def request_bodies(self, query: SearchQuery) -> tuple[dict[str, Any], dict[str, Any]]:
        """The two bodies of the first (usually only) ``_msearch`` search() sends: the page and
        the facets. Benchmarks send them raw to compare the engine alone with the whole backend.

        The page request puts the group filters inside the query (the engine skips every
        document they exclude) and counts the total exactly only up to TOTAL_CAP. The facets
        request has no hits (``size`` 0) and the text alone as its query, with one filter
        aggregation per group applying every other group's filters (disjunctive counts); its
        hit count (up to analysis.FEW_MATCHES) says whether the words matched anything before
        the filters, and whether the query must be widened. Both are answered from the
        engine's shard request cache, keyed by the body, until the next refresh that changes
        the index (see _msearch): a repeated search pays for its facet counts and its page's
        matching once per write, not once per request.
        """
        return self._bodies(query, query_units(query.text, query.synonyms, query.alternatives), {})

    def _msearch(self, bodies: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send request bodies to the alias in one ``_msearch``; the responses, in order."""
        # Every item may be answered from the engine's shard request cache, keyed by the body
        # and dropped at the next refresh that changes the index: the facets (size 0, cached
        # by default) and the page too (the engine caches a request with hits only when asked),
        # so a repeated search (a popular query, a browse, paging back) costs the engine the
        # fetch of 20 documents until the next profile save.
        header = {"index": self.alias, "request_cache": True}
        lines: list[dict[str, Any]] = []
        for body in bodies:
            lines.extend((header, body))
        for attempt in range(self.retries + 1):
            with Unavailable("search"):
                answered = self.client.msearch(body=lines)["responses"]
            if attempt < self.retries and any(_shards_lost(item) for item in answered):
                time.sleep(SHARD_RETRY_PAUSE * (attempt + 1))
                continue
            return [self._msearch_response(item) for item in answered]
        raise AssertionError("unreachable: the last attempt returns")

    @staticmethod
    def _msearch_response(item: dict[str, Any]) -> dict[str, Any]:
        """One ``_msearch`` item, or the search layer's error for a failed one."""
        error = item.get("error")
        if error is None:
            if _shards_lost(item):
                # Partial results would be wrong results: say the engine could not answer.
                raise SearchUnavailable(
                    f"search engine lost shards during search: {item['_shards']}"
                )
            return item
        status = int(item.get("status") or 500)
        kind = error.get("type") if isinstance(error, Mapping) else str(error)
        if status == 404 and kind == "index_not_found_exception":
            # No index yet: nothing has been indexed, so nothing matches.
            return {"hits": {"total": {"value": 0}, "hits": []}, "aggregations": {}}
        if status >= 500 or status == 429:
            raise SearchUnavailable(
                f"search engine could not answer search (HTTP {status}): {kind}"
            )
        raise SearchError(f"search engine rejected search (HTTP {status}): {error}")

    def _search(self, body: dict[str, Any], what: str) -> dict[str, Any]:
        for attempt in range(self.retries + 1):
            with Unavailable(what):
                try:
                    response = self.client.search(index=self.alias, body=body)
                except es_exceptions.NotFoundError:
                    # No index yet: nothing has been indexed, so nothing matches.
                    return {"hits": {"total": {"value": 0}, "hits": []}, "aggregations": {}}
                except es_exceptions.TransportError as exc:
                    # All copies of a shard unreachable (503) while a lost node's replicas
                    # are promoted: another attempt, bounded, before giving up.
                    if attempt < self.retries and exc.status_code == 503:
                        time.sleep(SHARD_RETRY_PAUSE * (attempt + 1))
                        continue
                    raise
            if not _shards_lost(response):
                return response
            if attempt < self.retries:
                time.sleep(SHARD_RETRY_PAUSE * (attempt + 1))
        raise SearchUnavailable(f"search engine lost shards during {what}: {response['_shards']}")

    def _bodies(
        self,
        query: SearchQuery,
        units: Units,
        candidates: Mapping[str, list[str]],
        *,
        widen: bool = False,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The page request (the text rule and group filters as filters, the ranking clauses
        as scores; sort; page; highlight; total up to the cap) and the facets request."""
        group_filters = group_filter_clauses(query.filters)
        if units.units:
            clauses = text_clauses(units, candidates)
            rule, optional = text_rule(units, clauses, widen)
            text_query: dict[str, Any] = {"bool": {"filter": [rule]}}
            page_query: dict[str, Any] = {
                "bool": {
                    "filter": [rule, *group_filters],
                    "should": ranking_clauses(units, clauses, optional),
                }
            }
        else:
            text_query = {"match_all": {}}
            page_query = {"bool": {"filter": group_filters}} if group_filters else {"match_all": {}}
        page: dict[str, Any] = {
            "query": page_query,
            "sort": sort_clause(query.sort),
            # One more than the cap, so that exactly TOTAL_CAP matches is still exact.
            "track_total_hits": TOTAL_CAP + 1,
            "_source": list(settings.HIT_SOURCE_FIELDS),
        }
        offset = query.offset
        if offset + query.per_page <= MAX_RESULT_WINDOW:
            page["from"] = offset
            page["size"] = query.per_page
        else:
            # Beyond the engine's window: report totals and facets, no hits.
            page["size"] = 0
        if units.units:
            page["highlight"] = {
                "encoder": "html",
                "pre_tags": ["<mark>"],
                "post_tags": ["</mark>"],
                "require_field_match": True,
                "highlight_query": {"bool": {"should": clauses}},
                "fields": {
                    "summary": {"number_of_fragments": 0},
                    "description": {"fragment_size": 160, "number_of_fragments": 2},
                    "case_studies_text": {"fragment_size": 160, "number_of_fragments": 1},
                    "products_services": {"number_of_fragments": 0},
                    "keywords": {"number_of_fragments": 0},
                },
            }
        facets: dict[str, Any] = {
            "query": text_query,
            "size": 0,
            # Whether anything matched the words at all, and whether few did (then the query
            # is widened); counting further is not needed.
            "track_total_hits": analysis.FEW_MATCHES,
            "aggs": facet_aggs(query.filters),
        }
        checkable = checkable_units(units.units)
        if len(units.units) > 1 and checkable:
            facets["aggs"]["_units"] = unit_existence_agg(checkable, units)
        return page, facets

    def _result(
        self,
        query: SearchQuery,
        page: Mapping[str, Any],
        facets_response: Mapping[str, Any],
        suggestion: str | None,
    ) -> SearchResult:
        hits_part = page["hits"]
        # Scores mean something only for a text query sorted by relevance (as in embedded).
        scored = query.sort == "relevance" and bool(query_units(query.text).units)
        hits = [to_hit(raw, with_score=scored) for raw in hits_part["hits"]]
        aggregations = facets_response.get("aggregations", {})
        facets: dict[str, list[FacetValue]] = {}
        for group in FILTER_GROUPS:
            agg = aggregations.get(f"facet_{group}")
            counts: dict[str, int] = {}
            if agg is not None:
                for bucket in agg["values"]["buckets"]:
                    key = bucket.get("key_as_string", bucket["key"])
                    counts[str(key)] = int(bucket["doc_count"])
            facets[group] = sort_facet_values(counts)
        return SearchResult.capped(
            int(hits_part["total"]["value"]),
            page=query.page,
            per_page=query.per_page,
            hits=hits,
            facets=facets,
            suggestion=suggestion,
        )
