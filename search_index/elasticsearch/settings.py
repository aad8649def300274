"""Index settings, mappings and source documents for the Elasticsearch/OpenSearch backend.

The analyzers come from search_index.analysis (one source of truth with the embedded backend):
``th_text`` indexes text folded, with UK spellings mapped to one form, stop words (English and
company suffixes) dropped and Porter-stemmed; ``th_search`` adds the trade synonyms at query time
(synonym_graph, so multi-word synonyms work); ``th_autocomplete`` indexes edge n-grams of name
words. This module adds ``th_spell`` (folded surface words, for the "did you mean" suggester).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from search_index import analysis
from search_index.document import case_study_text, field_texts

# Free-text field of the contract (document.TEXT_FIELDS) -> field in the index.
INDEX_TEXT_FIELDS: dict[str, str] = {
    "name": "name",
    "keywords": "keywords",
    "products_services": "products_services",
    "summary": "summary",
    "case_studies": "case_studies_text",
    "description": "description",
}

# Filter group -> keyword/boolean field (the same names as the document's).
INDEX_GROUP_FIELDS: dict[str, str] = {
    "industry": "industries",
    "region": "region",
    "country": "countries",
    "language": "languages",
    "employees": "employees",
    "verified": "verified",
}

# Fields highlighted in results, in the order their fragments are preferred.
# The same order as the embedded backend's snippets.
HIGHLIGHT_FIELDS: tuple[str, ...] = (
    "summary",
    "description",
    "case_studies_text",
    "products_services",
    "keywords",
)

# Fields a Hit needs; the rest of the source stays on the server.
HIT_SOURCE_FIELDS: tuple[str, ...] = (
    "id",
    "slug",
    "name",
    "summary",
    "industries",
    "region",
    "countries",
    "verified",
    "updated_at",
)

SPELL_FIELD = "spell"
# The name as exact-name matching compares it (analysis.name_key), and "KEY:word" for every
# indexed word with its sound key (analysis.phonetic_key), for sounds-alike suggestions.
NAME_KEY_FIELD = "name_key"
SOUNDS_FIELD = "sounds"
SCHEMA_META_KEY = "tradehub_schema"
NAME_SORT_FIELD = "name_sort"
AUTOCOMPLETE_FIELD = "name.autocomplete"
# Longest edge n-gram the shared th_edge filter indexes.
AUTOCOMPLETE_MAX_GRAM: int = analysis.elasticsearch_analysis()["filter"]["th_edge"]["max_gram"]

# Per-bucket limit of facet terms aggregations: above every code list we facet on
# (about 250 countries, 184 languages).
FACET_SIZE = 500


def query_fields() -> list[str]:
    """multi_match fields with the shared weights ("name^10.0", ...)."""
    return [
        f"{INDEX_TEXT_FIELDS[field]}^{weight}" for field, weight in analysis.FIELD_WEIGHTS.items()
    ]


def analysis_settings() -> dict[str, Any]:
    """The shared analyzers plus the spell-check analyzer (folded words, nothing removed).

    Every analyzer splits words as analysis.tokenize() does (runs of letters and digits), not
    with the standard tokenizer, which keeps "o'neill" and "example.com" whole; the embedded
    backend, autocomplete and typo candidates all split them, so both backends agree.
    """
    settings = copy.deepcopy(analysis.elasticsearch_analysis())
    settings.setdefault("tokenizer", {})["th_words"] = {
        "type": "pattern",
        "pattern": "[\\W_]+",
        "flags": "UNICODE_CHARACTER_CLASS",
    }
    settings["analyzer"]["th_spell"] = {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["lowercase", "asciifolding"],
    }
    for analyzer in settings["analyzer"].values():
        if analyzer.get("tokenizer") == "standard":
            analyzer["tokenizer"] = "th_words"
    return settings


def _text(*, highlighted: bool = False) -> dict[str, Any]:
    """A full-text field: th_text at index time, th_search (with synonyms) at query time."""
    field: dict[str, Any] = {
        "type": "text",
        "analyzer": "th_text",
        "search_analyzer": "th_search",
        "copy_to": SPELL_FIELD,
    }
    if highlighted:
        # Offsets in the postings make the unified highlighter fast without re-analysis.
        field["index_options"] = "offsets"
    return field


def _facet_keyword() -> dict[str, Any]:
    """A filter/facet field: exact codes; global ordinals built at refresh, not by a search."""
    return {"type": "keyword", "eager_global_ordinals": True}


def mappings() -> dict[str, Any]:
    """Explicit, strict mappings: text fields for search, keywords for filters and facets."""
    name = _text()
    name["fields"] = {
        "autocomplete": {
            "type": "text",
            "analyzer": "th_autocomplete",
            "search_analyzer": "th_autocomplete_search",
        },
    }
    return {
        "dynamic": "strict",
        "properties": {
            "id": {"type": "long"},
            "slug": {"type": "keyword"},
            "name": name,
            NAME_SORT_FIELD: {"type": "keyword"},
            NAME_KEY_FIELD: {"type": "keyword"},
            SOUNDS_FIELD: {"type": "keyword"},
            "summary": _text(highlighted=True),
            "description": _text(highlighted=True),
            "keywords": _text(highlighted=True),
            "products_services": _text(highlighted=True),
            "case_studies_text": _text(highlighted=True),
            # Kept for display/debugging only; its text is searched through case_studies_text.
            "case_studies": {"type": "object", "enabled": False},
            SPELL_FIELD: {"type": "text", "analyzer": "th_spell"},
            "industries": _facet_keyword(),
            "region": _facet_keyword(),
            "countries": _facet_keyword(),
            "languages": _facet_keyword(),
            "employees": _facet_keyword(),
            "verified": {"type": "boolean"},
            "case_study_count": {"type": "integer"},
            "updated_at": {"type": "date"},
        },
    }


def index_body(*, bulk_loading: bool = False, shards: int = 1, replicas: int = 0) -> dict[str, Any]:
    """Settings and mappings of a concrete index: by default one shard and no replicas (one
    node); a cluster that must survive a lost node sets replicas to 1 (SEARCH_REPLICAS).

    bulk_loading turns periodic refresh off while a fresh index is filled; reindex turns it
    back on before the alias moves.
    """
    settings: dict[str, Any] = {
        "number_of_shards": shards,
        "number_of_replicas": replicas,
        "analysis": analysis_settings(),
    }
    if bulk_loading:
        settings["refresh_interval"] = "-1"
    body_mappings = mappings()
    body_mappings["_meta"] = {SCHEMA_META_KEY: schema_fingerprint()}
    return {"settings": {"index": settings}, "mappings": body_mappings}


@lru_cache(maxsize=1)
def schema_fingerprint() -> str:
    """A hash of the analyzers and mappings, stored in each index's mapping ``_meta``.

    A change to the shared word lists (spellings, synonyms, stop words) or to the mappings only
    reaches the engine through a reindex; health() compares fingerprints to say so.
    """
    material = json.dumps({"analysis": analysis_settings(), "mappings": mappings()}, sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def to_source(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The indexed source of a validated SupplierDocument."""
    source = {key: doc[key] for key in doc}
    source[NAME_SORT_FIELD] = analysis.sort_key(doc["name"])
    source[NAME_KEY_FIELD] = analysis.name_key(doc["name"])
    words = {
        word
        for text in field_texts(doc).values()
        for word in analysis.tokenize(text)
        if len(word) >= 3 and not word.isdigit() and word not in analysis.STOPWORDS
    }
    source[SOUNDS_FIELD] = sorted(f"{analysis.phonetic_key(w)}:{w}" for w in words)
    # One array entry per case study, so highlight fragments never run across two studies.
    source["case_studies_text"] = [case_study_text(study) for study in doc["case_studies"]]
    return source
