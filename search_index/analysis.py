"""Text analysis shared by every backend: folding, spelling, stop words, synonyms, typo limits.

The embedded backend applies these in Python (query expansion over FTS5's porter tokenizer); the
Elasticsearch backend turns the same data into analyzer settings (see elasticsearch_analysis()).
Keeping one source of truth is what lets both backends pass the same contract suite.

Stemming is Porter's algorithm in both engines: FTS5's ``porter`` tokenizer and Lucene's
``porter_stem`` filter implement the same original Porter stemmer.
"""

from __future__ import annotations

import html
import itertools
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import jellyfish

# ---------------------------------------------------------------------------------------------
# Field weights (BM25 column weights in FTS5, ^boosts in Elasticsearch). Name weighs most.
FIELD_WEIGHTS: dict[str, float] = {
    "name": 10.0,
    "keywords": 5.0,
    "products_services": 5.0,
    "summary": 3.0,
    "case_studies": 2.0,
    "description": 1.0,
}

# ---------------------------------------------------------------------------------------------
# Stop words: Lucene's English list (Elasticsearch "_english_") plus company-suffix words.
ENGLISH_STOPWORDS: tuple[str, ...] = (
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is",
    "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there",
    "these", "they", "this", "to", "was", "will", "with",
)  # fmt: skip
# Legal-form words (and "&" in "& Co", which is punctuation): ignored for matching, so a
# company searched as "X Company Limited", "X & Co", "X Co.", "X CIC" or "X Inc" is found
# under whichever form it registered. An exact full-name match still ranks first.
COMPANY_STOPWORDS: tuple[str, ...] = (
    "ltd", "limited", "plc", "llp", "lp", "co", "company", "cic", "inc", "incorporated",
    "corp", "corporation",
)  # fmt: skip
STOPWORDS: frozenset[str] = frozenset(ENGLISH_STOPWORDS + COMPANY_STOPWORDS)

# ---------------------------------------------------------------------------------------------
# Typo tolerance: a query word of 5+ letters matches words one edit away (insert, delete,
# substitute, or swap two adjacent letters); 8+ letters, two edits. Shorter words must be exact.
FUZZY_ONE_EDIT_MIN_LENGTH = 5
FUZZY_TWO_EDITS_MIN_LENGTH = 8

# ---------------------------------------------------------------------------------------------
# Reviewed data files (search_index/data/): buyer vocabulary and UK/US spellings.
DATA_DIR = Path(__file__).resolve().parent / "data"
VOCABULARY_FILE = DATA_DIR / "vocabulary.txt"
SPELLING_FILE = DATA_DIR / "spelling_uk_us.txt"


def _data_lines(path: Path) -> list[str]:
    """The non-blank, non-comment lines of a data file."""
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def parse_synonym_group(line: str) -> tuple[str, ...]:
    """One group from "a, b c, d": entries folded, spaces collapsed, repeats dropped."""
    entries = [" ".join(tokenize(entry)) for entry in line.split(",")]
    return tuple(unique(entry for entry in entries if entry))


def _load_synonym_groups() -> tuple[tuple[str, ...], ...]:
    groups = []
    for line in _data_lines(VOCABULARY_FILE):
        group = parse_synonym_group(line)
        if len(group) >= 2:
            groups.append(group)
    return tuple(groups)


def _load_spelling_variants() -> dict[str, str]:
    """British form -> American form, from the reviewed spelling file."""
    pairs: dict[str, str] = {}
    for line in _data_lines(SPELLING_FILE):
        uk, us = line.split()
        pairs[uk] = us
    # A word that is itself the American form of something never maps away from it.
    return {uk: us for uk, us in sorted(pairs.items()) if uk != us and uk not in pairs.values()}


_WORD_RE = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower-case and strip accents ("Café" -> "cafe"), like unicode61 remove_diacritics 2.

    lower(), not casefold(): the engines' lowercase filters keep "ß" as it is.
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def tokenize(text: str) -> list[str]:
    """Folded words of a text; punctuation separates words, as in both engines' tokenizers."""
    return _WORD_RE.findall(fold(text))


def is_stopword(word: str) -> bool:
    """True for English stop words and company suffixes (ltd, limited, plc, llp, lp)."""
    return word in STOPWORDS


def query_words(text: str) -> list[str]:
    """The words of a query that take part in matching: folded, stop words removed."""
    return [word for word in tokenize(text) if word not in STOPWORDS]


def normalise_spelling(word: str) -> str:
    """The one (American) form of a folded word: "colourful" -> "colorful"."""
    return SPELLING_VARIANTS.get(word, word)


def spelling_forms(word: str) -> tuple[str, ...]:
    """Every spelling of a folded word, the normal form first ("color" -> color, colour)."""
    normal = normalise_spelling(word)
    return _SPELLING_FORMS.get(normal, (normal,))


def synonym_phrases(
    groups: Iterable[Iterable[str]] | None = None,
) -> list[tuple[tuple[str, ...], ...]]:
    """Synonym groups (SYNONYM_GROUPS by default) as tuples of folded word sequences
    (multi-word entries are phrases; stop words stay, as the indexed text has them)."""
    chosen = SYNONYM_GROUPS if groups is None else groups
    return [tuple(tuple(tokenize(entry)) for entry in group) for group in chosen]


def entry_key(words: Iterable[str]) -> tuple[str, ...]:
    """What recognises a synonym entry in a query: the stems of its words that are not stop
    words, spelling normalised ("Plumbing and Heating" -> ("plumb", "heat"))."""
    return tuple(porter_stem(normalise_spelling(w)) for w in words if w not in STOPWORDS)


def alternative_keys(
    alternatives: Iterable[tuple[str, Iterable[str]]],
) -> dict[tuple[str, ...], list[str]]:
    """A query's alternatives (SearchQuery.alternatives) by the key that finds their phrase
    among the query words (entry_key: stems of the words that are not stop words), each key
    with every alternative given for it. Both backends group the query's words with it."""
    found: dict[tuple[str, ...], list[str]] = {}
    for phrase, options in alternatives:
        key = entry_key(tokenize(phrase))
        if key:
            kept = found.setdefault(key, [])
            kept.extend(option for option in options if option not in kept)
    return found


def synonym_rules() -> list[str]:
    """Solr-format equivalence rules ("logistics, freight, shipping") for Elasticsearch.

    Stop words are left out of the entries ("block of flats" -> "block flats"): the rules are
    analysed by the search analyzer's chain, whose stop filter would leave a hole in them,
    which synonym_graph refuses; the stop filter skips them in the query just the same.
    """
    rules = []
    for group in SYNONYM_GROUPS:
        entries = unique(" ".join(w for w in e.split() if w not in STOPWORDS) for e in group)
        entries = [entry for entry in entries if entry]
        if len(entries) >= 2:
            rules.append(", ".join(entries))
    return rules


# ---------------------------------------------------------------------------------------------
# Query text as typed: markup, entities and dotted abbreviations are cleaned before analysis.
_TAG_RE = re.compile(r"<[^>]{0,200}>")
_DOTTED_RE = re.compile(r"\b(?:[^\W\d_]\.){2,}", re.UNICODE)
_PROFILE_RE = re.compile(r"(?:^|[/\s])suppliers/([a-z0-9]+(?:-[a-z0-9]+)*)/?(?:[?#]\S*)?$")


def clean_query(text: str) -> str:
    """Query text as searched: HTML tags dropped, entities decoded ("<b>gin</b> &amp; tonic"
    -> "gin & tonic"), dotted abbreviations closed up ("P.L.C." -> "PLC"), spaces collapsed."""
    if "<" in text or "&" in text:
        # Tags, then entities, then tags the entities spelt ("&lt;b&gt;gin" -> "gin").
        text = _TAG_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", text)))
    if "." in text:
        text = _DOTTED_RE.sub(lambda m: m.group(0).replace(".", ""), text)
    return " ".join(text.split())


def profile_slug(text: str) -> str | None:
    """The company slug of a pasted profile address ("https://host/suppliers/acme-ltd")."""
    match = _PROFILE_RE.search(text.strip().lower())
    return match.group(1) if match else None


def name_key(text: str) -> str:
    """A name as exact-name matching compares it: folded words, stop words and legal forms
    dropped ("The Acme Company Ltd" -> "acme")."""
    return " ".join(query_words(clean_query(text)))


# ---------------------------------------------------------------------------------------------
# Ranking tiers shared by both backends (Elasticsearch adds them as constant scores; the
# embedded backend orders by them): each query unit matched, then an exact full-name match,
# then the whole query as a phrase in a name, summary or case study, then BM25.
TIER_UNIT = 10_000.0
TIER_SLUG = 50_000.0
TIER_EXACT_NAME = 5_000.0
TIER_PHRASE = 2_000.0
# A query whose words find fewer companies than this (but some) is widened to companies
# matching any of its words, ranked below those matching more ("remove words if few results").
FEW_MATCHES = 5
# Combinations of "most words" the query may ask for before it requires every word.
MAX_WORD_COMBINATIONS = 20
PHRASE_FIELDS = ("name", "summary", "case_studies")


def required_words(total: int) -> int:
    """How many of a query's words a company must match: all of one or two words, else most
    of them (more than half). A multi-word unit (a synonym entry) counts its words, a phrase
    given alternatives (SearchQuery.alternatives) one. When that
    finds fewer than FEW_MATCHES companies (but some), any word will do (backends widen it)."""
    return total if total <= 2 else total // 2 + 1


def unit_combinations(weights: Sequence[int]) -> list[tuple[int, ...]] | None:
    """The smallest sets of units (by position) whose words reach required_words(); None when
    every unit is required (there is no choice, or too many combinations to spell out)."""
    total = sum(weights)
    need = required_words(total)
    if need >= total:
        return None
    found: list[tuple[int, ...]] = []
    for size in range(1, len(weights) + 1):
        for chosen in itertools.combinations(range(len(weights)), size):
            reached = sum(weights[i] for i in chosen)
            if reached >= need and all(reached - weights[i] < need for i in chosen):
                found.append(chosen)
                if len(found) > MAX_WORD_COMBINATIONS:
                    return None
    return found


def spelling_rules() -> list[str]:
    """Solr-format one-way rules ("colourful => colorful") for an Elasticsearch synonym filter."""
    return [f"{uk} => {us}" for uk, us in SPELLING_VARIANTS.items()]


def max_edits(word: str) -> int:
    """How many edits typo tolerance allows for a query word of this length."""
    if len(word) >= FUZZY_TWO_EDITS_MIN_LENGTH:
        return 2
    if len(word) >= FUZZY_ONE_EDIT_MIN_LENGTH:
        return 1
    return 0


def elasticsearch_fuzziness() -> str:
    """The Elasticsearch fuzziness value equivalent to max_edits()."""
    return f"AUTO:{FUZZY_ONE_EDIT_MIN_LENGTH},{FUZZY_TWO_EDITS_MIN_LENGTH}"


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (adjacent swap = 1 edit); returns limit + 1 once over."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        row_min = i
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            row_min = min(row_min, value)
        if row_min > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


# ---------------------------------------------------------------------------------------------
# Sounds-alike candidates for a word nothing is within the edit limit of (a buyer who writes
# by ear: "fotografy" -> "photography", "joolery" -> "jewellery"): indexed words with the same
# sound key. The key is the word's metaphone (jellyfish) with the vowel-like W, H and Y taken
# out and repeated sounds said once, so "JWLR" (jewellery) and "JLR" (joolery) agree, and
# "SSSRS" (scissors) and "SSRS" (sizzors) too. Words of PHONETIC_MIN_LENGTH+ letters only.
PHONETIC_MIN_LENGTH = 5
_SEMIVOWELS = str.maketrans("", "", "WHY")


@lru_cache(maxsize=65536)
def phonetic_key(word: str) -> str:
    """The sound key of a folded word ("photography" -> "FTKRF", "jewellery" -> "JLR")."""
    key = jellyfish.metaphone(word).translate(_SEMIVOWELS)
    return "".join(sound for i, sound in enumerate(key) if i == 0 or key[i - 1] != sound)


def rank_phonetic(word: str, candidates: Iterable[str]) -> list[str]:
    """Indexed words that sound like word and share at least half its letters, best first:
    nearest spelling, then A-Z."""
    key = phonetic_key(word)
    if len(word) < PHONETIC_MIN_LENGTH or len(key) < 2:
        return []
    scored = []
    for c in set(candidates):
        if c == word or len(c) < 3 or c in STOPWORDS or phonetic_key(c) != key:
            continue
        # Sounding alike is not enough when most letters differ ("quillon" is not "kiln").
        distance = edit_distance(word, c, 8)
        if distance * 2 <= max(len(word), len(c)):
            scored.append((distance, c))
    return [c for _distance, c in sorted(scored)][:MAX_FUZZY_CANDIDATES]


def sort_key(name: str) -> str:
    """The key names sort by in every backend: folded, spaces collapsed ("Éclair  Ltd" -> ...)."""
    return " ".join(fold(name).split())


@lru_cache(maxsize=4096)
def _folded_prefix_words(prefix: str) -> tuple[str, ...]:
    return tuple(tokenize(prefix))


def name_matches_prefix(name: str, prefix: str) -> bool:
    """Autocomplete rule: each prefix word starts some word of the name, the last as a prefix.

    "acme fo" matches "Acme Foods"; "foo" matches "Acme Foods" too (a word inside the name).
    """
    wanted = _folded_prefix_words(prefix)
    if not wanted:
        return False
    words = tokenize(name)
    return all(any(word.startswith(w) for word in words) for w in wanted)


def elasticsearch_analysis() -> dict:
    """Index "analysis" settings expressing the rules above for Elasticsearch/OpenSearch.

    th_text indexes (fold, spelling to one form, stop words, Porter stem); th_search adds the
    trade synonyms at query time (synonym_graph after the stemmer, so rules are stemmed too);
    th_autocomplete gives edge n-grams of name words; th_sort is the keyword normalizer.
    """
    base_filters = ["lowercase", "asciifolding", "th_spelling", "th_stop", "th_stem"]
    return {
        "filter": {
            "th_spelling": {"type": "synonym", "synonyms": spelling_rules()},
            "th_stop": {"type": "stop", "stopwords": sorted(STOPWORDS)},
            "th_stem": {"type": "porter_stem"},
            "th_synonyms": {"type": "synonym_graph", "synonyms": synonym_rules()},
            "th_edge": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20},
        },
        "analyzer": {
            "th_text": {"type": "custom", "tokenizer": "standard", "filter": base_filters},
            "th_search": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": [*base_filters, "th_synonyms"],
            },
            "th_autocomplete": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["lowercase", "asciifolding", "th_edge"],
            },
            "th_autocomplete_search": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["lowercase", "asciifolding"],
            },
        },
        "normalizer": {
            "th_sort": {"type": "custom", "filter": ["lowercase", "asciifolding"]},
        },
    }


def unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))


# Trade synonyms and British/American words: each group's entries match each other.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = _load_synonym_groups()
# UK/US spelling: every British form maps to the American one (one form per word).
SPELLING_VARIANTS: dict[str, str] = _load_spelling_variants()
_SPELLING_FORMS: dict[str, tuple[str, ...]] = {}
for _uk, _us in SPELLING_VARIANTS.items():
    _SPELLING_FORMS.setdefault(_us, (_us,))
    _SPELLING_FORMS[_us] = (*_SPELLING_FORMS[_us], _uk)


# ---------------------------------------------------------------------------------------------
# Query limits both backends apply: words per query, typo candidates per word.
MAX_QUERY_WORDS = 32
MAX_FUZZY_CANDIDATES = 20

# The embedded backend's FTS5 tokenizer; porter_stem uses it too, so its stems equal the indexed.
TOKENIZER = "porter unicode61 remove_diacritics 2"

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
