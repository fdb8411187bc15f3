"""The overview's chart drawn on the server as SVG: what a reader of the picture sees (lines, gaps, open circles,
axis values, legend), read back from the SVG itself."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from dashboard import i18n
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
    assert [i18n.date_text(d, fmt) for d in ticks][: len(labels)] == labels
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


def _trends_tables(weeks: list[dt.date], hidden: bool = False) -> dict[str, pd.DataFrame]:
    """A table for each public trends chart over `weeks`, as the figures module gives them (a count hidden when
    `hidden`: None in its cell)."""
    gone = None if hidden else 5
    by_gov = pd.DataFrame(
        [(w, g, 100 + i, gone if g == "IQ-DA" else 10, i == len(weeks) - 1) for i, w in enumerate(weeks)
         for g in ("IQ-AN", "IQ-DA")],
        columns=["period", "governorate", "consultations", "referrals", "partial"],
    )  # fmt: skip
    return {
        "governorate": by_gov,
        "referrals": by_gov,
        "syndrome": pd.DataFrame(
            [(w, s, v, False) for w in weeks for s, v in (("acute_respiratory_infection", 30), ("injury", gone))],
            columns=["period", "syndrome", "consultations", "partial"],
        ),
        "rates": by_gov.assign(population=1000, rate=by_gov["consultations"] / 10),
        "comparison": pd.DataFrame(
            [("IQ-AN", "Anbar", 100, 80, gone), ("IQ-DA", "Dohuk", 50, 60, 70)],
            columns=["governorate", "name", "current", "previous", "last_year"],
        ),
        "expected": pd.DataFrame(
            [(w, 100 + i, 95.5, 80.1, 110.9, False) for i, w in enumerate(weeks)],
            columns=["period", "observed", "expected", "low", "high", "partial"],
        ),
    }


@pytest.mark.parametrize("weeks", [4, 1])
@pytest.mark.parametrize("hidden", [False, True])
def test_every_public_trends_chart_is_a_picture_with_its_figures_under_the_pointer(weeks, hidden):
    """Each chart the public sees on /trends, drawn on the server: a valid picture titled as the plotly chart, and
    under the pointer each period's figures (a hidden count as none; rates, shares and expectations said to be
    derived, not counts), for several periods or one."""
    from dashboard.web.components import charts

    names = {"IQ-AN": "Anbar", "IQ-DA": "Dohuk"}
    for name, table in _trends_tables(_weeks(weeks), hidden).items():
        svg, hover, title = charts.chart_image(name, table, names)
        root = ET.fromstring(svg)
        assert root.find("s:title", NS).text == title
        slots = 2 if name == "comparison" else weeks
        assert len(hover["x"]) == len(hover["weeks"]) == slots
        assert all(len(line["values"]) == slots for line in hover["lines"])
        derived = {line["name"] for line in hover["lines"] if line.get("derived")}
        assert derived == {
            "rates": {"Anbar", "Dohuk"},
            "referrals": {"Share referred (%)"},
            "expected": {"Expected", "Expected range"},
        }.get(name, set())
        if name == "syndrome":
            injury = next(line for line in hover["lines"] if line["name"] == "Injury")
            assert injury["values"] == ([None] if hidden else ["5"]) * weeks
        if name == "comparison":
            assert hover["weeks"] == ["Anbar", "Dohuk"]
        if name == "expected":  # one week's observed and expected: dots that can be seen, not zero-length lines
            assert len(root.findall("s:circle[@data-lone]", NS)) == (2 if weeks == 1 else 0)


def test_stacked_bars_are_as_tall_as_their_values_and_cut_periods_are_pale():
    weeks = _weeks(2)
    chart = svgcharts.plot(
        "T",
        weeks,
        [
            svgcharts.Series("A", "#111111", [30, 20], "bar"),
            svgcharts.Series("B", "#222222", [70, 80], "bar"),
        ],
        "C",
        ["w1", "w2"],
        stacked=True,
        partial=[False, True],
    )
    root = ET.fromstring(chart.svg)
    bars = list(root.iterfind("s:rect[@data-series]", NS))
    heights = [(r.get("fill"), float(r.get("height")), r.get("fill-opacity")) for r in bars]
    first, second = [h for h in heights if h[2] is None], [h for h in heights if h[2] == "0.45"]
    assert len(first) == len(second) == 2
    assert first[1][1] / first[0][1] == pytest.approx(70 / 30, rel=0.02)
    assert sum(h[1] for h in first) == pytest.approx(sum(h[1] for h in second), rel=0.02)  # both stacks reach 100


def test_many_governorates_are_small_panels_on_one_scale_from_zero():
    from dashboard.web.components import charts

    weeks = _weeks(3)
    govs = {f"IQ-{i}": f"Governorate {i}" for i in range(7)}
    table = _table([(g, w, 100 * (i + 1) if g != "IQ-3" else None, False) for i, g in enumerate(govs) for w in weeks])
    svg, hover, title = charts.chart_image("governorate", table, govs)
    root = ET.fromstring(svg)
    assert hover is None
    assert title == "Consultations by governorate"
    assert [p.get("data-series") for p in root.iterfind("s:path[@data-series]", NS)] == sorted(govs.values())
    assert not next(p for p in root.iterfind("s:path", NS) if p.get("data-series") == "Governorate 3").get("d")
    tops = [t.text for t in root.iterfind("s:text", NS) if t.text and t.text.replace(",", "").isdigit()]
    assert tops.count("800") == 7  # every panel's scale ends on the same round number above the highest (700)
    assert tops.count("0") == 7


def test_a_phone_gets_the_small_panels_in_two_columns():
    from dashboard.web.components import charts

    govs = {f"IQ-{i}": f"Governorate {i}" for i in range(7)}
    table = _table([(g, w, 100, False) for g in govs for w in _weeks(3)])
    root = ET.fromstring(charts.chart_image("governorate", table, govs, narrow=True)[0])
    titles = [t for t in root.iterfind("s:text[@font-weight='600']", NS)]
    assert len({t.get("x") for t in titles}) == 2  # two columns of panels
    assert float(root.get("width")) <= 420
    lines = charts.chart_image("governorate", table[table["governorate"].isin(["IQ-0", "IQ-1"])], govs, narrow=True)
    assert ET.fromstring(lines[0]).get("width") == "480"  # (two lines: as wide as a half-width chart)


def test_in_arabic_the_title_and_the_legend_start_on_the_right():
    weeks = _weeks(4)
    table = _table(
        [("IQ-AN", w, 100, False) for w in weeks]
        + [("IQ-DA", w, 50, False) for w in weeks]
        + [("IQ-KI", w, 20, False) for w in weeks]
    )
    names = {"IQ-AN": "الأنبار", "IQ-DA": "دهوك", "IQ-KI": "كركوك"}

    def placed(language):
        with i18n.use(language):
            root = ET.fromstring(svgcharts.lines_by_governorate(table, names, COLOURS, "العنوان", "C", width=480).svg)
        texts = {t.text: (float(t.get("x")), t.get("text-anchor")) for t in root.iterfind("s:text[@x]", NS)}
        return texts["العنوان"], [texts[n] for n in names.values()]

    (title_x, title_anchor), legend = placed("ar")
    assert (title_x, title_anchor) == (470, "end")  # the title ends at the right edge
    xs = [x for x, _anchor in legend]
    assert xs == sorted(xs, reverse=True)  # the first governorate on the right, the others leftwards
    assert all(anchor == "end" for _x, anchor in legend)
    assert xs[0] > 400
    (title_x, title_anchor), legend = placed("en")
    assert (title_x, title_anchor) == (10, None)
    assert [x for x, _a in legend] == sorted(x for x, _a in legend)  # English: from the left
