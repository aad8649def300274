"""The catalogues: complete for every language, current with the sources, and no English left
in the chrome of the buyer pages.

- Every msgid of messages.pot has a translation (not fuzzy, same placeholders) in every .po.
- Extracting the sources again (pybabel's extractors and babel.cfg) finds nothing the
  catalogues lack: a buyer-facing template or form string added without `make translations`
  fails here.
- Each buyer page is rendered in every language while the catalogue look-ups are recorded:
  every message the page asked for has a translation in that language; and the page's visible
  text, outside what the exporter wrote (marked lang="en"), shares no English sentence with the
  English page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.support import Translations

from tests.supplier_profiles.buyer_fixtures import make_company
from tradehub import i18n

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "tradehub" / "translations"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%\{count\}|%%")


def catalogue(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def template():
    with (TRANSLATIONS / "messages.pot").open("rb") as fh:
        return read_po(fh)


@pytest.mark.parametrize("locale", i18n.CATALOGUE_LOCALES)
def test_every_message_is_translated(locale):
    po = catalogue(locale)
    missing, bad = [], []
    for message in template():
        if not message.id:
            continue
        entry = po.get(message.id, context=message.context)
        if entry is None or "fuzzy" in entry.flags:
            missing.append(message.id)
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings):
            missing.append(message.id)
            continue
        source = message.id[-1] if isinstance(message.id, tuple) else message.id
        if message.context is None:
            wanted = set(PLACEHOLDER.findall(source)) - {"%(num)s"}
            for text in strings:
                if set(PLACEHOLDER.findall(text)) - {"%(num)s"} != wanted:
                    bad.append((message.id, text))
    assert missing == [], f"{locale}: untranslated {missing[:10]}"
    assert bad == [], f"{locale}: placeholders differ {bad[:5]}"


def test_the_catalogues_hold_every_string_of_the_sources():
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    known = {(m.id, m.context) for m in template() if m.id}
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "pgettext": ((1, "c"), 2),
        "lazy_gettext": None,
        "_l": None,
        "N_": None,
    }
    found = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found.add((message, context))
    assert found - known == set(), "run `make translations` and translate the new strings"


# --- rendering every buyer page in every language ----------------------------------------------


@pytest.fixture
def lookups(monkeypatch):
    """Every catalogue look-up made while rendering: (kind, msgid, context)."""
    seen: list[tuple] = []
    gettext_, ngettext_, pgettext_ = (
        Translations.ugettext,
        Translations.ungettext,
        Translations.upgettext,
    )

    def recording_gettext(self, message):
        seen.append((message, None))
        return gettext_(self, message)

    def recording_ngettext(self, singular, plural, n):
        seen.append(((singular, plural), None))
        return ngettext_(self, singular, plural, n)

    def recording_pgettext(self, context, message):
        seen.append((message, context))
        return pgettext_(self, context, message)

    monkeypatch.setattr(Translations, "ugettext", recording_gettext)
    monkeypatch.setattr(Translations, "ungettext", recording_ngettext)
    monkeypatch.setattr(Translations, "upgettext", recording_pgettext)
    return seen


@pytest.fixture
def buyer_pages(app, db):
    """The buyer pages, with a supplier, a case study and search results to show."""
    company = make_company(
        name="Oakleaf Interiors",
        slug="oakleaf-interiors",
        summary="Hand-made oak furniture for hotels.",
        products_services=["Insurance"],
        keywords=["oak"],
        website="https://oakleaf.example",
        locality="Bath",
        export_countries=["FR", "DE", "JP", "US", "AE", "BR", "CN", "ES"],
        languages=["en", "fr"],
        case_studies=[{"title": "Hotel lobby", "summary": "A lobby refit."}],
    )
    return [
        "/",
        "/accessibility",
        "/privacy",
        "/find-a-supplier",
        "/find-a-supplier?q=furniture&industry=MECHANICAL_ELECTRICAL_AND_PROCESS_ENGINEERING",
        "/find-a-supplier?q=zzqqxx&region=LONDON",
        "/find-a-supplier?industry=NOT_A_SECTOR&page=abc",
        f"/suppliers/{company.slug}",
        f"/suppliers/{company.slug}/case-studies/{company.case_studies[0].slug}",
        f"/suppliers/{company.slug}/contact",
        f"/suppliers/{company.slug}/contact/sent",
        "/no-such-page",
    ]


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _VisibleText(HTMLParser):
    """Text nodes of <body>, skipping scripts, styles and every element marked lang="en"."""

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []  # per open element: is its text hidden from the check?
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        hidden = (self.stack and self.stack[-1]) or tag in ("script", "style", "head", "title")
        # lang="en" on <html> is the English page itself: only marked parts are hidden.
        hidden = hidden or (tag != "html" and dict(attrs).get("lang") == "en")
        self.stack.append(bool(hidden))

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]) and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_sentences(html: str) -> set[str]:
    """Text a reader sees, without what is marked lang="en" (the exporter's own words)."""
    parser = _VisibleText()
    parser.feed(html)
    return set(parser.texts)


# Text that is the same in every language: names, codes, numbers, the language names.
SAME_EVERYWHERE = re.compile(
    r"^(TradeHub|GOV\.UK.*|Oakleaf Interiors|Bath|https?://\S+|[\d\s.,:%+()–×-]*|"
    r"English|Français|Deutsch|Español|Português|中文.*|日本語|العربية|Beta|Menu|Online|"
    r"Cookies|London|Wales|Premium|Page|Pages|Website|Marketing|Error:?|Insurance|"
    r"Search|Seite|Privacy|Important|Sort|Verified|oak|LinkedIn|Facebook|X \(Twitter\))$"
)


def assert_no_english_left(client, lookups, tag, paths, proper_names=()):
    """Render each path in English and in `tag`: every catalogue look-up has a translation, and
    no visible English sentence outside lang="en" is shared with the English page.

    `proper_names` (marketplace names, currency codes…) are the same in every language: they
    are removed from a sentence before it is judged.
    """
    locale = i18n.language_for(tag).locale
    po = catalogue(locale)
    # Country and language names that CLDR spells the same in this language (Angola, Samoa).
    cldr = Locale.parse(locale)
    same_names = set(cldr.territories.values()) | set(cldr.languages.values())
    # Words the catalogue itself keeps as in English ("Construction" in French).
    same_names |= {m.id for m in po if isinstance(m.id, str) and m.string == m.id}
    names = sorted((n for n in proper_names if n), key=len, reverse=True)
    names_pattern = re.compile("|".join(re.escape(n) for n in names)) if names else None
    for path in paths:
        separator = "&" if "?" in path else "?"
        english = client.get(f"{path}{separator}lang=en")
        english_text = visible_sentences(english.get_data(as_text=True))
        lookups.clear()
        translated = client.get(f"{path}{separator}lang={tag}")
        page = translated.get_data(as_text=True)

        assert f'lang="{tag}"' in page[: page.index(">", page.index("<html")) + 1], path
        untranslated = []
        for message, context in lookups:
            entry = po.get(message, context=context)
            strings = () if entry is None else entry.string
            strings = strings if isinstance(strings, tuple) else (strings,)
            # Look-ups of text the catalogue does not hold (a service's own refusal, WTForms'
            # names of hidden fields) are not chrome; English text left on the page is caught
            # by the comparison below.
            if entry is not None and not all(strings):
                untranslated.append(message)
        assert untranslated == [], (path, untranslated)

        left = {
            text
            for text in visible_sentences(page) & english_text
            if re.search(r"[A-Za-z]{3}", names_pattern.sub("", text) if names_pattern else text)
            and not SAME_EVERYWHERE.match(text)
            and text not in same_names
        }
        assert left == set(), (path, sorted(left))


@pytest.mark.parametrize("tag", [lang.tag for lang in i18n.LANGUAGES[1:]])
def test_no_english_is_left_on_the_buyer_pages(client, buyer_pages, lookups, tag):
    assert_no_english_left(client, lookups, tag, buyer_pages)
