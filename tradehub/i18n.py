"""Languages of the buyer-facing pages: which one a request uses, the switcher, and formatting.

Eight languages (`LANGUAGES`); English is the default and the language templates are written in.
The choice is kept in the URL as a `lang` query parameter (`?lang=de`), so a shared link opens
in the same language, and in a `lang` cookie, so the next visit without the parameter keeps it.
A first visit with neither follows `Accept-Language`. `url_for` adds `lang` to every page link
while a language other than English is active, or while the URL names one (url_defaults).

The public API never uses the cookie or `Accept-Language`: only its own `lang` parameter, so a
machine client always gets the same answer for the same URL.

Numbers, money and dates are written with Babel's CLDR data for the active locale, in English
too ("840 million", "£1,234.50", "3 December 2026"); machine formats (the API, CSV) do not use
these helpers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache, partial

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_skeleton
from babel.numbers import format_compact_decimal, format_currency, format_decimal
from babel.numbers import format_percent as babel_format_percent
from flask import Flask, current_app, has_request_context, request, url_for
from flask_babel import Babel, get_locale, gettext, refresh

from tradehub.dates import UK, to_uk
from tradehub.money import minor_units, quantize_money

COOKIE_NAME = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
PARAMETER = "lang"
_CHOICE = "tradehub.language"


@dataclass(frozen=True)
class Language:
    """One language of the site: its BCP 47 tag (URL, `lang`, `hreflang`) and Babel locale."""

    tag: str
    locale: str
    rtl: bool = False

    @property
    def name(self) -> str:
        """The language named in itself, from CLDR ("Deutsch", "Français", "العربية")."""
        return _native_name(self.locale)

    @property
    def direction(self) -> str:
        return "rtl" if self.rtl else "ltr"


# The order the switcher lists them. English formats as en_GB (pounds, day month year).
LANGUAGES: tuple[Language, ...] = (
    Language("en", "en_GB"),
    Language("fr", "fr"),
    Language("de", "de"),
    Language("es", "es"),
    Language("pt", "pt"),
    Language("zh-Hans", "zh_Hans"),
    Language("ja", "ja"),
    Language("ar", "ar", rtl=True),
)
DEFAULT = LANGUAGES[0]
_BY_TAG = {lang.tag.lower(): lang for lang in LANGUAGES}
TAGS = tuple(lang.tag for lang in LANGUAGES)
# Babel locale ids of the catalogues (English has none: templates are written in English).
CATALOGUE_LOCALES = tuple(lang.locale for lang in LANGUAGES[1:])


@cache
def _native_name(locale: str) -> str:
    parsed = Locale.parse(locale)
    if parsed.language == "en":
        return "English"
    name = parsed.get_display_name(parsed) or locale
    return name[:1].upper() + name[1:]


def language_for(tag: str | None) -> Language | None:
    """The site language a tag names ("de", "zh-hans", "zh_Hans"), or None."""
    if not tag:
        return None
    return _BY_TAG.get(tag.strip().replace("_", "-").lower())


def _is_api_request() -> bool:
    return request.path.startswith("/api/")


def _choose() -> tuple[Language, bool]:
    """(language of this request, whether the URL names it)."""
    from_url = language_for(request.args.get(PARAMETER))
    if from_url is not None:
        return from_url, True
    if _is_api_request():
        return DEFAULT, False
    from_cookie = language_for(request.cookies.get(COOKIE_NAME))
    if from_cookie is not None:
        return from_cookie, False
    best = request.accept_languages.best_match(TAGS)
    return (language_for(best) or DEFAULT), False


def current_language() -> Language:
    """The language of the current request (English outside a request)."""
    if not has_request_context():
        return DEFAULT
    # Kept on the request (not `g`: an app context may outlive one request, as in tests).
    if _CHOICE not in request.environ:
        request.environ[_CHOICE] = _choose()
    return request.environ[_CHOICE][0]


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    return current_language().locale


def _locale() -> Locale:
    return get_locale() or Locale.parse(DEFAULT.locale)


# --- URLs ------------------------------------------------------------------------------------


def _carries_language(endpoint: str) -> bool:
    blueprint = endpoint.rpartition(".")[0]
    return endpoint != "static" and not blueprint.endswith("_api") and blueprint != "api_docs"


def add_language_to_urls(endpoint: str, values: dict) -> None:
    """url_defaults: page links keep a language the URL named or that is not the default."""
    if not has_request_context() or PARAMETER in values or not _carries_language(endpoint):
        return
    language = current_language()
    if language != DEFAULT or request.environ[_CHOICE][1]:
        values[PARAMETER] = language.tag


def url_in(language: Language | None, external: bool = False) -> str:
    """This page (same path, query and filters) in another language; with None, without a
    language (the `x-default` alternate, which follows the reader's browser)."""
    args = request.args.to_dict(flat=False)
    args[PARAMETER] = [language.tag] if language is not None else None
    return url_for(request.endpoint, **(request.view_args or {}), **args, _external=external)


def remember_language(response):
    """after_request: a language named in a page's URL is kept in the cookie."""
    if not has_request_context() or _is_api_request():
        return response
    named = language_for(request.args.get(PARAMETER))
    if named is not None and request.cookies.get(COOKIE_NAME) != named.tag:
        response.set_cookie(
            COOKIE_NAME,
            named.tag,
            max_age=COOKIE_MAX_AGE,
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def N_(message: str) -> str:
    """Mark a constant for extraction (`make translations`) without translating it here: the
    English text stays the data, and whatever shows it to a reader calls gettext on it."""
    return message


# --- formatting --------------------------------------------------------------------------------


def format_number(value) -> str:
    """A whole or decimal number with the locale's grouping ("12,345"; "12.345" in German)."""
    if value is None:
        return ""
    return format_decimal(value, locale=_locale())


def count_formatter() -> Callable[[int], str]:
    """format_number for whole counts in the active locale, each result kept per locale: a
    results page labels hundreds of filter values with counts, mostly the same few numbers."""
    return partial(_format_count, str(_locale()))


@lru_cache(maxsize=4096)
def _format_count(locale: str, count: int) -> str:
    return format_decimal(count, locale=locale)


def format_millions(millions) -> str:
    """A count given in millions, in words: "840 million", "840 Millionen", "8.4亿"."""
    if millions is None:
        return ""
    whole = Decimal(str(millions)) * 1_000_000
    return format_compact_decimal(whole, format_type="long", fraction_digits=1, locale=_locale())


def _iso_pattern(pattern: str) -> str:
    """The locale's currency pattern with the ISO code in place of the symbol, spaced."""
    single = re.sub("¤+", "¤¤", pattern)
    single = re.sub(r"¤¤(?=[#0])", "¤¤ ", single)
    return re.sub(r"(?<=[#0])¤¤", " ¤¤", single)


def format_money(amount, currency: str = "GBP") -> str:
    """Money in the locale's form: "£1,234.50", "1.234,50 £"; other currencies by ISO code
    ("USD 39.99"), never an ambiguous "$". Rounded to the currency's minor units."""
    if amount is None:
        return ""
    currency = (currency or "GBP").upper()
    value = quantize_money(Decimal(str(amount)), currency)
    locale = _locale()
    digits = minor_units(currency)
    if currency == "GBP":
        return format_currency(value, currency, locale=locale, currency_digits=True)
    pattern = _iso_pattern(locale.currency_formats["standard"].pattern)
    pattern = re.sub(r"0\.0+", "0" + ("." + "0" * digits if digits else ""), pattern)
    return format_currency(value, currency, format=pattern, locale=locale, currency_digits=False)


def format_percent(value) -> str:
    """A percentage with up to two decimals: "8%", "9.85 %" in German."""
    if value is None:
        return ""
    number = Decimal(str(value)) / 100
    return babel_format_percent(number, format="#,##0.##%", locale=_locale())


def format_date(value: date | datetime | None) -> str:
    """A date written out: "3 December 2026", "3. Dezember 2026", "2026年12月3日"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_uk(value).date()
    return babel_format_date(value, format="long", locale=_locale())


def format_month(value: date | datetime | None) -> str:
    """Month and year: "December 2026", "Dezember 2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_uk(value).date()
    return format_skeleton("yMMMM", value, locale=_locale())


def format_datetime(value: datetime | None) -> str:
    """A timestamp in UK time in the locale's long form."""
    if value is None:
        return ""
    return babel_format_datetime(to_uk(value), format="long", tzinfo=UK, locale=_locale())


# --- wiring --------------------------------------------------------------------------------------

babel = Babel()


def template_context() -> dict:
    """What layout.html needs: the active language and the switcher's links."""
    if not has_request_context():
        return {"current_language": DEFAULT, "languages": LANGUAGES}
    return {
        "current_language": current_language(),
        "languages": LANGUAGES,
        "language_url": url_in,
    }


def init_app(app: Flask) -> None:
    """Flask-Babel with our locale selector, the URL and cookie hooks, and the formatters."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT.locale)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/London")
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel caches the locale on `g`; each request chooses afresh.
    app.before_request(refresh)
    app.url_defaults(add_language_to_urls)
    app.after_request(remember_language)
    app.context_processor(template_context)
    for helper in (
        format_number,
        format_millions,
        format_money,
        format_percent,
        format_date,
        format_month,
        format_datetime,
    ):
        app.add_template_filter(helper)
        app.add_template_global(helper)
    # `values|map("translate")`: fixed English vocabularies (marked with N_) shown translated.
    app.add_template_filter(gettext, "translate")
