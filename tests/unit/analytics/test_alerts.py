"""The alert rules, case by case, including their edges."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.analytics import alerts

RULES = alerts.AlertRules(ratio=2.0, baseline_weeks=3, min_count=10)
WEEKS = pd.date_range("2017-01-02", periods=5, freq="7D")


def _series(syndrome: str, counts: list[int], camp: int = 1) -> pd.DataFrame:
    return pd.DataFrame({"week": WEEKS[: len(counts)], "camp_id": camp, "syndrome": syndrome, "consultations": counts})


@pytest.mark.parametrize(
    ("counts", "alert_counts"),
    [
        ([10, 10, 10, 20], [20]),  # exactly twice the mean of the previous three weeks
        ([10, 10, 10, 19], []),  # just under twice
        ([4, 4, 4, 9], []),  # twice and more, but under the minimum count
        ([5, 5, 5, 10], [10]),  # twice, and exactly the minimum
        ([0, 0, 0, 10], [10]),  # from nothing to the minimum
        ([30, 12], []),  # not three previous weeks yet: no baseline, no alert
        ([6, 6, 6, 30, 27], [30]),  # the next week is compared with a baseline that includes the first high week
    ],
)
def test_threshold_rule(counts, alert_counts):
    found = alerts.detect(_series("awd", counts), RULES)
    assert found["count"].tolist() == alert_counts
    assert (found["rule"] == alerts.THRESHOLD).all()


def test_threshold_baseline_is_reported():
    found = alerts.detect(_series("ari", [9, 10, 11, 25]), RULES)
    assert found.loc[0, "baseline"] == 10.0
    assert found.loc[0, "week"] == WEEKS[3]


def test_missing_weeks_count_as_zero():
    frame = _series("bloody_diarrhoea", [8, 0, 0, 12]).iloc[[0, 3]]  # weeks 2 and 3 not in the data
    found = alerts.detect(frame, RULES)
    assert found["count"].tolist() == [12]
    assert found.loc[0, "baseline"] == pytest.approx(8 / 3, abs=0.05)


@pytest.mark.parametrize("syndrome", ["suspected_measles", "afp"])
@pytest.mark.parametrize(("count", "alert"), [(0, False), (1, True), (3, True)])
def test_single_case_rule(syndrome, count, alert):
    found = alerts.detect(_series(syndrome, [count]), RULES)
    assert len(found) == int(alert)
    if alert:
        assert found.loc[0, "rule"] == alerts.SINGLE_CASE
        assert found.loc[0, "count"] == count


def test_other_syndromes_never_alert():
    assert alerts.detect(_series("scabies", [1, 1, 1, 100]), RULES).empty


def test_camps_are_separate_and_early_weeks_only_serve_as_baseline():
    frame = pd.concat([_series("awd", [10, 10, 10, 20], camp=1), _series("awd", [20, 20, 20, 20], camp=2)])
    found = alerts.detect(frame, RULES, first_week=WEEKS[3])
    assert found[["camp_id", "count"]].values.tolist() == [[1, 20]]
    assert alerts.detect(frame, RULES, first_week=WEEKS[4]).empty


def test_threshold_alerts_equal_a_rolling_mean_over_many_series():
    """Every series at once (arrays) gives what each series alone gives with pandas' rolling mean."""
    import numpy as np

    rng = np.random.default_rng(3)
    weeks = pd.date_range("2017-01-02", periods=30, freq="7D")
    rows = [
        (week, camp, syndrome, int(rng.poisson(8 if rng.random() < 0.9 else 30)))
        for camp in range(40)
        for syndrome in ("awd", "ari")
        for week in weeks
        if rng.random() < 0.8  # missing weeks are zeros
    ]
    weekly = pd.DataFrame(rows, columns=["week", "camp_id", "syndrome", "consultations"])
    got = alerts.detect(weekly, RULES)
    expected = []
    for (camp, syndrome), series in weekly.groupby(["camp_id", "syndrome"]):
        counts = series.set_index("week")["consultations"].reindex(weeks, fill_value=0)
        counts = counts[counts.index >= weekly["week"].min()]
        base = counts.shift(1).rolling(3, min_periods=3).mean()
        hit = (counts >= 10) & base.notna() & (counts >= 2 * base)
        expected += [(w, camp, syndrome, int(counts[w]), round(base[w], 1)) for w in counts.index[hit]]
    assert len(expected) > 20
    assert sorted(
        got[["week", "camp_id", "syndrome", "count", "baseline"]].itertuples(index=False, name=None)
    ) == sorted(expected)
