"""The trends page: what each audience gets, the chart downloads, and the filter links."""

from __future__ import annotations

import csv
import io
import json
import sys
from urllib.parse import parse_qs, urlsplit

import dash
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from dash.exceptions import PreventUpdate

from dashboard.web import ids
from dashboard.web.components import charts
from tests.helpers import (
    SECRETS,
    TINY_RECORDS,
    add_coordinator,
    call_callback,
    client_with_csrf,
    csv_table,
    find,
    make_app,
    run_callback,
    sign_in,
    sign_in_here,
    texts,
    tiny_dataset,
    walk,
    with_parts,
)

MEASLES = ("2017-02-06", "M1", "A", "suspected_measles", "female", "under5", 1, 1)
WEEKS = "?start=2017-01-30&end=2017-02-12"


@pytest.fixture
def app(sqlite_url):
    app = make_app(sqlite_url, tiny_dataset([*TINY_RECORDS, MEASLES]))
    add_coordinator(app.server.config["MMC_ENGINE"])
    return app


def _page(app, role=None, **query):
    with app.server.test_request_context("/trends"):
        if role:
            sign_in_here(1, role)
        return with_parts(dash.page_registry["dashboard.web.pages.trends"]["layout"](**query), query)


def _figure(page, name):
    return go.Figure(find(page, {"type": ids.CHART, "chart": name}).figure)  # a plain dict, read as graph objects


def _drawn(page, name) -> dict[str, list]:
    """What a chart drawn on the server (the public's) shows under a pointer: each series' value in each period."""
    image = find(page, {"type": ids.CHART_IMAGE, "chart": name})
    hover = json.loads(image.to_plotly_json()["props"]["data-hover"])
    return {
        line["name"]: [None if v is None else float(v.replace(",", "")) for v in line["values"]]
        for line in hover["lines"]
    }


def test_public_trends_hide_small_counts_and_alerts(app):
    page = _page(app, start="2017-01-30", end="2017-02-12")
    assert find(page, ids.ALERT_GRID) is None
    assert "Alerts" not in texts(page)
    assert find(page, {"type": ids.CHART, "chart": "syndrome"}) is None  # (a picture: no plotly.js for the public)
    syndromes = _drawn(page, "syndrome")
    assert syndromes["Acute respiratory infection"] == [37, 0]  # its cells are 10, 20 and 7: exact
    # One measles case, three injuries: each shown as 0 or 5, or (0 in every week) not drawn at all.
    assert syndromes.get("Suspected measles", [0, 0]) in ([0, 0], [0, 5])
    assert syndromes.get("Injury", [0, 0]) in ([0, 0], [5, 0])
    assert not any(0 < v < 5 for values in syndromes.values() for v in values)


def test_coordinators_get_every_count_and_the_alerts(app):
    page = _page(app, "coordinator", start="2017-01-30", end="2017-02-12")
    syndromes = {t.name: list(t.y) for t in _figure(page, "syndrome").data}
    assert syndromes["Suspected measles"] == [0, 1]
    rows = find(page, ids.ALERT_GRID).rowData
    assert rows == [
        {
            "week": "2017-02-06",
            "name": "Camp A",
            "governorate_name": "Dohuk",
            "syndrome_name": "Suspected measles",
            "count": 1,
            "baseline": None,
            "rule_name": "One case",
        }
    ]
    marks = [t for t in _figure(page, "expected").data if t.name == "Alerts that week"]
    assert marks
    assert list(marks[0].customdata) == [1]


def test_the_alert_list_links_to_every_alert(app):
    page = _page(app, "coordinator", start="2017-01-30", end="2017-02-12")
    link = find(page, ids.ALERT_DOWNLOAD)
    assert link.children == "Download the alert (CSV)"
    client = client_with_csrf(app)
    sign_in(client, "carol")
    rows = list(csv.reader(io.StringIO(client.get(link.href).get_data(as_text=True))))
    assert rows[0][:3] == ["week", "code", "name"]
    assert rows[1][0].startswith("#date")
    assert rows[2][:3] == ["2017-02-06", "A", "Camp A"]
    assert rows[2][5:7] == ["suspected_measles", "1"]
    assert parse_qs(urlsplit(link.href).query)["start"] == ["2017-01-30"]


def test_a_long_alert_list_shows_the_newest_and_says_how_many_there_are(app, monkeypatch):
    """At scale a long period has tens of thousands of alerts: the page sends the newest, the link has them all."""
    from dashboard.web.pages import trends

    page = _page(app, "coordinator", start="2017-01-30", end="2017-02-12")
    assert "The 1 newest" not in texts(page)
    monkeypatch.setattr(trends, "ALERTS_SHOWN", 0)
    page = _page(app, "coordinator", start="2017-01-30", end="2017-02-12")
    assert find(page, ids.ALERT_GRID).rowData == []
    assert any(t.startswith("The 0 newest of 1 alerts") for t in texts(page))


def test_the_public_cannot_pick_a_camp_or_a_unit(app):
    page = _page(app, start="2017-01-30", end="2017-02-12", camp="B")
    by_gov = _drawn(page, "governorate")
    everything = _page(app, start="2017-01-30", end="2017-02-12")
    assert by_gov == _drawn(everything, "governorate")  # both camps
    assert set(by_gov) == {"Anbar", "Dohuk"}
    assert "The link's camp is for signed-in coordinators: these figures are for every unit and camp." in texts(page)


def test_a_camp_filter_for_coordinators(app):
    page = _page(app, "coordinator", start="2017-01-30", end="2017-02-12", camp="B")
    assert {t.name: list(t.y) for t in _figure(page, "governorate").data} == {"Anbar": [50, 0]}


def test_many_camps_are_searched_on_the_server_not_sent_with_the_page(app, monkeypatch):
    """At 10,000 camps the picker's options were most of the page; beyond PICKER_ALL only the chosen one is sent,
    and what a coordinator types is matched on the server, by name or code, in any case."""
    from dashboard.web.pages import trends

    monkeypatch.setattr(trends, "PICKER_ALL", 1)  # the two camps of the test data count as many
    page = _page(app, "coordinator", start="2017-01-30", end="2017-02-12", camp="B")
    picker = find(page, ids.TRENDS_CAMP)
    assert picker.data == [{"value": "B", "label": "Camp B"}]
    assert picker.placeholder == "Type to search 3"
    client = client_with_csrf(app)
    sign_in(client)
    search = "?start=2017-01-30&end=2017-02-12&camp=B"

    def options(typed):
        response = call_callback(
            client,
            f"{ids.TRENDS_CAMP}.data",
            {
                f"{ids.typed(ids.TRENDS_CAMP)}.data": {"many": True, "typed": typed},  # (from the browser's guard)
                f"{ids.TRENDS_CAMP}.value": "B",
                "_pages_location.search": search,
            },
        )
        return response.get_json()["response"][ids.TRENDS_CAMP]["data"]

    assert options("camp a") == [{"value": "B", "label": "Camp B"}, {"value": "A", "label": "Camp A"}]
    assert options("zzz") == [{"value": "B", "label": "Camp B"}]  # the chosen camp stays
    anonymous = app.server.test_client()
    response = call_callback(
        anonymous,
        f"{ids.TRENDS_CLINIC}.data",
        {f"{ids.typed(ids.TRENDS_CLINIC)}.data": {"many": True, "typed": "team"}, "_pages_location.search": search},
    )
    assert response.status_code == 204  # unit names are for coordinators


def test_empty_results_say_so(app):
    page = _page(app, start="2017-06-01", end="2017-06-30")
    assert "No consultations match these filters in this period." in texts(page)
    assert find(page, {"type": ids.CHART, "chart": "syndrome"}) is None


def _download(app, chart, role=None):
    """The CSV a click on a chart's download button gives, for a viewer with `role`."""
    download = sys.modules["dashboard.web.pages.trends"].download
    triggered = json.dumps({"chart": chart, "type": ids.CSV_BUTTON}, separators=(",", ":")) + ".n_clicks"
    return run_callback(app, download, [1], WEEKS, triggered=triggered, role=role)


@pytest.mark.parametrize(
    "chart", ["governorate", "syndrome", "age_sex", "referrals", "rates", "comparison", "expected"]
)
def test_every_chart_downloads_as_csv_with_hxl(app, chart):
    data = _download(app, chart, role="coordinator" if chart == "age_sex" else None)
    assert data["content"].startswith("\ufeff")  # a spreadsheet reads it as UTF-8 (Arabic and Kurdish names)
    lines = list(csv.reader(io.StringIO(data["content"].removeprefix("\ufeff"))))
    _header, tags, rows = csv_table(data["content"])
    assert tags[0].startswith("#")
    assert rows
    # what it is of, in its first lines and its name
    assert lines[1] == ["30 Jan 2017 to 12 Feb 2017 · seven governorates · all syndromes"]
    assert data["filename"].startswith(f"mmc-{chart}-2017-01-30-to-2017-02-12")
    assert not any(s in data["content"] for s in SECRETS)


def test_the_breakdown_by_age_and_sex_is_for_coordinators(app):
    page = _page(app, start="2017-01-30", end="2017-02-12")
    assert find(page, {"type": ids.PART, "part": "trends.age_sex"}) is None
    assert "the breakdown by age group and sex" in " ".join(texts(page))
    with pytest.raises(PreventUpdate):
        _download(app, "age_sex")
    coordinator = _page(app, "coordinator", start="2017-01-30", end="2017-02-12")
    assert find(coordinator, {"type": ids.CHART, "chart": "age_sex"}) is not None


def _table(app, chart, role=None, made=None):
    """The table a chart's fold gives when first opened (trends.fill_table), for a viewer with `role`: header and
    rows as text."""
    fill = sys.modules["dashboard.web.pages.trends"].fill_table
    triggered = json.dumps({"chart": chart, "type": ids.CHART_TABLE_OPEN}, separators=(",", ":")) + ".n_clicks"
    table = run_callback(app, fill, 1, made, WEEKS, triggered=triggered, role=role)
    return [texts(row) for row in walk(table) if getattr(row, "_type", None) == "Tr"]


def test_a_charts_table_is_made_when_opened_for_the_viewers_role(app):
    public = _table(app, "syndrome")
    header = public[0]
    assert header[:2] == ["Period", "Acute respiratory infection"]
    if "Suspected measles" in header:  # one case: 0 or 5 each week, or (0 in both) not in the table at all
        measles = header.index("Suspected measles")
        assert [row[measles] for row in public[1:]] in (["0", "0"], ["0", "5"])
    full = _table(app, "syndrome", "coordinator")
    assert [row[full[0].index("Suspected measles")] for row in full[1:]] == ["0", "1"]
    with pytest.raises(PreventUpdate):  # the breakdown by age and sex is for coordinators
        _table(app, "age_sex")
    assert _table(app, "age_sex", "coordinator")[0] == ["Age group", "Sex", "Consultations"]
    with pytest.raises(PreventUpdate):  # made once: opening it again changes nothing
        _table(app, "syndrome", made=["a table"])


def test_downloads_follow_the_viewers_role(app):
    public = csv_table(_download(app, "syndrome")["content"])[2]
    assert {r[2] for r in public if r[1] == "suspected_measles"} <= {"0", "5"}  # one case: 0 or 5, if at all
    full = csv_table(_download(app, "syndrome", role="coordinator")["content"])[2]
    assert [r[2] for r in full if r[1] == "suspected_measles"] == ["0", "1"]


def test_presets_and_syndrome_go_into_the_link(app):
    client = app.server.test_client()
    response = call_callback(
        client,
        f"{ids.PAGE_NAVIGATE}.href",
        {
            f"{ids.TRENDS_PRESET}.value": "y2017",
            f"{ids.TRENDS_SYNDROME}.value": "awd",
            f"{ids.TRENDS_FREQ}.value": "month",
            "_pages_location.search": "?governorate=IQ-DA",
        },
        triggered=f"{ids.TRENDS_PRESET}.value",
    )
    href = response.get_json()["response"][ids.PAGE_NAVIGATE]["href"]
    query = parse_qs(urlsplit(href).query)
    assert urlsplit(href).path == "/trends"
    assert query == {
        "governorate": ["IQ-DA"],
        "start": ["2017-01-01"],
        "end": ["2017-12-31"],
        "syndrome": ["awd"],
        "freq": ["month"],
    }


def test_the_unit_and_camp_pickers_are_for_coordinators(app):
    anonymous = app.server.test_client()
    response = call_callback(
        anonymous,
        f"{ids.PAGE_NAVIGATE}.href",
        {f"{ids.TRENDS_CAMP}.value": "B", "_pages_location.search": ""},
        triggered=f"{ids.TRENDS_CAMP}.value",
    )
    assert response.status_code == 204
    client = client_with_csrf(app)
    sign_in(client)
    response = call_callback(
        client,
        f"{ids.PAGE_NAVIGATE}.href",
        {f"{ids.TRENDS_CAMP}.value": "B", "_pages_location.search": ""},
        triggered=f"{ids.TRENDS_CAMP}.value",
    )
    assert response.get_json()["response"][ids.PAGE_NAVIGATE]["href"] == "/trends?camp=B"


@pytest.mark.parametrize(
    "column",
    [
        pd.Series([3, 0, 12], dtype="int64"),
        pd.Series([3, None, 12], dtype="Int64"),
        pd.Series([1.5, np.nan, 2.0]),
        pd.Series([True, False]),
        pd.Series(["a", None, "b"], dtype=object),
        pd.Series([4, None, 7], dtype=object),
        pd.Series(pd.to_datetime(["2018-01-01", None, "2018-01-15"])),
        np.array([7, 8], dtype="int32"),
        [1, None, 3],
    ],
)
def test_chart_values_are_plain_with_none_for_missing(column):
    out = charts.values(column)
    expected = [
        None if pd.isna(v) else v.strftime("%Y-%m-%d") if isinstance(v, pd.Timestamp) else v for v in list(column)
    ]
    assert out == expected
    assert all(v is None or type(v) in (int, float, bool, str) for v in out)  # JSON as plotly.js expects it


def test_small_multiples_each_carry_their_own_governorates_name():
    """The panels' layout is made once per number of panels; each chart still names its own governorates."""
    names = {"IQ-AN": "Anbar", "IQ-BG": "Baghdad", "IQ-KI": "Kirkuk", "IQ-DI": "Diyala", "IQ-AR": "Erbil"}
    names |= {"IQ-DA": "Dohuk", "IQ-SU": "Sulaymaniyah"}

    def chart(govs):
        rows = [
            {"period": pd.Timestamp("2017-01-02"), "governorate": g, "consultations": 5, "partial": False} for g in govs
        ]
        fig = charts.by_governorate(pd.DataFrame(rows), names, small_multiples=True)
        titles = [a["text"] for a in fig["layout"]["annotations"]][: len(govs)]  # the panels' titles come first
        return titles, [t["name"] for t in fig["data"]]

    five = ["IQ-AN", "IQ-BG", "IQ-KI", "IQ-DI", "IQ-AR"]
    other_five = ["IQ-BG", "IQ-KI", "IQ-DI", "IQ-DA", "IQ-SU"]
    for govs in (five, other_five, five):
        titles, lines = chart(govs)
        assert titles == sorted(names[g] for g in govs) == lines


@pytest.mark.parametrize("small_multiples", [False, True])
def test_a_period_cut_by_the_filter_is_a_hollow_point_beside_the_line_not_a_fall_in_it(small_multiples):
    weeks = pd.date_range("2018-06-25", periods=4, freq="7D")
    table = pd.DataFrame(
        {
            "period": list(weeks) * 2,
            "governorate": ["IQ-AN"] * 4 + ["IQ-DA"] * 4,
            "consultations": [150, 1200, 1250, 1190, 40, 900, 950, 120],
            "partial": [True, False, False, False, True, False, False, True],  # Dohuk's last week cut too
        }
    )
    fig = charts.by_governorate(table, {"IQ-AN": "Anbar", "IQ-DA": "Dohuk"}, small_multiples=small_multiples)
    lines = [t for t in fig["data"] if t["mode"] == "lines"]
    cut = [t for t in fig["data"] if t["mode"] == "markers"]
    assert [t["y"] for t in lines] == [[None, 1200, 1250, 1190], [None, 900, 950, None]]
    assert [(t["x"], t["y"]) for t in cut] == [(["2018-06-25"], [150]), (["2018-06-25", "2018-07-16"], [40, 120])]
    assert all(t["marker"]["symbol"] == "circle-open" and not t["showlegend"] for t in cut)
    assert [t.get("xaxis") for t in cut] == ([None, None] if not small_multiples else ["x", "x2"])


@pytest.mark.parametrize("small_multiples", [False, True])
def test_a_chart_of_one_period_draws_its_point_on_a_scale_of_days(small_multiples):
    """One week of data (a first weekly sheet, one record): a line needs two points, so its one point is drawn as a
    marker, and the axis spans a week either side in days instead of zooming to milliseconds."""
    table = pd.DataFrame(
        {
            "period": pd.to_datetime(["2017-01-30", "2017-01-30"]),
            "governorate": ["IQ-DA", "IQ-AR"],
            "consultations": [46, 17],
            "partial": [False, False],
        }
    )
    fig = charts.by_governorate(table, {"IQ-DA": "Dohuk", "IQ-AR": "Erbil"}, small_multiples)
    assert {t["mode"] for t in fig["data"]} == {"lines+markers"}
    axes = [v for k, v in fig["layout"].items() if k.startswith("xaxis")]
    assert axes
    assert all(a["range"] == ["2017-01-23", "2017-02-06"] and a["tickvals"] == ["2017-01-30"] for a in axes)


def _table_behind(app, page, chart: str) -> list[list[str]]:
    """The rows (header first) of the table folded under a chart, as a screen reader reads them once the fold is
    opened (the page holds the fold, empty, under the chart; opening it makes the table)."""
    graph = find(page, {"type": ids.CHART, "chart": chart})
    card = next(c for c in walk(page) if getattr(c, "className", None) == "mmc-chart-card" and graph in walk(c))
    assert find(card, {"type": ids.CHART_TABLE_OPEN, "chart": chart}) is not None
    assert not find(card, {"type": ids.CHART_TABLE, "chart": chart}).children
    return _table(app, chart, "coordinator")


def test_every_chart_has_its_figures_as_a_table(app):
    page = _page(app, "coordinator", start="2017-01-30", end="2017-02-12")
    by_governorate = _table_behind(app, page, "governorate")
    assert by_governorate[0] == ["Period", "Anbar", "Dohuk"]
    assert by_governorate[1] == ["30 Jan 2017", "50", "35"]  # the week's sums, as the chart draws them
    syndromes = _table_behind(app, page, "syndrome")
    assert "Suspected measles" in syndromes[0]
    assert [row[syndromes[0].index("Suspected measles")] for row in syndromes[1:]] == ["0", "1"]  # as the chart
    for chart in ("referrals", "rates", "comparison", "expected", "age_sex"):
        assert len(_table_behind(app, page, chart)) > 1, chart
    # each chart is named for a screen reader by its title
    bodies = [c for c in walk(page) if "mmc-chart-body" in (getattr(c, "className", "") or "")]
    named = {c.to_plotly_json()["props"].get("aria-label") for c in bodies}
    assert {"Consultations by governorate", "Consultations by syndrome", "Referrals"} <= named
