"""Translation: every user-facing string goes through `_`.

English is the only language so far; Arabic and Kurdish (Sorani), both right to left, are coming. A catalogue maps
the English text to its translation; a missing entry falls back to English.
"""

from __future__ import annotations

from contextvars import ContextVar

LANGUAGES = {"en": ("English", "ltr")}
CATALOGUES: dict[str, dict[str, str]] = {"en": {}}
_language: ContextVar[str] = ContextVar("language", default="en")


def language() -> str:
    """The current language's code (as `<html lang>` gives it)."""
    return _language.get()


def direction() -> str:
    """'ltr' or 'rtl' for the current language."""
    return LANGUAGES[_language.get()][1]


def _(text: str, **values) -> str:
    """The text in the current language, with {placeholders} filled from `values`."""
    translated = CATALOGUES.get(_language.get(), {}).get(text, text)
    return translated.format(**values) if values else translated


def ngettext(singular: str, plural: str, count: float, /, **values) -> str:
    """The text for a `count`, in the form the current language uses for it ("1 camp", "2 camps"), with
    {placeholders} filled from `values` ({n} among them when given). English has two forms; the catalogues of #20
    (Arabic has six) will choose by their own plural rule."""
    text = singular if count == 1 else plural
    translated = CATALOGUES.get(_language.get(), {}).get(text, text)
    return translated.format(**values) if values else translated


def _undefined(value) -> bool:
    """None, NaN or pandas' NA: a figure that is suppressed or undefined (a table column with a gap holds NaN)."""
    try:
        return value is None or bool(value != value)
    except TypeError:  # pandas' NA cannot be compared
        return True


def number(value: float | int | None) -> str:
    """A figure formatted for display: thousands separated; None, NaN or NA (suppressed or undefined) as a dash."""
    if value is None or _undefined(value):
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def percent(share: float | None) -> str:
    """A share as a whole percentage, halves rounded up (62.5% shows as 63%); None, NaN or NA as a dash."""
    if share is None or _undefined(share):
        return "–"
    return f"{int(share * 100 + 0.5)}%"
