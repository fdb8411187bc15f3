"""The visit plan through the whole path: a rota and records loaded as files, the figures on SQLite and PostgreSQL,
from the database's SQL and from the in-memory totals, and what the public may see of them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.analytics import coverage
from dashboard.data import columns, loading
from dashboard.domain.filters import Filters
from dashboard.domain.policy import Audience
from dashboard.services import cache, figures
from tests.helpers import run_import, settings_for

# The tiny dataset's visits (tests/helpers.py): M1 at A on Mon 30 Jan, Wed 1 Feb, Mon 6 Feb 2017; M2 at B on Wed 1 Feb
# and Sun 5 Feb; the ambulance A1 at B on Wed 1 Feb. The plan below misses three of its seven due visits.
ROTA = """clinic_code,camp_code,weekdays,valid_from,valid_to,date
M1,A,"Mon, Tue, Wed",2017-01-30,,
M1,C,,,,2017-02-03
M2,B,Wednesday,2017-01-30,2017-02-01,
M2,C,Sunday,2017-02-02,,
"""
# Every record reported two days after its visit, except M1's at A on 1 February: 19 days later.
REPORTED = {("2017-02-01", "M1"): "2017-02-20"}
PERIOD = Filters(start=dt.date(2017, 1, 30), end=dt.date(2017, 2, 12))


def _records_with_report_days() -> str:
    from tests.helpers import TINY_RECORDS

    lines = ["date,clinic_code,camp_code,syndrome,sex,age_group,consultations,referrals,reported_on"]
    for date, clinic, camp, syndrome, sex, age, n, referred in TINY_RECORDS:
        reported = REPORTED.get((date, clinic)) or (dt.date.fromisoformat(date) + dt.timedelta(days=2)).isoformat()
        lines.append(f"{date},{clinic},{camp},{syndrome},{sex},{age},{n},{referred},{reported}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def planned(real):
    for kind, content in (("rota", ROTA), ("records", _records_with_report_days())):
        outcome = run_import(real, kind, content)
        assert outcome.loaded, outcome.errors
    return real


@pytest.fixture(params=["sql", "memory"])
def path(request, planned):
    """The same questions answered by the database's SQL and by the in-memory totals."""
    cache.clear()
    columns.ENABLED = request.param == "memory"
    yield planned
    columns.ENABLED = True
    cache.clear()


def test_completeness_timeliness_and_unplanned_visits(path, db_url):
    settings = settings_for(db_url)
    found = figures.completeness(path, PERIOD, settings)
    assert found["as_of"] == dt.date(2017, 2, 6)  # the data's last day: later planned visits are not yet due
    assert (found["planned"], found["made"], found["unplanned"]) == (7, 4, 2)
    assert found["completeness"] == round(4 / 7, 4)
    assert found["timeliness"] == round(5 / 6, 4)  # six visits, one reported 19 days late
    misses = figures.completeness_table(path, PERIOD, settings, "misses")
    assert list(zip(misses["date"].astype(str), misses["unit_code"], misses["camp_code"], strict=True)) == [
        ("2017-02-05", "M2", "C"),  # the new rota's camp: M2 went back to B that Sunday
        ("2017-02-03", "M1", "C"),  # a dated visit
        ("2017-01-31", "M1", "A"),  # Tuesday, with no visit left in its week to make it
    ]
    by_gov = figures.completeness_table(path, PERIOD, settings, "governorate").set_index("governorate")
    assert by_gov.loc["IQ-DA", ["planned", "made", "unplanned"]].tolist() == [4, 3, 0]
    assert by_gov.loc["IQ-AN", ["planned", "made", "unplanned"]].tolist() == [3, 1, 2]
    assert by_gov.loc["IQ-DA", "timeliness"] == round(2 / 3, 4)
    units = figures.completeness_table(path, PERIOD, settings, "unit")
    assert set(units["unit_code"]) == {"M1", "M2", "A1"}  # the ambulance, with no rota: unplanned, never missed
    assert units.loc[units["unit_code"] == "A1", "missed"].sum() == 0


def test_a_camp_whose_planned_visits_were_missed_is_planned_but_missed(path):
    table = figures.camps(path, Filters(start=dt.date(2017, 1, 30), end=dt.date(2017, 2, 6)), 14, 1.0)
    status = dict(zip(table["code"], table["status"], strict=True))
    assert status["C"] == coverage.MISSED  # never visited, and planned twice
    assert coverage.not_reached(table[table["code"] == "C"]).all()
    assert status["A"] != coverage.MISSED
    assert status["B"] != coverage.MISSED


def test_a_unit_filter_and_a_governorate_filter_narrow_the_plan(path, db_url):
    settings = settings_for(db_url)
    m2 = figures.completeness(path, Filters(start=PERIOD.start, end=PERIOD.end, clinic="M2"), settings)
    assert (m2["planned"], m2["made"], m2["unplanned"]) == (2, 1, 1)
    dohuk = figures.completeness(path, Filters(start=PERIOD.start, end=PERIOD.end, governorates=("IQ-DA",)), settings)
    assert (dohuk["planned"], dohuk["made"]) == (4, 3)


def test_the_public_sees_completeness_by_governorate_and_month_only(planned, db_url):
    settings = settings_for(db_url)
    public = figures.public_completeness(planned, PERIOD, Audience(k=5), settings)
    assert list(public.columns) == ["month", "governorate", "governorate_name", "completeness"]
    assert set(public["governorate"]) == {"IQ-DA", "IQ-AN"}
    shares = {(r["governorate"], r["month"].isoformat()): r["completeness"] for r in public.to_dict("records")}
    # whole weeks, each in the month of its fourth day: the week of Monday 30 January is February's
    assert shares == {("IQ-DA", "2017-02-01"): 0.75, ("IQ-AN", "2017-02-01"): round(1 / 3, 4)}


def test_no_rota_no_plan(real, db_url):
    found = figures.completeness(real, PERIOD, settings_for(db_url))
    assert found is not None
    assert found["planned"] == 0
    assert found["completeness"] is None
    assert found["unplanned"] == 6  # every visit, none of them a miss
    assert not figures.has_rota(real)


def test_loading_records_again_keeps_the_day_they_were_first_reported(planned):
    """A records file without reported_on replaces rows but keeps when they were first reported."""
    rows = [
        r for r in loading.export_rows(planned, "records") if r["date"] == "2017-02-01" and r["clinic_code"] == "M1"
    ]
    header = "date,clinic_code,camp_code,syndrome,sex,age_group,consultations,referrals"
    again = header + "\n2017-02-01,M1,A,awd,female,5plus,6,0\n2017-02-01,M1,A,ari,male,5plus,2,0\n"
    outcome = run_import(planned, "records", again)
    assert outcome.loaded
    assert outcome.replaced == 1
    assert outcome.added == 1
    reported = {
        (r["syndrome"], r["sex"]): r["reported_on"]
        for r in loading.export_rows(planned, "records")
        if r["date"] == "2017-02-01" and r["clinic_code"] == "M1"
    }
    assert rows[0]["reported_on"] == "2017-02-20"
    assert reported[("awd", "female")] == "2017-02-20"  # replaced: its first report day kept
    assert reported[("ari", "male")] == dt.date.today().isoformat()  # new: reported when loaded


def test_the_rota_exports_as_a_file_that_loads_back(planned):
    rows = list(loading.export_rows(planned, "rota"))
    assert {"clinic_code": "M1", "camp_code": "C", "weekdays": None, "valid_from": None, "valid_to": None} | {
        "date": "2017-02-03"
    } in rows
    pattern = next(r for r in rows if r["clinic_code"] == "M1" and r["camp_code"] == "A")
    assert pattern["weekdays"] == "Monday Tuesday Wednesday"
    assert pattern["valid_to"] is None
    header = "clinic_code,camp_code,weekdays,valid_from,valid_to,date"
    text = header + "\n" + "\n".join(",".join(str(r[k] or "") for k in header.split(",")) for r in rows) + "\n"
    outcome = run_import(planned, "rota", text)
    assert outcome.loaded
    assert outcome.replaced == len(rows) == 4
    assert outcome.added == 0
    assert pd.DataFrame(loading.export_rows(planned, "rota")).equals(pd.DataFrame(rows))


# -- where people read it: the API, the coordinators' page, the public trends page ------------------------------------


@pytest.fixture
def plan_app(planned, db_url):
    from tests.helpers import add_coordinator, make_app

    add_coordinator(planned)
    return make_app(db_url)


def test_the_api_gives_coordinators_every_table_and_the_public_governorate_and_month(plan_app):
    from tests.helpers import client_with_csrf, csv_table, sign_in

    query = "start=2017-01-30&end=2017-02-12"
    anonymous = plan_app.server.test_client()
    public = anonymous.get(f"/api/v1/completeness?{query}").get_json()
    assert public["by"] == "month"
    assert public["has_rota"] is True
    assert {tuple(sorted(r)) for r in public["rows"]} == {("completeness", "governorate", "governorate_name", "month")}
    for by in ("governorate", "unit", "misses", "silent"):
        refused = anonymous.get(f"/api/v1/completeness?{query}&by={by}")
        assert refused.status_code == 401
        assert "Team" not in refused.get_data(as_text=True)
    client = client_with_csrf(plan_app)
    sign_in(client)
    misses = client.get(f"/api/v1/completeness?{query}&by=misses").get_json()["rows"]
    assert [(r["date"], r["unit_name"], r["camp_name"]) for r in misses] == [
        ("2017-02-05", "Team Bravo", "Camp C"),
        ("2017-02-03", "Team Alpha", "Camp C"),
        ("2017-01-31", "Team Alpha", "Camp A"),
    ]
    headers, tags, rows = csv_table(client.get(f"/api/v1/completeness?{query}&format=csv").get_data(as_text=True))
    assert headers[:4] == ["governorate", "governorate_name", "planned", "made"]
    assert "#indicator+completeness+pct" in tags
    assert "#indicator+timeliness+pct" in tags
    assert sorted(r[0] for r in rows) == ["IQ-AN", "IQ-DA"]
    bad = client.get(f"/api/v1/completeness?{query}&by=camp")
    assert bad.status_code == 400
    assert bad.get_json()["error"]["parameter"] == "by"


def test_the_coordinators_page_shows_the_plan_and_the_public_trends_page_only_its_months(plan_app):
    from tests.helpers import client_with_csrf, page_content, parts_content, sign_in

    search = "?start=2017-01-30&end=2017-02-06"
    client = client_with_csrf(plan_app)
    sign_in(client)
    shown = parts_content(client, page_content(client, "/coordinator", search), search)
    assert "4 of 7 planned visits made (57%)" in shown
    assert "1 of them had planned visits that were all missed" in shown  # camp C, in the gap summary
    assert "Team Bravo" in shown
    public = plan_app.server.test_client()
    page = page_content(public, "/trends", search)
    assert "Visits made as planned" in page
    months = parts_content(public, page, search)
    assert "Share of planned clinic visits made" in months
    assert "Team" not in months
    assert "Camp C" not in months


def test_what_a_page_shows_is_the_head_or_the_latest_weeks_of_the_whole_table(planned, db_url):
    """The page asks for the latest misses and weeks only, made from those rows: the same rows as the whole table's."""
    settings = settings_for(db_url)
    misses = figures.completeness_table(planned, PERIOD, settings, "misses")
    pd.testing.assert_frame_equal(
        figures.completeness_table(planned, PERIOD, settings, "misses", rows=2), misses.head(2)
    )
    units = figures.completeness_table(planned, PERIOD, settings, "unit")
    latest = units[units["week"] == units["week"].max()].reset_index(drop=True)
    pd.testing.assert_frame_equal(figures.completeness_table(planned, PERIOD, settings, "unit", weeks=1), latest)
