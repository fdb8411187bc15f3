"""Loading the programme's own files: every check, all-or-nothing, replace by key, history, round trip, templates."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from dashboard.config import ROOT
from dashboard.data import loading, queries
from dashboard.domain.filters import Filters
from dashboard.domain.policy import Audience
from dashboard.ingest import boundaries, formats, pipeline
from dashboard.services import exports, figures
from tests.helpers import export_text, load_tiny_as_files, settings_for, tiny_demo_engine
from tests.helpers import run_import as run

TODAY = dt.date(2017, 3, 1)
TEMPLATES = ROOT / "data" / "templates"
RECORD_HEADER = "date,clinic_code,camp_code,syndrome,sex,age_group,consultations,referrals"
ROTA_HEADER = "clinic_code,camp_code,weekdays,valid_from,valid_to,date"
CAMP_HEADER = "camp_code,camp_name,governorate,latitude,longitude,population,population_date"


def snapshot(engine) -> dict[str, list]:
    """Every programme table's rows, in order: what 'the database is exactly as it was' compares."""
    tables = {
        "camps": "code, name, governorate, district, latitude, longitude, site_type, batch_id",
        "camp_populations": "camp_id, population_date, population",
        "clinics": "code, name, unit_type, partner, governorate, base_latitude, base_longitude, clinicians, batch_id",
        "service_records": "date, clinic_id, camp_id, syndrome, sex, age_group, consultations, referrals, batch_id",
        "boundary_sets": "id, batch_id",
        "visit_totals": "date, clinic_id, camp_id, consultations, referrals, records",
        "syndrome_totals": "date, governorate, syndrome, sex, age_group, consultations, referrals",
    }
    with engine.connect() as conn:
        return {
            t: [tuple(r) for r in conn.execute(text(f"SELECT {c} FROM {t} ORDER BY {c}"))] for t, c in tables.items()
        }


def messages(outcome) -> list[tuple]:
    return [(p["row"], p["column"], p["message"]) for p in outcome.errors]


# -- each error, named by row and column, and nothing written ---------------------------------------------------------

GOOD_RECORD = "2017-02-10,M1,A,ari,female,under5,4,1"
CASES = [
    (
        "records",
        "date,clinic_code,camp_code,syndrome,sex,age_group,consultations\n2017-02-10,M1,A,ari,female,under5,4",
        None,
        "referrals",
        "missing required column 'referrals'",
    ),
    (
        "records",
        f"{RECORD_HEADER}\n{GOOD_RECORD}\n2017-02-10,ZZ,A,ari,female,under5,4,1",
        3,
        "clinic_code",
        "unknown unit code 'ZZ'",
    ),
    ("records", f"{RECORD_HEADER}\n2017-02-10,M1,Q9,ari,female,under5,4,1", 2, "camp_code", "unknown camp code 'Q9'"),
    ("records", f"{RECORD_HEADER}\n2017-02-30,M1,A,ari,female,under5,4,1", 2, "date", "'2017-02-30' is not a date"),
    (
        "records",
        f"{RECORD_HEADER}\n10/02/2017,M1,A,ari,female,under5,4,1",
        2,
        "date",
        "dates such as 10/02/2017 could be day/month or month/day: write them as YYYY-MM-DD (is 10/02/2017 10 "
        "February 2017 or 02 October 2017?)",
    ),
    ("records", f"{RECORD_HEADER}\n2017-03-02,M1,A,ari,female,under5,4,1", 2, "date", "2017-03-02 is in the future"),
    ("records", f"{RECORD_HEADER}\n2017-02-10,M1,A,ari,female,under5,-1,0", 2, "consultations", "-1 is below 0"),
    (
        "records",
        f"{RECORD_HEADER}\n2017-02-10,M1,A,ari,female,under5,2.5,0",
        2,
        "consultations",
        "2.5 is not a whole number",
    ),
    (
        "records",
        f"{RECORD_HEADER}\n2017-02-10,M1,A,ari,female,under5,2,3",
        2,
        "referrals",
        "3 referrals is more than 2 consultations",
    ),
    ("records", f"{RECORD_HEADER}\n{GOOD_RECORD}\n{GOOD_RECORD}", 3, "date", "the same date + clinic_code + camp_code"),
    (
        "records",
        f"{RECORD_HEADER}\n2017-02-10,M1,A,cholera,female,under5,4,1",
        2,
        "syndrome",
        "unknown value 'cholera'",
    ),
    ("records", f"{RECORD_HEADER}\n2017-02-10,M1,A,ari,other,under5,4,1", 2, "sex", "unknown value 'other'"),
    ("records", f"{RECORD_HEADER}\n2017-02-10,M1,A,ari,female,adult,4,1", 2, "age_group", "unknown value 'adult'"),
    (
        "camps",
        f"{CAMP_HEADER}\nX1,Camp X,Narnia,33.3,43.7,10,2017-01-01",
        2,
        "governorate",
        "unknown governorate 'Narnia'",
    ),
    ("camps", f"{CAMP_HEADER}\nX1,Camp X,Anbar,48.85,2.35,10,2017-01-01", 2, "latitude", "48.85 is outside Iraq"),
    ("camps", f"{CAMP_HEADER}\nX1,Camp X,Anbar,33.3,2.35,10,2017-01-01", 2, "longitude", "2.35 is outside Iraq"),
    (  # (the same day, written with a spreadsheet's midnight: one key, not a database's refusal)
        "camps",
        f"{CAMP_HEADER}\nX1,Camp X,Anbar,33.3,43.7,10,2017-01-01\nX1,Camp X,Anbar,33.3,43.7,12,2017-01-01 00:00:00",
        3,
        "camp_code",
        "the same camp_code + population_date as row 2",
    ),
    (  # (F is female, as aliases.toml reads it)
        "records",
        f"{RECORD_HEADER}\n{GOOD_RECORD}\n2017-02-10,M1,A,ari,F,under5,7,0",
        3,
        "date",
        "the same date + clinic_code + camp_code + syndrome + sex + age_group as row 2",
    ),
    (
        "clinics",
        "clinic_code,clinic_name,unit_type,governorate,base_latitude,base_longitude,clinicians\n"
        "M9,Team,mmc,IQ-AN,33.4,43.3,0",
        2,
        "clinicians",
        "an MMC needs at least 1 clinician",
    ),
    (
        "records",
        f"{RECORD_HEADER},reported_on\n2017-02-10,M1,A,ari,female,under5,4,1,2017-02-09",
        2,
        "reported_on",
        "reported_on is before the visit's date",
    ),
    (
        "records",
        f"{RECORD_HEADER},reported_on\n2017-02-10,M1,A,ari,female,under5,4,1,2017-03-09",
        2,
        "reported_on",
        "2017-03-09 is in the future",
    ),
    (
        "rota",
        f"{ROTA_HEADER}\nM1,A,Sun Wed,2017-02-01,,\nZZ,A,Sun,2017-02-01,,",
        3,
        "clinic_code",
        "unknown unit code 'ZZ'",
    ),
    (
        "rota",
        f"{ROTA_HEADER}\nM1,A,Sun Funday,2017-02-01,,",
        2,
        "weekdays",
        "'Funday' in 'Sun Funday' is not a weekday",
    ),
    ("rota", f"{ROTA_HEADER}\nM1,A,,,,", 2, "weekdays", "give weekdays and valid_from (a visit pattern), or a date"),
    ("rota", f"{ROTA_HEADER}\nM1,A,Sun,2017-02-01,,2017-02-05", 2, "date", "either a pattern"),
    ("rota", f"{ROTA_HEADER}\nM1,A,Sun,,,", 2, "valid_from", "the first day the pattern applies"),
    ("rota", f"{ROTA_HEADER}\nM1,A,Sun,2017-02-01,2017-01-01,", 2, "valid_to", "valid_to is before valid_from"),
    ("rota", f"{ROTA_HEADER}\nM1,A,Sun,01/02/2017,,", 2, "valid_from", "write them as YYYY-MM-DD"),
    (
        "rota",
        f"{ROTA_HEADER}\nM1,A,Sun,2017-02-01,,\nM1,A,Mon,2017-02-01,,",
        3,
        "valid_from",
        "the same clinic_code + camp_code + valid_from as row 2",
    ),
]


@pytest.mark.parametrize(("kind", "content", "row", "column", "message"), CASES)
def test_each_error_names_row_and_column_and_writes_nothing(real, kind, content, row, column, message):
    before = snapshot(real)
    outcome = run(real, kind, content)
    assert not outcome.loaded
    assert outcome.error_count >= 1
    assert any(r == row and c == column and message in m for r, c, m in messages(outcome)), messages(outcome)
    assert snapshot(real) == before


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "records.csv", "The file is empty."),
        (b"\n\n", "records.csv", "The file is empty."),
        (
            f"{RECORD_HEADER}\n2017-02-10,M1,A,ari,féminin,under5,4,1\n".encode("latin-1"),
            "records.csv",
            "Row 2 is not UTF-8 text",
        ),
        (b"PK\x03\x04 not really a workbook", "records.xlsx", "Cannot read the file as an Excel workbook"),
        (b"whatever", "records.xls", "Old Excel files (.xls) are not read"),
        (f"{RECORD_HEADER}\n".encode(), "records.csv", "no data rows"),
        (f"{RECORD_HEADER}\n{GOOD_RECORD},extra\n".encode(), "records.csv", "Row 2 has 9 cells where the header has 8"),
    ],
)
def test_unreadable_files_get_one_plain_message(real, data, filename, message):
    before = snapshot(real)
    outcome = run(real, "records", data, filename)
    assert outcome.error_count == 1
    assert message in outcome.errors[0]["message"]
    assert snapshot(real) == before


def test_a_byte_that_is_not_utf8_deep_in_a_large_file_is_found_by_its_row(real, monkeypatch):
    """The file is checked as UTF-8 a slice at a time (a large file is not held twice as text): a bad byte in a later
    slice, and a character cut by a slice's end, are told apart."""
    from dashboard.ingest import read

    monkeypatch.setattr(read, "CHECKED_AT_ONCE", 7)  # (slices that cut "é", two bytes, and the rows)
    good = f"{RECORD_HEADER}\n" + "".join(f"2017-02-{d:02d},M1,A,ari,female,under5,4,1\n" for d in range(1, 9))
    named = good.replace("female", "femme é", 1).encode()  # (a valid two-byte character)
    outcome = run(real, "records", named, "records.csv")
    assert "not UTF-8" not in " ".join(e["message"] for e in outcome.errors)
    bad = good.encode() + "2017-02-20,M1,A,ari,féminin,under5,4,1\n".encode("latin-1")
    outcome = run(real, "records", bad, "records.csv")
    assert outcome.error_count == 1
    assert outcome.errors[0]["message"].startswith("Row 10 is not UTF-8 text (byte 0xE9)")  # (header, 8 rows, it)


def test_rows_with_the_same_problem_are_one_line_counted_exactly(real):
    rows = "\n".join(f"2017-02-{d:02d},M1,A,ari,female,under5,-1,0" for d in range(1, 29))
    bad = "\n".join(f"2017-02-{d:02d},M1,A,{s},male,5plus,1,0" for d in range(1, 29) for s in ("x1", "x2", "x3", "x4"))
    outcome = run(real, "records", f"{RECORD_HEADER}\n{rows}\n{bad}")
    assert outcome.error_count == 28 + 112
    assert [(e["column"], e["count"], e["message"][:22]) for e in outcome.errors] == [
        ("consultations", 28, "-1 is below 0"),
        ("syndrome", 28, "unknown value 'x1': us"),
        ("syndrome", 28, "unknown value 'x2': us"),
        ("syndrome", 28, "unknown value 'x3': us"),
        ("syndrome", 28, "unknown value 'x4': us"),
    ]
    assert outcome.errors[0]["rows"] == list(range(2, 14))  # the first twelve rows named, the rest counted
    assert outcome.errors[1]["rows"][:3] == [30, 34, 38]
    report = pipeline.problems_text(outcome)
    assert "140 errors:" in report
    assert "  28 rows: 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, …, consultations: -1 is below 0" in report


def test_a_file_of_many_kinds_of_problem_lists_the_first_hundred_then_counts_the_rest(real):
    bad = "\n".join(f"2017-02-{1 + i % 28:02d},M1,A,code{i},male,5plus,1,0" for i in range(130))
    outcome = run(real, "records", f"{RECORD_HEADER}\n{bad}")
    assert outcome.error_count == 130
    assert len(outcome.errors) == 100
    assert [e["row"] for e in outcome.errors] == list(range(2, 102))
    assert "... and 30 more" in pipeline.problems_text(outcome)


def test_a_huge_file_with_one_bad_row_at_the_end_writes_nothing(real):
    days = [dt.date(2016, 1, 1) + dt.timedelta(days=i) for i in range(400)]
    lines = [
        f"{d},M1,A,{s},{sex},{age},3,1"
        for d in days
        for s in ("ari", "awd", "other", "injury", "scabies", "diabetes", "hypertension", "mental_health")
        for sex in ("female", "male")
        for age in ("under5", "5plus")
    ] * 4  # 51,200 rows; the copies are duplicates too, so make them distinct by camp
    lines = [line.replace(",A,", f",{'AB'[i // 12_800 % 2]},") for i, line in enumerate(lines[:25_600])]
    lines.append("2016-01-01,M1,A,ari,female,under5,1,2")
    before = snapshot(real)
    outcome = run(real, "records", RECORD_HEADER + "\n" + "\n".join(lines))
    assert outcome.rows == 25_601
    assert "referrals" in {e["column"] for e in outcome.errors}
    assert not outcome.loaded
    assert any(e["row"] == 25_602 for e in outcome.errors)
    assert snapshot(real) == before


def test_implausible_values_are_warnings_and_still_load(engine):
    load_tiny_as_files(engine)
    outcome = run(
        engine,
        "records",
        f"{RECORD_HEADER}\n2017-02-10,M1,A,ari,female,under5,200,0\n2017-02-10,M1,A,ari,male,under5,150,0",
    )
    assert outcome.loaded
    assert outcome.error_count == 0
    assert outcome.warning_count == 1
    assert "350 consultations for M1 on 2017-02-10" in outcome.warnings[0]["message"]
    assert outcome.warnings[0]["row"] == 2


# -- writing: all or nothing, replace by key, history ----------------------------------------------------------------


def test_loading_twice_replaces_and_never_double_counts(engine):
    load_tiny_as_files(engine)
    period = Filters(dt.date(2017, 1, 1), dt.date(2017, 2, 28))
    first = queries.period_totals(engine, period)
    records = export_text(engine, "records")
    again = run(engine, "records", records)
    assert again.loaded
    assert again.added == 0
    assert again.replaced == 7
    assert queries.period_totals(engine, period) == first
    changed = run(
        engine,
        "records",
        f"{RECORD_HEADER}\n2017-02-06,M1,A,other,female,5plus,18,0\n2017-02-07,M1,A,other,female,5plus,1,0",
    )
    assert (changed.added, changed.replaced) == (1, 1)
    assert queries.period_totals(engine, period)["consultations"] == first["consultations"] + 10 + 1


def test_visit_totals_follow_every_load_and_replacement(engine):
    """The visit totals the dashboards read always equal the service records summed per visit."""
    load_tiny_as_files(engine)
    run(
        engine,
        "records",
        f"{RECORD_HEADER}\n2017-02-06,M1,A,other,female,5plus,18,0\n2017-02-06,M1,A,ari,male,5plus,2,1",
    )
    run(engine, "records", f"{RECORD_HEADER}\n2017-03-01,M2,C,ari,female,under5,11,0")
    query = (
        "SELECT date, clinic_id, camp_id, sum(consultations), sum(referrals), count(*), min(reported_on) "
        "FROM service_records GROUP BY date, clinic_id, camp_id ORDER BY date, clinic_id, camp_id"
    )
    with engine.connect() as conn:
        expected = [tuple(r) for r in conn.execute(text(query))]
        totals = [tuple(r) for r in conn.execute(text("SELECT * FROM visit_totals ORDER BY date, clinic_id, camp_id"))]
    assert totals == expected
    assert len(totals) == 7
    assert (str(totals[-2][0])[:10], totals[-2][3], totals[-2][5]) == ("2017-02-06", 20, 2)
    by_syndrome = (
        "SELECT r.date, c.governorate, r.syndrome, r.sex, r.age_group, sum(r.consultations), sum(r.referrals) "
        "FROM service_records r JOIN camps c ON c.id = r.camp_id GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"
    )
    moved = f"{CAMP_HEADER}\nA,Camp A,Kirkuk,35.4,44.3,2000,2017-02-01"  # camp A moves to Kirkuk
    assert run(engine, "camps", moved).loaded
    with engine.connect() as conn:
        expected = [tuple(r) for r in conn.execute(text(by_syndrome))]
        totals = [tuple(r) for r in conn.execute(text("SELECT * FROM syndrome_totals ORDER BY 1, 2, 3, 4, 5"))]
    assert totals == expected
    assert {t[1] for t in totals} == {"IQ-AN", "IQ-KI"}


def test_camps_and_units_are_updated_by_code(engine):
    load_tiny_as_files(engine)
    outcome = run(
        engine,
        "camps",
        f"{CAMP_HEADER}\nA,Camp A renamed,IQ-DA,36.81,42.91,2500,2017-03-01\nD,Camp D,Kirkuk,35.4,44.3,700,2017-01-01",
    )
    assert (outcome.added, outcome.replaced) == (2, 0)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name, latitude FROM camps WHERE code = 'A'")).one() == (
            "Camp A renamed",
            36.81,
        )
        assert conn.execute(text("SELECT count(*) FROM camp_populations")).scalar_one() == 6
        assert conn.execute(text("SELECT count(*) FROM service_records")).scalar_one() == 7


def test_every_import_is_in_the_history_with_its_checksum(engine):
    load_tiny_as_files(engine)
    bad = f"{RECORD_HEADER}\n2017-02-10,M1,A,ari,female,under5,-1,0"
    run(engine, "records", bad, "february.csv")
    run(engine, "records", bad, "february.csv", dry_run=True)  # a dry run is not an import
    history = loading.history(engine)
    assert [(h["kind"], h["status"]) for h in history] == [
        ("records", "rejected"),
        ("records", "loaded"),
        ("clinics", "loaded"),
        ("camps", "loaded"),
    ]
    rejected = history[0]
    assert rejected["source"] == "february.csv"
    assert rejected["created_by"] == "tester"
    assert rejected["rows_rejected"] == 1
    assert rejected["rows_added"] == 0
    import hashlib

    assert rejected["sha256"] == hashlib.sha256(bad.encode()).hexdigest()
    assert history[1]["rows_added"] == 7


def test_the_first_real_file_replaces_the_demo_data(tiny):
    assert queries.data_status(tiny).is_demo
    outcome = run(tiny, "camps", f"{CAMP_HEADER}\nD,Camp D,Kirkuk,35.4,44.3,700,2017-01-01", dry_run=True)
    assert outcome.replaces_demo
    assert not outcome.loaded
    assert queries.data_status(tiny).is_demo
    outcome = run(tiny, "camps", f"{CAMP_HEADER}\nD,Camp D,Kirkuk,35.4,44.3,700,2017-01-01")
    assert outcome.loaded
    assert outcome.removed_demo
    status = queries.data_status(tiny)
    assert not status.is_demo
    assert status.has_data
    assert loading.count_rows(tiny) == {"camps": 1, "clinics": 0, "records": 0, "rota": 0}


def test_remove_demo_leaves_an_empty_database_that_stays_empty(tiny):
    from dashboard import factory

    assert loading.remove_demo(tiny)
    assert loading.count_rows(tiny) == {"camps": 0, "clinics": 0, "records": 0, "rota": 0}
    assert not loading.remove_demo(tiny)
    factory.prepare(settings_for(str(tiny.url.render_as_string(hide_password=False)), load_demo=True))
    assert loading.count_rows(tiny)["camps"] == 0  # the demo does not come back at the next start


COORDINATORS = Audience(None)


def test_dashboards_show_an_import_without_a_restart(engine):
    load_tiny_as_files(engine)
    period = Filters(dt.date(2017, 1, 1), dt.date(2017, 2, 28))
    before = figures.summary(engine, period, COORDINATORS)
    run(engine, "records", f"{RECORD_HEADER}\n2017-02-20,M2,C,ari,female,under5,11,0")
    after = figures.summary(engine, period, COORDINATORS)
    assert after != before


# -- formats: aliases, XLSX, HXL, formula guard, round trip, templates ------------------------------------------------


def test_cccm_headers_semicolons_and_a_bom(engine):
    content = (
        "\ufeffSSID;Camp Name;Governorate;District;Latitude;Longitude;Individuals;Date;Managed by\n"
        "IQ0106-0022; Amriyat al-Fallujah ;Al-Anbar;Falluja;33.11;43.83;12 450;2017-01-01;X\n"
    ).replace("12 450", "12450")
    outcome = run(engine, "camps", content)
    assert outcome.loaded, outcome.errors
    assert "Columns not used: Managed by." in outcome.notes
    with engine.connect() as conn:
        assert conn.execute(text("SELECT code, name, governorate FROM camps")).one() == (
            "IQ0106-0022",
            "Amriyat al-Fallujah",
            "IQ-AN",
        )


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_reads_the_sheet_named_for_the_kind_and_real_dates(engine):
    load_tiny_as_files(engine)
    data = _workbook(
        {
            "Read me": [["Instructions"], ["Fill in the records sheet"]],
            "Records": [RECORD_HEADER.split(","), [dt.datetime(2017, 2, 10), "M1", "A", "ari", "F", "Under 5", 4, 1]],
        }
    )
    outcome = run(engine, "records", data, "february.xlsx")
    assert outcome.loaded, outcome.errors
    assert any("Read sheet 'Records'; 1 other sheet ignored." in n for n in outcome.notes)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT sex, age_group, consultations FROM service_records WHERE date = '2017-02-10'"))
        assert row.one() == ("female", "under5", 4)


def test_xlsx_errors_name_the_spreadsheet_row(engine):
    load_tiny_as_files(engine)
    data = _workbook(
        {
            "records": [
                RECORD_HEADER.split(","),
                ["2017-02-10", "M1", "A", "ari", "female", "5plus", 4, 1],
                ["2017-02-11", "M1", "A", "ari", "female", "5plus", 4.5, 1],
            ]
        }
    )
    outcome = run(engine, "records", data, "records.xlsx")
    assert messages(outcome) == [(3, "consultations", "4.5 is not a whole number")]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_then_import_loses_nothing(engine, suffix):
    demo = tiny_demo_engine(engine)
    with demo.begin() as conn:  # a name a spreadsheet would run as a formula survives the trip unchanged
        conn.execute(text("UPDATE camps SET name = '=HYPERLINK(\"x\")' WHERE code = 'C'"))
    try:
        for kind in ("camps", "clinics", "records"):
            rows = list(loading.export_rows(demo, kind))
            columns = formats.template_columns(kind)
            if suffix == "csv":
                data = exports.to_csv(rows, columns).encode()
                assert "'=HYPERLINK" in data.decode() or kind != "camps"
            else:
                data = exports.to_xlsx(rows, columns, kind)
            outcome = run(engine, kind, data, f"{kind}.{suffix}")
            assert outcome.loaded, outcome.errors
            assert list(loading.export_rows(engine, kind)) == rows
    finally:
        with demo.begin() as conn:
            conn.execute(text("UPDATE camps SET name = 'Camp C' WHERE code = 'C'"))


def test_templates_ship_in_data_and_load_in_order(engine):
    for kind in formats.KINDS:
        shipped = (TEMPLATES / f"{kind}.csv").read_text(encoding="utf-8")
        assert shipped == exports.to_csv(formats.template_rows(kind), formats.template_columns(kind))
        outcome = pipeline.run(engine, kind, (TEMPLATES / f"{kind}.xlsx").read_bytes(), f"{kind}.xlsx", user="t")
        assert outcome.loaded, outcome.errors
        assert outcome.added == len(formats.template_rows(kind))
    again = pipeline.run(engine, "records", (TEMPLATES / "records.csv").read_bytes(), "records.csv", user="t")
    assert (again.added, again.replaced) == (0, 2)


# -- boundaries ------------------------------------------------------------------------------------------------------


def test_loaded_boundaries_are_used_by_the_map(engine, tmp_path):
    shipped = json.loads(boundaries.SHIPPED.read_text())
    cod = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": f["geometry"],
                "properties": {"ADM1_PCODE": f["properties"]["pcode"], "ADM1_EN": f["properties"]["name_en"]},
            }
            for f in shipped["features"]
        ],
    }
    assert boundaries.current(engine)["features"][0]["properties"].keys() >= {"iso"}
    outcome = run(engine, "boundaries", json.dumps(cod), "irq_adm1_cod.geojson")
    assert outcome.loaded
    assert outcome.added == 18
    assert "ocha-cod-ab" in outcome.notes[0]
    used = boundaries.current(engine)
    assert used.get("schema") == "ocha-cod-ab"
    assert len(used["features"]) == 18
    bad = run(engine, "boundaries", b"{not json", "broken.geojson")
    assert bad.error_count == 1
    assert "broken.geojson" in bad.errors[0]["message"]
    assert boundaries.current(engine).get("schema") == "ocha-cod-ab"


def test_a_boundary_file_s_check_carries_its_outlines_for_a_preview_and_is_small(engine):
    cod = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": f["geometry"], "properties": {"ADM1_EN": f["properties"]["name_en"]}}
            for f in json.loads(boundaries.SHIPPED.read_text())["features"]
        ],
    }
    outcome = run(engine, "boundaries", json.dumps(cod), "adm1.geojson", dry_run=True)
    assert not outcome.loaded
    assert len(outcome.outlines) == 18
    shaded = {f["properties"]["name"] for f in outcome.outlines if f["properties"]["programme"]}
    assert shaded == {"Anbar", "Baghdad", "Kirkuk", "Diyala", "Erbil", "Dohuk", "Sulaymaniyah"}
    assert len(json.dumps(outcome.to_dict())) < 40_000  # kept with the job while the page waits for Load


def test_records_are_checked_row_by_row_while_the_demo_is_loaded(tiny):
    """The demo's camps and units are replaced by the first real file, so records name none of them: every row is
    still checked, and each code is listed once with its rows and what to load first."""
    before = snapshot(tiny)
    content = (
        f"{RECORD_HEADER}\n{GOOD_RECORD}\n2017-02-11,M1,KHK-01,ari,female,under5,4,1\n2017-02-30,M1,A,ari,x,under5,4,1"
    )
    outcome = run(tiny, "records", content)
    found = {(e["column"], e["message"].split(":")[0]): e["rows"] for e in outcome.errors}
    assert found[("camp_code", "unknown camp code 'A'")] == [2, 4]
    assert found[("camp_code", "unknown camp code 'KHK-01'")] == [3]
    assert found[("clinic_code", "unknown unit code 'M1'")] == [2, 3, 4]
    assert found[("date", "'2017-02-30' is not a date as YYYY-MM-DD")] == [4]
    assert found[("sex", "unknown value 'x'")] == [4]
    assert "the database holds the demo data, which the first real file replaces: load your camps file first" in (
        outcome.errors[0]["message"] + outcome.errors[1]["message"]
    )
    assert "2 camp codes are not loaded: A, KHK-01." in outcome.notes
    assert snapshot(tiny) == before
    history = loading.history(tiny)[0]
    assert (history["status"], history["rows_rejected"]) == ("rejected", 3)


def test_a_rota_names_days_as_people_write_them_and_warns_of_a_unit_in_two_camps_at_once(real):
    content = (
        f"{ROTA_HEADER}\n"
        'M1,A,"Sunday and Wednesday",2017-01-01,,\n'
        "M2,B,الأحد والأربعاء,2017-01-01,2017-01-31,\n"
        "M2,C,یەکشەممە,2017-01-15,,\n"
        "M1,C,,,,2017-02-02\n"
    )
    outcome = run(real, "rota", content)
    assert outcome.loaded, outcome.errors
    assert [r["weekdays"] for r in outcome.preview] == ["Sunday Wednesday", "Sunday Wednesday", "Sunday", ""]
    assert outcome.preview[3]["date"] == "2017-02-02"
    assert outcome.warning_count == 1
    warning = outcome.warnings[0]
    assert (warning["row"], warning["column"]) == (4, "valid_from")
    assert "M2 is also planned at B on Sunday in the same weeks (row 3)" in warning["message"]
    assert loading.count_rows(real)["rota"] == 4
