"""The overview's chart drawn on the server as SVG: what a reader of the picture sees (lines, gaps, open circles,
axis values, legend), read back from the SVG itself."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from dashboard.web.components import svgcharts
from tests.helpers import NS, drawn

COLOURS = ["#0072B2", "#E69F00", "#009E73"]


def _table(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["governorate", "period", "consultations", "partial"])


def _weeks(n: int, start=dt.date(2025, 1, 6)) -> list[dt.date]:
    return [start + dt.timedelta(weeks=i) for i in range(n)]


def _values(points) -> list:
    return [None if p is None else p[1] for p in points]


def test_one_line_per_governorate_at_the_heights_of_its_values():
    weeks = _weeks(4)
    table = _table(
        [("IQ-AN", w, v, False) for w, v in zip(weeks, [120, 340, 95, 400], strict=True)]
        + [("IQ-DA", w, v, False) for w, v in zip(weeks, [10, 0, 60, 25], strict=True)]
    )
    picture = drawn(svgcharts.lines_by_governorate(table, {"IQ-AN": "Anbar", "IQ-DA": "Dohuk"}, COLOURS, "T", "C").svg)
    assert {name: _values(p) for name, p in picture["lines"].items()} == {
        "Anbar": [120, 340, 95, 400],
        "Dohuk": [10, 0, 60, 25],
    }
    xs = [p[0] for p in picture["lines"]["Anbar"]]
    assert xs == sorted(xs)
    assert len(set(xs)) == 4
    assert picture["axis"][0] == 0
    assert picture["axis"][-1] >= 400
    assert "Anbar" in picture["texts"]
    assert "Dohuk" in picture["texts"]


def test_hidden_counts_break_the_line_and_cut_weeks_are_open_circles():
    weeks = _weeks(5)
    table = _table(
        [
            ("IQ-AN", weeks[0], 50, True),  # cut by the period's start
            ("IQ-AN", weeks[1], 200, False),
            ("IQ-AN", weeks[2], None, False),  # hidden (a small count)
            ("IQ-AN", weeks[3], 180, False),
            ("IQ-AN", weeks[4], 30, True),  # cut by the end
        ]
    )
    picture = drawn(svgcharts.lines_by_governorate(table, {"IQ-AN": "Anbar"}, COLOURS, "T", "C").svg)
    assert _values(picture["lines"]["Anbar"]) == [200, None, 180]  # no drop to zero where a count is hidden
    assert sorted(picture["circles"]) == [30, 50]
    assert sorted(picture["dots"]) == [180, 200]  # full weeks with no neighbour on the line: dots, to be seen
    assert any("Open circles" in (t or "") for t in picture["texts"])


def test_one_week_of_data_is_a_dot_for_each_governorate():
    table = _table([("IQ-AN", dt.date(2018, 2, 26), 20, False), ("IQ-DA", dt.date(2018, 2, 26), 45, False)])
    picture = drawn(svgcharts.lines_by_governorate(table, {"IQ-AN": "Anbar", "IQ-DA": "Dohuk"}, COLOURS, "T", "C").svg)
    assert sorted(picture["dots"]) == [20, 45]
    assert picture["circles"] == []


def test_names_are_escaped_and_the_picture_is_well_formed():
    table = _table([("X", dt.date(2025, 1, 6), 5, False)])
    svg = svgcharts.lines_by_governorate(table, {"X": 'Camp <A> & "B"'}, COLOURS, "Title & more", "C").svg
    picture = drawn(svg)  # would raise on bad XML
    assert 'Camp <A> & "B"' in picture["texts"]
    assert "Title & more" in picture["texts"]
    assert _values(picture["lines"]['Camp <A> & "B"']) == [5]  # a single week still shows, as a dot


@pytest.mark.parametrize(
    ("top", "expected"),
    [(400, [0, 100, 200, 300, 400]), (93_000, [0, 20_000, 40_000, 60_000, 80_000, 100_000]), (7, [0, 2, 4, 6, 8])],
)
def test_axis_values_are_round_and_reach_the_top(top, expected):
    assert svgcharts.nice_ticks(top) == expected


def test_nothing_to_draw_gives_an_axis_of_zero_to_one():
    assert svgcharts.nice_ticks(0) == [0, 1]


@pytest.mark.parametrize(
    ("first", "last", "labels"),
    [
        (dt.date(2018, 1, 1), dt.date(2018, 12, 30), ["Jan 2018", "Mar 2018", "May 2018", "Jul 2018", "Sep 2018"]),
        (dt.date(2016, 1, 4), dt.date(2025, 6, 30), ["2018", "2020", "2022", "2024"]),
        (dt.date(2018, 1, 1), dt.date(2018, 1, 20), ["01 Jan", "08 Jan", "15 Jan"]),
    ],
)
def test_dates_along_the_axis_suit_the_period(first, last, labels):
    ticks, fmt = svgcharts.date_ticks(first, last)
    assert [f"{d:{fmt}}" for d in ticks][: len(labels)] == labels
    assert all(first <= d <= last for d in ticks)
    assert len(ticks) <= 6


def test_date_labels_stay_inside_the_picture():
    table = _table([("IQ-AN", w, 100, False) for w in _weeks(3, dt.date(2018, 1, 1))])
    root = ET.fromstring(svgcharts.lines_by_governorate(table, {}, COLOURS, "T", "C", width=480).svg)
    for text in root.iterfind("s:text[@text-anchor='middle']", NS):
        if text.text and text.text[:2].isdigit():
            half = len(text.text) * 0.56 * 12 / 2
            assert half <= float(text.get("x")) <= 480 - half


def test_a_pointer_over_a_week_shows_every_line_there():
    weeks = _weeks(3)
    table = _table(
        [
            ("IQ-AN", weeks[0], 40, True),
            ("IQ-AN", weeks[1], 1234, False),
            ("IQ-AN", weeks[2], None, False),
            ("IQ-DA", weeks[1], 7, False),
        ]
    )
    chart = svgcharts.lines_by_governorate(table, {"IQ-AN": "Anbar", "IQ-DA": "Dohuk"}, COLOURS, "T", "C")
    hover = chart.hover
    assert hover["weeks"] == ["Week of 06 Jan 2025", "Week of 13 Jan 2025", "Week of 20 Jan 2025"]
    assert [line["name"] for line in hover["lines"]] == ["Anbar", "Dohuk"]
    assert hover["lines"][0]["values"] == ["40 (partial week)", "1,234", "–"]  # a hidden count is a dash
    assert hover["lines"][1]["values"] == [None, "7", None]  # no row: nothing to show
    # the weeks' places are where the picture draws them
    drawn_x = [p[0] for p in drawn(chart.svg)["lines"]["Anbar"]]
    assert drawn_x == [hover["x"][1]]
    assert hover["x"] == sorted(hover["x"])
