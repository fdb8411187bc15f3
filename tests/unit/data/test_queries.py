"""The data-access layer against hand-computed figures, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from dashboard.analytics import coverage
from dashboard.data import queries, schema
from dashboard.data.models import Base, Camp, ImportBatch, ServiceRecord
from dashboard.domain.filters import Filters as F
from dashboard.domain.policy import Audience
from tests.helpers import TINY_RECORDS, settings_for, tiny_dataset

D = dt.date
EXACT = Audience(None)  # a signed-in coordinator's figures


def test_migrations_match_the_models(engine):
    assert schema.is_current(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_is_repeatable_on_an_existing_database(tiny):
    schema.upgrade(tiny)  # an upgrade of a current database changes nothing and loses nothing
    assert queries.period_totals(tiny, F(D(2017, 1, 1), D(2017, 12, 31)))["consultations"] == 93


def test_reference_has_the_18_governorates_once(engine):
    queries.ensure_reference(engine)
    names = queries.governorate_names(engine)
    assert len(names) == 18
    assert names["IQ-KI"] == "Kirkuk"
    assert names["IQ-DA"] == "Dohuk"


@pytest.mark.parametrize(
    ("start", "end", "govs", "expected"),
    [
        # one ISO week, both edges included
        (
            D(2017, 1, 30),
            D(2017, 2, 5),
            None,
            dict(consultations=85, referrals=7, visits=5, camps_visited=2, active_units=3),
        ),
        (
            D(2017, 1, 30),
            D(2017, 2, 6),
            None,
            dict(consultations=93, referrals=7, visits=6, camps_visited=2, active_units=3),
        ),
        (
            D(2017, 2, 1),
            D(2017, 2, 1),
            None,
            dict(consultations=15, referrals=5, visits=3, camps_visited=2, active_units=3),
        ),
        (
            D(2017, 1, 30),
            D(2017, 2, 5),
            ["IQ-AN"],
            dict(consultations=50, referrals=6, visits=3, camps_visited=1, active_units=2),
        ),
        (
            D(2017, 3, 1),
            D(2017, 3, 31),
            None,
            dict(consultations=0, referrals=0, visits=0, camps_visited=0, active_units=0),
        ),
    ],
)
def test_period_totals(tiny, start, end, govs, expected):
    assert queries.period_totals(tiny, F(start, end, tuple(govs or ()))) == expected


def test_daily_totals_group_by_the_camps_governorate(tiny):
    daily = queries.daily_breakdown(tiny, F(D(2017, 1, 30), D(2017, 2, 6)), ("governorate",))
    got = {(r.date.date().isoformat(), r.governorate): (r.consultations, r.referrals) for r in daily.itertuples()}
    assert got == {
        ("2017-01-30", "IQ-DA"): (30, 1),
        ("2017-02-01", "IQ-DA"): (5, 0),
        ("2017-02-01", "IQ-AN"): (10, 5),
        ("2017-02-05", "IQ-AN"): (40, 1),
        ("2017-02-06", "IQ-DA"): (8, 0),
    }
    dohuk = F(D(2017, 1, 30), D(2017, 2, 6), ("IQ-DA",))
    assert queries.daily_breakdown(tiny, dohuk, ("governorate",))["consultations"].sum() == 43


def test_camps_in_period_with_population_and_status(tiny):
    start, end = D(2017, 1, 30), D(2017, 2, 5)
    camps = coverage.camp_status(
        queries.camps_in_period(tiny, F(start, end)), queries.population_history(tiny), start, end
    )
    rows = {r.code: r for r in camps.itertuples()}
    assert (rows["A"].visits, rows["A"].consultations, rows["A"].last_visit) == (2, 35, D(2017, 2, 1))
    assert (rows["B"].visits, rows["B"].consultations, rows["B"].last_visit) == (3, 50, D(2017, 2, 5))
    assert (rows["C"].visits, rows["C"].consultations) == (0, 0)
    assert pd.isna(rows["C"].last_visit)
    assert (rows["A"].population, rows["B"].population, rows["C"].population) == (2000, 500, 300)
    assert rows["A"].population_date == D(2017, 2, 1)
    assert rows["C"].status == coverage.NOT_REACHED
    # B: 50 consultations / 500 people * 365 / 7 days = 5.2 a person a year
    assert rows["B"].utilisation == pytest.approx(50 / 500 * 365 / 7)
    assert coverage.headline(queries.period_totals(tiny, F(start, end)), camps)["population_reached"] == 2500


def test_last_visit_looks_before_the_period_but_not_after_it(tiny):
    camps = queries.camps_in_period(tiny, F(D(2017, 2, 2), D(2017, 2, 4)))
    rows = {r.code: r for r in camps.itertuples()}
    assert rows["A"].visits == 0
    assert rows["A"].last_visit == D(2017, 2, 1)
    assert rows["B"].last_visit == D(2017, 2, 1)  # the visit of 5 February is after the period


def test_units_by_governorate_counts_units_with_a_visit(tiny):
    units = queries.units_by_governorate(tiny, F(D(2017, 2, 5), D(2017, 2, 6)))
    assert {(r.governorate, r.unit_type): r.units for r in units.itertuples()} == {
        ("IQ-AN", "mmc"): 1,
        ("IQ-DA", "mmc"): 1,
    }


def test_data_status(engine):
    empty = queries.data_status(engine)
    assert not empty.has_data
    assert not empty.is_demo
    assert empty.last_date is None
    queries.load_dataset(engine, tiny_dataset())
    status = queries.data_status(engine)
    assert status.has_data
    assert status.is_demo
    assert (status.first_date, status.last_date) == (D(2017, 1, 30), D(2017, 2, 6))
    assert status.last_loaded_at is not None


def test_loading_demo_again_replaces_it(tiny):
    queries.load_dataset(tiny, tiny_dataset(TINY_RECORDS[:2]))
    assert queries.period_totals(tiny, F(D(2017, 1, 1), D(2017, 12, 31)))["consultations"] == 30


def test_a_bad_row_writes_nothing(tiny):
    bad = [*TINY_RECORDS[:3], ("2017-03-01", "M1", "A", "ari", "female", "5plus", 2, 5)]  # referrals > consultations
    # the database's own check (referrals never above consultations), raised by each database's driver its own way
    with pytest.raises(Exception, match="referrals"):
        queries.load_dataset(tiny, tiny_dataset(bad))
    assert queries.period_totals(tiny, F(D(2017, 1, 1), D(2017, 12, 31)))["consultations"] == 93
    with tiny.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ImportBatch)) == 1


def test_demo_never_overwrites_imported_data(engine):
    from dashboard.ingest import pipeline

    camps = "camp_code,camp_name,governorate,latitude,longitude,population,population_date\n"
    camps += "X,Camp X,IQ-AN,33.3,43.7,10,2017-01-01"
    assert pipeline.run(engine, "camps", camps.encode(), "real.csv", user="coordinator").loaded
    with pytest.raises(queries.DataError, match="imported data"):
        queries.load_dataset(engine, tiny_dataset())
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Camp)) == 1
        assert conn.scalar(select(func.count()).select_from(ServiceRecord)) == 0


def test_clinics_in_period_with_workload(tiny):
    clinics = coverage.clinic_workload(queries.clinics_in_period(tiny, F(D(2017, 1, 30), D(2017, 2, 5))))
    rows = {r.code: r for r in clinics.itertuples()}
    assert list(clinics["code"]) == ["M1", "M2", "A1"]  # MMCs first
    m1, m2, a1 = rows["M1"], rows["M2"], rows["A1"]
    assert (m1.visits, m1.camps_served, m1.visit_days, m1.consultations, m1.last_visit) == (2, 1, 2, 35, D(2017, 2, 1))
    assert m1.per_clinician_day == 8.8  # 35 / (2 clinicians * 2 days)
    assert (m2.visits, m2.consultations, m2.per_clinician_day, m2.last_visit) == (2, 47, 7.8, D(2017, 2, 5))
    assert (a1.visits, a1.consultations) == (1, 3)
    assert pd.isna(a1.per_clinician_day)
    assert (m1.base_latitude, m1.base_longitude) == (36.85123, 42.95321)


def test_syndrome_filter(tiny):
    totals = queries.period_totals(tiny, F(D(2017, 1, 30), D(2017, 2, 6), syndrome="ari"))
    assert totals == dict(consultations=37, referrals=3, visits=2, camps_visited=2, active_units=2)
    camps = queries.camps_in_period(tiny, F(D(2017, 1, 30), D(2017, 2, 6), syndrome="ari"))
    rows = {r.code: r for r in camps.itertuples()}
    assert (rows["A"].consultations, rows["A"].visits) == (30, 3)  # a visit counts whatever the syndrome
    assert (rows["B"].consultations, rows["B"].visits) == (7, 3)


def test_totals_by_governorate(tiny):
    table = queries.totals_by_governorate(tiny, F(D(2017, 1, 30), D(2017, 2, 6)))
    assert table.to_dict("records") == [
        dict(governorate="IQ-AN", consultations=50, referrals=6, visits=3, camps_visited=1, active_units=2),
        dict(governorate="IQ-DA", consultations=43, referrals=1, visits=3, camps_visited=1, active_units=1),
    ]
    only = queries.totals_by_governorate(tiny, F(D(2017, 1, 30), D(2017, 2, 6), ("IQ-DA",)))
    assert list(only["governorate"]) == ["IQ-DA"]


def test_governorate_filter_on_camps_and_units(tiny):
    f = F(D(2017, 1, 30), D(2017, 2, 6), ("IQ-AN",))
    assert sorted(queries.camps_in_period(tiny, f)["code"]) == ["B", "C"]
    assert set(queries.units_by_governorate(tiny, f)["governorate"]) == {"IQ-AN"}
    assert sorted(queries.clinics_in_period(tiny, f)["code"]) == ["A1", "M2"]


def test_gap_reports_on_both_databases(tiny):
    from dashboard import words
    from dashboard.services import figures

    settings = settings_for("sqlite://")
    f = F(D(2017, 1, 30), D(2017, 2, 5))
    gaps = words.with_reasons(figures.gaps(tiny, f, settings), settings).set_index("code")
    assert gaps.loc["A", "units_served"] == "Team Alpha"
    assert gaps.loc["B", "units_served"] == "Ambulance Charlie, Team Bravo"
    assert gaps.loc["A", "utilisation"] == round(35 / 2000 * 365 / 7, 2)
    assert gaps.loc["C", "reason"] == "Never visited"
    assert gaps.loc["C", "status"] == coverage.NOT_REACHED
    assert gaps.loc["B", "nearest_base_km"] == 1.6
    by_gov = figures.governorate_gaps(tiny, f, settings).set_index("governorate")
    assert by_gov.loc["IQ-AN"].to_dict() == dict(
        camps=2,
        not_reached=1,
        under_served=0,
        population=800,
        population_reached=500,
        share_reached=0.625,
        active_mmcs=1,
        people_per_mmc=800,
        name="Anbar",
    )
    assert by_gov.loc["IQ-DA", "under_served"] == 1
    # B's last visit (5 Feb) is 21 days before this period's end: visited in the period, but not reached, so it
    # counts neither in the people reached nor in the share ("Not reached 2" beside "Share reached 62%" was the bug)
    later = figures.governorate_gaps(tiny, F(D(2017, 1, 30), D(2017, 2, 26)), settings).set_index("governorate")
    assert later.loc["IQ-AN", ["not_reached", "population_reached", "share_reached"]].tolist() == [2, 0, 0.0]


def test_breakdowns_by_syndrome_and_by_age_and_sex(tiny):
    from dashboard.services import figures

    f = F(D(2017, 1, 30), D(2017, 2, 12))
    table = figures.breakdown(tiny, f, EXACT, ("syndrome",))
    got = {(r.period.date().isoformat(), r.syndrome): r.consultations for r in table.itertuples()}
    assert got == {
        ("2017-01-30", "ari"): 37,
        ("2017-01-30", "awd"): 5,
        ("2017-01-30", "injury"): 3,
        ("2017-01-30", "other"): 40,
        ("2017-02-06", "ari"): 0,
        ("2017-02-06", "awd"): 0,
        ("2017-02-06", "injury"): 0,
        ("2017-02-06", "other"): 8,
    }
    table = figures.breakdown(tiny, replace(f, freq="month"), EXACT, ("sex", "age_group"))
    got = {(r.period.date().isoformat(), r.sex, r.age_group): r.consultations for r in table.itertuples()}
    assert got[("2017-01-01", "female", "under5")] == 10
    assert got[("2017-01-01", "male", "5plus")] == 20
    assert got[("2017-02-01", "female", "5plus")] == 53
    assert got[("2017-02-01", "male", "5plus")] == 3
    assert table["partial"].all()  # both months are cut by the period


def test_rates_per_thousand_use_the_population_at_each_weeks_end(tiny):
    from dashboard.services import figures

    table = figures.rates(tiny, F(D(2017, 1, 30), D(2017, 2, 12)), EXACT)
    got = {(r.period.date().isoformat(), r.governorate): (r.population, r.rate) for r in table.itertuples()}
    assert got == {
        ("2017-01-30", "IQ-DA"): (2000, 17.5),
        ("2017-01-30", "IQ-AN"): (800, 62.5),
        ("2017-02-06", "IQ-DA"): (2000, 4.0),
        ("2017-02-06", "IQ-AN"): (800, 0.0),
    }


def test_comparison_with_the_period_before_and_a_year_earlier(tiny):
    from dashboard.services import figures

    table = figures.comparison(tiny, F(D(2017, 2, 1), D(2017, 2, 6)), EXACT).set_index("governorate")
    assert table.loc["IQ-AN", ["current", "previous", "last_year"]].tolist() == [50, 0, 0]
    assert table.loc["IQ-DA", ["current", "previous", "last_year"]].tolist() == [13, 30, 0]
    assert table.attrs["periods"]["previous"] == (D(2017, 1, 26), D(2017, 1, 31))
    assert table.attrs["periods"]["last_year"] == (D(2016, 2, 1), D(2016, 2, 6))


def test_expected_band_from_the_previous_weeks(tiny):
    from dashboard.services import figures

    table = figures.expected(tiny, F(D(2017, 2, 13), D(2017, 2, 19)), EXACT, history_weeks=2)
    assert len(table) == 1
    row = table.iloc[0]
    assert (row.observed, row.expected, row.low) == (0, 46.5, 0.0)  # the weeks before: 85 and 8
    assert row.high == pytest.approx(46.5 + 2 * 54.4, abs=0.1)
    # Weeks before the first record are no data, not zeros: no expected value can be made from them.
    assert pd.isna(figures.expected(tiny, F(D(2017, 2, 6), D(2017, 2, 12)), EXACT, history_weeks=2).iloc[0].expected)


def test_clinic_and_camp_filters(tiny):
    assert queries.period_totals(tiny, F(D(2017, 1, 1), D(2017, 12, 31), clinic="M2"))["consultations"] == 47
    assert queries.period_totals(tiny, F(D(2017, 1, 1), D(2017, 12, 31), camp="B"))["consultations"] == 50
    assert queries.period_totals(tiny, F(D(2017, 1, 1), D(2017, 12, 31), camp="B", clinic="M1"))["visits"] == 0


@pytest.mark.parametrize(
    ("dims", "filters"),
    [
        (("syndrome",), {}),
        (("age_group", "sex"), {"governorates": ("IQ-AN",)}),
        (("governorate",), {"syndrome": "ari"}),
        (("governorate", "syndrome"), {}),
        (("camp_id", "syndrome"), {}),
        (("governorate",), {}),
    ],
)
def test_breakdowns_from_derived_totals_equal_the_records(tiny, dims, filters):
    """Whichever table answers (syndrome totals, visit totals or the records), the figures are the records' sums."""
    f = F(D(2017, 1, 1), D(2017, 2, 28), **filters)
    got = queries.daily_breakdown(tiny, f, dims)
    records = pd.DataFrame(
        TINY_RECORDS, columns=["date", "clinic", "camp", "syndrome", "sex", "age_group", "consultations", "referrals"]
    )
    records["governorate"] = records["camp"].map({"A": "IQ-DA", "B": "IQ-AN", "C": "IQ-AN"})
    records["camp_id"] = records["camp"].map({"A": 1, "B": 2, "C": 3})
    if filters.get("governorates"):
        records = records[records["governorate"].isin(filters["governorates"])]
    if filters.get("syndrome"):
        records = records[records["syndrome"] == filters["syndrome"]]
    expected = records.groupby(["date", *dims], as_index=False)[["consultations", "referrals"]].sum()
    expected["date"] = pd.to_datetime(expected["date"])
    key = ["date", *dims]
    assert got.sort_values(key).reset_index(drop=True).to_dict("records") == expected.sort_values(key).reset_index(
        drop=True
    ).to_dict("records")


def test_a_refused_file_leaves_the_data_version_and_every_cached_figure_as_they_are(tiny):
    """Checking a bad file on the data page must not make every process of the fleet drop its caches and re-read."""
    from dashboard.data import version
    from dashboard.ingest import pipeline

    before = version.data_version(tiny)
    refused = pipeline.run(tiny, "camps", b"camp_code,camp_name\nX,\n", "bad.csv", user="carol")
    assert not refused.loaded
    assert version.data_version(tiny) == before
