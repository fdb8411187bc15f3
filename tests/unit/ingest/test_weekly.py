"""Weekly surveillance sheets (ingest/weekly.py): the wide layout EWARN-style reporting uses and the long one, read
with local labels, kept on each week's first day so that weekly figures are exact, and refused with the sheet's own
rows and columns when a cell is wrong."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.config import ROOT
from dashboard.data import loading, queries
from dashboard.domain.filters import Filters
from dashboard.ingest import formats, pipeline, weekly
from tests.helpers import run_import as run

CAMPS = (
    "camp_code,camp_name,governorate,latitude,longitude,population,population_date\n"
    "K1,Khanke,Dohuk,36.97,42.73,16500,2016-06-01\n"
    "B1,Baharka,Erbil,36.27,43.97,4310,2016-06-01\n"
)
UNITS = (
    "clinic_code,clinic_name,unit_type,governorate,base_latitude,base_longitude,clinicians\n"
    "M1,Team Dohuk,mmc,Dohuk,36.90,42.80,2\n"
    "M2,Team Erbil,mmc,Erbil,36.20,44.00,3\n"
)
SHEET = (
    "Site,Team,Year,Epi week,AD,ARI,Skin diseases,ARI <5 F,Measles,Total,Remarks\n"
    "K1,M1,2017,5,12,300,4,3,0,319,\n"
    "K1,M1,2017,6,,250,0,2,1,253,late report\n"
    "B1,M2,2017,5,1,12,0,0,0,13,\n"
)


@pytest.fixture
def places(engine):
    for kind, content in (("camps", CAMPS), ("clinics", UNITS)):
        assert run(engine, kind, content).loaded
    return engine


def _stored(engine) -> list[tuple]:
    return sorted(
        (r["date"], r["camp_code"], r["syndrome"], r["sex"], r["age_group"], r["consultations"])
        for r in loading.export_rows(engine, "records")
    )


def test_a_wide_ewarn_sheet_loads_each_week_on_its_last_day(places):
    outcome = run(places, "weekly", SHEET, "ewarn-week5-6.csv")
    assert outcome.loaded, outcome.errors
    assert outcome.warning_count == 0  # 319 in a week is no day's total: the per-day check does not fire
    assert _stored(places) == sorted(
        [
            ("2017-02-05", "B1", "ari", "unknown", "unknown", 12),
            ("2017-02-05", "B1", "ari", "female", "under5", 0),
            ("2017-02-05", "B1", "awd", "unknown", "unknown", 1),
            ("2017-02-05", "B1", "other", "unknown", "unknown", 0),
            ("2017-02-05", "B1", "suspected_measles", "unknown", "unknown", 0),
            ("2017-02-05", "K1", "ari", "unknown", "unknown", 300),
            ("2017-02-05", "K1", "ari", "female", "under5", 3),
            ("2017-02-05", "K1", "awd", "unknown", "unknown", 12),
            ("2017-02-05", "K1", "other", "unknown", "unknown", 4),
            ("2017-02-05", "K1", "suspected_measles", "unknown", "unknown", 0),
            ("2017-02-12", "K1", "ari", "unknown", "unknown", 250),
            ("2017-02-12", "K1", "ari", "female", "under5", 2),
            ("2017-02-12", "K1", "other", "unknown", "unknown", 0),
            ("2017-02-12", "K1", "suspected_measles", "unknown", "unknown", 1),
        ]
    )
    assert outcome.notes[:2] == [
        "Read as a wide weekly sheet, one column per syndrome: 'AD' as awd, 'ARI' as ari, 'Skin diseases' as other, "
        "'ARI <5 F' as ari female under5, 'Measles' as suspected_measles.",
        "Columns not used: Total, Remarks.",
    ]
    week5 = queries.period_totals(places, Filters(dt.date(2017, 1, 30), dt.date(2017, 2, 5)))
    assert week5["consultations"] == 319 + 13  # each week exact: the sheet's totals
    history = loading.history(places)[0]
    assert (history["kind"], history["status"], history["rows_added"]) == ("weekly", "loaded", 14)


def test_a_sheet_s_errors_name_its_own_rows_and_columns(places):
    sheet = (
        "Site,Team,Year,Epi week,AD,ARI\nK1,M1,2017,5,x,3\nKX,M1,2017,6,1.5,3\nK1,M1,2017,54,3,4\nKX,M1,2017,7,2,2\n"
    )
    outcome = run(places, "weekly", sheet)
    assert not outcome.loaded
    assert [(e["rows"], e["column"], e["message"]) for e in outcome.errors] == [
        ([2], "AD", "'x' is not a count: write a whole number of cases, 0 or more, or leave it empty"),
        ([3], "AD", "'1.5' is not a count: write a whole number of cases, 0 or more, or leave it empty"),
        ([3, 5], "camp_code", "unknown camp code 'KX': load it in a camps file first, or correct the code"),
        ([4], "week", "'54' is not a week of 2017: use 1 to 52"),
    ]


def test_a_long_file_with_week_starts_labels_sex_and_age_loads(places):
    content = (
        "Site,Unit,Week beginning,Disease,Gender,Age,Cases,Referred\n"
        "K1,M1,2017-01-30,AWD,F,<5,4,1\n"
        "K1,M1,2017-01-30,Acute respiratory infection,M,5+,7,0\n"
        "B1,M2,2017-02-06,HTN,,,2,0\n"
    )
    outcome = run(places, "weekly", content)
    assert outcome.loaded, outcome.errors
    assert _stored(places) == [
        ("2017-02-05", "K1", "ari", "male", "5plus", 7),
        ("2017-02-05", "K1", "awd", "female", "under5", 4),
        ("2017-02-12", "B1", "hypertension", "unknown", "unknown", 2),
    ]


def test_week_starts_on_another_day_than_the_dashboard_s_are_said(places):
    content = "Site,Unit,week_start,syndrome,cases\nK1,M1,2017-01-28,ari,4\nK1,M1,2017-02-04,ari,5\n"
    outcome = run(places, "weekly", content)
    assert outcome.loaded
    assert (
        "The sheet's weeks start on Saturday, the dashboard's on Monday: set WEEK_START=saturday so that each "
        "week's counts stay in one of its weeks." in outcome.notes
    )


def test_a_week_that_has_not_ended_is_refused_until_it_has(places):
    content = "Site,Team,Year,Week,ARI\nK1,M1,2017,8,3\nK1,M1,2017,9,4\n"  # run() loads as on 2017-03-01
    outcome = run(places, "weekly", content)
    assert [(e["rows"], e["column"], e["message"]) for e in outcome.errors] == [
        ([3], "week", "the week ending 2017-03-05 has not ended yet: load it once it has")
    ]


def test_two_columns_that_hold_the_same_syndrome_are_refused(places):
    outcome = run(places, "weekly", "Site,Team,Year,Week,AD,AWD\nK1,M1,2017,5,3,4\n")
    assert not outcome.loaded
    assert outcome.errors[0]["message"].startswith("the columns 'AD', 'AWD' all hold awd: keep one")


def test_a_sheet_without_its_columns_says_which(places):
    outcome = run(places, "weekly", "Site,Remarks\nK1,fine\n")
    assert outcome.errors[0]["message"] == (
        "a weekly sheet needs clinic_code, year and week (or week_start), a syndrome column (a syndrome code or "
        "label such as ARI or AD) or syndrome and cases; this sheet has Site, Remarks"
    )


@pytest.mark.parametrize(
    ("year", "week", "first_day", "monday"),
    [
        (2017, 1, 0, dt.date(2017, 1, 2)),  # ISO 8601: the week of 4 January
        (2015, 53, 0, dt.date(2015, 12, 28)),
        (2017, 1, 6, dt.date(2017, 1, 1)),  # weeks from Sunday (CDC and WHO epi weeks)
        (2021, 1, 5, dt.date(2021, 1, 2)),  # from Saturday
    ],
)
def test_epidemiological_weeks_start_where_their_convention_says(year, week, first_day, monday):
    assert weekly.first_day_of_week(year, week, first_day) == monday


@pytest.mark.parametrize(
    ("header", "held"),
    [
        ("ARI", ("ari", None, None)),
        ("AD <5 F", ("awd", "female", "under5")),
        ("awd_male_5+", ("awd", "male", "5plus")),
        ("Acute watery diarrhoea (under 5)", ("awd", None, "under5")),
        ("Skin diseases", ("other", None, None)),
        ("Total", None),
        ("Remarks", None),
        ("F", None),
    ],
)
def test_a_column_header_names_its_syndrome_sex_and_age_group(header, held):
    assert weekly.syndrome_column(header) == held


def test_the_weekly_template_ships_and_loads_after_the_other_templates(engine):
    templates = ROOT / "data" / "templates"
    for kind in formats.KINDS[:2]:
        assert pipeline.run(engine, kind, (templates / f"{kind}.csv").read_bytes(), f"{kind}.csv", user="t").loaded
    shipped = (templates / "weekly.csv").read_text(encoding="utf-8")
    from dashboard.services import exports

    assert shipped == exports.to_csv(weekly.template_rows(), weekly.template_columns())
    outcome = pipeline.run(engine, "weekly", (templates / "weekly.xlsx").read_bytes(), "weekly.xlsx", user="t")
    assert outcome.loaded, outcome.errors
    assert outcome.added == 2 * 14
