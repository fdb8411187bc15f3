"""The visit plan against what happened, on hand-made rotas and visits (docs/formats.md, "Completeness and
timeliness")."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dashboard.analytics import completeness as plan

MON, TUE, WED, THU, SUN = 1, 2, 4, 8, 64  # weekday bits


def rota(*rows) -> pd.DataFrame:
    """(clinic, camp, weekdays, valid_from, valid_to or None)."""
    frame = pd.DataFrame(rows, columns=["clinic_id", "camp_id", "weekdays", "valid_from", "valid_to"])
    for column in ("valid_from", "valid_to"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def visits(*rows) -> pd.DataFrame:
    """(date, clinic, camp, reported_on or None)."""
    frame = pd.DataFrame(rows, columns=["date", "clinic_id", "camp_id", "reported_on"])
    for column in ("date", "reported_on"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def days(table: pd.DataFrame) -> list[str]:
    return [d.date().isoformat() for d in table["date"]]


# 2018-01-01 is a Monday.
WEEK = (dt.date(2018, 1, 1), dt.date(2018, 1, 14))


def test_a_pattern_plans_its_weekdays_within_its_dates_and_the_period():
    planned = plan.planned_visits(rota((1, 10, SUN | WED, "2018-01-03", "2018-01-10")), *WEEK)
    assert days(planned) == ["2018-01-03", "2018-01-07", "2018-01-10"]


def test_an_open_pattern_runs_to_the_period_end_and_one_day_rows_are_dated_visits():
    planned = plan.planned_visits(
        rota((1, 10, MON, "2017-06-01", None), (2, 11, THU, "2018-01-04", "2018-01-04")), *WEEK
    )
    assert list(zip(days(planned), planned["clinic_id"], strict=True)) == [
        ("2018-01-01", 1),
        ("2018-01-04", 2),
        ("2018-01-08", 1),
    ]


def test_two_rows_planning_the_same_visit_plan_it_once():
    planned = plan.planned_visits(rota((1, 10, MON, "2018-01-01", None), (1, 10, MON | TUE, "2018-01-08", None)), *WEEK)
    assert days(planned) == ["2018-01-01", "2018-01-08", "2018-01-09"]


def test_a_rota_change_mid_period_plans_the_old_camp_then_the_new_one():
    change = rota((1, 10, MON, "2018-01-01", "2018-01-07"), (1, 11, MON, "2018-01-08", None))
    planned = plan.planned_visits(change, *WEEK)
    assert list(zip(days(planned), planned["camp_id"], strict=True)) == [("2018-01-01", 10), ("2018-01-08", 11)]


def test_a_unit_plans_nothing_outside_its_active_dates():
    """Unit 1 was retired on Wednesday 3 January and unit 2 started on Monday 8 January; their open rota rows were
    never ended (or began before): no visit is planned for them on a day they did not work."""
    rows = rota((1, 10, MON | WED | THU, "2018-01-01", None), (2, 11, TUE, "2017-12-01", None))
    rows["active_from"] = pd.to_datetime([None, "2018-01-08"])
    rows["active_to"] = pd.to_datetime(["2018-01-03", None])
    planned = plan.planned_visits(rows, *WEEK)
    assert list(zip(days(planned), planned["clinic_id"], strict=True)) == [
        ("2018-01-01", 1),
        ("2018-01-03", 1),
        ("2018-01-09", 2),
    ]


def test_nothing_planned_for_an_empty_rota_or_an_empty_period():
    assert plan.planned_visits(rota(), *WEEK).empty
    assert plan.planned_visits(rota((1, 10, MON, "2018-01-01", None)), dt.date(2018, 1, 2), dt.date(2018, 1, 7)).empty


def test_a_visit_that_day_or_later_in_the_week_makes_a_planned_visit_and_an_extra_one_is_unplanned():
    planned = plan.planned_visits(rota((1, 10, MON | WED, "2018-01-01", None)), *WEEK)
    made = visits(
        ("2018-01-01", 1, 10, "2018-01-02"),  # Monday as planned
        ("2018-01-04", 1, 10, "2018-01-05"),  # Thursday for Wednesday: the same week
        ("2018-01-05", 1, 10, "2018-01-06"),  # a third visit that week: unplanned
        ("2018-01-08", 2, 10, "2018-01-09"),  # another unit (no rota): unplanned
        ("2018-01-10", 1, 11, "2018-01-11"),  # another camp: unplanned, and the camp's Wednesday is missed
    )
    matched, unplanned = plan.match(planned, made)
    assert matched["done"].tolist() == [True, True, False, False]
    assert [d.date().isoformat() for d in matched["visit_date"].dropna()] == ["2018-01-01", "2018-01-04"]
    assert days(unplanned) == ["2018-01-05", "2018-01-08", "2018-01-10"]
    rates = plan.rates(matched, unplanned, ["clinic_id"])
    unit_1 = rates.set_index("clinic_id").loc[1]
    assert (unit_1["planned"], unit_1["made"], unit_1["missed"], unit_1["unplanned"]) == (4, 2, 2, 2)
    assert unit_1["completeness"] == 0.5
    unit_2 = rates.set_index("clinic_id").loc[2]
    assert (unit_2["planned"], unit_2["unplanned"], unit_2["completeness"]) == (0, 1, None)  # no rota: no misses


def test_weeks_start_on_the_setting_day():
    """A Saturday visit makes the next day's planned visit in an ISO week (Monday to Sunday), not in a week from
    Sunday to Saturday (WEEK_START=sunday), where the Sunday starts the next week."""
    planned = plan.planned_visits(rota((1, 10, SUN, "2018-01-07", "2018-01-07")), *WEEK)
    saturday = visits(("2018-01-06", 1, 10, "2018-01-06"))
    assert plan.match(planned, saturday, first_day=0)[0]["done"].tolist() == [True]
    assert plan.match(planned, saturday, first_day=6)[0]["done"].tolist() == [False]


def test_timeliness_counts_visits_reported_within_the_deadline():
    made = visits(
        ("2018-01-01", 1, 10, "2018-01-08"),  # 7 days: on time
        ("2018-01-02", 1, 10, "2018-01-10"),  # 8 days: late
        ("2018-01-03", 2, 10, "2018-01-03"),
        ("2018-01-04", 2, 10, None),  # not known: not counted
    )
    table = plan.timeliness(made, 7, ["clinic_id"]).set_index("clinic_id")
    assert table.loc[1, "reported"] == 2
    assert table.loc[1, "on_time"] == 1
    assert table.loc[1, "timeliness"] == 0.5
    assert table.loc[2, "reported"] == 1
    assert table.loc[2, "timeliness"] == 1.0


def test_a_unit_with_planned_visits_and_no_report_in_the_last_days_is_silent():
    planned = plan.planned_visits(rota((1, 10, MON, "2018-01-01", None), (2, 11, MON, "2018-01-01", None)), *WEEK)
    made = visits(("2018-01-01", 1, 10, "2018-01-02"), ("2018-01-08", 2, 11, "2018-01-09"))
    matched, _ = plan.match(planned, made)
    last = pd.Series({1: pd.Timestamp("2018-01-01"), 2: pd.Timestamp("2018-01-08")})
    silent = plan.silent_units(matched, last, dt.date(2018, 1, 14), 7)
    assert silent["clinic_id"].tolist() == [1]
    assert silent["days_silent"].tolist() == [13]
    assert silent["planned"].tolist() == [1]
    never = plan.silent_units(matched, pd.Series(dtype="datetime64[ns]"), dt.date(2018, 1, 14), 7)
    assert never["clinic_id"].tolist() == [1, 2]
    assert never["days_silent"].isna().all()  # never reported: first


def test_camps_missed_two_weeks_running_and_not_one_week_alone(monkeypatch):
    three_weeks = (dt.date(2018, 1, 1), dt.date(2018, 1, 28))
    planned = plan.planned_visits(
        rota((1, 10, MON | WED, "2018-01-01", None), (1, 11, TUE, "2018-01-01", None)), *three_weeks
    )
    made = visits(
        ("2018-01-03", 1, 10, "2018-01-04"),  # camp 10: week 1 made, weeks 2 and 3 missed, week 4 made
        ("2018-01-22", 1, 10, "2018-01-23"),
        ("2018-01-02", 1, 11, "2018-01-03"),  # camp 11: week 2 missed only
        ("2018-01-16", 1, 11, "2018-01-17"),
        ("2018-01-23", 1, 11, "2018-01-24"),
    )
    matched, _ = plan.match(planned, made)
    running = plan.missed_running(matched)
    assert running["camp_id"].tolist() == [10]
    row = running.iloc[0]
    assert (row["first_week"].date(), row["last_week"].date(), row["weeks"], row["missed"]) == (
        dt.date(2018, 1, 8),
        dt.date(2018, 1, 15),
        2,
        4,
    )
    monkeypatch.setattr(plan, "DENSE_GROUPS", 0)  # (weeks with a visit found by sorting, not in an array of weeks)
    pd.testing.assert_frame_equal(plan.missed_running(matched), running)


def test_a_miss_in_a_week_that_was_also_visited_is_no_week_missed(monkeypatch):
    """Planned visits missed, but every such week had another of the camp's visits made: no camp missed a whole week
    (the benchmark found this answered an IndexError for some filters)."""
    planned = plan.planned_visits(
        rota((1, 10, MON | WED, "2018-01-01", None)), dt.date(2018, 1, 1), dt.date(2018, 1, 14)
    )
    made = visits(("2018-01-01", 1, 10, "2018-01-02"), ("2018-01-10", 1, 10, "2018-01-11"))  # Wednesday, Monday missed
    matched, _ = plan.match(planned, made)
    assert not matched["done"].all()
    for groups in (plan.DENSE_GROUPS, 0):
        monkeypatch.setattr(plan, "DENSE_GROUPS", groups)
        found = plan.missed_running(matched)
        assert found.empty
        assert list(found.columns) == ["camp_id", "first_week", "last_week", "weeks", "missed"]


def test_whole_number_groups_are_counted_as_the_same_groups_by_value():
    """rates and timeliness group whole numbers by counting (a span small enough) and anything else by sorting: the
    same rows give the same table either way."""
    planned = plan.planned_visits(rota((1, 10, MON | WED, "2018-01-01", None), (2, 11, TUE, "2018-01-01", None)), *WEEK)
    made = visits(("2018-01-01", 1, 10, "2018-01-02"), ("2018-01-09", 2, 11, "2018-01-20"), ("2018-01-05", 3, 10, None))
    matched, unplanned = plan.match(planned, made)

    def as_text(table: pd.DataFrame) -> pd.DataFrame:
        return table.assign(clinic_id=table["clinic_id"].map("unit {}".format))

    counted = plan.rates(matched, unplanned, ["clinic_id"])
    sorted_ = plan.rates(as_text(matched), as_text(unplanned), ["clinic_id"])
    assert counted.drop(columns="clinic_id").equals(sorted_.drop(columns="clinic_id"))
    assert sorted_["clinic_id"].tolist() == ["unit 1", "unit 2", "unit 3"]
    assert counted["planned"].tolist() == [4, 2, 0]
    on_time = plan.timeliness(made, 7, ["clinic_id"])
    assert on_time.drop(columns="clinic_id").equals(
        plan.timeliness(as_text(made), 7, ["clinic_id"]).drop(columns="clinic_id")
    )
    assert on_time["on_time"].tolist() == [1, 0, 0]


def _programme(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """A random programme: 40 camps in 4 governorates (camp 0 has none), 9 units on rotas that change, visits on
    their planned days, shifted in the week, extra or missing, reported late or not at all."""
    rng = np.random.default_rng(seed)
    rows = []
    for clinic in range(1, 10):
        for camp in rng.choice(np.arange(1, 41), size=4, replace=False):
            start = dt.date(2018, 1, 1) + dt.timedelta(days=int(rng.integers(0, 60)))
            end = start + dt.timedelta(days=int(rng.integers(20, 200))) if rng.random() < 0.5 else None
            rows.append((clinic, int(camp), int(rng.integers(1, 128)), str(start), end and str(end)))
    the_rota = rota(*rows)
    planned = plan.planned_visits(the_rota, dt.date(2018, 1, 1), dt.date(2018, 9, 30))
    made = planned.sample(frac=0.8, random_state=seed).reset_index(drop=True)
    made["date"] += pd.to_timedelta(rng.choice([0, 0, 0, 1, -1, 3], size=len(made)), unit="D")
    extra = made.sample(frac=0.1, random_state=seed + 1).assign(camp_id=lambda t: t["camp_id"] % 40 + 1)
    made = pd.concat([made, extra]).drop_duplicates(["date", "clinic_id", "camp_id"]).reset_index(drop=True)
    late = pd.to_timedelta(rng.choice([0, 1, 3, 6, 7, 8, 15, -1], size=len(made)), unit="D")
    made["reported_on"] = (made["date"] + late).where(late >= pd.Timedelta(0))
    return the_rota, made, np.r_[0, np.arange(40) % 4]


def test_the_daily_sums_give_the_same_tables_as_counting_the_rows():
    """Without a camp or unit filter, a period's totals and tables by governorate, week and month are differences
    of the index's daily sums; with one, the period's rows are counted: on random periods, governorates and week
    starts, both give the same figures (counting the rows is forced by a filter that keeps every row)."""
    rng = np.random.default_rng(3)
    every_row = lambda camps, clinics: np.ones(len(camps), dtype=bool)
    names = ["AN", "BG", "DI", "ER"]
    for seed, first_day in ((0, 0), (1, 0), (2, 3), (3, 6)):  # weeks from Monday, Thursday, Sunday
        the_rota, made, by_camp = _programme(seed)
        index = plan.PlanIndex(the_rota, made, dt.date(2018, 1, 1), dt.date(2018, 9, 30), first_day, by_camp)
        periods = [(dt.date(2018, 10, 2), dt.date(2018, 12, 1)), (dt.date(2017, 1, 1), dt.date(2017, 3, 1))]
        for _ in range(12):
            start = dt.date(2017, 12, 20) + dt.timedelta(days=int(rng.integers(0, 250)))
            periods.append((start, start + dt.timedelta(days=int(rng.integers(0, 120)))))
        for start, end in periods:  # (the first two: after the data, before it)
            chosen = None if rng.random() < 0.4 else sorted(rng.choice(4, size=int(rng.integers(1, 4)), replace=False))
            fast = plan.Summary(index, start, end, names, chosen, None, 7)
            slow = plan.Summary(index, start, end, names, chosen, every_row, 7)
            for figure in ("planned", "made", "unplanned", "completeness", "timeliness"):
                assert fast[figure] == slow[figure], (figure, start, end, chosen)
            for by, weeks in (("governorate", None), ("week", None), ("week", 3), ("month", None)):
                pd.testing.assert_frame_equal(fast.table(by, weeks), slow.table(by, weeks), check_dtype=False)
            assert fast.table("governorate")["planned"].sum() == fast.planned
