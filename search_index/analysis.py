"""Text analysis shared by every backend: folding, spelling, stop words, synonyms, typo limits.

The embedded backend applies these in Python (query expansion over FTS5's porter tokenizer); the
Elasticsearch backend turns the same data into analyzer settings (see elasticsearch_analysis()).
Keeping one source of truth is what lets both backends pass the same contract suite.

Stemming is Porter's algorithm in both engines: FTS5's ``porter`` tokenizer and Lucene's
``porter_stem`` filter implement the same original Porter stemmer.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

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
COMPANY_STOPWORDS: tuple[str, ...] = ("ltd", "limited", "plc", "llp", "lp")
STOPWORDS: frozenset[str] = frozenset(ENGLISH_STOPWORDS + COMPANY_STOPWORDS)

# ---------------------------------------------------------------------------------------------
# Typo tolerance: a query word of 5+ letters matches words one edit away (insert, delete,
# substitute, or swap two adjacent letters); 8+ letters, two edits. Shorter words must be exact.
FUZZY_ONE_EDIT_MIN_LENGTH = 5
FUZZY_TWO_EDITS_MIN_LENGTH = 8

# ---------------------------------------------------------------------------------------------
# Trade synonyms: each group's words match each other. Multi-word entries are phrases.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("logistics", "freight", "shipping", "haulage"),
    ("pharmaceutical", "pharma"),
    ("apparel", "clothing", "garments"),
    ("eyewear", "glasses", "spectacles"),
    ("footwear", "shoes"),
    ("cosmetics", "beauty"),
    ("automotive", "automobile"),
    ("ecommerce", "online retail"),
    ("aerospace", "aviation"),
    ("furniture", "furnishings"),
    ("packaging", "packing"),
    ("agriculture", "farming", "agritech"),
    ("construction", "building"),
    ("consultancy", "consulting", "advisory"),
    ("education", "training", "edtech"),
    ("healthcare", "medical"),
    ("fintech", "financial technology"),
    ("biotech", "biotechnology"),
    ("textiles", "fabrics"),
    ("beverages", "drinks"),
    ("confectionery", "sweets", "candy"),
    ("seafood", "fish"),
    ("marine", "maritime"),
    ("cybersecurity", "cyber security", "infosec"),
    ("translation", "localization"),
    ("warehousing", "storage"),
    ("manufacturer", "maker", "producer"),
    ("wholesaler", "distributor"),
    ("spirits", "liquor"),
    ("ai", "artificial intelligence"),
    ("medtech", "medical devices"),
    ("renewables", "clean energy"),
    ("vehicles", "cars"),
)

# ---------------------------------------------------------------------------------------------
# UK/US spelling: every British form maps to the American one (one form per word). Inflected
# forms are generated from families so "colourful", "organisations", "centred" are covered.
_OUR_WORDS = (
    "colour", "flavour", "favour", "honour", "labour", "harbour", "neighbour", "behaviour",
    "humour", "odour", "vapour", "rumour", "savour", "armour", "endeavour", "vigour", "parlour",
    "tumour", "glamour", "splendour", "valour", "clamour", "rigour",
)  # fmt: skip
_OUR_SUFFIXES = (
    "", "s", "ed", "ing", "ings", "ful", "fully", "less", "ist", "ists", "er", "ers", "able",
    "ite", "ites", "y", "ation", "hood", "hoods",
)  # fmt: skip
_ISE_STEMS = (
    "organ", "real", "recogn", "special", "custom", "optim", "util", "standard", "author",
    "minim", "maxim", "modern", "priorit", "summar", "apolog", "categor", "character",
    "commercial", "capital", "digit", "emphas", "final", "global", "harmon", "industrial",
    "international", "local", "mobil", "normal", "personal", "stabil", "steril", "synchron",
    "visual", "monet", "central", "legal", "critic", "energ", "fertil", "galvan", "homogen",
    "pasteur", "familiar", "sanit", "computer", "container", "decentral", "democrat", "econom",
    "fossil", "general", "hospital", "ideal", "immun", "item", "jeopard", "liberal", "memor",
    "metabol", "miniatur", "neutral", "penal", "polar", "popular", "publicis", "rational",
    "revital", "scrutin", "subsid", "symbol", "theor", "tranquil", "urban", "vandal", "westernis",
)  # fmt: skip
_ISE_SUFFIXES = (
    ("ise", "ize"), ("ised", "ized"), ("ises", "izes"), ("ising", "izing"),
    ("isation", "ization"), ("isations", "izations"), ("iser", "izer"), ("isers", "izers"),
    ("isable", "izable"),
)  # fmt: skip
_YSE_STEMS = ("anal", "paral", "catal", "dial", "electrol", "hydrol")
_YSE_SUFFIXES = (("yse", "yze"), ("ysed", "yzed"), ("ysing", "yzing"), ("yser", "yzer"))
_RE_STEMS = ("cent", "met", "lit", "fib", "theat", "calib", "spect", "sab", "lust", "somb", "mit")
_RE_SUFFIXES = (("re", "er"), ("res", "ers"), ("red", "ered"), ("ring", "ering"))
_OGUE_STEMS = ("catal", "dial", "anal", "monol", "epil", "prol")
_OGUE_SUFFIXES = (("ogue", "og"), ("ogues", "ogs"), ("ogued", "oged"), ("oguing", "oging"))
_ENCE_STEMS = ("defen", "licen", "offen", "preten")
_ENCE_SUFFIXES = (("ce", "se"), ("ces", "ses"))
_LL_VERBS = (
    "travel", "model", "label", "cancel", "fuel", "counsel", "level", "signal", "channel",
    "tunnel", "pedal", "panel", "jewel", "dial", "funnel", "shovel",
)  # fmt: skip
_SINGLE_PAIRS = (
    ("jewellery", "jewelry"), ("jeweller", "jeweler"), ("jewellers", "jewelers"),
    ("aluminium", "aluminum"), ("tyre", "tire"), ("tyres", "tires"),
    ("programme", "program"), ("programmes", "programs"),
    ("draught", "draft"), ("draughts", "drafts"), ("grey", "gray"), ("greys", "grays"),
    ("plough", "plow"), ("ploughs", "plows"), ("kerb", "curb"), ("sulphur", "sulfur"),
    ("mould", "mold"), ("moulds", "molds"), ("moulded", "molded"), ("moulding", "molding"),
    ("pyjamas", "pajamas"), ("aeroplane", "airplane"), ("aeroplanes", "airplanes"),
    ("enrol", "enroll"), ("enrolment", "enrollment"), ("fulfil", "fulfill"),
    ("fulfilment", "fulfillment"), ("instalment", "installment"), ("skilful", "skillful"),
    ("ageing", "aging"), ("judgement", "judgment"), ("acknowledgement", "acknowledgment"),
    ("manoeuvre", "maneuver"), ("manoeuvres", "maneuvers"), ("paediatric", "pediatric"),
    ("orthopaedic", "orthopedic"), ("anaesthetic", "anesthetic"), ("oestrogen", "estrogen"),
    ("encyclopaedia", "encyclopedia"), ("haemoglobin", "hemoglobin"), ("faeces", "feces"),
    ("speciality", "specialty"), ("specialities", "specialties"), ("cosy", "cozy"),
    ("doughnut", "donut"), ("doughnuts", "donuts"), ("storey", "story"), ("storeys", "stories"),
    ("whilst", "while"), ("amongst", "among"), ("artefact", "artifact"),
    ("artefacts", "artifacts"), ("licenced", "licensed"), ("practise", "practice"),
    ("cheque", "check"), ("cheques", "checks"), ("gaol", "jail"), ("tonne", "ton"),
    ("tonnes", "tons"), ("woollen", "woolen"), ("woollens", "woolens"), ("yoghurt", "yogurt"),
    ("yoghurts", "yogurts"), ("chilli", "chili"), ("chillies", "chilies"),
)  # fmt: skip


def _build_spelling_variants() -> dict[str, str]:
    """British form -> American form for every family and inflection above."""
    pairs: dict[str, str] = {}
    for word in _OUR_WORDS:
        us = word[:-2] + "r"  # colour -> color
        for suffix in _OUR_SUFFIXES:
            pairs[word + suffix] = us + suffix
    for stems, suffixes in (
        (_ISE_STEMS, _ISE_SUFFIXES),
        (_YSE_STEMS, _YSE_SUFFIXES),
        (_RE_STEMS, _RE_SUFFIXES),
        (_OGUE_STEMS, _OGUE_SUFFIXES),
        (_ENCE_STEMS, _ENCE_SUFFIXES),
    ):
        for stem in stems:
            for uk, us in suffixes:
                pairs[stem + uk] = stem + us
    for verb in _LL_VERBS:
        for uk, us in (("led", "ed"), ("ling", "ing"), ("ler", "er"), ("lers", "ers")):
            pairs[verb + uk] = verb + us
    pairs.update(_SINGLE_PAIRS)
    # A word that is itself the American form of something never maps away from it.
    return {uk: us for uk, us in sorted(pairs.items()) if uk != us and uk not in pairs.values()}


SPELLING_VARIANTS: dict[str, str] = _build_spelling_variants()
_SPELLING_FORMS: dict[str, tuple[str, ...]] = {}
for _uk, _us in SPELLING_VARIANTS.items():
    _SPELLING_FORMS.setdefault(_us, (_us,))
    _SPELLING_FORMS[_us] = (*_SPELLING_FORMS[_us], _uk)

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


def synonym_phrases() -> list[tuple[tuple[str, ...], ...]]:
    """SYNONYM_GROUPS as tuples of folded word sequences (multi-word entries are phrases)."""
    return [tuple(tuple(tokenize(entry)) for entry in group) for group in SYNONYM_GROUPS]


def synonym_rules() -> list[str]:
    """Solr-format equivalence rules ("logistics, freight, shipping") for Elasticsearch."""
    return [", ".join(group) for group in SYNONYM_GROUPS]


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
