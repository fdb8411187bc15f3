"""The in-memory columns (data.columns) give exactly the frames the SQL gives, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
import time

import pandas as pd
import pytest

from dashboard.data import columns, loading, queries, version
from dashboard.domain.filters import Filters
from dashboard.ingest import demo

D = dt.date
FIRST, LAST = D(2018, 9, 1), D(2018, 11, 30)


@pytest.fixture(scope="module")
def dataset_frames():
    """A benchmark-shaped demo (200 camps, 30 units, three months), kept as frames to load into each database."""
    data = demo.generate(seed=5, scale="large", start=FIRST, end=LAST, n_camps=200, n_units=30)
    return data, pd.concat(list(data.records), ignore_index=True)


@pytest.fixture
def loaded(engine, dataset_frames):
    data, records = dataset_frames
    queries.load_dataset(engine, demo.Dataset(data.camps, data.populations, data.clinics, iter([records]), 5, "large"))
    return engine


def random_filters(rng: random.Random, camps: list[str], units: list[str]) -> Filters:
    start = FIRST + dt.timedelta(days=rng.randint(-10, 80))
    end = start + dt.timedelta(days=rng.choice([0, 6, 13, 27, 60, 120]))
    govs = tuple(
        rng.sample(["IQ-AN", "IQ-BG", "IQ-KI", "IQ-DI", "IQ-AR", "IQ-DA", "IQ-SU", "IQ-NI"], rng.choice([0, 1, 2]))
    )
    return Filters(
        start,
        end,
        governorates=govs,
        syndrome=rng.choice([None, None, "ari", "awd", "scabies", "no_such_syndrome"]),
        camp=rng.choice([None, None, None, rng.choice(camps), "NO-SUCH-CAMP"]),
        clinic=rng.choice([None, None, None, rng.choice(units)]),
    )


def both(engine, question, *args):
    """The answer from the columns and from the SQL."""
    columns.forget()
    fast = question(engine, *args)
    columns.ENABLED = False
    try:
        slow = question(engine, *args)
    finally:
        columns.ENABLED = True
    return fast, slow


def same(fast, slow, order=None):
    if isinstance(fast, dict):
        assert fast == slow
        return
    if fast.empty and slow.empty:  # no rows: the same columns (their types mean nothing without values)
        assert list(fast.columns) == list(slow.columns)
        return
    if order:
        fast = fast.sort_values(order, ignore_index=True)
        slow = slow.sort_values(order, ignore_index=True)
    pd.testing.assert_frame_equal(fast.reset_index(drop=True), slow.reset_index(drop=True), check_dtype=True)


def test_every_answer_equals_the_sql(loaded, dataset_frames):
    data, _ = dataset_frames
    rng = random.Random(11)
    camps, units = list(data.camps["camp_code"]), list(data.clinics["clinic_code"])
    questions = [
        (queries.period_totals, None),
        (queries.totals_by_governorate, None),
        (lambda engine, f: queries.daily_breakdown(engine, f, ("governorate",)), ["date", "governorate"]),
        (queries.camps_in_period, None),
        (queries.clinics_in_period, None),
        (queries.camp_units, None),
        (queries.units_by_governorate, ["governorate", "unit_type"]),
    ]
    for _ in range(12):
        f = random_filters(rng, camps, units)
        for question, order in questions:
            fast, slow = both(loaded, question, f)
            same(fast, slow, order)
        for dims in [
            (),
            ("governorate",),
            ("camp_id",),
            ("syndrome",),
            ("governorate", "syndrome"),
            ("camp_id", "syndrome"),
            ("age_group", "sex"),
            ("governorate", "sex"),
            ("syndrome", "age_group"),
        ]:
            fast, slow = both(loaded, queries.daily_breakdown, f, dims)
            same(fast, slow, ["date", *dims])
            first_day = rng.choice([0, 6])  # weeks from Monday or from Sunday
            fast, slow = both(loaded, queries.weekly_breakdown, f, dims, first_day)
            same(fast, slow, ["date", *dims])


def test_weekly_sums_start_on_the_week_s_first_day_and_keep_every_consultation(loaded):
    f = Filters(D(2018, 10, 3), D(2018, 10, 23))  # a Wednesday to a Tuesday: both end weeks are cut
    for first_day, firsts in ((0, ["2018-10-01", "2018-10-08", "2018-10-15", "2018-10-22"]), (6, None)):
        weekly = queries.weekly_breakdown(loaded, f, ("governorate",), first_day)
        assert (weekly["date"].dt.day_of_week == first_day).all()
        if firsts:
            assert sorted(weekly["date"].dt.strftime("%Y-%m-%d").unique()) == firsts
        assert weekly["consultations"].sum() == queries.period_totals(loaded, f)["consultations"]


def test_the_figures_are_not_empty(loaded):
    """The comparison above means something only if the data has visits in the periods it asks for."""
    f = Filters(D(2018, 10, 1), D(2018, 10, 31))
    totals = queries.period_totals(loaded, f)
    assert totals["visits"] > 100
    assert totals["camps_visited"] > 50
    assert totals["consultations"] > 1000


def test_new_data_is_seen_at_once(loaded, dataset_frames):
    """Loading data changes the data version; the next question reads the new data, not the columns of the old."""
    f = Filters(FIRST, LAST)
    before = queries.period_totals(loaded, f)
    data, records = dataset_frames
    fewer = records[records["date"] < D(2018, 10, 1)]
    queries.load_dataset(loaded, demo.Dataset(data.camps, data.populations, data.clinics, iter([fewer]), 5, "large"))
    after = queries.period_totals(loaded, f)
    assert after["visits"] < before["visits"]
    assert after == both(loaded, queries.period_totals, f)[1]
    loading.remove_demo(loaded)
    assert queries.period_totals(loaded, f)["visits"] == 0


def test_a_syndrome_question_does_not_wait_for_the_background_read(loaded, monkeypatch):
    """A large database's syndromes are read in the background after a load; until then the SQL answers."""
    monkeypatch.setattr(columns, "WARM_FROM", 0)  # this small database counts as large
    monkeypatch.setattr(columns.Columns, "warm", lambda self: None)  # and its background read has not finished
    columns.forget()
    f = Filters(FIRST, LAST, syndrome="ari")
    cols = columns.of(loaded, version.data_version(loaded))
    assert cols.answers(Filters(FIRST, LAST))
    assert not cols.answers(f)
    fast = queries.period_totals(loaded, f)
    columns.ENABLED = False
    try:
        assert fast == queries.period_totals(loaded, f)
    finally:
        columns.ENABLED = True
    cols.by_syndrome()
    assert cols.answers(f)
    assert queries.period_totals(loaded, f) == fast


def test_alerts_from_sparse_weekly_sums_equal_those_from_the_full_table(loaded):
    """figures.alerts sums only the weeks with cases; detect on the full table of weeks, camps and syndromes (every
    missing week a zero) finds the same alerts."""
    from dataclasses import replace

    from dashboard.analytics import series
    from dashboard.analytics.alerts import AlertRules, detect
    from dashboard.config import Settings
    from dashboard.domain import periods
    from dashboard.services import figures

    settings = Settings.from_env(database_url="sqlite://", secret_key="x", alert_min_count=3, alert_ratio=1.5)
    rules = AlertRules(ratio=1.5, baseline_weeks=settings.alert_baseline_weeks, min_count=3)
    for f in (Filters(D(2018, 10, 1), LAST), Filters(D(2018, 9, 20), D(2018, 11, 4), governorates=("IQ-AN",))):
        got = figures.alerts(loaded, f, settings)
        wide = replace(f, start=max(FIRST, f.start - dt.timedelta(days=7 * rules.baseline_weeks + 6)), freq="week")
        daily = queries.daily_breakdown(loaded, wide, ("camp_id", "syndrome"))
        daily = daily[daily["syndrome"].isin(rules.syndromes)]
        full = series.by_period(daily, wide.start, f.end, "week", ("camp_id", "syndrome"))
        first = periods.week_start(pd.Series([pd.Timestamp(f.start)]))[0]
        expected = detect(full, rules, first_week=first)
        key = ["week", "camp_id", "syndrome", "rule"]
        columns = [*key, "count", "baseline"]
        assert len(got) > 5  # the comparison means something
        pd.testing.assert_frame_equal(
            got[columns].sort_values(key, ignore_index=True).astype({"baseline": float}),
            expected[columns].sort_values(key, ignore_index=True).astype({"baseline": float}),
        )


def test_after_a_load_a_process_answers_from_what_it_holds_until_the_new_data_is_read(
    loaded, dataset_frames, monkeypatch
):
    """No outage after a load: the process stays ready on the data it holds (health 200, figures of the old
    version, consistent with the cache keys) while it reads the new in the background, then switches to it."""
    import threading

    f = Filters(FIRST, LAST)
    columns.forget()
    old_version = version.data_version(loaded)
    columns.of(loaded, old_version).by_syndrome()
    before = queries.period_totals(loaded, f)
    gate = threading.Event()
    read = columns.Columns.by_syndrome
    monkeypatch.setattr(columns.Columns, "by_syndrome", lambda self: gate.wait(30) and read(self))
    monkeypatch.setattr(columns, "SWITCH_WAIT", 0.05)
    monkeypatch.setattr(columns, "PREVIOUS_KEPT_S", 0.2)
    data, records = dataset_frames
    fewer = records[records["date"] < D(2018, 10, 1)]
    queries.load_dataset(loaded, demo.Dataset(data.camps, data.populations, data.clinics, iter([fewer]), 5, "large"))
    assert version.data_version(loaded) == old_version  # still reading the new data: answered from the old
    assert columns.state(loaded, version.data_version(loaded)) == "ready"
    assert queries.period_totals(loaded, f) == before
    gate.set()
    deadline = dt.datetime.now() + dt.timedelta(seconds=30)
    while version.data_version(loaded) == old_version and dt.datetime.now() < deadline:
        pass
    assert version.data_version(loaded) != old_version
    assert queries.period_totals(loaded, f)["visits"] < before["visits"]
    # the old columns are given back once the requests that began before the switch are done (here 0.2 s)
    key = str(loaded.url)
    deadline = dt.datetime.now() + dt.timedelta(seconds=10)
    while key in columns._previous and dt.datetime.now() < deadline:
        time.sleep(0.05)
    assert key not in columns._previous
