"""Translation and local formats: every user-facing string goes through `_` or `ngettext`, every figure through
`number` or `percent`, every date through `date_text` or `month_text`.

The catalogues are gettext `.po` files (dashboard/translations/<code>/LC_MESSAGES/messages.po), read with Babel, so
translators can work in Poedit or Weblate; `pybabel extract` finds the strings (README, "Translations"). Plural forms
follow each language's rule (Arabic has six). A string missing from a catalogue falls back to English (a test fails
first). The language is chosen per request (server/language.py) and held in a context variable, so translation
happens when a page or an answer is rendered, never inside cached results.

Digits: Latin (0-9) by default, the common choice in Iraqi health reporting; DIGITS=arab writes Arabic and Kurdish
figures with Arabic-Indic digits (U+0660 to U+0669).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gettext
import io
import unicodedata
from collections.abc import Iterator
from contextvars import ContextVar, Token
from pathlib import Path

from babel import Locale
from babel.dates import format_date, get_day_names, get_month_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DEFAULT = "en"
# code: (its own name, direction, the locale of its dates and numbers: Iraq's month names)
LANGUAGES = {
    "en": ("English", "ltr", "en"),
    "ar": ("العربية", "rtl", "ar_IQ"),
    "ckb": ("کوردی", "rtl", "ckb_IQ"),
}
CATALOGUE_DIR = Path(__file__).resolve().parent / "translations"
DIGITS = ("latn", "arab")
_ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x0660 + d) for d in range(10)))
_language: ContextVar[str] = ContextVar("language", default=DEFAULT)


def N_(text: str) -> str:
    """Marks a string for the catalogues where it is written (a page's name, a table of names) and translated later,
    when rendered, with `_`."""
    return text


def language() -> str:
    """The current language's code (as `<html lang>` gives it)."""
    return _language.get()


def direction() -> str:
    """'ltr' or 'rtl' for the current language."""
    return LANGUAGES[_language.get()][1]


def rtl() -> bool:
    return direction() == "rtl"


def start() -> str:
    """The side a line starts on: "left", or "right" right to left (for a map's controls, a drawer's side)."""
    return "right" if rtl() else "left"


def end() -> str:
    """The side a line ends on: "right", or "left" right to left."""
    return "left" if rtl() else "right"


def known(code: str | None) -> str | None:
    """`code` if it names a language of the app ("AR", "ar-IQ" and "ckb_IQ" too), else None."""
    if not code:
        return None
    code = code.strip().lower().replace("_", "-")
    if code in LANGUAGES:
        return code
    base = code.split("-", 1)[0]
    return base if base in LANGUAGES else None


def set_language(code: str) -> Token:
    """Make `code` the current language of this request (or thread); an unknown code is English. The token puts the
    language before back (`reset_language`), so that a request's language does not outlive it."""
    return _language.set(known(code) or DEFAULT)


def reset_language(token: Token) -> None:
    _language.reset(token)


@contextlib.contextmanager
def use(code: str) -> Iterator[None]:
    """`with use("ar"): ...` renders in Arabic, then goes back to the language before."""
    token = set_language(code)
    try:
        yield
    finally:
        reset_language(token)


def catalogue_path(code: str) -> Path:
    return CATALOGUE_DIR / code / "LC_MESSAGES" / "messages.po"


@functools.cache
def translations(code: str) -> gettext.NullTranslations:
    """The language's catalogue, read from its .po file once per process (compiled in memory: no .mo to ship or to
    forget to compile). English is the source language: no catalogue."""
    path = catalogue_path(code)
    if code == DEFAULT or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalogue = read_po(po, locale=LANGUAGES[code][2])
    compiled = io.BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled)


_REORDERED = {"L", "ES", "ET"}  # Latin letters; the hyphens, pluses and signs that do not join numbers after Arabic


def isolate(value: str) -> str:
    """`value` kept in its own order inside a right-to-left sentence: an ISO date, a code with hyphens, a file name or a
    Latin name would be reordered by its Arabic neighbours (Unicode's bidi rules read '2018-02-30' after Arabic letters
    as numbers the hyphen does not join: '30-02-2018'). Wrapped in first-strong isolates (FSI ... PDI), as `<bdi>`
    does in HTML; Arabic-script words, plain numbers and dates in Arabic, which read right as they are, are left
    alone."""
    if not any(unicodedata.bidirectional(character) in _REORDERED for character in value):
        return value
    return f"\u2068{value}\u2069"


def _fill(text: str, values: dict) -> str:
    if not values:
        return text
    if rtl():  # the values (names, dates, codes, files) each keep their own order in the sentence
        values = {key: isolate(value) if isinstance(value, str) else value for key, value in values.items()}
    return text.format(**values)


def _(text: str, **values) -> str:
    """The text in the current language, with {placeholders} filled from `values`."""
    return _fill(translations(_language.get()).gettext(text), values)


def ngettext(singular: str, plural: str, count: float, /, **values) -> str:
    """The text for a `count`, in the form the current language uses for it ("1 camp", "2 camps"; Arabic has six
    forms), with {placeholders} filled from `values` ({n} among them when given)."""
    # a figure not shown, or a fraction ("1.5 days"), takes the general form: "other" in each language, as for 100
    n = int(count) if count is not None and not _undefined(count) and float(count).is_integer() else 100
    return _fill(translations(_language.get()).ngettext(singular, plural, n), values)


def pgettext(context: str, text: str, **values) -> str:
    """`_` for a word that needs a context to be translated (the same English word, two meanings)."""
    return _fill(translations(_language.get()).pgettext(context, text), values)


def _undefined(value) -> bool:
    """None, NaN or pandas' NA: a figure that is suppressed or undefined (a table column with a gap holds NaN)."""
    try:
        return value is None or bool(value != value)
    except TypeError:  # pandas' NA cannot be compared
        return True


_digits = "latn"


def configure(digits: str = "latn") -> None:
    """The DIGITS setting (config.Settings): 'latn' (0-9, the default) or 'arab' (Arabic-Indic digits in Arabic and
    Kurdish)."""
    global _digits
    if digits not in DIGITS:
        raise ValueError(f"Setting DIGITS must be one of {', '.join(DIGITS)}, not {digits!r}")
    _digits = digits


def digits_setting() -> str:
    return _digits


@functools.cache
def _symbols(code: str, digits: str) -> tuple[dict[int, str] | None, str]:
    """The character map from Python's "1,234.5" to the language's figures, and its percent sign."""
    if code == DEFAULT:
        return None, "%"
    symbols = Locale.parse(LANGUAGES[code][2]).number_symbols[digits]
    mapping = {ord(","): symbols["group"], ord("."): symbols["decimal"]}
    if digits == "arab":
        mapping.update(_ARABIC_INDIC)
    # CLDR's percent sign is wrapped in direction marks, which part it from its number in a right-to-left line
    # ("%89"): the plain sign (or the Arabic one with Arabic-Indic digits) stays with its number ("89%").
    return mapping, "%" if digits == "latn" else "\u066a"


def localise_digits(text: str) -> str:
    """`text` with its figures written the current language's way (separators, and digits when DIGITS=arab)."""
    mapping, _sign = _symbols(_language.get(), digits_setting())
    return text.translate(mapping) if mapping else text


def number(value: float | int | None) -> str:
    """A figure formatted for display: thousands separated; None, NaN or NA (suppressed or undefined) as a dash."""
    if value is None or _undefined(value):
        return "–"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return localise_digits(text)


def decimal(value: float | None, places: int = 1) -> str:
    """A figure with `places` decimals ("1.25"), separators and digits the language's way; a dash when undefined."""
    if value is None or _undefined(value):
        return "–"
    return localise_digits(f"{value:,.{places}f}")


def percent(share: float | None) -> str:
    """A share as a whole percentage, halves rounded up (62.5% shows as 63%); None, NaN or NA as a dash."""
    if share is None or _undefined(share):
        return "–"
    mapping, sign = _symbols(_language.get(), digits_setting())
    whole = str(int(share * 100 + 0.5))
    return (whole.translate(mapping) if mapping else whole) + sign


def date_text(day: dt.date | None, form: str = "dd MMM y") -> str:
    """A day in the language's words ("05 Mar 2026", "05 آذار 2026"), from CLDR (Babel) with Iraq's month names; None,
    NaT or NA (no such day) as a dash, as `number` writes a missing figure."""
    if day is None or _undefined(day):
        return "–"
    return localise_digits(format_date(day, form, locale=LANGUAGES[_language.get()][2]))


def month_text(day: dt.date | None, form: str = "MMM y") -> str:
    """A month in the language's words ("Mar 2026", "آذار 2026")."""
    return date_text(day, form)


def calendar() -> dict[str, list[str]]:
    """The current language's month and weekday names, wide and short (Sunday first, as d3 and plotly want them)."""
    locale = LANGUAGES[_language.get()][2]
    order = [6, 0, 1, 2, 3, 4, 5]  # (Babel numbers the days from Monday)
    return {
        "months": [get_month_names("wide", locale=locale)[m] for m in range(1, 13)],
        "shortMonths": [get_month_names("abbreviated", locale=locale)[m] for m in range(1, 13)],
        "days": [get_day_names("wide", locale=locale)[d] for d in order],
        "shortDays": [get_day_names("abbreviated", locale=locale)[d] for d in order],
    }


def own_names() -> list[tuple[str, str]]:
    """(code, the language's own name) for the language switch."""
    return [(code, name) for code, (name, _dir, _locale) in LANGUAGES.items()]
