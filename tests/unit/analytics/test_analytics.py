"""Pure analytics: periods, population dating, weeks, coverage status, protection of small counts, GeoJSON."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics import coverage, geo, population, protection, series, tables
from dashboard.domain import periods

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (None, None, (D(2018, 1, 1), D(2018, 12, 30))),  # 52 whole weeks ending on the last Sunday
        ("2017-03-01", "2017-03-31", (D(2017, 3, 1), D(2017, 3, 31))),
        (None, "2016-02-01", (D(2016, 1, 3), D(2016, 2, 1))),  # never before the data's first day
        ("2018-12-01", None, (D(2018, 12, 1), D(2018, 12, 30))),
    ],
)
def test_parse_period(start, end, expected):
    assert periods.parse_period(start, end, D(2016, 1, 3), D(2018, 12, 31)) == expected


@pytest.mark.parametrize(("start", "end", "name"), [("2018-02-30", None, "start"), (None, "yesterday", "end")])
def test_parse_period_names_the_bad_parameter(start, end, name):
    with pytest.raises(ValueError, match=f"^{name} must be a date"):
        periods.parse_period(start, end, D(2016, 1, 3), D(2018, 12, 31))


def test_parse_period_rejects_a_reversed_range():
    with pytest.raises(ValueError, match="after end"):
        periods.parse_period("2018-05-02", "2018-05-01", D(2016, 1, 3), D(2018, 12, 31))


HISTORY = pd.DataFrame(
    {
        "camp_id": [1, 1, 2],
        "population_date": [D(2017, 1, 1), D(2017, 2, 1), D(2017, 3, 1)],
        "population": [100, 200, 50],
    }
)


@pytest.mark.parametrize(
    ("day", "camp1", "camp2"),
    [
        (D(2016, 12, 31), (100, D(2017, 1, 1)), (50, D(2017, 3, 1))),  # before any row: the earliest after
        (D(2017, 1, 1), (100, D(2017, 1, 1)), (50, D(2017, 3, 1))),  # on the day of a row
        (D(2017, 1, 31), (100, D(2017, 1, 1)), (50, D(2017, 3, 1))),
        (D(2017, 2, 1), (200, D(2017, 2, 1)), (50, D(2017, 3, 1))),
        (D(2019, 1, 1), (200, D(2017, 2, 1)), (50, D(2017, 3, 1))),
    ],
)
def test_population_at(day, camp1, camp2):
    got = population.populations_at(HISTORY, [day]).set_index("camp_id")
    assert (got.loc[1, "population"], got.loc[1, "population_date"].date()) == camp1
    assert (got.loc[2, "population"], got.loc[2, "population_date"].date()) == camp2


def _random_history(rng, camps: int, rows: int) -> pd.DataFrame:
    """Population rows of camps 1 to camps-1 on random days of 2016 to mid-2018."""
    return pd.DataFrame(
        {
            "camp_id": rng.integers(1, camps, rows),
            "population_date": pd.to_datetime("2016-01-01") + pd.to_timedelta(rng.integers(0, 900, rows), unit="D"),
            "population": rng.integers(0, 5000, rows),
        }
    )


def test_populations_on_many_days_at_once_match_one_day_at_a_time():
    """The rates ask for every week's populations in one search; each day's must be population_at's."""
    history = _random_history(np.random.default_rng(3), camps=40, rows=300).drop_duplicates(
        ["camp_id", "population_date"]
    )
    days = [D(2015, 6, 1), D(2016, 3, 9), D(2017, 1, 1), D(2018, 12, 31)]
    index = population.PopulationIndex(history)
    matrix = population.populations_at(index, days)["population"].to_numpy().reshape(len(days), len(index.camps))
    for row, day in zip(matrix, days, strict=True):
        expected = {}  # by hand: the latest row on or before the day, else the earliest after it
        for camp, rows in history.sort_values("population_date").groupby("camp_id"):
            before = rows[rows["population_date"] <= pd.Timestamp(day)]
            expected[camp] = int((before.iloc[-1] if len(before) else rows.iloc[0])["population"])
        assert dict(zip(index.camps.tolist(), row.tolist(), strict=True)) == expected


def test_population_totals_by_group_match_the_camps_populations_summed():
    """The rates sum camp populations by governorate on every week's last day from the changes alone."""
    rng = np.random.default_rng(5)
    history = _random_history(rng, camps=60, rows=500)  # with some camps counted twice on one day
    index = population.PopulationIndex(history)
    groups = rng.integers(-1, 3, len(index.camps))  # three groups, and camps in none
    days = [D(2015, 6, 1), D(2016, 3, 9), D(2016, 3, 10), D(2017, 1, 1), D(2018, 12, 31)]
    matrix = population.populations_at(index, days)["population"].to_numpy().reshape(len(days), len(index.camps))
    want = np.stack([matrix[:, groups == g].sum(axis=1) for g in range(3)], axis=1)
    assert index.totals(days, groups, 3).tolist() == want.tolist()


def _by_period_by_hand(daily, start, end, freq, dims, first_day):
    """by_period as pandas says it: group by period and dims, then every combination, zero where none."""
    label = "week" if freq == "week" else "month"
    if freq == "week":
        frame = daily.assign(**{label: periods.week_start(daily["date"], first_day)})
        labels = pd.date_range(periods.week_of(start, first_day), end, freq="7D")
        last = labels + pd.Timedelta(days=6)
    else:
        frame = daily.assign(**{label: daily["date"].dt.to_period("M").dt.to_timestamp()})
        labels = pd.date_range(pd.Timestamp(start).to_period("M").to_timestamp(), end, freq="MS")
        last = labels + pd.offsets.MonthEnd(0)
    sums = frame.groupby([label, *dims], as_index=False)[["consultations", "referrals"]].sum()
    levels = [labels, *[sorted(daily[d].unique()) for d in dims]]
    full = pd.MultiIndex.from_product(levels, names=[label, *dims]) if dims else pd.Index(labels, name=label)
    sums = sums.set_index([label, *dims]).reindex(full, fill_value=0).reset_index()
    cut = dict(zip(labels, (labels < pd.Timestamp(start)) | (last > pd.Timestamp(end)), strict=True))
    sums["partial"] = sums[label].map(cut)
    return sums


@pytest.mark.parametrize("freq", ["week", "month"])
@pytest.mark.parametrize("dims", [(), ("governorate",), ("camp_id", "syndrome")])
def test_sums_by_period_match_pandas_grouping(freq, dims):
    rng = np.random.default_rng(7)
    start, end = D(2017, 1, 4), D(2017, 5, 17)
    n = 400
    daily = pd.DataFrame(
        {
            "date": pd.to_datetime("2017-01-04") + pd.to_timedelta(rng.integers(0, 134, n), unit="D"),
            "governorate": rng.choice(["IQ-AN", "IQ-DA", "IQ-KI"], n),
            "camp_id": rng.integers(1, 9, n),
            "syndrome": rng.choice(["ari", "awd", "scabies"], n),
            "consultations": rng.integers(0, 50, n),
            "referrals": rng.integers(0, 5, n),
        }
    )
    for first_day in (0, 6):
        got = series.by_period(daily, start, end, freq, dims, first_day)
        want = _by_period_by_hand(daily, start, end, freq, dims, first_day)
        label = "week" if freq == "week" else "month"
        assert list(got.columns) == [label, *dims, "consultations", "referrals", "partial"]
        for column in got.columns:
            assert got[column].tolist() == want[column].tolist(), column


def test_weekly_sums_iso_weeks_and_marks_partial_ones():
    daily = pd.DataFrame(
        {
            "date": pd.to_datetime(["2017-01-31", "2017-02-05", "2017-02-06", "2017-02-14"]),
            "governorate": ["IQ-AN", "IQ-AN", "IQ-AN", "IQ-DA"],
            "consultations": [10, 5, 7, 3],
            "referrals": [1, 0, 0, 1],
        }
    )
    weekly = series.weekly(daily, D(2017, 1, 31), D(2017, 2, 14))
    rows = {(r.week.date().isoformat(), r.governorate): (r.consultations, r.partial) for r in weekly.itertuples()}
    assert rows == {
        ("2017-01-30", "IQ-AN"): (15, True),  # the period starts on a Tuesday
        ("2017-01-30", "IQ-DA"): (0, True),
        ("2017-02-06", "IQ-AN"): (7, False),
        ("2017-02-06", "IQ-DA"): (0, False),  # a week with nothing is a zero, not a gap
        ("2017-02-13", "IQ-AN"): (0, True),  # the period ends on a Tuesday
        ("2017-02-13", "IQ-DA"): (3, True),
    }


def test_weekly_with_sunday_as_first_day():
    daily = pd.DataFrame(
        {
            "date": pd.to_datetime(["2017-02-04", "2017-02-05"]),
            "governorate": ["IQ-AN"] * 2,
            "consultations": [1, 2],
            "referrals": [0, 0],
        }
    )
    weekly = series.weekly(daily, D(2017, 1, 29), D(2017, 2, 11), first_day=6)
    assert weekly.set_index("week")["consultations"].to_dict() == {
        pd.Timestamp("2017-01-29"): 1,
        pd.Timestamp("2017-02-05"): 2,
    }
    assert not weekly["partial"].any()


def _camps(last_visit, consultations=1000, population=1000, visits=1):
    return pd.DataFrame(
        {"camp_id": [1], "visits": [visits], "consultations": [consultations], "last_visit": [last_visit]}
    )


@pytest.mark.parametrize(
    ("last_visit", "consultations", "status"),
    [
        (D(2017, 12, 17), 1000, coverage.REACHED),  # exactly 14 days before the end: still reached
        (D(2017, 12, 16), 1000, coverage.NOT_REACHED),  # 15 days
        (None, 0, coverage.NOT_REACHED),  # never visited
        (D(2017, 12, 31), 999, coverage.UNDER_SERVED),  # 0.999 consultations a person a year
        (D(2017, 12, 31), 1000, coverage.REACHED),  # exactly 1: meets the standard
    ],
)
def test_camp_status(last_visit, consultations, status):
    history = pd.DataFrame({"camp_id": [1], "population_date": [D(2017, 1, 1)], "population": [1000]})
    out = coverage.camp_status(_camps(last_visit, consultations), history, D(2017, 1, 1), D(2017, 12, 31))
    assert out.loc[0, "status"] == status


def test_utilisation_is_undefined_for_an_empty_camp():
    assert coverage.utilisation(10, 0, 30) is None
    assert coverage.utilisation(365, 100, 365) == pytest.approx(3.65)


def _cells(values, referrals=None):
    weeks = pd.date_range("2017-01-02", periods=len(values), freq="7D")
    return pd.DataFrame(
        {
            "week": weeks,
            "governorate": "IQ-DA",
            "consultations": values,
            "referrals": referrals if referrals is not None else [0] * len(values),
        }
    )


def _protected(cells, secret=b"key", **kw):
    return protection.protect(cells, ("week", "governorate"), ("consultations", "referrals"), 5, secret, **kw)


def test_protect_rounds_only_the_small_counts_to_0_or_k():
    out = _protected(_cells([0, 1, 2, 3, 4, 5, 1200], [0, 0, 1, 0, 4, 5, 3]), drop_zeros=False)
    assert out["consultations"].tolist()[0] == 0
    assert out["consultations"].tolist()[5:] == [5, 1200]
    assert set(out["consultations"].tolist()[1:5]) <= {0, 5}
    assert set(out["referrals"].tolist()) <= {0, 5}
    assert (out["referrals"] <= out["consultations"]).all()  # one draw for a row: referrals never exceed
    assert out["week"].tolist() == _cells([0] * 7)["week"].tolist()  # keys untouched, rows in order


def test_protect_is_the_same_every_time_and_unknowable_without_the_key():
    cells = _cells(list(np.random.default_rng(3).integers(1, 5, 400)))
    once, again = _protected(cells, drop_zeros=False), _protected(cells, drop_zeros=False)
    assert once["consultations"].tolist() == again["consultations"].tolist()
    other = _protected(cells, secret=b"another key", drop_zeros=False)
    assert once["consultations"].tolist() != other["consultations"].tolist()
    # The same cell with another value is drawn again: a change of data does not carry its rounding over.
    moved = _protected(cells.assign(consultations=cells["consultations"] % 4 + 1), drop_zeros=False)
    assert once["consultations"].tolist() != moved["consultations"].tolist()


def test_protect_keeps_sums_right_on_average():
    rng = np.random.default_rng(7)
    values = rng.integers(1, 5, 4000)
    out = _protected(_cells(values.tolist()), drop_zeros=False)
    assert abs(out["consultations"].sum() - values.sum()) / values.sum() < 0.03
    for v in (1, 2, 3, 4):  # each small value goes up to k in about v of k cases
        share = (out["consultations"][values == v] == 5).mean()
        assert abs(share - v / 5) < 0.06


def test_protect_drops_the_cells_rounded_to_nothing():
    out = _protected(_cells([1] * 50 + [0, 7]))
    assert (out["consultations"] > 0).all()
    assert 7 in out["consultations"].tolist()
    assert 0 < len(out) < 51


def test_camp_places_and_columns_are_compact():
    places = pd.DataFrame(
        {
            "camp_id": [7, 8, 12, 13],
            "longitude": [43.123456, 44.0, 42.5, 42.0],
            "latitude": [36.987654, 35.0, 33.25, 33.0],
            "name": ["Debaga 1", "Tiny site", "Closed camp", "Elsewhere"],
        }
    )
    fixed = geo.camp_places(places)
    assert fixed["id"] == [7, 1, 4, 1]  # 7, 8, 12, 13 as differences
    assert (fixed["x"][0] / fixed["scale"], fixed["y"][0] / fixed["scale"]) == (43.123, 36.988)
    assert fixed["n"] == ["Debaga 1", "Tiny site", "Closed camp", "Elsewhere"]
    camps = pd.DataFrame(
        {
            "camp_id": [7, 8, 12],  # camp 13 is not among the filters' camps
            "population": [14000, 3, 0],
            "status": ["reached", "not_reached", "closed"],
        }
    )
    cols = geo.camp_columns(camps, places["camp_id"].to_numpy(), "/map/camps-x.json")
    assert cols["places"] == "/map/camps-x.json"
    assert cols["i"] == [0, 1, 1]  # positions 0, 1, 2 among the places
    assert [cols["states"][s] for s in cols["s"]] == ["reached", "not_reached", "closed"]
    assert cols["p"] == [14000, 3, 0]


def test_the_camp_layer_of_ten_thousand_camps_fits_the_budget():
    """Issue #8: the camp layer of 10,000 camps (the benchmark's sites) at most 100 KB compressed (gzip), places
    and the answer's columns together; an answer alone (what a filter change sends) far less."""
    import gzip
    import json

    from dashboard.ingest import demo

    rng = np.random.default_rng(1)
    sites, pops, _ = demo.large_sites(rng, dt.date(2018, 1, 1), dt.date(2018, 12, 31), 10_000, 1_000)
    latest = pops.groupby("camp_code")["population"].last()
    places = pd.DataFrame(
        {
            "camp_id": np.arange(1, len(sites) + 1),
            "longitude": sites["longitude"],
            "latitude": sites["latitude"],
            "name": sites["camp_name"],
        }
    )
    camps = places.assign(
        population=latest.reindex(sites["camp_code"]).fillna(0).to_numpy(),
        status=rng.choice(["reached", "not_reached", "under_served", "closed"], len(sites)),
    )

    def kb(value) -> float:
        return len(gzip.compress(json.dumps(value, separators=(",", ":")).encode())) / 1024

    fixed = kb(geo.camp_places(places))
    answer = kb(geo.camp_columns(camps, places["camp_id"].to_numpy(), "/map/camps-x.json"))
    assert 50 < fixed + answer < 100  # (a layer of 10,000 camps cannot be much smaller: not an empty one)
    assert answer < 30


def test_label_point_is_inside_the_polygon():
    import shapely.geometry

    geometry = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 1], [1, 1], [1, 10], [0, 10], [0, 0]]]}
    lon, lat = geo.label_point(geometry)
    assert shapely.geometry.shape(geometry).contains(shapely.geometry.Point(lon, lat))


def test_monthly_marks_cut_months():
    daily = pd.DataFrame(
        {
            "date": pd.to_datetime(["2017-01-15", "2017-02-10", "2017-03-02"]),
            "governorate": ["IQ-AN"] * 3,
            "consultations": [5, 6, 7],
            "referrals": [0, 1, 0],
        }
    )
    table = series.by_period(daily, D(2017, 1, 10), D(2017, 3, 5), "month", ("governorate",))
    assert table["consultations"].tolist() == [5, 6, 7]
    assert table["partial"].tolist() == [True, False, True]
    assert table["month"].dt.strftime("%Y-%m-%d").tolist() == ["2017-01-01", "2017-02-01", "2017-03-01"]


def test_nearest_base_km():
    camps = pd.DataFrame({"latitude": [36.0, 33.0], "longitude": [44.0, 43.0]})
    bases = pd.DataFrame({"base_latitude": [36.0, 33.1], "base_longitude": [44.1, 43.0]})
    d = geo.nearest_base_km(camps, bases)
    assert d[0] == pytest.approx(9.0, abs=0.1)
    assert d[1] == pytest.approx(11.1, abs=0.1)


@pytest.mark.parametrize("seed", range(5))
def test_the_nearest_base_is_the_nearest_on_the_sphere(seed):
    """Across Iraq's latitudes, where a flat map stretches east-west distances by up to 10%, the base found is the
    one a measure of every pair on the sphere finds."""
    rng = np.random.default_rng(seed)
    camps = pd.DataFrame({"latitude": rng.uniform(29, 37.5, 400), "longitude": rng.uniform(38.7, 48.7, 400)})
    bases = pd.DataFrame({"base_latitude": rng.uniform(29, 37.5, 60), "base_longitude": rng.uniform(38.7, 48.7, 60)})
    lat1, lon1 = (np.radians(camps[c].to_numpy())[:, None] for c in ("latitude", "longitude"))
    lat2, lon2 = (np.radians(bases[c].to_numpy())[None, :] for c in ("base_latitude", "base_longitude"))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    every = 6371.0088 * 2 * np.arcsin(np.sqrt(a))
    assert geo.nearest_base_km(camps, bases) == pytest.approx(every.min(axis=1), rel=1e-9)


def test_a_closed_camp_is_not_a_gap():
    history = pd.DataFrame(
        {"camp_id": [1, 1], "population_date": [D(2017, 1, 1), D(2017, 6, 1)], "population": [800, 0]}
    )
    out = coverage.camp_status(_camps(None, 0, visits=0), history, D(2017, 7, 1), D(2017, 12, 31))
    assert out.loc[0, "status"] == coverage.CLOSED
    assert coverage.headline({}, out)["camps"] == 0
    # Visited in the period before it closed: still closed, so neither open nor reached ("Camps reached 1 / 0" would
    # be nonsense on a card), but the period's totals still count it among the camps visited.
    out = coverage.camp_status(_camps(D(2017, 6, 20), 10, visits=1), history, D(2017, 1, 1), D(2017, 12, 31))
    assert out.loc[0, "status"] == coverage.CLOSED
    figures = coverage.headline({"camps_visited": 1}, out)
    assert (figures["camps"], figures["camps_reached"], figures["population_reached"]) == (0, 0, 0)
    assert figures["camps_visited"] == 1


@pytest.mark.parametrize(
    ("values", "breaks", "classes"),
    [
        ({"a": 10, "b": 20, "c": 30, "d": 40, "e": 50}, [20, 30, 40], {"a": 0, "b": 1, "c": 2, "d": 3, "e": 3}),
        ({"a": 0.1234, "b": 17.25, "c": 990.0}, [8.7, 17.0, 500.0], {"a": 0, "b": 2, "c": 3}),
        ({"a": 5, "b": 5}, [], {"a": 0, "b": 0}),
        ({"a": 1.0, "b": None}, [], {"a": 0, "b": None}),
        ({}, [], {}),
    ],
)
def test_classify(values, breaks, classes):
    got_breaks, got = geo.classify(values, k=4)
    assert got_breaks == breaks
    assert got == classes


def test_classify_puts_every_value_in_a_class_below_k():
    values = {str(i): v for i, v in enumerate([0.12, 3.4, 17.0, 88.0, 140.0, 990.0, 2500.0])}
    breaks, classes = geo.classify(values, k=4)
    assert breaks == sorted(breaks)
    assert len(breaks) <= 3
    assert all(0 <= c < 4 for c in classes.values())
    assert classes["0"] == 0
    assert classes["6"] == len(breaks)


def test_sum_by_matches_a_group_by_of_the_chosen_rows():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "governorate": rng.choice(["IQ-AN", "IQ-DA", "IQ-BG", None], 500),
            "population": np.where(rng.random(500) < 0.1, np.nan, rng.integers(0, 9_000, 500)),
            "visits": rng.integers(0, 3, 500),
        }
    )
    chosen = frame["visits"] > 1
    expected = frame[chosen].groupby("governorate")["population"].sum().astype("int64").to_dict()
    assert tables.sum_by(frame["governorate"], frame["population"], chosen) == expected
    assert tables.sum_by(frame["governorate"], frame["population"]) == (
        frame.groupby("governorate")["population"].sum().astype("int64").to_dict()
    )
    assert tables.sum_by(frame["governorate"], frame["population"], frame["visits"] > 5) == {}


def test_the_week_of_one_day_is_the_week_start_of_that_day_for_every_first_day():
    days = pd.Series(pd.date_range("2016-12-25", periods=21))
    for first_day in range(7):
        assert [periods.week_of(d.date(), first_day) for d in days] == periods.week_start(days, first_day).tolist()


def test_months_of_whole_weeks_take_each_week_by_its_fourth_day():
    """Public months are made of whole weeks: the week of Monday 30 January 2017 (its Thursday is 2 February) is
    February's; a month is partial when one of its weeks is outside the period."""
    weeks = pd.date_range("2017-01-02", "2017-03-27", freq="7D")
    weekly = pd.DataFrame(
        {"date": weeks, "governorate": "IQ-DA", "consultations": range(1, len(weeks) + 1), "referrals": 0}
    )
    table = series.by_whole_weeks(weekly, D(2017, 1, 2), D(2017, 4, 2), "month")
    by_month = table.set_index("month")
    assert by_month["consultations"].to_dict() == {
        pd.Timestamp("2017-01-01"): 1 + 2 + 3 + 4,
        pd.Timestamp("2017-02-01"): 5 + 6 + 7 + 8,
        pd.Timestamp("2017-03-01"): 9 + 10 + 11 + 12 + 13,
    }
    assert not by_month["partial"].any()
    cut = series.by_whole_weeks(weekly, D(2017, 1, 9), D(2017, 3, 26), "month").set_index("month")
    assert cut["partial"].tolist() == [True, False, True]  # January's first week, March's last are outside
    assert series.by_whole_weeks(weekly, D(2017, 1, 2), D(2017, 1, 15), "week")["consultations"].tolist() == [1, 2]


def test_units_sharing_a_base_are_drawn_apart_and_others_stay_put():
    lat = np.array([36.8, 36.8, 36.8, 33.3])
    lon = np.array([42.9, 42.9, 42.9, 43.7])
    new_lat, new_lon = geo.spread(lat, lon)
    assert (new_lat[3], new_lon[3]) == (33.3, 43.7)  # alone at its base
    km = geo.EARTH_KM * np.radians(np.hypot(new_lat[:3] - 36.8, (new_lon[:3] - 42.9) * np.cos(np.radians(36.8))))
    assert np.allclose(km, km[0])  # on one small ring around the base
    assert 0.2 < km[0] < 0.5
    apart = np.hypot(np.diff(new_lat[:3]), np.diff(new_lon[:3]))
    assert (apart > 0.002).all()  # each its own place
