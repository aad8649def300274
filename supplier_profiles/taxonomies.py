"""The fixed lists a supplier profile is described with, and the one way to read them.

Industries, UK regions, employee bands, company types and products & services come from
data/taxonomies.json (the department's lists); countries (ISO 3166-1 alpha-2) and languages
(ISO 639-1) from pycountry. Everything is loaded once per process and returned as immutable
tuples. Other packages (marketplace applications) read these lists through `choices`, `label`,
`is_valid` and `country_name`, never from the file.

Also here: what a company's SIC codes suggest about its industries (`industries_for_sic`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import pycountry
from babel import Locale
from flask_babel import get_locale, gettext, pgettext

from tradehub.i18n import format_number

DATA_FILE = Path(__file__).parent / "data" / "taxonomies.json"

Choice = tuple[str, str]  # (code, label)

# The groups `choices`, `label` and `is_valid` know.
GROUPS = (
    "industry",
    "region",
    "company_type",
    "employees",
    "country",
    "export_country",
    "language",
)


@cache
def _data() -> dict:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


def _pairs(key: str) -> tuple[Choice, ...]:
    return tuple((item["code"], item["label"]) for item in _data()[key])


def _country_pairs(include_uk: bool) -> tuple[Choice, ...]:
    items = [
        (c.alpha_2, getattr(c, "common_name", None) or c.name)
        for c in pycountry.countries
        if include_uk or c.alpha_2 != "GB"
    ]
    return tuple(sorted(items, key=lambda pair: pair[1]))


def _languages() -> tuple[Choice, ...]:
    items = [(lang.alpha_2, lang.name) for lang in pycountry.languages if hasattr(lang, "alpha_2")]
    return tuple(sorted(items, key=lambda pair: pair[1]))


@cache
def choices(group: str) -> tuple[Choice, ...]:
    """(code, label) pairs of one list, in the order forms show them.

    industry: the 39 industries, in the department's order; region: the 12 UK regions;
    company_type: registered with Companies House, sole trader, partnership ...;
    employees: bands whose text ("11-50") is their own code; country: every ISO 3166-1 country
    by name (buyers may be anywhere); export_country: the same without the UK (export markets);
    language: languages with an ISO 639-1 code, by name.
    """
    if group == "industry":
        return _pairs("industries")
    if group == "region":
        return _pairs("uk_regions")
    if group == "company_type":
        return _pairs("company_types")
    if group == "employees":
        return tuple((band, band) for band in _data()["employee_bands"])
    if group == "country":
        return _country_pairs(include_uk=True)
    if group == "export_country":
        return _country_pairs(include_uk=False)
    if group == "language":
        return _languages()
    raise KeyError(f"unknown taxonomy group {group!r}; one of {', '.join(GROUPS)}")


@cache
def products_and_services() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Products and services grouped by category: ((category, (label, ...)), ...)."""
    return tuple((cat, tuple(labels)) for cat, labels in _data()["products_and_services"].items())


@cache
def _product_service_labels() -> frozenset[str]:
    return frozenset(label for _, labels in products_and_services() for label in labels)


@cache
def _labels(group: str) -> dict[str, str]:
    return dict(choices(group))


def label(group: str, code: str | None) -> str:
    """Human label of `code` in `group` (see GROUPS); the code itself when unknown, so old data
    still shows something."""
    if not code:
        return ""
    return _labels(group).get(code, code)


def is_valid(group: str, code: str) -> bool:
    """Whether `code` belongs to `group` (see GROUPS, plus products_services)."""
    if group == "products_services":
        return code in _product_service_labels()
    return code in _labels(group)


# --- in the reader's language ------------------------------------------------------------------
#
# The English labels above are the data (forms, search documents, the API's codes). What a
# buyer reads goes through `display_label`: taxonomy labels through the message catalogues
# (extracted from data/taxonomies.json by `extract_labels`), country and language names from
# CLDR's data for the active locale (Babel), employee bands with the locale's digits.

_TRANSLATED_GROUPS = ("industry", "region", "company_type", "products_services")
_BAND_NUMBER = re.compile(r"\d[\d,]*")


def _cldr_locale() -> Locale | None:
    """The active locale when it is not English (English keeps pycountry's names)."""
    locale = get_locale()
    if locale is None or locale.language == "en":
        return None
    return locale


def display_label(group: str, code: str | None) -> str:
    """The label of `code` in the active language (see `label` for the English one)."""
    if not code:
        return ""
    if group in ("country", "export_country"):
        locale = _cldr_locale()
        upper = code.strip().upper()
        if locale is not None and upper in locale.territories:
            return locale.territories[upper]
        return label("country", upper)
    if group == "language":
        locale = _cldr_locale()
        if locale is not None and code in locale.languages:
            return locale.languages[code]
        return label(group, code)
    if group == "employees":
        return _BAND_NUMBER.sub(lambda m: format_number(int(m.group().replace(",", ""))), code)
    if group == "products_services":
        return gettext(code)
    english = label(group, code)
    return gettext(english) if group in _TRANSLATED_GROUPS and english != code else english


def display_choices(group: str) -> list[Choice]:
    """`choices(group)` with labels in the active language, sorted by them when the group is
    alphabetical (countries, languages). Kept per group and language: Find a Supplier offers
    every value of every filter group on each page (hundreds of labels)."""
    locale = get_locale()
    return list(_display_choices(group, str(locale) if locale is not None else "en"))


def display_labels(group: str) -> dict[str, str]:
    """code -> label in the active language for every code of the group (kept like
    display_choices; do not change the dict)."""
    locale = get_locale()
    return _display_labels(group, str(locale) if locale is not None else "en")


@lru_cache(maxsize=128)
def _display_labels(group: str, locale: str) -> dict[str, str]:
    return dict(_display_choices(group, locale))


@lru_cache(maxsize=128)
def _display_choices(group: str, locale: str) -> tuple[Choice, ...]:
    """display_choices for `locale`, the active one when called (it is part of the key)."""
    pairs = [(code, display_label(group, code)) for code, _ in choices(group)]
    if group in ("country", "export_country", "language"):
        pairs.sort(key=lambda pair: pair[1].casefold())
    return tuple(pairs)


def industry_terms(english_label: str) -> list[str]:
    """The searchable parts of an industry label: "Household goods, furniture and furnishings"
    -> household goods, furniture, furnishings (each a catalogue entry of its own)."""
    parts = [p.strip() for p in re.split(r",\s*|\s+and\s+", english_label) if p.strip()]
    return [part.lower() for part in parts] if len(parts) > 1 else []


def translated_terms() -> list[tuple[str, str]]:
    """(term in the active language, English term) for every taxonomy label and industry part
    that the catalogue translates: what cross-language search looks for in a query."""
    pairs: list[tuple[str, str]] = []
    for _code, english in choices("industry"):
        pairs.append((gettext(english), english))
        pairs.extend((pgettext("taxonomy term", part), part) for part in industry_terms(english))
    for _category, labels in products_and_services():
        pairs.extend((gettext(english), english) for english in labels)
    return [(native, english) for native, english in pairs if native != english]


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@cache
def _term_patterns(locale_id: str) -> tuple[tuple[re.Pattern, tuple[str, ...], bool], ...]:
    """Per locale: (pattern of a translated term, its English terms, whether it is written
    without spaces), longest term first.

    Built once per locale from the catalogue (`translated_terms`, under that locale). Terms in
    scripts written without spaces (Chinese, Japanese) match anywhere in the query; others match
    as whole words, spelt as the catalogue spells them, ignoring case. A term the catalogue
    gives for several labels keeps each of them.
    """
    english_by_native: dict[str, list[str]] = {}
    for native, english in translated_terms():
        native = unicodedata.normalize("NFC", native.strip())
        if native:
            found = english_by_native.setdefault(native, [])
            if english.lower() not in found:
                found.append(english.lower())
    patterns = []
    for native in sorted(english_by_native, key=lambda term: -len(term)):
        body = re.escape(native)
        unspaced = bool(_CJK.search(native))
        if not unspaced:
            body = rf"(?<!\w){body}(?!\w)"
        patterns.append(
            (re.compile(body, re.IGNORECASE), tuple(english_by_native[native]), unspaced)
        )
    return tuple(patterns)


SearchAlternatives = tuple[tuple[str, tuple[str, ...]], ...]


def cross_language_search(text: str) -> tuple[str, SearchAlternatives]:
    """The query text and, for each taxonomy term in it written in the reader's language, its
    English label as an alternative (search_index.SearchQuery.alternatives): "Möbel" is searched
    as "Möbel" or "furniture", "家具" as "家具" or "furniture", "mobiliario" as "mobiliario" or
    "furniture".

    Only translated industry, product and service labels (and the parts of industry labels)
    get an alternative; the words stay in the text as typed, so a profile written in the
    buyer's language is found too, and names and other words are searched as typed. The index
    holds English profiles, so the alternative is what lets a buyer search in their own
    language. A term in a script written without spaces is set apart by spaces so that the
    search sees it as a word of its own ("家具メーカー" -> "家具 メーカー"). In English there
    are no alternatives.
    """
    locale = get_locale()
    if not text or locale is None or locale.language == "en":
        return text, ()
    text = unicodedata.normalize("NFC", text)
    alternatives: list[tuple[str, tuple[str, ...]]] = []
    # Each term is taken once, longest first; what a longer term matched is not matched again.
    claimed = [False] * len(text)
    spans: list[tuple[int, int]] = []
    for pattern, english, unspaced in _term_patterns(str(locale)):
        for found in pattern.finditer(text):
            start, end = found.span()
            if any(claimed[start:end]):
                continue
            claimed[start:end] = [True] * (end - start)
            alternatives.append((found.group(), english))
            if unspaced:
                spans.append((start, end))
    for start, end in sorted(spans, reverse=True):
        text = f"{text[:start]} {text[start:end]} {text[end:]}"
    return " ".join(text.split()), tuple(alternatives)


def extract_labels(fileobj, keywords, comment_tags, options):
    """pybabel extractor for data/taxonomies.json: industries, UK regions, company types,
    products and services (categories and labels), marketplace product categories, and the
    parts of industry labels that cross-language search matches (context "taxonomy term")."""
    data = json.load(fileobj)
    line = 1
    for key in ("industries", "uk_regions", "company_types"):
        for item in data[key]:
            yield line, "gettext", item["label"], [f"taxonomy: {key}"]
    for key in ("industries",):
        for item in data[key]:
            for part in industry_terms(item["label"]):
                comment = [f"search term, part of the industry label: {item['label']}"]
                yield line, "pgettext", ("taxonomy term", part), comment
    for category, labels in data["products_and_services"].items():
        yield line, "gettext", category, ["taxonomy: products and services category"]
        for entry in labels:
            yield line, "gettext", entry, [f"taxonomy: products and services ({category})"]
    for entry in data["marketplace_product_categories"]:
        yield line, "gettext", entry, ["taxonomy: marketplace product categories"]


def country_name(code: str | None) -> str:
    """The English short name of an ISO 3166-1 alpha-2 code ("fr" or "FR" -> "France"); the
    code itself when unknown. The one code -> country name function of the application."""
    return label("country", (code or "").strip().upper())


def industry_label(code: str | None) -> str:
    """Label of an industry code."""
    return label("industry", code)


def region_label(code: str | None) -> str:
    """Label of a UK region code."""
    return label("region", code)


def language_name(code: str | None) -> str:
    """Name of an ISO 639-1 language code."""
    return label("language", code)


def company_type_label(code: str | None) -> str:
    """Label of a company type code."""
    return label("company_type", code)


# SIC 2007 code prefixes -> the industry they suggest. The longest matching prefix wins, so
# a 4-digit class (3030: aircraft) overrides its 2-digit division (30: other transport).
# Suggestions only: the exporter confirms or changes them on the profile form.
SIC_INDUSTRIES: dict[str, str] = {
    "01": "AGRICULTURE_HORTICULTURE_AND_FISHERIES",
    "02": "AGRICULTURE_HORTICULTURE_AND_FISHERIES",
    "03": "AGRICULTURE_HORTICULTURE_AND_FISHERIES",
    "05": "MINING",
    "06": "OIL_AND_GAS",
    "07": "MINING",
    "08": "MINING",
    "091": "OIL_AND_GAS",
    "099": "MINING",
    "10": "FOOD_AND_DRINK",
    "11": "FOOD_AND_DRINK",
    "13": "TEXTILES_INTERIOR_TEXTILES_AND_CARPETS",
    "14": "CLOTHING_FOOTWEAR_AND_FASHION",
    "15": "CLOTHING_FOOTWEAR_AND_FASHION",
    "18": "CREATIVE_AND_MEDIA",
    "19": "OIL_AND_GAS",
    "20": "CHEMICALS",
    "21": "BIOTECHNOLOGY_AND_PHARMACEUTICALS",
    "22": "ADVANCED_MANUFACTURING",
    "23": "METALS_MINERALS_AND_MATERIALS",
    "24": "METALS_MINERALS_AND_MATERIALS",
    "25": "METALS_MINERALS_AND_MATERIALS",
    "26": "ELECTRONICS_AND_IT_HARDWARE",
    "27": "MECHANICAL_ELECTRICAL_AND_PROCESS_ENGINEERING",
    "28": "MECHANICAL_ELECTRICAL_AND_PROCESS_ENGINEERING",
    "29": "AUTOMOTIVE",
    "301": "MARINE",
    "302": "RAILWAYS",
    "303": "AEROSPACE",
    "30": "ADVANCED_MANUFACTURING",
    "31": "HOUSEHOLD_GOODS_FURNITURE_AND_FURNISHINGS",
    "321": "GIFTWARE_JEWELLERY_AND_TABLEWARE",
    "323": "GLOBAL_SPORTS_INFRASTRUCTURE",
    "325": "HEALTHCARE_AND_MEDICAL",
    "32": "ADVANCED_MANUFACTURING",
    "33": "MECHANICAL_ELECTRICAL_AND_PROCESS_ENGINEERING",
    "35": "POWER",
    "36": "WATER",
    "37": "WATER",
    "38": "ENVIRONMENT",
    "39": "ENVIRONMENT",
    "41": "CONSTRUCTION",
    "42": "CONSTRUCTION",
    "43": "CONSTRUCTION",
    "45": "AUTOMOTIVE",
    "46": "RETAIL_AND_LUXURY",
    "47": "RETAIL_AND_LUXURY",
    "491": "RAILWAYS",
    "492": "RAILWAYS",
    "49": "PORTS_AND_LOGISTICS",
    "50": "MARINE",
    "51": "AIRPORTS",
    "5222": "PORTS_AND_LOGISTICS",
    "5223": "AIRPORTS",
    "52": "PORTS_AND_LOGISTICS",
    "53": "PORTS_AND_LOGISTICS",
    "55": "LEISURE_AND_TOURISM",
    "56": "LEISURE_AND_TOURISM",
    "582": "SOFTWARE_AND_COMPUTER_SERVICES",
    "58": "CREATIVE_AND_MEDIA",
    "59": "CREATIVE_AND_MEDIA",
    "60": "CREATIVE_AND_MEDIA",
    "61": "COMMUNICATIONS",
    "62": "SOFTWARE_AND_COMPUTER_SERVICES",
    "63": "SOFTWARE_AND_COMPUTER_SERVICES",
    "64": "FINANCIAL_AND_PROFESSIONAL_SERVICES",
    "65": "FINANCIAL_AND_PROFESSIONAL_SERVICES",
    "66": "FINANCIAL_AND_PROFESSIONAL_SERVICES",
    "68": "BUSINESS_AND_CONSUMER_SERVICES",
    "691": "LEGAL_SERVICES",
    "692": "FINANCIAL_AND_PROFESSIONAL_SERVICES",
    "70": "FINANCIAL_AND_PROFESSIONAL_SERVICES",
    "71": "MECHANICAL_ELECTRICAL_AND_PROCESS_ENGINEERING",
    "7211": "BIOTECHNOLOGY_AND_PHARMACEUTICALS",
    "72": "LIFE_SCIENCES",
    "73": "CREATIVE_AND_MEDIA",
    "74": "CREATIVE_AND_MEDIA",
    "77": "BUSINESS_AND_CONSUMER_SERVICES",
    "78": "BUSINESS_AND_CONSUMER_SERVICES",
    "79": "LEISURE_AND_TOURISM",
    "80": "SECURITY",
    "81": "BUSINESS_AND_CONSUMER_SERVICES",
    "82": "BUSINESS_AND_CONSUMER_SERVICES",
    "85": "EDUCATION_AND_TRAINING",
    "86": "HEALTHCARE_AND_MEDICAL",
    "87": "HEALTHCARE_AND_MEDICAL",
    "88": "HEALTHCARE_AND_MEDICAL",
    "90": "CREATIVE_AND_MEDIA",
    "91": "LEISURE_AND_TOURISM",
    "93": "LEISURE_AND_TOURISM",
}


def industries_for_sic(sic_codes: list[str]) -> list[str]:
    """Industry codes suggested by SIC codes (longest prefix match), without repeats."""
    found: list[str] = []
    for code in sic_codes:
        code = str(code).strip()
        for length in (4, 3, 2):
            industry = SIC_INDUSTRIES.get(code[:length])
            if industry:
                if industry not in found:
                    found.append(industry)
                break
    return found
