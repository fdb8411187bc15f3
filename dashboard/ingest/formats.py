"""The file formats a coordinator loads (docs/formats.md): each kind's columns, whether each is required, its HXL
hashtag, the other names it is known by in CCCM, DTM and OCHA files, example values for the templates, and the codes
for sex and age group."""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("camps", "clinics", "records")


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    hxl: str
    aliases: tuple[str, ...] = ()
    example: tuple[str, ...] = ()


_GOV = ("governorate_name", "gov", "adm1", "adm1_en", "adm1_name", "adm1_pcode", "province")
SPECS: dict[str, tuple[Column, ...]] = {
    "camps": (
        Column(
            "camp_code",
            True,
            "#loc+code",
            ("ssid", "cccm_ssid", "site_id", "site_code", "camp_id", "location_id"),
            ("IQ0106-0022", "IQ0106-0022", "IQ1505-0009"),
        ),
        Column(
            "camp_name",
            True,
            "#loc+name",
            ("site_name", "camp", "name", "location_name"),
            ("Example camp A", "Example camp A", "Example site B"),
        ),
        Column("governorate", True, "#adm1+code", _GOV, ("IQ-AN", "IQ-AN", "Dohuk")),
        Column(
            "district",
            False,
            "#adm2+name",
            ("adm2", "adm2_en", "adm2_name", "district_name"),
            ("Falluja", "Falluja", "Sumel"),
        ),
        Column("latitude", True, "#geo+lat", ("lat", "gps_latitude", "y"), ("33.3521", "33.3521", "36.8601")),
        Column(
            "longitude",
            True,
            "#geo+lon",
            ("lon", "long", "lng", "gps_longitude", "x"),
            ("43.7840", "43.7840", "42.8502"),
        ),
        Column(
            "population",
            True,
            "#population",
            ("individuals", "total_individuals", "number_of_individuals", "ind", "people"),
            ("12450", "11980", "2310"),
        ),
        Column(
            "population_date",
            True,
            "#date",
            ("date", "as_of", "as_of_date", "assessment_date", "reporting_date", "data_date"),
            ("2018-01-01", "2018-07-01", "2018-07-01"),
        ),
        Column(
            "site_type", False, "#loc+type", ("type", "camp_type", "location_type"), ("camp", "camp", "informal_site")
        ),
    ),
    "clinics": (
        Column(
            "clinic_code",
            True,
            "#service+unit+code",
            ("unit_code", "mmc_code", "team_code", "code"),
            ("MMC-AN-01", "AMB-DH-01"),
        ),
        Column(
            "clinic_name",
            True,
            "#service+unit+name",
            ("unit_name", "mmc_name", "team_name", "name"),
            ("Anbar mobile clinic 1", "Dohuk ambulance 1"),
        ),
        Column("unit_type", True, "#service+unit+type", ("type", "unit"), ("mmc", "ambulance")),
        Column(
            "partner",
            False,
            "#org+name",
            ("organisation", "organization", "org", "implementing_partner"),
            ("Example partner", "Directorate of Health"),
        ),
        Column("governorate", True, "#adm1+code", _GOV, ("IQ-AN", "IQ-DA")),
        Column("base_latitude", True, "#geo+lat+base", ("latitude", "lat", "base_lat"), ("33.4210", "36.8669")),
        Column(
            "base_longitude",
            True,
            "#geo+lon+base",
            ("longitude", "lon", "long", "lng", "base_lon"),
            ("43.3030", "42.9880"),
        ),
        Column("clinicians", False, "#capacity+clinicians+num", ("doctors", "number_of_clinicians"), ("2", "")),
        Column("active_from", False, "#date+start", ("start_date", "from"), ("2018-01-01", "2018-01-01")),
        Column("active_to", False, "#date+end", ("end_date", "to"), ("", "")),
    ),
    "records": (
        Column("date", True, "#date", ("visit_date", "day", "service_date"), ("2018-03-04", "2018-03-04")),
        Column(
            "clinic_code",
            True,
            "#service+unit+code",
            ("unit_code", "mmc_code", "team_code"),
            ("MMC-AN-01", "MMC-AN-01"),
        ),
        Column(
            "camp_code",
            True,
            "#loc+code",
            ("ssid", "cccm_ssid", "site_id", "site_code", "camp_id"),
            ("IQ0106-0022", "IQ0106-0022"),
        ),
        Column("syndrome", True, "#indicator+syndrome", ("condition", "diagnosis", "disease"), ("ari", "awd")),
        Column("sex", True, "#sex", ("gender",), ("female", "male")),
        Column("age_group", True, "#age", ("age", "age_category"), ("under5", "5plus")),
        Column("consultations", True, "#indicator+consultations+num", ("cases", "consults", "patients"), ("14", "6")),
        Column("referrals", True, "#indicator+referrals+num", ("referred",), ("1", "0")),
    ),
}
KEYS = {
    "camps": ("camp_code", "population_date"),
    "clinics": ("clinic_code",),
    "records": ("date", "clinic_code", "camp_code", "syndrome", "sex", "age_group"),
}
TEXT_LIMITS = {"camp_code": 32, "clinic_code": 32, "camp_name": 128, "clinic_name": 128, "district": 64, "partner": 128}
SEX_CODES = {"female": "female", "f": "female", "male": "male", "m": "male"}
AGE_CODES = {
    "under5": "under5",
    "u5": "under5",
    "<5": "under5",
    "0-4": "under5",
    "0-59m": "under5",
    "5plus": "5plus",
    "5+": "5plus",
    ">=5": "5plus",
    "over5": "5plus",
}


def header_key(text: object) -> str:
    """A column header folded for matching: lower case, runs of anything but letters and digits as one underscore."""
    return re.sub(r"[^a-z0-9]+", "_", str(text or "").strip().lower()).strip("_")


def template_columns(kind: str) -> list[tuple[str, str, str]]:
    """(key, header, HXL tag) for each column of a kind: the layout of templates and of data exports."""
    return [(c.name, c.name, c.hxl) for c in SPECS[kind]]


def template_rows(kind: str) -> list[dict]:
    """A kind's example rows; the records refer to the camps and units of the other templates."""
    columns = SPECS[kind]
    return [{c.name: c.example[i] for c in columns} for i in range(len(columns[0].example))]
