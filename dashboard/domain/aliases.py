"""The other names people write for the product's codes and columns, read from aliases.toml (the one place they are
kept) and from a deployment's own file of the same layout (ALIASES_FILE), and the folding every name is matched
after: case, accents, spaces and punctuation ignored, Arabic and Kurdish letter variants made one."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

SHIPPED = Path(__file__).with_name("aliases.toml")

# Arabic and Kurdish letters written several ways, each made one: hamza forms of alef, alef maqsura, ta marbuta,
# Persian and Kurdish kaf, ya and ha, waw with hamza, and the Kurdish letters with a mark above or below.
_LETTERS = str.maketrans(
    {
        "\u0623": "\u0627",  # arabic letter alef with hamza above -> arabic letter alef
        "\u0625": "\u0627",  # arabic letter alef with hamza below -> arabic letter alef
        "\u0622": "\u0627",  # arabic letter alef with madda above -> arabic letter alef
        "\u0671": "\u0627",  # arabic letter alef wasla -> arabic letter alef
        "\u0649": "\u064a",  # arabic letter alef maksura -> arabic letter yeh
        "\u06cc": "\u064a",  # arabic letter farsi yeh -> arabic letter yeh
        "\u06ce": "\u064a",  # arabic letter yeh with small v -> arabic letter yeh
        "\u0626": "\u064a",  # arabic letter yeh with hamza above -> arabic letter yeh
        "\u0629": "\u0647",  # arabic letter teh marbuta -> arabic letter heh
        "\u06d5": "\u0647",  # arabic letter ae -> arabic letter heh
        "\u06be": "\u0647",  # arabic letter heh doachashmee -> arabic letter heh
        "\u06a9": "\u0643",  # arabic letter keheh -> arabic letter kaf
        "\u0624": "\u0648",  # arabic letter waw with hamza above -> arabic letter waw
        "\u06c6": "\u0648",  # arabic letter oe -> arabic letter waw
        "\u06b5": "\u0644",  # arabic letter lam with small v -> arabic letter lam
        "\u0695": "\u0631",  # arabic letter reh with small v below -> arabic letter reh
        "\u0640": None,  # tatweel
    }
)
_WORDS = re.compile(r"\b(governorate|province|muhafazat?|mohafazat?|region)\b|محافظه|محافظة|پاريزگاي|پارێزگای|پاریزگای")


def fold(text: object) -> str:
    """A name as it is matched: no case, accents, vowel marks, spaces or punctuation; Arabic and Kurdish letter
    variants made one; the words "governorate" and "province" (and their Arabic and Kurdish forms) and a leading
    article (al-, as-, ..., ال) left out."""
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    text = _WORDS.sub(" ", text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.translate(_LETTERS)
    text = re.sub(r"[\W_]+", "", text)
    text = re.sub(r"^(al|as|an|at|ad|el)(?=[a-z]{4})", "", text)
    return re.sub(r"^ال(?=\w{3})", "", text)


def letters(text: object) -> str:
    """Text in lower case with Arabic and Kurdish letter variants made one (nothing else changed)."""
    return unicodedata.normalize("NFKC", str(text or "")).lower().translate(_LETTERS)


def fold_symbols(text: object) -> str:
    """A coded value as it is matched where symbols carry meaning (age groups: <5, 5+): no case, spaces or
    underscores; Arabic and Kurdish letter variants made one."""
    return re.sub(r"[\s_]+", "", letters(text))


def _merge(base: dict, extra: dict) -> dict:
    """`extra`'s names added to `base`'s, table by table (a list grows; nothing is replaced)."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        elif isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = out[key] + [v for v in value if v not in out[key]]
        else:
            out.setdefault(key, value)
    return out


class AliasFileError(ValueError):
    """A deployment's aliases file that cannot be read, with a message naming the file and what is wrong."""


_extra: list[Path] = []


def configure(path: str | None) -> None:
    """Add a deployment's own aliases file (the ALIASES_FILE setting) to the shipped names; None for none."""
    _extra[:] = [Path(path)] if path else []
    table.cache_clear()
    table()  # read now: a bad file is reported when the app or the command starts, not at the first import


@lru_cache(maxsize=1)
def table() -> dict:
    """Every alias table: the shipped file's, with a deployment's own added."""
    with SHIPPED.open("rb") as handle:
        found = tomllib.load(handle)
    for path in _extra:
        try:
            with path.open("rb") as handle:
                found = _merge(found, tomllib.load(handle))
        except OSError as exc:
            raise AliasFileError(f"ALIASES_FILE {path}: cannot be read ({exc.strerror})") from None
        except tomllib.TOMLDecodeError as exc:
            message = f"ALIASES_FILE {path}: not a TOML file like dashboard/domain/aliases.toml ({exc})"
            raise AliasFileError(message) from None
    return found


def names(section: str) -> dict[str, list[str]]:
    """One table of names: code (or column) -> the names it is also written as."""
    return {k: list(v) for k, v in table().get(section, {}).items()}


def lookup(section: str, codes: tuple[str, ...] = (), keep_symbols: bool = False) -> dict[str, str]:
    """Folded name -> code for one table of coded values, each code matching itself too; `keep_symbols` folds with
    fold_symbols (for values such as <5 and 5+)."""
    folding = fold_symbols if keep_symbols else fold
    found = {folding(code): code for code in codes}
    for code, written in names(section).items():
        for name in written:
            found.setdefault(folding(name), code)
    return found
