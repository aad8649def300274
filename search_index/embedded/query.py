"""Query planning for the embedded backend: the FTS5 expression of a query text (spelling
forms, synonyms, stems, typo candidates), one page of rows, and highlighted snippets."""

# SQL here interpolates only generation table names, which are made by _new_generation_name()
# and checked against GEN_RE when read back from meta; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import html
import sqlite3
import string
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from search_index import analysis
from search_index.analysis import MAX_FUZZY_CANDIDATES, MAX_QUERY_WORDS, porter_stem
from search_index.base import (
    SearchQuery,
)
from search_index.document import (
    TEXT_FIELDS,
)

SNIPPET_TOKENS = 24
# Highlight columns in order of preference (the name is shown anyway, so it is not a snippet).
HIGHLIGHT_FIELDS = ("summary", "description", "case_studies", "products_services", "keywords")
# FTS5 wraps matches in these; they cannot occur in indexed text (see store.clean_text).
MARK_OPEN = "\x01"
MARK_CLOSE = "\x02"
_FUZZY_ALPHABET = string.ascii_lowercase + string.digits


@lru_cache(maxsize=1)
def synonym_index() -> tuple[dict[tuple[str, ...], int], list[list[tuple[str, ...]]], int]:
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


def fts_quote(term: str) -> str:
    """An FTS5 string (a word or a phrase), quotes doubled."""
    return '"' + term.replace('"', '""') + '"'


def edits1(word: str) -> set[str]:
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
    return escaped.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")


@dataclass
class Term:
    """One position of the query: the words typed and the FTS5 alternatives that satisfy it."""

    typed: tuple[str, ...]
    alternatives: list[str] = field(default_factory=list)

    def expression(self) -> str:
        return "(" + " OR ".join(analysis.unique(self.alternatives)) + ")"


@dataclass
class Match:
    """The FTS5 expression for a query text, plus the corrections made for typos."""

    expression: str | None
    corrections: dict[str, str]


class QueryPlanner:
    """FTS5 expressions, pages and snippets (mixed into EmbeddedBackend, which provides the
    BM25 weights and the facet counter's filter SQL)."""

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
        options = sorted(edits1(word))
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

    def _build_match(self, conn: sqlite3.Connection, live: str, text: str) -> Match:
        """Turn query text into an FTS5 expression: AND of terms, each an OR of its forms."""
        words = analysis.query_words(text)[:MAX_QUERY_WORDS]
        if not words:
            return Match(None, {})
        by_stems, groups, longest = synonym_index()
        stems = [porter_stem(analysis.normalise_spelling(w)) for w in words]
        terms: list[Term] = []
        i = 0
        while i < len(words):
            for size in range(min(longest, len(words) - i), 0, -1):
                group = by_stems.get(tuple(stems[i : i + size]))
                if group is not None:
                    term = Term(tuple(words[i : i + size]))
                    term.alternatives.append(fts_quote(" ".join(term.typed)))
                    for entry in groups[group]:
                        if len(entry) == 1:
                            term.alternatives.extend(
                                fts_quote(f) for f in analysis.spelling_forms(entry[0])
                            )
                        else:
                            term.alternatives.append(fts_quote(" ".join(entry)))
                    break
            else:
                size = 1
                term = Term((words[i],))
                term.alternatives.extend(fts_quote(f) for f in analysis.spelling_forms(words[i]))
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
                forms = [fts_quote(f) for f in analysis.spelling_forms(candidate)]
                term.alternatives.extend(forms)
                hits = self._term_matches(conn, live, "(" + " OR ".join(forms) + ")")
                if hits:
                    rank = (analysis.edit_distance(typed, candidate, 2), -hits, candidate)
                    best = rank if best is None else min(best, rank)
            if best is not None:
                corrections[typed] = best[2]
        return Match(" AND ".join(t.expression() for t in terms), corrections)

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
                if fragment and MARK_OPEN in fragment:
                    out[row[0]] = render_highlight(fragment)
                    break
        return out
