"""The embedded backend: an SQLite FTS5 index in its own file.

Layout of the file
------------------
``meta``                 key/value: ``live`` = the generation searches read, ``building`` = the
                         generation a running reindex is loading (if any).
``<gen>_docs``           one row per document: what a Hit shows, the sort keys.
``<gen>_fts``            FTS5 table, one column per text field, rowid = company id; tokenizer
                         ``porter unicode61 remove_diacritics 2`` (Porter stem, accent folding).
``<gen>_facets``         (group, value, doc id) rows for filters and facet counts.
``<gen>_words``          the folded words of all documents, for typo candidates.
``<gen>_name_words``     folded words of company names, for autocomplete.

A generation ``<gen>`` is ``suppliers_<UTC timestamp>``. ``reindex()`` loads a new generation in
short batches (writes from the app are mirrored into it meanwhile), then swaps ``meta.live`` in
one transaction and drops the old tables. Every search reads ``meta.live`` and the tables inside
one read transaction, and the file is in WAL mode, so a search sees either the old or the new
generation, never a half-built or missing one.

Spelling forms, stop words, synonyms and typo tolerance are applied in Python when the FTS5 query
is built (see search_index.analysis); documents are indexed as written, so highlights show the
company's own words.
"""

# SQL here interpolates only generation table names, which are made by _new_generation_name()
# and checked against _GEN_RE when read back from meta; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import html
import json
import os
import re
import sqlite3
import string
import threading
import weakref
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any

from search_index import analysis
from search_index.base import (
    FILTER_GROUPS,
    Hit,
    SearchBackend,
    SearchQuery,
    SearchResult,
    sort_facet_values,
)
from search_index.document import (
    TEXT_FIELDS,
    SupplierDocument,
    field_texts,
    filter_values,
    parse_updated_at,
    validate_document,
)
from search_index.errors import SearchError, SearchUnavailable

TOKENIZER = "porter unicode61 remove_diacritics 2"
BATCH_SIZE = 500
MAX_QUERY_WORDS = 32
MAX_FUZZY_CANDIDATES = 20
SNIPPET_TOKENS = 24
# Highlight columns in order of preference (the name is shown anyway, so it is not a snippet).
HIGHLIGHT_FIELDS = ("summary", "description", "case_studies", "products_services", "keywords")
_MARK_OPEN = "\x01"
_MARK_CLOSE = "\x02"
# Control characters never belong in profile text; removing them also means a document can
# never contain the highlight sentinels above.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_GEN_RE = re.compile(r"^suppliers_[0-9]{20}(?:_[0-9]+)?$")
_FUZZY_ALPHABET = string.ascii_lowercase + string.digits


# ---------------------------------------------------------------------------------------------
# Porter stems, computed by SQLite's own porter tokenizer so they equal what FTS5 indexes.
_stem_local = threading.local()


def _stemmer() -> sqlite3.Connection:
    conn = getattr(_stem_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.execute(f"CREATE VIRTUAL TABLE s USING fts5(w, tokenize='{TOKENIZER}')")
        conn.execute("CREATE VIRTUAL TABLE sv USING fts5vocab(s, 'instance')")
        _stem_local.conn = conn
    return conn


@lru_cache(maxsize=65536)
def porter_stem(word: str) -> str:
    """The Porter stem FTS5 indexes for one folded word ("exporting" -> "export")."""
    conn = _stemmer()
    conn.execute("INSERT INTO s(rowid, w) VALUES (1, ?)", (word,))
    try:
        row = conn.execute("SELECT term FROM sv ORDER BY offset LIMIT 1").fetchone()
    finally:
        conn.execute("DELETE FROM s")
    return row[0] if row else word


@lru_cache(maxsize=1)
def _synonym_index() -> tuple[dict[tuple[str, ...], int], list[list[tuple[str, ...]]], int]:
    """Stemmed synonym entries -> group number, the groups' word sequences, longest entry."""
    by_stems: dict[tuple[str, ...], int] = {}
    groups: list[list[tuple[str, ...]]] = []
    longest = 1
    for number, group in enumerate(analysis.synonym_phrases()):
        groups.append(list(group))
        for entry in group:
            stems = tuple(porter_stem(analysis.normalise_spelling(w)) for w in entry)
            by_stems.setdefault(stems, number)
            longest = max(longest, len(entry))
    return by_stems, groups, longest


def _quote(term: str) -> str:
    """An FTS5 string (a word or a phrase), quotes doubled."""
    return '"' + term.replace('"', '""') + '"'


def _clean(text: str) -> str:
    return _CONTROL_RE.sub(" ", text)


def _edits1(word: str) -> set[str]:
    """Every string one insert, delete, substitution or adjacent swap away from word."""
    letters = set(_FUZZY_ALPHABET) | set(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return (deletes | swaps | replaces | inserts) - {word}


def render_highlight(marked: str) -> str:
    """Escape FTS5 output that carries sentinel marks, then turn the marks into <mark> tags."""
    escaped = html.escape(marked, quote=True)
    return escaped.replace(_MARK_OPEN, "<mark>").replace(_MARK_CLOSE, "</mark>")


@dataclass
class _Term:
    """One position of the query: the words typed and the FTS5 alternatives that satisfy it."""

    typed: tuple[str, ...]
    alternatives: list[str] = field(default_factory=list)

    def expression(self) -> str:
        return "(" + " OR ".join(analysis.unique(self.alternatives)) + ")"


@dataclass
class _Bitmaps:
    """Every indexed document and each filter value's documents as int bitsets (bit n = id n)."""

    indexed: int
    values: dict[str, dict[str, int]]


_BINARY_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
# Above this id, bitsets would waste memory; facets are then counted in SQL.
MAX_BITMAP_ID = 1 << 25


def _bits(ids_csv: str | None) -> int:
    """An int with bit n set for every id n in a comma-separated list.

    Built without a Python-level loop: one byte per id position set through map(), turned into
    a string of 0/1 digits and parsed in base 2 (all in C; ~10x faster than setting bits).
    """
    if not ids_csv:
        return 0
    ids = list(map(int, ids_csv.split(",")))
    flags = bytearray(max(ids) + 1)
    deque(map(flags.__setitem__, ids, repeat(1)), maxlen=0)
    return int(flags.translate(_BINARY_DIGITS)[::-1], 2)


@dataclass
class _Match:
    """The FTS5 expression for a query text, plus the corrections made for typos."""

    expression: str | None
    corrections: dict[str, str]


class EmbeddedBackend(SearchBackend):
    """SQLite FTS5 search in its own file; safe to share between threads and processes."""

    name = "embedded"

    def __init__(
        self, path: str | os.PathLike[str], timeout: float = 5.0, *, facet_bitmaps: bool = True
    ) -> None:
        """Use (and create when needed) the index file at path; timeout bounds lock waits.

        facet_bitmaps keeps, per index version, one bitset of document ids per filter value in
        memory and counts facets with bitwise AND (fast); False counts them in SQL instead.
        """
        self.path = Path(path)
        self.timeout = float(timeout)
        self._local = threading.local()
        # Every open connection with the thread that owns it, so connections of threads that
        # ended (a threaded server starts one per request) are closed instead of leaking.
        self._connections: list[tuple[weakref.ref[threading.Thread], sqlite3.Connection]] = []
        self._pid = os.getpid()
        self._lock = threading.Lock()
        weights = ", ".join(repr(analysis.FIELD_WEIGHTS[f]) for f in TEXT_FIELDS)
        self._bm25_weights = weights
        self.facet_bitmaps = facet_bitmaps
        self._bitmaps: tuple[tuple[str, int], _Bitmaps] | None = None
        self._bitmaps_lock = threading.Lock()

    # -- connections -------------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        """This thread's connection (a new one after fork), WAL mode, autocommit."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            return conn
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
            )
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except (sqlite3.Error, OSError) as exc:
            raise SearchUnavailable(
                f"search index file {self.path} cannot be opened: {exc}"
            ) from exc
        self._local.conn = conn
        self._local.pid = os.getpid()
        with self._lock:
            if self._pid != os.getpid():
                # Forked: the parent's connections are the parent's; never touch them here.
                self._connections, self._pid = [], os.getpid()
            alive = []
            for owner, other in self._connections:
                thread = owner()
                if thread is not None and thread.is_alive():
                    alive.append((owner, other))
                else:
                    other.close()
            alive.append((weakref.ref(threading.current_thread()), conn))
            self._connections = alive
        return conn

    def close(self) -> None:
        """Close every connection this backend opened (all threads)."""
        with self._lock:
            connections, self._connections = self._connections, []
        for _owner, conn in connections:
            try:
                conn.close()
            except sqlite3.Error:
                continue
        self._local = threading.local()

    @staticmethod
    def _rollback(conn: sqlite3.Connection) -> None:
        if conn.in_transaction:
            conn.execute("ROLLBACK")

    @contextmanager
    def _transaction(self, write: bool, bump: bool = True) -> Iterator[sqlite3.Connection]:
        """A read snapshot or an immediate write transaction; sqlite errors -> SearchUnavailable.

        A write transaction also bumps meta.version (unless bump is False: it only touched a
        generation nobody searches yet), which invalidates in-memory facet bitsets everywhere.
        """
        conn = self._connection()
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.Error as exc:
            raise SearchUnavailable(f"search index {self.path} is not available: {exc}") from exc
        try:
            yield conn
            if write and bump:
                self._bump_version(conn)
        except sqlite3.Error as exc:
            self._rollback(conn)
            raise SearchUnavailable(f"search index {self.path} failed: {exc}") from exc
        except BaseException:
            self._rollback(conn)
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback(conn)
            raise SearchUnavailable(f"search index {self.path} failed to commit: {exc}") from exc

    # -- generations -------------------------------------------------------------------------
    @staticmethod
    def _meta(conn: sqlite3.Connection, key: str) -> str | None:
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
        if row is None:
            return None
        if not _GEN_RE.match(row[0]):
            raise SearchError(f"search index {key} generation name is corrupt: {row[0]!r}")
        return row[0]

    @staticmethod
    def _bump_version(conn: sqlite3.Connection) -> None:
        """Count every write, so in-memory caches of any process know when they are stale."""
        try:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES ('version', '1') ON CONFLICT(key)"
                " DO UPDATE SET value = CAST(value AS INTEGER) + 1"
            )
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):
                raise

    @staticmethod
    def _version(conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def _set_meta(conn: sqlite3.Connection, key: str, value: str | None) -> None:
        if value is None:
            conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @staticmethod
    def _generations(conn: sqlite3.Connection) -> set[str]:
        rows = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name LIKE 'suppliers\\_%\\_docs' ESCAPE '\\'"
        ).fetchall()
        return {row[0][: -len("_docs")] for row in rows}

    @staticmethod
    def _new_generation_name(conn: sqlite3.Connection) -> str:
        base = "suppliers_" + datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        existing = EmbeddedBackend._generations(conn)
        name, number = base, 1
        while name in existing:
            name, number = f"{base}_{number}", number + 1
        return name

    def _create_generation(self, conn: sqlite3.Connection, gen: str) -> None:
        columns = ", ".join(TEXT_FIELDS)
        conn.execute(
            f"CREATE TABLE {gen}_docs ("
            " id INTEGER PRIMARY KEY, slug TEXT NOT NULL, name TEXT NOT NULL,"
            " name_key TEXT NOT NULL, summary TEXT NOT NULL, industries TEXT NOT NULL,"
            " region TEXT, countries TEXT NOT NULL, verified INTEGER NOT NULL,"
            " updated_at TEXT NOT NULL, updated_ts REAL NOT NULL)"
        )
        conn.execute(f"CREATE INDEX {gen}_docs_name ON {gen}_docs(name_key, id)")
        conn.execute(f"CREATE INDEX {gen}_docs_updated ON {gen}_docs(updated_ts, name_key, id)")
        conn.execute(
            f"CREATE VIRTUAL TABLE {gen}_fts USING fts5({columns}, tokenize='{TOKENIZER}')"
        )
        conn.execute(
            f"CREATE TABLE {gen}_facets (grp TEXT NOT NULL, value TEXT NOT NULL,"
            " doc_id INTEGER NOT NULL, PRIMARY KEY (grp, value, doc_id)) WITHOUT ROWID"
        )
        conn.execute(f"CREATE INDEX {gen}_facets_doc ON {gen}_facets(doc_id)")
        conn.execute(
            f"CREATE TABLE {gen}_words (word TEXT PRIMARY KEY, len INTEGER NOT NULL) WITHOUT ROWID"
        )
        conn.execute(f"CREATE INDEX {gen}_words_len ON {gen}_words(len)")
        conn.execute(
            f"CREATE TABLE {gen}_name_words (word TEXT NOT NULL, doc_id INTEGER NOT NULL,"
            " PRIMARY KEY (word, doc_id)) WITHOUT ROWID"
        )
        conn.execute(f"CREATE INDEX {gen}_name_words_doc ON {gen}_name_words(doc_id)")

    @staticmethod
    def _drop_generation(conn: sqlite3.Connection, gen: str) -> None:
        if not _GEN_RE.match(gen):
            raise SearchError(f"refusing to drop {gen!r}: not a generation name")
        conn.execute(f"DROP TABLE IF EXISTS {gen}_fts")
        for suffix in ("docs", "facets", "words", "name_words"):
            conn.execute(f"DROP TABLE IF EXISTS {gen}_{suffix}")

    def ensure_ready(self) -> None:
        """Create the meta table and an empty live generation when the file has none."""
        with self._transaction(write=True) as conn:
            self._ensure_live(conn)

    def _ensure_live(self, conn: sqlite3.Connection) -> str:
        conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        live = self._meta(conn, "live")
        if live is None or live not in self._generations(conn):
            live = self._new_generation_name(conn)
            self._create_generation(conn, live)
            self._set_meta(conn, "live", live)
        return live

    def _write_targets(self, conn: sqlite3.Connection) -> list[str]:
        """The live generation, plus the one a reindex is building (so no write is lost)."""
        targets = [self._ensure_live(conn)]
        building = self._meta(conn, "building")
        if building and building in self._generations(conn) and building not in targets:
            targets.append(building)
        return targets

    # -- writing -----------------------------------------------------------------------------
    @staticmethod
    def _delete_rows(conn: sqlite3.Connection, gen: str, ids: Sequence[tuple[int]]) -> None:
        conn.executemany(f"DELETE FROM {gen}_fts WHERE rowid = ?", ids)
        conn.executemany(f"DELETE FROM {gen}_docs WHERE id = ?", ids)
        conn.executemany(f"DELETE FROM {gen}_facets WHERE doc_id = ?", ids)
        conn.executemany(f"DELETE FROM {gen}_name_words WHERE doc_id = ?", ids)

    @staticmethod
    def _insert_rows(conn: sqlite3.Connection, gen: str, docs: Sequence[SupplierDocument]) -> None:
        doc_rows, fts_rows, facet_rows, name_rows = [], [], [], []
        words: set[str] = set()
        for doc in docs:
            texts = {key: _clean(value) for key, value in field_texts(doc).items()}
            doc_rows.append(
                (
                    doc["id"],
                    doc["slug"],
                    _clean(doc["name"]),
                    analysis.sort_key(doc["name"]),
                    _clean(doc["summary"]),
                    json.dumps(doc["industries"]),
                    doc["region"],
                    json.dumps(doc["countries"]),
                    int(doc["verified"]),
                    doc["updated_at"],
                    parse_updated_at(doc["updated_at"]).timestamp(),
                )
            )
            fts_rows.append((doc["id"], *(texts[f] for f in TEXT_FIELDS)))
            for group, values in filter_values(doc).items():
                facet_rows.extend((group, value, doc["id"]) for value in values)
            name_rows.extend((w, doc["id"]) for w in set(analysis.tokenize(doc["name"])))
            words.update(analysis.tokenize(" ".join(texts.values())))
        words = {w for w in words if len(w) >= 3 and not w.isdigit()} - analysis.STOPWORDS
        conn.executemany(
            f"INSERT INTO {gen}_docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", doc_rows
        )
        placeholders = ", ".join("?" for _ in range(len(TEXT_FIELDS) + 1))
        conn.executemany(
            f"INSERT INTO {gen}_fts(rowid, {', '.join(TEXT_FIELDS)}) VALUES ({placeholders})",
            fts_rows,
        )
        conn.executemany(f"INSERT OR IGNORE INTO {gen}_facets VALUES (?, ?, ?)", facet_rows)
        conn.executemany(f"INSERT OR IGNORE INTO {gen}_name_words VALUES (?, ?)", name_rows)
        conn.executemany(
            f"INSERT OR IGNORE INTO {gen}_words VALUES (?, ?)", [(w, len(w)) for w in words]
        )

    def _apply(self, docs: Sequence[SupplierDocument], delete_ids: Sequence[int]) -> None:
        """Upsert docs and delete ids in every write target, in one transaction."""
        with self._transaction(write=True) as conn:
            for gen in self._write_targets(conn):
                ids = [(i,) for i in delete_ids] + [(d["id"],) for d in docs]
                self._delete_rows(conn, gen, ids)
                self._insert_rows(conn, gen, docs)

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
            self._create_generation(conn, gen)
            self._set_meta(conn, "building", gen)
        try:
            batch: dict[int, SupplierDocument] = {}
            for raw in docs:
                doc = validate_document(raw)
                batch[doc["id"]] = doc
                if len(batch) >= BATCH_SIZE:
                    self._load_batch(gen, list(batch.values()))
                    batch = {}
            if batch:
                self._load_batch(gen, list(batch.values()))
            with self._transaction(write=True, bump=False) as conn:
                self._check_building(conn, gen)
                # Merge the FTS5 segments before the swap, outside the swap transaction.
                conn.execute(f"INSERT INTO {gen}_fts({gen}_fts) VALUES ('optimize')")
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

    def _load_batch(self, gen: str, docs: list[SupplierDocument]) -> None:
        with self._transaction(write=True, bump=False) as conn:
            self._check_building(conn, gen)
            present = set()
            ids = [d["id"] for d in docs]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join("?" for _ in chunk)
                present.update(
                    row[0]
                    for row in conn.execute(
                        f"SELECT id FROM {gen}_docs WHERE id IN ({marks})", chunk
                    )
                )
            self._insert_rows(conn, gen, [d for d in docs if d["id"] not in present])

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
        except SearchError as exc:
            return {"ok": False, "backend": self.name, "detail": str(exc)}
        detail = f"{self.path}: {size} documents in {live}" if live else f"{self.path}: empty"
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

    def _term_matches(self, conn: sqlite3.Connection, live: str, expression: str) -> int:
        return conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {live}_fts WHERE {live}_fts MATCH ? LIMIT 50)",
            (expression,),
        ).fetchone()[0]

    def _fuzzy_candidates(self, conn: sqlite3.Connection, live: str, word: str) -> list[str]:
        """Indexed words within max_edits(word) of word, nearest first.

        Words one edit away are looked up directly (every such string is generated); only when
        there are none and two edits are allowed is the vocabulary scanned, by length.
        """
        edits = analysis.max_edits(word)
        if edits == 0:
            return []
        options = sorted(_edits1(word))
        found: list[str] = []
        for start in range(0, len(options), 500):
            chunk = options[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            found.extend(
                row[0]
                for row in conn.execute(
                    f"SELECT word FROM {live}_words WHERE word IN ({marks})", chunk
                )
            )
        if found or edits == 1:
            return sorted(found)[:MAX_FUZZY_CANDIDATES]
        scored = []
        for (candidate,) in conn.execute(
            f"SELECT word FROM {live}_words WHERE len BETWEEN ? AND ?",
            (len(word) - edits, len(word) + edits),
        ):
            distance = analysis.edit_distance(word, candidate, edits)
            if distance <= edits:
                scored.append((distance, candidate))
        return [c for _d, c in sorted(scored)[:MAX_FUZZY_CANDIDATES]]

    def _build_match(self, conn: sqlite3.Connection, live: str, text: str) -> _Match:
        """Turn query text into an FTS5 expression: AND of terms, each an OR of its forms."""
        words = analysis.query_words(text)[:MAX_QUERY_WORDS]
        if not words:
            return _Match(None, {})
        by_stems, groups, longest = _synonym_index()
        stems = [porter_stem(analysis.normalise_spelling(w)) for w in words]
        terms: list[_Term] = []
        i = 0
        while i < len(words):
            for size in range(min(longest, len(words) - i), 0, -1):
                group = by_stems.get(tuple(stems[i : i + size]))
                if group is not None:
                    term = _Term(tuple(words[i : i + size]))
                    term.alternatives.append(_quote(" ".join(term.typed)))
                    for entry in groups[group]:
                        if len(entry) == 1:
                            term.alternatives.extend(
                                _quote(f) for f in analysis.spelling_forms(entry[0])
                            )
                        else:
                            term.alternatives.append(_quote(" ".join(entry)))
                    break
            else:
                size = 1
                term = _Term((words[i],))
                term.alternatives.extend(_quote(f) for f in analysis.spelling_forms(words[i]))
            terms.append(term)
            i += size
        corrections: dict[str, str] = {}
        for term in terms:
            if len(term.typed) != 1 or self._term_matches(conn, live, term.expression()):
                continue
            typed = term.typed[0]
            candidates = self._fuzzy_candidates(conn, live, typed)
            if not candidates:
                continue
            best: tuple[int, int, str] | None = None
            for candidate in candidates:
                forms = [_quote(f) for f in analysis.spelling_forms(candidate)]
                term.alternatives.extend(forms)
                hits = self._term_matches(conn, live, "(" + " OR ".join(forms) + ")")
                if hits:
                    rank = (analysis.edit_distance(typed, candidate, 2), -hits, candidate)
                    best = rank if best is None else min(best, rank)
            if best is not None:
                corrections[typed] = best[2]
        return _Match(" AND ".join(t.expression() for t in terms), corrections)

    @staticmethod
    def _filter_sql(
        live: str, filters: Mapping[str, Sequence[str]], column: str = "b.id"
    ) -> tuple[str, list[Any]]:
        """SQL conditions on column for filters: OR within a group, AND across groups."""
        clauses, params = [], []
        for group in FILTER_GROUPS:
            values = filters.get(group)
            if not values:
                continue
            marks = ", ".join("?" for _ in values)
            clauses.append(
                f"{column} IN (SELECT doc_id FROM {live}_facets"
                f" WHERE grp = ? AND value IN ({marks}))"
            )
            params.extend([group, *values])
        return (" AND ".join(clauses) or "1"), params

    @staticmethod
    def _matched_sql(live: str, expression: str | None) -> tuple[str, list]:
        """CTE ``m`` of the ids of the documents matching the text."""
        if expression is None:
            return "", []
        return (
            f"WITH m AS MATERIALIZED (SELECT rowid AS id FROM {live}_fts"
            f" WHERE {live}_fts MATCH ?) ",
            [expression],
        )

    def _load_bitmaps(self, conn: sqlite3.Connection, live: str) -> _Bitmaps | None:
        """This index version's bitsets (built once per version and shared by threads)."""
        key = (live, self._version(conn))
        cached = self._bitmaps
        if cached is not None and cached[0] == key:
            return cached[1]
        with self._bitmaps_lock:
            cached = self._bitmaps
            if cached is not None and cached[0] == key:
                return cached[1]
            top = conn.execute(f"SELECT max(id), min(id) FROM {live}_docs").fetchone()
            if top[0] is not None and (top[0] > MAX_BITMAP_ID or top[1] < 0):
                return None
            indexed = conn.execute(
                f"SELECT group_concat(id) FROM {live}_docs"
            ).fetchone()[0]
            values: dict[str, dict[str, int]] = {group: {} for group in FILTER_GROUPS}
            for group, value, ids in conn.execute(
                f"SELECT grp, value, group_concat(doc_id) FROM {live}_facets GROUP BY grp, value"
            ):
                values[group][value] = _bits(ids)
            bitmaps = _Bitmaps(_bits(indexed), values)
            self._bitmaps = (key, bitmaps)
            return bitmaps

    def _count_with_bitmaps(
        self,
        conn: sqlite3.Connection,
        live: str,
        expression: str | None,
        query: SearchQuery,
        bitmaps: _Bitmaps,
    ) -> tuple[int, dict[str, list]]:
        """Total and disjunctive facets by AND-ing bitsets: base & every other group's filter."""
        base = bitmaps.indexed
        if expression is not None:
            matched = conn.execute(
                f"SELECT group_concat(rowid) FROM {live}_fts WHERE {live}_fts MATCH ?",
                (expression,),
            ).fetchone()[0]
            base &= _bits(matched)
        selected: dict[str, int] = {}
        for group, wanted in query.filters.items():
            bits = 0
            for value in wanted:
                bits |= bitmaps.values[group].get(value, 0)
            selected[group] = bits

        def narrowed(skip: str | None) -> int:
            bits = base
            for group, group_bits in selected.items():
                if group != skip:
                    bits &= group_bits
            return bits

        everything = narrowed(None)
        facets = {}
        for group in FILTER_GROUPS:
            scope = narrowed(group) if group in selected else everything
            counts = {
                value: (scope & bits).bit_count() for value, bits in bitmaps.values[group].items()
            }
            facets[group] = sort_facet_values(counts)
        return everything.bit_count(), facets

    def _count(
        self, conn: sqlite3.Connection, live: str, expression: str | None, query: SearchQuery
    ) -> tuple[int, dict[str, list]]:
        """The total and every group's disjunctive facet counts (bitsets, or one SQL statement).

        Groups without a filter of their own share one pass (their counts apply all filters);
        each filtered group gets a pass applying every filter but its own.
        """
        bitmaps = self._load_bitmaps(conn, live) if self.facet_bitmaps else None
        if bitmaps is not None:
            return self._count_with_bitmaps(conn, live, expression, query, bitmaps)
        cte, params = self._matched_sql(live, expression)
        join_m = "JOIN m ON m.id = d.id " if expression is not None else ""
        cte += (
            ("WITH " if not cte else ", ")
            + f"b AS MATERIALIZED (SELECT d.id AS id FROM {live}_docs d {join_m}) "
        )
        where_all, params_all = self._filter_sql(live, query.filters)
        parts = [f"SELECT '', '', count(*) FROM b WHERE {where_all}"]
        params.extend(params_all)
        shared = [g for g in FILTER_GROUPS if g not in query.filters]
        if shared:
            marks = ", ".join("?" for _ in shared)
            parts.append(
                f"SELECT f.grp, f.value, count(*) FROM b JOIN {live}_facets f ON f.doc_id = b.id"
                f" WHERE f.grp IN ({marks}) AND {where_all} GROUP BY f.grp, f.value"
            )
            params.extend([*shared, *params_all])
        for group in FILTER_GROUPS:
            if group not in query.filters:
                continue
            where, where_params = self._filter_sql(live, query.filters_except(group))
            parts.append(
                f"SELECT f.grp, f.value, count(*) FROM b JOIN {live}_facets f"
                f" ON f.doc_id = b.id AND f.grp = ? WHERE {where} GROUP BY f.value"
            )
            params.extend([group, *where_params])
        total = 0
        counts: dict[str, dict[str, int]] = {group: {} for group in FILTER_GROUPS}
        for group, value, number in conn.execute(cte + " UNION ALL ".join(parts), params):
            if group == "":
                total = number
            else:
                counts[group][value] = number
        return total, {group: sort_facet_values(counts[group]) for group in FILTER_GROUPS}

    def _page(
        self, conn: sqlite3.Connection, live: str, expression: str | None, query: SearchQuery
    ) -> list[tuple]:
        """The rows of one page, in the query's order (ties by folded name, then id).

        The FTS5 table drives the query when there is text, so BM25 is computed only for
        matches that pass the filters.
        """
        ranked = expression is not None and query.sort == "relevance"
        if query.sort == "updated":
            order = "d.updated_ts DESC, d.name_key, d.id"
        elif ranked:
            order = "score_rank, d.name_key, d.id"
        else:
            order = "d.name_key, d.id"
        where, where_params = self._filter_sql(live, query.filters, column="d.id")
        rank = f"bm25({live}_fts, {self._bm25_weights})" if ranked else "NULL"
        if expression is not None:
            source = f"{live}_fts JOIN {live}_docs d ON d.id = {live}_fts.rowid"
            condition = f"{live}_fts MATCH ? AND "
            params: list[Any] = [expression]
        else:
            source, condition, params = f"{live}_docs d", "", []
        return conn.execute(
            "SELECT d.id, d.slug, d.name, d.summary, d.industries, d.region, d.countries,"
            f" d.verified, d.updated_at, {rank} AS score_rank FROM {source}"
            f" WHERE {condition}{where}"
            f" ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, *where_params, query.per_page, query.offset],
        ).fetchall()

    def search(self, query: SearchQuery) -> SearchResult:
        """Text, filters, disjunctive facets, sort, one page, highlights, did-you-mean."""
        facets: dict[str, list] = {group: [] for group in FILTER_GROUPS}
        with self._transaction(write=False) as conn:
            live = self._meta(conn, "live")
            if live is None:
                return SearchResult(0, query.page, query.per_page, [], facets, None)
            match = self._build_match(conn, live, query.text)
            total, facets = self._count(conn, live, match.expression, query)
            rows = self._page(conn, live, match.expression, query)
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
        if match.corrections:
            suggestion = " ".join(
                match.corrections.get(word, word) for word in analysis.tokenize(query.text)
            )
        return SearchResult(total, query.page, query.per_page, hits, facets, suggestion)

    def _snippets(
        self, conn: sqlite3.Connection, live: str, expression: str | None, ids: list[int]
    ) -> dict[int, str]:
        """Best highlighted fragment per document (first highlight field with a match)."""
        if expression is None or not ids:
            return {}
        columns = ", ".join(
            f"snippet({live}_fts, {TEXT_FIELDS.index(f)}, char(1), char(2), '…', {SNIPPET_TOKENS})"
            for f in HIGHLIGHT_FIELDS
        )
        marks = ", ".join("?" for _ in ids)
        out: dict[int, str] = {}
        for row in conn.execute(
            f"SELECT rowid, {columns} FROM {live}_fts WHERE {live}_fts MATCH ?"
            f" AND rowid IN ({marks})",
            [expression, *ids],
        ):
            for fragment in row[1:]:
                if fragment and _MARK_OPEN in fragment:
                    out[row[0]] = render_highlight(fragment)
                    break
        return out
