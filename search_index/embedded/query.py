"""Query planning for the embedded backend: the FTS5 expression of a query text (spelling
forms, synonyms, stems, typo candidates), one page of rows, and highlighted snippets."""

# SQL here interpolates only generation table names, which are made by _new_generation_name()
# and checked against GEN_RE when read back from meta; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import html
import itertools
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


SynonymIndex = tuple[dict[tuple[str, ...], list[int]], list[list[tuple[str, ...]]], int]


def build_synonym_index(groups: list[tuple[tuple[str, ...], ...]]) -> SynonymIndex:
    """Entry keys (analysis.entry_key) -> the groups holding them, the groups' word
    sequences, and the longest key."""
    by_key: dict[tuple[str, ...], list[int]] = {}
    word_groups: list[list[tuple[str, ...]]] = []
    longest = 1
    for number, group in enumerate(groups):
        word_groups.append(list(group))
        for entry in group:
            key = analysis.entry_key(entry)
            if not key:
                continue
            numbers = by_key.setdefault(key, [])
            if number not in numbers:
                numbers.append(number)
            longest = max(longest, len(key))
    return by_key, word_groups, longest


@lru_cache(maxsize=1)
def synonym_index() -> SynonymIndex:
    """The index of the reviewed vocabulary (analysis.SYNONYM_GROUPS)."""
    return build_synonym_index(analysis.synonym_phrases())


@lru_cache(maxsize=64)
def query_synonym_index(extra: tuple[tuple[str, ...], ...]) -> SynonymIndex:
    """The vocabulary plus a query's staff synonym groups."""
    if not extra:
        return synonym_index()
    return build_synonym_index(analysis.synonym_phrases() + analysis.synonym_phrases(extra))


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
    """One position of the query: the words typed and the FTS5 alternatives that satisfy it.

    weight is how many words it counts for in "most words" and ranking: its typed words, or
    one for a phrase the query gave alternatives for (SearchQuery.alternatives)."""

    typed: tuple[str, ...]
    alternatives: list[str] = field(default_factory=list)
    weight: int = 0

    def __post_init__(self) -> None:
        self.weight = self.weight or len(self.typed)

    def expression(self) -> str:
        return "(" + " OR ".join(analysis.unique(self.alternatives)) + ")"


def all_of(terms: list[Term]) -> str:
    """An FTS5 expression matching documents that satisfy every term."""
    if len(terms) == 1:
        return terms[0].expression()
    return "(" + " AND ".join(term.expression() for term in terms) + ")"


@dataclass
class Match:
    """The FTS5 expressions for a query text, plus the corrections made for typos.

    expression selects the companies (every term, or enough for most of the query's words:
    analysis.unit_combinations); terms are the per-term expressions and weights their word
    counts (ranking counts the words a company matches when optional); phrase is
    the whole query as a phrase in a name, summary or case study; exact_name and slug find an
    exact full-name match and a pasted profile address.
    """

    expression: str | None
    corrections: dict[str, str]
    terms: list[str] = field(default_factory=list)
    weights: list[int] = field(default_factory=list)
    optional: bool = False
    phrase: str | None = None
    exact_name: str | None = None
    slug: str | None = None


def combine_terms(terms: list[str], weights: list[int]) -> tuple[str, bool]:
    """An FTS5 expression matching companies that have most of the query's words
    (analysis.unit_combinations), and whether it leaves any term optional."""
    combinations = analysis.unit_combinations(weights)
    if combinations is None:
        return " AND ".join(terms), False
    options = ["(" + " AND ".join(terms[i] for i in chosen) + ")" for chosen in combinations]
    return " OR ".join(options), True


def phrase_expression(words: list[str]) -> str | None:
    """The whole query as a phrase in the phrase fields, in each of its spelling forms (at most
    eight combinations), or None for a one-word query."""
    if len(words) < 2:
        return None
    forms = [analysis.spelling_forms(w) for w in words]
    phrases = [" ".join(option) for option in itertools.islice(itertools.product(*forms), 8)]
    columns = " ".join(analysis.PHRASE_FIELDS)
    return " OR ".join(f"{{{columns}}} : {fts_quote(p)}" for p in phrases)


class QueryPlanner:
    """FTS5 expressions, pages and snippets (mixed into EmbeddedBackend, which provides the
    BM25 weights and the facet counter's filter SQL)."""

    def _term_matches(
        self, conn: sqlite3.Connection, live: str, expression: str, cap: int = 50
    ) -> int:
        """Documents matching an expression, counted up to cap."""
        return conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {live}_fts WHERE {live}_fts MATCH ? LIMIT ?)",
            (expression, cap),
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

    def _phonetic_candidates(self, conn: sqlite3.Connection, live: str, word: str) -> list[str]:
        """Indexed words that sound like word (analysis.phonetic_keys), best first."""
        if len(word) < analysis.PHONETIC_MIN_LENGTH:
            return []
        found = self._phonetic_words(conn, live).get(analysis.phonetic_key(word), [])
        return analysis.rank_phonetic(word, found)

    def _phonetic_words(self, conn: sqlite3.Connection, live: str) -> dict[str, list[str]]:
        """Metaphone key -> indexed words, built once per index version (only needed when a
        query word matches nothing and has no neighbour within its edit limit)."""
        version = (live, self._version(conn))  # type: ignore[attr-defined]
        cached = getattr(self, "_phonetic_cache", None)
        if cached is not None and cached[0] == version:
            return cached[1]
        by_key: dict[str, list[str]] = {}
        for (word,) in conn.execute(f"SELECT word FROM {live}_words"):
            by_key.setdefault(analysis.phonetic_key(word), []).append(word)
        self._phonetic_cache = (version, by_key)
        return by_key

    def _terms(
        self,
        words: list[str],
        extra: tuple[tuple[str, ...], ...],
        alternatives: tuple[tuple[str, tuple[str, ...]], ...] = (),
    ) -> list[Term]:
        """Query words grouped into terms: a phrase given alternatives, a synonym entry
        (longest first) or a single word, each with the FTS5 alternatives that satisfy it.

        A phrase given alternatives matches as its words typed (all of them) or as any
        alternative searched as a query of its own (all its terms); it weighs one word.
        """
        by_key, groups, longest = query_synonym_index(extra)
        stems = [porter_stem(analysis.normalise_spelling(w)) for w in words]
        other_ways = analysis.alternative_keys(alternatives)
        longest_other = max((len(key) for key in other_ways), default=0)
        terms: list[Term] = []
        i = 0
        while i < len(words):
            term = self._alternative_term(words, stems, i, longest_other, other_ways, extra)
            if term is not None:
                terms.append(term)
                i += len(term.typed)
                continue
            for size in range(min(longest, len(words) - i), 0, -1):
                numbers = by_key.get(tuple(stems[i : i + size]))
                if numbers:
                    term = Term(tuple(words[i : i + size]))
                    term.alternatives.append(fts_quote(" ".join(term.typed)))
                    for number in numbers:
                        for entry in groups[number]:
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
        return terms

    def _alternative_term(
        self,
        words: list[str],
        stems: list[str],
        i: int,
        longest: int,
        other_ways: dict[tuple[str, ...], list[str]],
        extra: tuple[tuple[str, ...], ...],
    ) -> Term | None:
        """The term of the longest phrase given alternatives that starts at word i, or None."""
        for size in range(min(longest, len(words) - i), 0, -1):
            options = other_ways.get(tuple(stems[i : i + size]))
            if not options:
                continue
            typed = words[i : i + size]
            term = Term(tuple(typed), weight=1)
            term.alternatives.append(all_of(self._terms(typed, extra)))
            for option in options:
                option_words = analysis.query_words(option)[:MAX_QUERY_WORDS]
                if option_words:
                    term.alternatives.append(all_of(self._terms(option_words, extra)))
            return term
        return None

    def _correct(self, conn: sqlite3.Connection, live: str, term: Term) -> str | None:
        """Widen a one-word term that matches nothing as typed with its neighbours (within the
        edit limit, else sounding alike) that match something; the best one, or None."""
        typed = term.typed[0]
        candidates = self._fuzzy_candidates(conn, live, typed)
        phonetic = not candidates
        if phonetic:
            candidates = self._phonetic_candidates(conn, live, typed)
        best: tuple[int, int, int, str] | None = None
        for candidate in candidates:
            forms = [fts_quote(f) for f in analysis.spelling_forms(candidate)]
            hits = self._term_matches(conn, live, "(" + " OR ".join(forms) + ")")
            if not hits:
                continue
            term.alternatives.extend(forms)
            distance = analysis.edit_distance(typed, candidate, 8 if phonetic else 2)
            rank = (0, distance, -hits, candidate)
            best = rank if best is None else min(best, rank)
        return None if best is None else best[3]

    def _build_match(
        self,
        conn: sqlite3.Connection,
        live: str,
        text: str,
        extra: tuple[tuple[str, ...], ...] = (),
        alternatives: tuple[tuple[str, tuple[str, ...]], ...] = (),
    ) -> Match:
        """Turn query text into FTS5 expressions: terms (each an OR of its forms) combined so
        that every term, or most of them, must match; plus the ranking expressions."""
        slug = analysis.profile_slug(text)
        if slug is not None:
            text = slug.replace("-", " ")
        words = analysis.query_words(text)[:MAX_QUERY_WORDS]
        if not words:
            return Match(None, {})
        terms = self._terms(words, extra, alternatives)
        corrections: dict[str, str] = {}
        for term in terms:
            if len(term.typed) != 1 or self._term_matches(conn, live, term.expression()):
                continue
            corrected = self._correct(conn, live, term)
            if corrected is not None:
                corrections[term.typed[0]] = corrected
        expressions = [t.expression() for t in terms]
        weights = [t.weight for t in terms]
        expression, optional = combine_terms(expressions, weights)
        if len(expressions) > 1:
            found = self._term_matches(conn, live, expression, analysis.FEW_MATCHES)
            if 0 < found < analysis.FEW_MATCHES:
                expression, optional = " OR ".join(expressions), True
        return Match(
            expression,
            corrections,
            terms=expressions,
            weights=weights,
            optional=optional,
            phrase=phrase_expression(analysis.tokenize(text)[:MAX_QUERY_WORDS]),
            exact_name=analysis.name_key(text),
            slug=slug,
        )

    def _exact_name_ids(self, conn: sqlite3.Connection, live: str, match: Match) -> list[int]:
        """Documents whose whole name is the query (legal-form words ignored)."""
        if not match.exact_name:
            return []
        words = match.exact_name.split()
        expression = "name : (" + " AND ".join(fts_quote(w) for w in words) + ")"
        rows = conn.execute(
            f"SELECT d.id, d.name FROM {live}_fts JOIN {live}_docs d ON d.id = {live}_fts.rowid"
            f" WHERE {live}_fts MATCH ? LIMIT 200",
            (expression,),
        )
        return [doc_id for doc_id, name in rows if analysis.name_key(name) == match.exact_name]

    def _page(
        self, conn: sqlite3.Connection, live: str, match: Match, query: SearchQuery
    ) -> list[tuple]:
        """The rows of one page, in the query's order (ties by folded name, then id).

        Relevance orders by the ranking tiers (analysis.TIER_*: units matched, pasted profile
        address, exact name, whole-query phrase), then BM25. The FTS5 table drives the query
        when there is text, so BM25 is computed only for matches that pass the filters.
        """
        expression = match.expression
        ranked = expression is not None and query.sort == "relevance"
        tiers: list[str] = []
        tier_params: list[Any] = []
        if ranked:
            fts = f"SELECT rowid FROM {live}_fts WHERE {live}_fts MATCH ?"
            if match.slug:
                tiers.append("(d.slug = ?) DESC")
                tier_params.append(match.slug)
            if match.optional:
                counted = " + ".join(f"{w} * (d.id IN ({fts}))" for w in match.weights)
                tiers.append(f"({counted}) DESC")
                tier_params.extend(match.terms)
            exact = self._exact_name_ids(conn, live, match)
            if exact:
                tiers.append(f"(d.id IN ({', '.join('?' for _ in exact)})) DESC")
                tier_params.extend(exact)
            if match.phrase:
                tiers.append(f"(d.id IN ({fts})) DESC")
                tier_params.append(match.phrase)
        if query.sort == "updated":
            order = "d.updated_ts DESC, d.name_key, d.id"
        elif ranked:
            order = ", ".join([*tiers, "score_rank, d.name_key, d.id"])
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
            [*params, *where_params, *tier_params, query.per_page, query.offset],
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
