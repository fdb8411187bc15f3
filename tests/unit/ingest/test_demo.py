"""The demo generator: deterministic, and shaped like the real programme."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.domain.reference import AGE_GROUPS, SEXES, SYNDROMES
from dashboard.ingest import demo


@pytest.fixture(scope="module")
def full():
    """The default demo dataset, 2016 to 2018, with its records in one frame."""
    data = demo.generate()
    return data, pd.concat(list(data.records), ignore_index=True)


def _short(seed):
    data = demo.generate(seed=seed, start=dt.date(2017, 1, 1), end=dt.date(2017, 2, 28))
    return data, pd.concat(list(data.records), ignore_index=True)


def test_same_seed_same_data():
    (a, ra), (b, rb) = _short(7), _short(7)
    pd.testing.assert_frame_equal(a.camps, b.camps)
    pd.testing.assert_frame_equal(a.populations, b.populations)
    pd.testing.assert_frame_equal(a.clinics, b.clinics)
    pd.testing.assert_frame_equal(ra, rb)


def test_another_seed_other_data():
    (_, ra), (_, rb) = _short(7), _short(8)
    assert not ra.equals(rb)


def test_units_and_sites(full):
    data, _ = full
    units = data.clinics
    assert (units["unit_type"] == "mmc").sum() == 27
    assert (units["unit_type"] == "ambulance").sum() == 30
    assert set(units["governorate"]) == set(demo.CAMP_POPULATION_JUNE_2017)
    assert (units.loc[units["unit_type"] == "mmc", "clinicians"] >= 1).all()
    camps = data.camps
    assert {"Debaga 1", "Khanke", "Al-Wand 1", "Laylan", "Arbat", "Habbaniya Tourist City"} <= set(camps["camp_name"])
    assert camps["position_approximate"].all()
    assert set(camps.loc[camps["governorate"] == "IQ-BG", "site_type"]) == {"informal_site"}
    inside = camps["latitude"].between(29.0, 37.5) & camps["longitude"].between(38.7, 48.7)
    assert inside.all()


def test_june_2017_population_matches_cccm(full):
    data, _ = full
    june = data.populations[data.populations["population_date"] == dt.date(2017, 6, 1)]
    by_gov = june.merge(data.camps, on="camp_code").groupby("governorate")["population"].sum().to_dict()
    assert by_gov == demo.CAMP_POPULATION_JUNE_2017


def test_population_moves(full):
    data, _ = full
    pops = data.populations.merge(data.camps, on="camp_code")
    dohuk = pops[pops["governorate"] == "IQ-DA"].groupby("population_date")["population"].sum()
    assert dohuk[dt.date(2017, 6, 1)] > 1.5 * dohuk[dt.date(2016, 6, 1)]  # arrivals from late 2016
    closed = pops[(pops["camp_name"] == "Bezabize Central") & (pops["population_date"] >= dt.date(2018, 7, 1))]
    assert (closed["population"] == 0).all()
    assert len(closed) > 0


def test_records_are_valid_and_believable(full):
    _data, records = full
    assert set(records["syndrome"]) <= set(SYNDROMES)
    assert set(records["sex"]) == set(SEXES)
    assert set(records["age_group"]) == set(AGE_GROUPS)
    assert (records["consultations"] > 0).all()
    assert (records["referrals"] <= records["consultations"]).all()
    assert not records.duplicated(["date", "clinic_code", "camp_code", "syndrome", "sex", "age_group"]).any()
    total = records["consultations"].sum()
    assert 0.15 <= records.loc[records["age_group"] == "under5", "consultations"].sum() / total <= 0.20
    assert 0.02 <= records["referrals"].sum() / total <= 0.05
    assert records["date"].min() >= dt.date(2016, 1, 1)
    assert records["date"].max() <= dt.date(2018, 12, 31)
    # Visits only on Sunday to Thursday.
    assert set(pd.to_datetime(records["date"]).dt.day_of_week.unique()) <= {6, 0, 1, 2, 3}


def test_seasons(full):
    _, records = full
    month = pd.to_datetime(records["date"]).dt.month
    share = records.assign(month=month).pivot_table(
        index="month", columns="syndrome", values="consultations", aggfunc="sum"
    )
    share = share.div(share.sum(axis=1), axis=0)
    assert share.loc[1, "ari"] > 1.5 * share.loc[7, "ari"]  # respiratory infections peak in winter
    assert share.loc[7, "awd"] > 1.5 * share.loc[1, "awd"]  # diarrhoea in summer


def test_outbreaks_and_gaps_are_there_to_find(full):
    data, records = full
    names = dict(zip(data.camps["camp_code"], data.camps["camp_name"], strict=True))
    r = records.assign(camp=records["camp_code"].map(names), day=pd.to_datetime(records["date"]))
    measles = r[
        (r["syndrome"] == "suspected_measles") & (r["camp"] == "Khanke") & r["day"].between("2017-02-12", "2017-03-11")
    ]
    assert measles["consultations"].sum() >= 10
    laylan = r[(r["syndrome"] == "awd") & (r["camp"] == "Laylan")].set_index("day")["consultations"]
    weekly = laylan.resample("W-SUN").sum()
    assert weekly["2017-08-07":"2017-08-27"].mean() > 2 * weekly["2017-07-01":"2017-07-31"].mean()
    visited = set(records["camp_code"])
    never = set(data.camps.loc[~data.camps["camp_code"].isin(visited), "camp_name"])
    assert never == {"Tazade", "Baghdad Karkh informal site"}
    rare = r[r["camp"] == "Qoratu"].drop_duplicates(["date", "clinic_code"])
    assert 0 < len(rare) < 100


def test_large_scale_option():
    data = demo.generate(scale="large", n_camps=300, n_units=40, start=dt.date(2018, 1, 1), end=dt.date(2018, 1, 31))
    records = pd.concat(list(data.records))
    assert len(data.camps) == 300
    assert len(data.clinics) == 40
    assert records["camp_code"].isin(data.camps["camp_code"]).all()


def test_bad_scale_is_named():
    with pytest.raises(ValueError, match="scale must be"):
        demo.generate(scale="huge")


def test_a_late_period_still_loads_through_the_import_path(tmp_path):
    """Every generated unit is a valid clinics row: a unit retired before the period keeps an end after its start."""
    from dashboard.data import loading, queries, schema
    from dashboard.ingest import formats, pipeline
    from dashboard.services import exports

    source = schema.make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    schema.upgrade(source)
    queries.load_dataset(source, demo.generate(start=dt.date(2018, 12, 1), end=dt.date(2018, 12, 7)))
    target = schema.make_engine(f"sqlite:///{tmp_path / 'real.db'}")
    schema.upgrade(target)
    for kind in ("camps", "clinics", "records"):
        data = exports.to_csv(loading.export_rows(source, kind), formats.template_columns(kind)).encode()
        outcome = pipeline.run(target, kind, data, f"{kind}.csv", user="t")
        assert outcome.loaded, outcome.errors
