"""The trends' plotly figures: small multiples on one scale from zero, and round ticks on a second axis."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.web.components import charts

GOVS = ["IQ-AN", "IQ-BG", "IQ-KI", "IQ-DI", "IQ-AR", "IQ-DA", "IQ-SU"]


@pytest.mark.parametrize(
    ("value", "top"), [(0.88, 1), (3.4, 5), (4.57, 5), (1234, 2000), (2400, 2500), (7001, 10000), (0, 1), (None, 1)]
)
def test_an_axis_ends_on_a_round_number_at_or_above_the_data(value, top):
    assert charts.nice_top(value) == top


def test_small_multiples_share_one_scale_from_zero():
    weeks = pd.date_range("2018-01-01", periods=4, freq="7D")
    table = pd.DataFrame(
        [
            {"period": w, "governorate": g, "consultations": (3400 if g == "IQ-DA" else 90) + i, "partial": False}
            for g in GOVS
            for i, w in enumerate(weeks)
        ]
    )
    layout = charts.by_governorate(table, {g: g for g in GOVS}, small_multiples=True)["layout"]
    axes = sorted(k for k in layout if k.startswith("yaxis") and "range" in layout[k])  # (the grid's 8th is empty)
    assert len(axes) == 7
    assert {tuple(layout[k]["range"]) for k in axes} == {(0, 5000)}  # Dohuk's 3,403 and everyone's 90 compare
    assert all(layout[k]["matches"] == "y" for k in axes if k != "yaxis")
    assert layout["meta"]["sharedTop"] == 5000


def test_the_share_referred_has_round_ticks():
    table = pd.DataFrame(
        {
            "period": pd.date_range("2018-01-01", periods=3, freq="7D"),
            "consultations": [1000] * 3,
            "referrals": [43, 38, 45],
        }
    )
    axis = charts.referrals(table)["layout"]["yaxis2"]
    assert (axis["range"], axis["tick0"], axis["dtick"], axis["tickmode"]) == ([0, 5.0], 0, 1.0, "linear")


def test_in_arabic_the_title_and_legend_start_on_the_right_with_the_first_series_rightmost():
    from dashboard import i18n

    weeks = pd.date_range("2018-01-01", periods=3, freq="7D")
    table = pd.DataFrame(
        [{"period": w, "governorate": g, "consultations": 50, "partial": False} for g in GOVS[:3] for w in weeks]
    )
    with i18n.use("ar"):
        layout = charts.by_governorate(table, {g: g for g in GOVS}, small_multiples=False)["layout"]
    assert layout["title"]["x"] == 1
    assert (layout["legend"]["x"], layout["legend"]["xanchor"], layout["legend"]["traceorder"]) == (
        1,
        "right",
        "reversed",
    )
    with i18n.use("en"):
        layout = charts.by_governorate(table, {g: g for g in GOVS}, small_multiples=False)["layout"]
    assert layout["title"]["x"] == 0
    assert "xanchor" not in layout["legend"]
