"""The embedded index file: connections, generations, and writing document rows.

Layout of the file
------------------
``meta``                 key/value: ``live`` = the generation searches read, ``building`` = the
                         generation a running reindex is loading (if any), ``version`` = a
                         counter every write bumps, ``changes_pruned`` = the newest version
                         whose ``changes`` rows were deleted.
``changes``              (version, doc id) of every document a write changed in the live
                         generation, so in-memory facet bitsets of any process catch up with a
                         write by re-reading those documents only (kept for CHANGES_KEPT
                         versions).
``<gen>_docs``           one row per document: what a Hit shows, the sort keys.
``<gen>_fts``            FTS5 table, one column per text field, rowid = document id; tokenizer
                         ``porter unicode61 remove_diacritics 2`` (Porter stem, accent folding).
``<gen>_facets``         (group, value, doc id) rows for filters and facet counts.
``<gen>_words``          the folded words of all documents, for typo candidates. A reindex
                         fills it once at the end from ``<gen>_vocab`` (a contentless FTS5
                         table of the documents' text, tokenised by SQLite, dropped again):
                         tokenising every document in Python cost more than the inserts.
``<gen>_name_words``     folded words of company names, for autocomplete.

A generation ``<gen>`` is ``suppliers_<UTC timestamp>``. Every search reads ``meta.live`` and the
tables inside one read transaction, and the file is in WAL mode, so a search sees either the old
or the new generation, never a half-built or missing one.
"""

# SQL here interpolates only generation table names, which are made by _new_generation_name()
# and checked against GEN_RE when read back from meta; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import os
import re
import sqlite3
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from search_index import analysis
from search_index.analysis import TOKENIZER
from search_index.document import (
    TEXT_FIELDS,
    SupplierDocument,
    field_text_values,
    filter_values_json,
    json_list,
    parse_updated_at,
)
from search_index.errors import SearchError, SearchUnavailable

BATCH_SIZE = 500
# How SQLite tokenises text for the typo-candidate vocabulary: the FTS5 tokenizer without the
# Porter stemmer, so the words are folded surface forms as analysis.tokenize gives them.
VOCABULARY_TOKENIZER = "unicode61 remove_diacritics 2"
# FTS5 segment merging: its defaults for live generations; a reindex's loading merges only at
# BULK_CRISIS_MERGE segments a level and ends with one 'optimize' (7% faster at 10,000).
FTS_AUTOMERGE = 4
FTS_CRISIS_MERGE = 16
BULK_CRISIS_MERGE = 64
# Versions of the changes log kept; a process whose facet bitsets are older rebuilds them.
CHANGES_KEPT = 2_000
# The columns of <gen>_docs, in order: a generation with others was built by an older version.
DOC_COLUMNS = (
    "id",
    "slug",
    "name",
    "name_key",
    "summary",
    "industries",
    "region",
    "countries",
    "verified",
    "updated_at",
    "updated_ts",
)
GEN_RE = re.compile(r"^suppliers_[0-9]{20}(?:_[0-9]+)?$")
# Control characters never belong in profile text; removing them also means a document can
# never contain the highlight sentinels of search_index.embedded.query.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Text as indexed: control characters replaced by spaces."""
    return _CONTROL_RE.sub(" ", text)


@dataclass
class Rows:
    """What a batch of documents writes into each table of a generation."""

    ids: list[int]
    docs: list[tuple]
    fts: list[tuple]
    facets: list[tuple[int, str]]  # (doc id, JSON object: group -> its values)
    names: list[tuple[int, str]]  # (doc id, JSON list of the name's folded words)
    words: set[str]
    vocab: list[tuple[int, str]]


class IndexStore:
    """One index file: per-thread connections, transactions, generations and row writes.

    EmbeddedBackend is built on it (search_index.embedded.backend).
    """

    def __init__(self, path: str | os.PathLike[str], timeout: float) -> None:
        """Use (and create when needed) the index file at path; timeout bounds lock waits."""
        self.path = Path(path)
        self.timeout = float(timeout)
        self._local = threading.local()
        # Every open connection with the thread that owns it, so connections of threads that
        # ended (a threaded server starts one per request) are closed instead of leaking.
        self._connections: list[tuple[weakref.ref[threading.Thread], sqlite3.Connection]] = []
        self._pid = os.getpid()
        self._lock = threading.Lock()

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
        if not GEN_RE.match(row[0]):
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
        return IndexStore._counter(conn, "version")

    @staticmethod
    def _counter(conn: sqlite3.Connection, key: str) -> int:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return int(row[0]) if row else 0

    def _changed_since(self, conn: sqlite3.Connection, version: int) -> list[int] | None:
        """Ids of the documents writes changed after ``version`` (up to the current one), or
        None when the log no longer reaches back that far."""
        try:
            if version < self._counter(conn, "changes_pruned"):
                return None
            rows = conn.execute(
                "SELECT DISTINCT doc_id FROM changes WHERE version > ?", (version,)
            ).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None  # a file written before the log existed
            raise
        return [row[0] for row in rows]

    def _log_changes(self, conn: sqlite3.Connection, ids: Sequence[int]) -> None:
        """Record the ids this write transaction changes under the version it commits as."""
        version = self._version(conn) + 1
        conn.executemany(
            "INSERT INTO changes(version, doc_id) VALUES (?, ?)", ((version, i) for i in ids)
        )
        if version % 100 == 0 and version > CHANGES_KEPT:
            pruned = version - CHANGES_KEPT
            conn.execute("DELETE FROM changes WHERE version <= ?", (pruned,))
            conn.execute(
                "INSERT INTO meta(key, value) VALUES ('changes_pruned', ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(pruned),),
            )

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
        existing = IndexStore._generations(conn)
        name, number = base, 1
        while name in existing:
            name, number = f"{base}_{number}", number + 1
        return name

    @staticmethod
    def _outdated(conn: sqlite3.Connection, gen: str) -> bool:
        """True when the generation's document table is not this code's (a reindex fixes it)."""
        found = tuple(row[1] for row in conn.execute(f"PRAGMA table_info({gen}_docs)"))
        return found != DOC_COLUMNS

    def _create_generation(
        self, conn: sqlite3.Connection, gen: str, *, vocabulary: bool = False
    ) -> None:
        """The tables of a generation; `vocabulary` adds ``<gen>_vocab`` for a reindex."""
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
        if vocabulary:
            conn.execute(
                f"CREATE VIRTUAL TABLE {gen}_vocab USING fts5(text, content='', detail='none',"
                f" tokenize='{VOCABULARY_TOKENIZER}')"
            )
            # Bulk loading (a reindex, which ends with 'optimize'): FTS5 merges no segments
            # while rows arrive, and only when a level holds BULK_CRISIS_MERGE of them.
            IndexStore._fts_merging(conn, gen, automerge=0, crisismerge=BULK_CRISIS_MERGE)

    @staticmethod
    def _fts_merging(conn: sqlite3.Connection, gen: str, automerge: int, crisismerge: int) -> None:
        for option, value in (("automerge", automerge), ("crisismerge", crisismerge)):
            conn.execute(
                f"INSERT INTO {gen}_fts({gen}_fts, rank) VALUES (?, ?)", (option, int(value))
            )

    @staticmethod
    def _finish_bulk_load(conn: sqlite3.Connection, gen: str) -> None:
        """End a reindex's loading: the typo vocabulary, one merged FTS5 segment, and the
        merge settings every later write uses."""
        IndexStore._finish_vocabulary(conn, gen)
        conn.execute(f"INSERT INTO {gen}_fts({gen}_fts) VALUES ('optimize')")
        IndexStore._fts_merging(conn, gen, automerge=FTS_AUTOMERGE, crisismerge=FTS_CRISIS_MERGE)

    @staticmethod
    def _finish_vocabulary(conn: sqlite3.Connection, gen: str) -> None:
        """Fill ``<gen>_words`` from the reindex's ``<gen>_vocab`` (the rule of _rows: folded
        words of 3+ characters, not all digits, not stop words) and drop the vocabulary."""
        conn.execute(f"CREATE VIRTUAL TABLE {gen}_vocab_terms USING fts5vocab({gen}_vocab, 'row')")
        conn.execute(
            f"INSERT OR IGNORE INTO {gen}_words SELECT term, length(term) FROM {gen}_vocab_terms"
            " WHERE length(term) >= 3 AND term GLOB '*[^0-9]*'"
        )
        stop = sorted(analysis.STOPWORDS)
        conn.execute(
            f"DELETE FROM {gen}_words WHERE word IN ({', '.join('?' for _ in stop)})", stop
        )
        conn.execute(f"DROP TABLE {gen}_vocab_terms")
        conn.execute(f"DROP TABLE {gen}_vocab")

    @staticmethod
    def _drop_generation(conn: sqlite3.Connection, gen: str) -> None:
        if not GEN_RE.match(gen):
            raise SearchError(f"refusing to drop {gen!r}: not a generation name")
        conn.execute(f"DROP TABLE IF EXISTS {gen}_vocab_terms")
        conn.execute(f"DROP TABLE IF EXISTS {gen}_vocab")
        conn.execute(f"DROP TABLE IF EXISTS {gen}_fts")
        for suffix in ("docs", "facets", "words", "name_words"):
            conn.execute(f"DROP TABLE IF EXISTS {gen}_{suffix}")

    def _ensure_live(self, conn: sqlite3.Connection) -> str:
        conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS changes (version INTEGER NOT NULL, doc_id INTEGER NOT NULL)"
        )
        conn.execute("CREATE INDEX IF NOT EXISTS changes_version ON changes(version)")
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
        IndexStore._write_rows(conn, gen, IndexStore._rows(docs))

    @staticmethod
    def _rows(docs: Sequence[SupplierDocument], *, words: bool = True) -> Rows:
        """The rows of every table for docs (pure Python: no connection needed). Without
        `words` (a reindex), each document's text goes to ``<gen>_vocab`` instead of being
        tokenised here for ``<gen>_words`` (see _finish_vocabulary).

        Facet values and name words go to SQLite as one JSON text per document, which
        _write_rows expands with json_each: building a tuple per value in Python was a third
        of the per-document work of a reindex.
        """
        rows = Rows([], [], [], [], [], set(), [])
        for doc in docs:
            doc_id = doc["id"]
            name = doc["name"]
            texts = field_text_values(doc)
            joined = " ".join(texts)
            if _CONTROL_RE.search(joined):  # rare: clean only then
                texts = tuple(map(clean_text, texts))
                joined = " ".join(texts)
            rows.ids.append(doc_id)
            rows.docs.append(
                (
                    doc_id,
                    doc["slug"],
                    texts[0],
                    analysis.sort_key(name),
                    texts[3],
                    json_list(doc["industries"]),
                    doc["region"],
                    json_list(doc["countries"]),
                    int(doc["verified"]),
                    doc["updated_at"],
                    parse_updated_at(doc["updated_at"]).timestamp(),
                )
            )
            rows.fts.append((doc_id, *texts))
            rows.facets.append((doc_id, filter_values_json(doc)))
            rows.names.append((doc_id, json_list(analysis.tokenize(name))))
            if words:
                rows.words.update(analysis.tokenize(joined))
            else:
                rows.vocab.append((doc_id, joined))
        rows.words = {w for w in rows.words if len(w) >= 3 and not w.isdigit()} - analysis.STOPWORDS
        return rows

    @staticmethod
    def _write_rows(conn: sqlite3.Connection, gen: str, rows: Rows) -> None:
        conn.executemany(
            f"INSERT INTO {gen}_docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows.docs
        )
        placeholders = ", ".join("?" for _ in range(len(TEXT_FIELDS) + 1))
        conn.executemany(
            f"INSERT INTO {gen}_fts(rowid, {', '.join(TEXT_FIELDS)}) VALUES ({placeholders})",
            rows.fts,
        )
        conn.executemany(
            f"INSERT OR IGNORE INTO {gen}_facets (grp, value, doc_id)"
            " SELECT g.key, v.value, ?1 FROM json_each(?2) AS g, json_each(g.value) AS v",
            rows.facets,
        )
        conn.executemany(
            f"INSERT OR IGNORE INTO {gen}_name_words (word, doc_id)"
            " SELECT value, ?1 FROM json_each(?2)",
            rows.names,
        )
        if rows.words:
            conn.executemany(
                f"INSERT OR IGNORE INTO {gen}_words VALUES (?, ?)",
                [(w, len(w)) for w in rows.words],
            )
        if rows.vocab:
            conn.executemany(f"INSERT INTO {gen}_vocab(rowid, text) VALUES (?, ?)", rows.vocab)

    def _apply(self, docs: Sequence[SupplierDocument], delete_ids: Sequence[int]) -> None:
        """Upsert docs and delete ids in every write target, in one transaction."""
        with self._transaction(write=True) as conn:
            ids = [(i,) for i in delete_ids] + [(d["id"],) for d in docs]
            for gen in self._write_targets(conn):
                self._delete_rows(conn, gen, ids)
                self._insert_rows(conn, gen, docs)
            self._log_changes(conn, [i for (i,) in ids])
