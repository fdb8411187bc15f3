"""Weekdays as a rota names them: a set of days is a 7-bit mask (bit 0 Monday ... bit 6 Sunday, Python's weekday()
numbering), read from what people write ("Sun, Wed", "Sunday and Wednesday", "الأحد والأربعاء", "یەکشەممە") through
the [weekdays] names of aliases.toml, and written back as English names that read in again."""

from __future__ import annotations

import re

from dashboard.domain import aliases

NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CODES = tuple(n.lower() for n in NAMES)
# between two days: a comma, semicolon, slash, plus, ampersand, a space, "and", the Arabic "و" joined to a name
_SPLIT = re.compile(r"\s*(?:[,;/+&،؛|]|\band\b|\s)\s*", re.IGNORECASE)


def lookup() -> dict[str, int]:
    """Folded name -> weekday number (0 Monday)."""
    return {folded: CODES.index(code) for folded, code in aliases.lookup("weekdays", CODES).items()}


def parse(text: str, known: dict[str, int] | None = None) -> tuple[int, list[str]]:
    """A cell's days as a mask, and the words in it that name no day (0 and the words when none does)."""
    known = lookup() if known is None else known
    mask, unknown = 0, []
    for word in (w for w in _SPLIT.split(str(text or "").strip()) if w):
        day = known.get(aliases.fold(word))
        if day is None and word.startswith("و") and len(word) > 2:  # "والأربعاء": and Wednesday
            day = known.get(aliases.fold(word[1:]))
        if day is None:
            unknown.append(word)
        else:
            mask |= 1 << day
    return mask, unknown


def days(mask: int) -> list[int]:
    """The weekday numbers (0 Monday) of a mask, in order."""
    return [d for d in range(7) if mask >> d & 1]


def weekday_names(mask: int) -> str:
    """A mask as English names, Sunday first as Iraq's week starts: "Sunday Wednesday"."""
    order = [6, 0, 1, 2, 3, 4, 5]
    return " ".join(NAMES[d] for d in order if mask >> d & 1)
