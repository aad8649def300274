"""EmbeddedBackend: the SearchBackend on an SQLite FTS5 file (search_index.embedded.store).

``reindex()`` loads a new generation in short batches (writes from the app are mirrored into it
meanwhile), then swaps ``meta.live`` in one transaction and drops the old tables. Spelling forms,
stop words, synonyms and typo tolerance are applied in Python when the FTS5 query is built (see
search_index.analysis); documents are indexed as written, so highlights show the company's own
words.
"""

# SQL here interpolates only generation table names, which are made by _new_generation_name()
# and checked against GEN_RE when read back from meta; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import html
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import suppress

from search_index import analysis
from search_index.base import (
    FILTER_GROUPS,
    Hit,
    SearchBackend,
    SearchQuery,
    SearchResult,
)
from search_index.document import (
    TEXT_FIELDS,
    SupplierDocument,
    validate_document,
)
from search_index.embedded.facets import Bitmaps, FacetCounter
from search_index.embedded.query import QueryPlanner
from search_index.embedded.store import BATCH_SIZE, IndexStore, Rows
from search_index.errors import SearchError


def prepared_batches(
    docs: Iterable[SupplierDocument],
) -> Iterator[tuple[list[SupplierDocument], Rows]]:
    """Validated documents in batches of BATCH_SIZE (the last one of each id), each with the
    rows a reindex writes (text for the vocabulary table rather than tokenised words)."""
    batch: dict[int, SupplierDocument] = {}
    for raw in docs:
        doc = validate_document(raw)
        batch[doc["id"]] = doc
        if len(batch) >= BATCH_SIZE:
            ready = list(batch.values())
            yield ready, IndexStore._rows(ready, words=False)
            batch = {}
    if batch:
        ready = list(batch.values())
        yield ready, IndexStore._rows(ready, words=False)


class EmbeddedBackend(IndexStore, FacetCounter, QueryPlanner, SearchBackend):
    """SQLite FTS5 search in its own file; safe to share between threads and processes."""

    name = "embedded"

    def __init__(
        self, path: str | os.PathLike[str], timeout: float = 5.0, *, facet_bitmaps: bool = True
    ) -> None:
        """Use (and create when needed) the index file at path; timeout bounds lock waits.

        facet_bitmaps keeps, per index version, one bitset of document ids per filter value in
        memory and counts facets with bitwise AND (fast); False counts them in SQL instead.
        """
        super().__init__(path, timeout)
        weights = ", ".join(repr(analysis.FIELD_WEIGHTS[f]) for f in TEXT_FIELDS)
        self._bm25_weights = weights
        self.facet_bitmaps = facet_bitmaps
        self._bitmaps: tuple[tuple[str, int], Bitmaps] | None = None
        self._bitmaps_lock = threading.Lock()

    def ensure_ready(self) -> None:
        """Create the meta table and an empty live generation when the file has none."""
        with self._transaction(write=True) as conn:
            self._ensure_live(conn)

    def index_documents(self, docs: Iterable[SupplierDocument]) -> int:
        """Upsert documents in batches; returns docs read."""
        seen = 0
        upserts: dict[int, SupplierDocument] = {}
        for raw in docs:
            doc = validate_document(raw)
            seen += 1
            upserts[doc["id"]] = doc
            if len(upserts) >= BATCH_SIZE:
                self._apply(list(upserts.values()), [])
                upserts = {}
        if upserts:
            self._apply(list(upserts.values()), [])
        return seen

    def delete_documents(self, ids: Iterable[int]) -> int:
        """Remove documents by id from the live (and any building) generation."""
        wanted = [int(i) for i in ids]
        for start in range(0, len(wanted), BATCH_SIZE):
            self._apply([], wanted[start : start + BATCH_SIZE])
        return len(wanted)

    def reindex(self, docs: Iterable[SupplierDocument]) -> str:
        """Load docs into a new generation in batches, then make it live in one transaction.

        While it loads, index_documents/delete_documents also write to the new generation, and
        a document already written that way is not overwritten by the (older) reindex copy.
        """
        with self._transaction(write=True) as conn:
            live = self._ensure_live(conn)
            # Left by a reindex that crashed or was replaced: everything but the live one.
            for stale in self._generations(conn) - {live}:
                self._drop_generation(conn, stale)
            gen = self._new_generation_name(conn)
            self._create_generation(conn, gen, vocabulary=True)
            self._set_meta(conn, "building", gen)
        try:
            for batch, rows in prepared_batches(docs):
                self._load_batch(gen, batch, rows)
            with self._transaction(write=True, bump=False) as conn:
                self._check_building(conn, gen)
                # Merge the FTS5 segments before the swap, outside the swap transaction.
                self._finish_bulk_load(conn, gen)
            with self._transaction(write=True) as conn:
                # The swap itself: two meta rows, so app writes wait for it only briefly.
                self._check_building(conn, gen)
                old = self._meta(conn, "live")
                self._set_meta(conn, "live", gen)
                self._set_meta(conn, "building", None)
        except BaseException:
            self._abandon(gen)
            raise
        if old and old != gen:
            # Searches that started before the swap keep reading their WAL snapshot. If the
            # drop fails, the next reindex drops the leftover.
            with suppress(SearchError), self._transaction(write=True, bump=False) as conn:
                if self._meta(conn, "live") != old:
                    self._drop_generation(conn, old)
        return gen

    def _check_building(self, conn: sqlite3.Connection, gen: str) -> None:
        if self._meta(conn, "building") != gen:
            raise SearchError("another reindex replaced this one before it finished")

    def _load_batch(self, gen: str, docs: list[SupplierDocument], rows: Rows) -> None:
        """Write a batch's prepared rows into the building generation, except documents the
        app wrote there meanwhile (newer than the reindex's copy)."""
        with self._transaction(write=True, bump=False) as conn:
            self._check_building(conn, gen)
            present = set()
            ids = rows.ids
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join("?" for _ in chunk)
                present.update(
                    row[0]
                    for row in conn.execute(
                        f"SELECT id FROM {gen}_docs WHERE id IN ({marks})", chunk
                    )
                )
            if present:
                rows = self._rows([d for d in docs if d["id"] not in present], words=False)
            self._write_rows(conn, gen, rows)

    def _abandon(self, gen: str) -> None:
        """Drop a half-built generation after a failed reindex (best effort)."""
        try:
            with self._transaction(write=True) as conn:
                if self._meta(conn, "building") == gen:
                    self._set_meta(conn, "building", None)
                if self._meta(conn, "live") != gen:
                    self._drop_generation(conn, gen)
        except SearchError:
            return

    def clear(self) -> None:
        """Drop every table of this index (all generations and meta)."""
        with self._transaction(write=True) as conn:
            for gen in self._generations(conn):
                self._drop_generation(conn, gen)
            conn.execute("DROP TABLE IF EXISTS meta")
            conn.execute("DROP TABLE IF EXISTS changes")

    # -- reading -----------------------------------------------------------------------------
    def count(self) -> int:
        """Number of documents in the live generation."""
        with self._transaction(write=False) as conn:
            live = self._meta(conn, "live")
            if live is None:
                return 0
            return conn.execute(f"SELECT count(*) FROM {live}_docs").fetchone()[0]

    def health(self) -> dict:
        """Whether the index file opens and answers, with the live generation and its size."""
        try:
            with self._transaction(write=False) as conn:
                live = self._meta(conn, "live")
                size = (
                    conn.execute(f"SELECT count(*) FROM {live}_docs").fetchone()[0] if live else 0
                )
                outdated = bool(live) and self._outdated(conn, live)
        except SearchError as exc:
            return {"ok": False, "backend": self.name, "detail": str(exc)}
        detail = f"{self.path}: {size} documents in {live}" if live else f"{self.path}: empty"
        if outdated:
            detail += "; built by an older version of the index layout (run `flask search reindex`)"
        return {"ok": True, "backend": self.name, "detail": detail}

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Names with a word starting with each prefix word (case/accent-insensitive), A-Z."""
        wanted = analysis.tokenize(prefix)
        if not wanted or limit < 1:
            return []
        last = wanted[-1]
        names: list[str] = []
        with self._transaction(write=False) as conn:
            live = self._meta(conn, "live")
            if live is None:
                return []
            rows = conn.execute(
                f"SELECT DISTINCT d.name, d.name_key, d.id FROM {live}_name_words w"
                f" JOIN {live}_docs d ON d.id = w.doc_id"
                " WHERE w.word >= ? AND w.word < ?"
                " ORDER BY d.name_key, d.id",
                (last, last + "\U0010ffff"),
            )
            for name, _key, _id in rows:
                if name not in names and analysis.name_matches_prefix(name, prefix):
                    names.append(name)
                    if len(names) >= limit:
                        break
        return names

    def search(self, query: SearchQuery) -> SearchResult:
        """Text, filters, disjunctive facets, sort, one page, highlights, did-you-mean."""
        facets: dict[str, list] = {group: [] for group in FILTER_GROUPS}
        with self._transaction(write=False) as conn:
            live = self._meta(conn, "live")
            if live is None:
                return SearchResult(0, query.page, query.per_page, [], facets, None)
            match = self._build_match(conn, live, query.text, query.synonyms, query.alternatives)
            total, facets = self._count(conn, live, match.expression, query)
            rows = self._page(conn, live, match, query)
            snippets = self._snippets(conn, live, match.expression, [row[0] for row in rows])

        hits = [
            Hit(
                id=row[0],
                slug=row[1],
                name=row[2],
                summary=row[3],
                highlight=snippets.get(row[0]) or html.escape(row[3], quote=True),
                industries=json.loads(row[4]),
                region=row[5],
                countries=json.loads(row[6]),
                verified=bool(row[7]),
                updated_at=row[8],
                score=None if row[9] is None else -float(row[9]),
            )
            for row in rows
        ]
        suggestion = None
        # Only a text that finds something is offered (the corrections are part of this query).
        if match.corrections and total:
            suggestion = " ".join(
                match.corrections.get(word, word) for word in analysis.tokenize(query.text)
            )
        return SearchResult.capped(
            total,
            page=query.page,
            per_page=query.per_page,
            hits=hits,
            facets=facets,
            suggestion=suggestion,
        )
