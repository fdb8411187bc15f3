"""The file formats a coordinator loads (docs/formats.md): each kind's columns, whether each is required, its HXL
hashtag and example values for the templates. The other names a column or a coded value is known by in CCCM, DTM,
OCHA, HDX and EWARN files are data, in dashboard/domain/aliases.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dashboard.domain import aliases
from dashboard.domain.messages import Message
from dashboard.domain.reference import AGE_GROUPS, SEXES, SITE_TYPES, SYNDROMES, UNIT_TYPES

KINDS = ("camps", "clinics", "records", "rota")
# What each kind of file holds, in words (the data page's choice, and the file checks' sentences, in every language)
KIND_NAMES = {
    "camps": Message("camps and sites"),
    "clinics": Message("units (MMCs and ambulances)"),
    "records": Message("service records"),
    "weekly": Message("weekly sheets"),
    "rota": Message("visit plan (rota)"),
    "boundaries": Message("boundaries"),
}


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    hxl: str
    example: tuple[str, ...] = ()


SPECS: dict[str, tuple[Column, ...]] = {
    "camps": (
        Column("camp_code", True, "#loc+code", ("IQ0106-0022", "IQ0106-0022", "IQ1505-0009")),
        Column("camp_name", True, "#loc+name", ("Example camp A", "Example camp A", "Example site B")),
        Column("camp_name_ar", False, "#loc+name+i_ar", ("مخيم المثال أ", "مخيم المثال أ", "")),
        Column("camp_name_ku", False, "#loc+name+i_ku", ("کەمپی نموونە ئا", "کەمپی نموونە ئا", "")),
        Column("governorate", True, "#adm1+code", ("IQ-AN", "IQ-AN", "Dohuk")),
        Column("district", False, "#adm2+name", ("Falluja", "Falluja", "Sumel")),
        Column("latitude", True, "#geo+lat", ("33.3521", "33.3521", "36.8601")),
        Column("longitude", True, "#geo+lon", ("43.7840", "43.7840", "42.8502")),
        Column("population", True, "#population", ("12450", "11980", "2310")),
        Column("population_date", True, "#date", ("2018-01-01", "2018-07-01", "2018-07-01")),
        Column("site_type", False, "#loc+type", ("camp", "camp", "informal_site")),
    ),
    "clinics": (
        Column("clinic_code", True, "#service+unit+code", ("MMC-AN-01", "AMB-DH-01")),
        Column("clinic_name", True, "#service+unit+name", ("Anbar mobile clinic 1", "Dohuk ambulance 1")),
        Column("unit_type", True, "#service+unit+type", ("mmc", "ambulance")),
        Column("partner", False, "#org+name", ("Example partner", "Directorate of Health")),
        Column("governorate", True, "#adm1+code", ("IQ-AN", "IQ-DA")),
        Column("base_latitude", True, "#geo+lat+base", ("33.4210", "36.8669")),
        Column("base_longitude", True, "#geo+lon+base", ("43.3030", "42.9880")),
        Column("clinicians", False, "#capacity+clinicians+num", ("2", "")),
        Column("active_from", False, "#date+start", ("2018-01-01", "2018-01-01")),
        Column("active_to", False, "#date+end", ("", "")),
    ),
    "records": (
        Column("date", True, "#date", ("2018-03-04", "2018-03-04")),
        Column("clinic_code", True, "#service+unit+code", ("MMC-AN-01", "MMC-AN-01")),
        Column("camp_code", True, "#loc+code", ("IQ0106-0022", "IQ0106-0022")),
        Column("syndrome", True, "#indicator+syndrome", ("ari", "awd")),
        Column("sex", True, "#sex", ("female", "male")),
        Column("age_group", True, "#age", ("under5", "5plus")),
        Column("consultations", True, "#indicator+consultations+num", ("14", "6")),
        Column("referrals", True, "#indicator+referrals+num", ("1", "0")),
        Column("reported_on", False, "#date+reported", ("2018-03-06", "2018-03-06")),
    ),
    # a weekday pattern from valid_from (to valid_to, or open), or one dated visit (date); see docs/formats.md
    "rota": (
        Column("clinic_code", True, "#service+unit+code", ("MMC-AN-01", "MMC-AN-01")),
        Column("camp_code", True, "#loc+code", ("IQ0106-0022", "IQ0106-0022")),
        Column("weekdays", False, "#date+weekdays", ("Sunday Wednesday", "")),
        Column("valid_from", False, "#date+start", ("2018-01-01", "")),
        Column("valid_to", False, "#date+end", ("2018-06-30", "")),
        Column("date", False, "#date", ("", "2018-03-08")),
    ),
}
KEYS = {
    "camps": ("camp_code", "population_date"),
    "clinics": ("clinic_code",),
    "records": ("date", "clinic_code", "camp_code", "syndrome", "sex", "age_group"),
    "rota": ("clinic_code", "camp_code", "valid_from"),
}
TEXT_LIMITS = {
    "camp_code": 32,
    "clinic_code": 32,
    "camp_name": 128,
    "camp_name_ar": 128,
    "camp_name_ku": 128,
    "clinic_name": 128,
    "district": 64,
    "partner": 128,
}


def column_aliases(kind: str, name: str) -> list[str]:
    """The other header names a kind's column is known by (aliases.toml [columns.<kind>]), in the order tried."""
    return [header_key(a) for a in aliases.table().get("columns", {}).get(kind, {}).get(name, [])]


def column_hxl(kind: str, name: str) -> list[str]:
    """The HXL hashtags a kind's column is known by: its own, then those of aliases.toml [hxl.<kind>]."""
    own = [c.hxl for c in SPECS.get(kind, ()) if c.name == name]
    return own + [t for t in aliases.table().get("hxl", {}).get(kind, {}).get(name, []) if t not in own]


def code_lookup(section: str) -> dict[str, str]:
    """Folded value -> code for a coded column: syndromes, sexes, age_groups, unit_types or site_types."""
    codes = {
        "syndromes": SYNDROMES,
        "sexes": SEXES,
        "age_groups": AGE_GROUPS,
        "unit_types": UNIT_TYPES,
        "site_types": SITE_TYPES,
    }[section]
    return aliases.lookup(section, codes, keep_symbols=section == "age_groups")


def fold_value(section: str, value: str) -> str:
    """A cell's value folded as code_lookup(section)'s keys are."""
    return aliases.fold_symbols(value) if section == "age_groups" else aliases.fold(value)


def header_key(text: object) -> str:
    """A column header folded for matching: lower case, Arabic and Kurdish letter variants made one, runs of anything
    but letters and digits as one underscore ("# Individuals" is individuals, "ADM1_PCODE" adm1_pcode)."""
    return re.sub(r"[\W_]+", "_", aliases.letters(str(text or "").strip())).strip("_")


def template_columns(kind: str) -> list[tuple[str, str, str]]:
    """(key, header, HXL tag) for each column of a kind: the layout of templates and of data exports."""
    return [(c.name, c.name, c.hxl) for c in SPECS[kind]]


def template_rows(kind: str) -> list[dict]:
    """A kind's example rows; the records refer to the camps and units of the other templates."""
    columns = SPECS[kind]
    return [{c.name: c.example[i] for c in columns} for i in range(len(columns[0].example))]
