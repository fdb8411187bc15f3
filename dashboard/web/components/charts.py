"""Plotly figures for the trends, built from the report tables. Plain functions: a table in, a figure out.

Figures are plain dictionaries (plotly.js's own format), not plotly.py graph objects: building and checking the
objects took most of a page's time (about 30 ms a figure), and dcc.Graph draws a dictionary the same way.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from dash import dcc, html
from plotly.subplots import make_subplots

from dashboard import words
from dashboard.i18n import _, calendar, date_text, language, localise_digits, month_text, rtl
from dashboard.web import ids
from dashboard.web.components import cards, svgcharts, ui

# Okabe-Ito, then greys: safe for the common colour-vision deficiencies.
PALETTE = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#000000",
    "#F0E442",
    "#999999",
    "#666666",
    "#332288",
    "#882255",
    "#44AA99",
    "#117733",
]


_AXIS = {"gridcolor": "#EBF0F8", "linecolor": "#EBF0F8", "zerolinecolor": "#EBF0F8", "ticks": "", "automargin": True}
# The look of plotly's "plotly_white" in a few layout properties (its full template describes every trace type).
TEMPLATE = {
    "layout": {
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": PALETTE,
        # (the page's fonts: Arabic and Kurdish in the shipped Noto Sans Arabic, assets/style.css)
        "font": {"color": "#2a3f5f", "family": "'Noto Sans Arabic', system-ui, 'Segoe UI', Roboto, sans-serif"},
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        "hoverlabel": {"align": "left"},
    }
}


# A trace of values computed from counts (a rate, a share, a mean): not a count itself, so not a multiple of anything.
DERIVED = {"meta": "derived"}


def values(column) -> list:
    """A column as plotly.js data: dates as YYYY-MM-DD, missing values (hidden counts) as None."""
    series = pd.Series(column)
    if pd.api.types.is_datetime64_any_dtype(series):  # (numpy writes dates far faster than strftime)
        days = series.to_numpy().astype("datetime64[D]")
        written = np.datetime_as_string(days).astype(object)
        written[series.isna().to_numpy()] = None
        return written.tolist()
    kind = series.dtype.kind if isinstance(series.dtype, np.dtype) else "extension"
    if kind in ("i", "u", "b"):  # plain numbers: nothing is missing (a chart draws dozens of these per page)
        return series.to_numpy().tolist()
    if kind == "f":
        array = series.to_numpy()
        numbers = array.astype(object)
        numbers[np.isnan(array)] = None
        return numbers.tolist()
    return series.to_numpy(dtype=object, na_value=None).tolist()  # (nullable integers: None, not NaN)


HEIGHT = 380  # a trends chart's height; the syndromes' stack, with its long legend, is taller
SYNDROME_HEIGHT = 420
SMALL_MULTIPLES_ABOVE = 4  # governorates: beyond this many, one small panel each rather than one line each


def panel_grid(n: int) -> tuple[int, int]:
    """Columns and rows of n small panels."""
    cols = 4 if n > 6 else 3
    return cols, -(-n // cols)


def governorate_height(n: int) -> int:
    """The height of the chart of consultations by governorate for n governorates (known before its data: the
    trends page keeps that room for it while it loads)."""
    return 230 * panel_grid(n)[1] + 60 if n > SMALL_MULTIPLES_ABOVE else HEIGHT


def title_on_reading_side(text: str, size: int) -> dict:
    """A plotly title where a line starts: on the left, or on the right right to left."""
    return {"text": text, "x": 1 if rtl() else 0, "font": {"size": size}}


def legend_on_reading_side(y: float, **extra) -> dict:
    """A plotly legend in a row under the chart, starting where a line starts: from the left, or right to left from
    the right edge (the first series rightmost)."""
    side = {"x": 1, "xanchor": "right", "traceorder": "reversed"} if rtl() else {}
    return {"orientation": "h", "y": y, **side, **extra}


def figure(traces: list[dict], layout: dict, title: str, height: int = HEIGHT, y_title: str | None = None) -> dict:
    """A figure in the trends' look: title, height, legend below, one hover label per period."""
    layout = {
        "template": TEMPLATE,
        "title": title_on_reading_side(title, 15),
        "height": height,
        "margin": {"l": 55, "r": 10, "t": 48, "b": 40},
        "legend": legend_on_reading_side(-0.18),
        "hovermode": "x unified",
        **layout,
    }
    if y_title:
        layout["yaxis"] = {**layout.get("yaxis", {}), "title": {"text": y_title}, "rangemode": "tozero"}
    _one_period(traces, layout)
    return {"data": traces, "layout": layout}


def _one_period(traces: list[dict], layout: dict) -> None:
    """A line with one point is drawn as a point (a line needs two), and a chart of one period gets a week either
    side of it and one tick, its own date (plotly would otherwise zoom to milliseconds around it)."""
    for trace in traces:
        if trace.get("mode") == "lines" and sum(v is not None for v in trace.get("y") or []) <= 1:
            trace["mode"] = "lines+markers"
    days = {x for t in traces if t.get("type") in ("scatter", "bar") for x in t.get("x") or [] if isinstance(x, str)}
    if len(days) == 1 and re.fullmatch(r"\d{4}-\d\d-\d\d", day := next(iter(days))):
        middle = dt.date.fromisoformat(day)
        span = [str(middle - dt.timedelta(days=7)), str(middle + dt.timedelta(days=7))]
        for axis in ["xaxis", *(k for k in layout if re.fullmatch(r"xaxis\d+", k))]:  # (small multiples have many)
            layout[axis] = {**layout.get(axis, {}), "range": span, "tickformat": "%d %b %Y", "tickvals": [day]}


def note(text: str, y: float = 1.08, size: int = 10) -> dict:
    """A small grey note at the top right of a chart, above the plot."""
    return {
        "text": text,
        "showarrow": False,
        "xref": "paper",
        "yref": "paper",
        "x": 1,
        "y": y,
        "xanchor": "right",
        "font": {"size": size, "color": "#666"},
    }


def _partial_note(fig: dict, table: pd.DataFrame) -> dict:
    if "partial" in table and table["partial"].any():
        fig["layout"].setdefault("annotations", []).append(note(_("Hollow points: periods cut by the start or end")))
    return fig


def series(x: list, y: list, partial: list, name: str, colour: str, marker_size: int, **extra) -> list[dict]:
    """One line's traces: the full periods joined by a line, and the periods cut by the start or end of the
    filter (the first and last) as hollow points beside it, never joined into it: a cut week holds a few days'
    consultations, and joined it would look like a fall to nearly nothing. Missing values (hidden counts) break the
    line."""
    traces = [
        {
            "type": "scatter",
            "x": x,
            "y": [None if p else v for v, p in zip(y, partial, strict=True)],
            "name": name,
            "legendgroup": name,
            "mode": "lines",
            "line": {"color": colour, "width": 2},
            **extra,
        }
    ]
    if any(partial):
        traces.append(
            {
                "type": "scatter",
                "x": [v for v, p in zip(x, partial, strict=True) if p],
                "y": [v for v, p in zip(y, partial, strict=True) if p],
                "name": name + " (" + _("cut by the period") + ")",
                "legendgroup": name,
                "showlegend": False,
                "mode": "markers",
                "marker": {"size": marker_size, "symbol": "circle-open", "color": colour},
                **{k: v for k, v in extra.items() if k != "showlegend"},
            }
        )
    return traces


def _line(table: pd.DataFrame, gov: str, names: dict[str, str], colour: str, partial_size: int, **extra) -> list:
    """One governorate's consultations per period (see `series`)."""
    part = table[table["governorate"] == gov]
    x, y, partial = values(part["period"]), values(part["consultations"]), part["partial"].tolist()
    return series(x, y, partial, names.get(gov, gov), colour, partial_size, **extra)


def _panel(i: int) -> str:
    """The suffix of panel i's axes: x and y, then x2 and y2, and so on."""
    return "" if i == 0 else str(i + 1)


def _grid(titles: tuple[str, ...], cols: int) -> dict:
    """The layout of small panels, one per title (axes and title annotations), `cols` to a row."""
    layout = dict(_panels(len(titles), cols))
    layout["annotations"] = [{**a, "text": t} for a, t in zip(layout["annotations"], titles, strict=True)]
    return layout


@lru_cache(maxsize=16)
def _panels(n: int, cols: int) -> dict:
    """The layout of n small panels with a title annotation each (its text to be set), `cols` to a row: plotly
    takes about 80 ms to make one, so it is made once per number of panels, not per set of governorates."""
    grid = make_subplots(
        rows=-(-n // cols),
        cols=cols,
        subplot_titles=[f"panel {i}" for i in range(n)],
        shared_xaxes=True,
        vertical_spacing=0.12,
        horizontal_spacing=0.05,
    )
    grid.update_annotations(font_size=12)
    return grid.to_plotly_json()["layout"]


def title_of(name: str) -> str:
    """A trends chart's title in the current language: the plotly chart's and the picture's (chart_image)."""
    titles = {
        "governorate": _("Consultations by governorate"),
        "syndrome": _("Consultations by syndrome"),
        "referrals": _("Referrals"),
        "rates": _("Consultations per 1,000 camp residents, per week"),
        "comparison": _("Consultations against earlier periods"),
        "expected": _("Observed and expected consultations per week"),
    }
    return titles[name]


def _syndrome_order(table: pd.DataFrame) -> pd.Index:
    """The syndromes largest first (the bottom of the stack)."""
    return table.groupby("syndrome")["consultations"].sum().sort_values(ascending=False).index


def _referral_sums(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Consultations and referrals per period, and the share referred (%, to 0.1)."""
    sums = table.groupby("period", as_index=False)[["consultations", "referrals"]].sum(min_count=1)
    return sums, (sums["referrals"] / sums["consultations"] * 100).round(1)


def _compared() -> list[tuple[str, str, str]]:
    """The comparison's bars: (column, name, colour) for the period, the one before and a year earlier."""
    return [
        ("current", _("This period"), PALETTE[0]),
        ("previous", _("Period before"), PALETTE[8]),
        ("last_year", _("A year earlier"), PALETTE[1]),
    ]


BAND = "rgba(86,180,233,0.25)"  # the expected range's fill


def by_governorate(table: pd.DataFrame, names: dict[str, str], small_multiples: bool) -> dict:
    """Consultations per period by governorate: one line each, or one small panel each when there are many."""
    govs = sorted(table["governorate"].unique(), key=lambda g: names.get(g, g))
    title = title_of("governorate")
    if small_multiples:
        cols, _rows = panel_grid(len(govs))
        grid = _grid(tuple(names.get(g, g) for g in govs), cols)
        traces = [
            trace
            for i, gov in enumerate(govs)
            for trace in _line(
                table, gov, names, PALETTE[0], 7, showlegend=False, xaxis=f"x{_panel(i)}", yaxis=f"y{_panel(i)}"
            )
        ]
        layout = {key: value for key, value in grid.items() if key != "template"}
        layout["annotations"] = [dict(a) for a in grid.get("annotations", [])]
        shared_scale(layout, len(govs), table["consultations"].max())
        fig = figure(traces, layout, title, height=governorate_height(len(govs)))
    else:
        traces = [t for i, gov in enumerate(govs) for t in _line(table, gov, names, PALETTE[i % len(PALETTE)], 8)]
        fig = figure(traces, {}, title, y_title=_("Consultations"))
    return _partial_note(fig, table)


def nice_top(value) -> float:
    """The round number at or above `value` that an axis can end on (1, 2, 2.5 or 5 times a power of ten)."""
    if value is None or value != value or value <= 0:
        return 1.0
    power = 10 ** np.floor(np.log10(float(value)))
    return float(next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value))


def shared_scale(layout: dict, n: int, highest) -> None:
    """Small multiples on one scale from zero, so that panels compare and noise does not look dramatic: every
    panel's y-axis from 0 to a round number above the highest value, linked to the first (a zoom follows). The trends
    page's switch to free scales (a clientside callback there) unlinks them, and restores them from layout.meta."""
    top = nice_top(highest)
    layout["meta"] = {"sharedTop": top}
    for i in range(n):
        key = f"yaxis{_panel(i)}"
        layout[key] = {**layout.get(key, {}), "range": [0, top], "autorange": False, "nticks": 4}
        if i:
            layout[key]["matches"] = "y"


def by_syndrome(table: pd.DataFrame) -> dict:
    """Consultations per period, stacked by syndrome (largest at the bottom)."""
    traces = []
    for i, code in enumerate(_syndrome_order(table)):
        part = table[table["syndrome"] == code]
        traces.append(
            {
                "type": "bar",
                "x": values(part["period"]),
                "y": values(part["consultations"]),
                "name": words.syndrome_name(code),
                "marker": {"color": PALETTE[i % len(PALETTE)]},
            }
        )
    return figure(traces, {"barmode": "stack"}, title_of("syndrome"), SYNDROME_HEIGHT, _("Consultations"))


def by_age_and_sex(table: pd.DataFrame) -> dict:
    """Consultations in the period by age group, split by sex."""
    totals = table.groupby(["age_group", "sex"], as_index=False)["consultations"].sum(min_count=1)
    ages = {code: words.age_group_name(code) for code in ("under5", "5plus")}
    sexes = {code: words.sex_name(code) for code in ("female", "male")}
    if (totals["age_group"] == "unknown").any():  # weekly sheets that do not split their counts
        ages["unknown"] = words.age_group_name("unknown")
    if (totals["sex"] == "unknown").any():
        sexes["unknown"] = words.sex_name("unknown")
    traces = []
    for i, (sex, label) in enumerate(sexes.items()):
        counts = values(totals[totals["sex"] == sex].set_index("age_group").reindex(list(ages))["consultations"])
        traces.append(
            {
                "type": "bar",
                "x": list(ages.values()),
                "y": counts,
                "name": label,
                "marker": {"color": PALETTE[i]},
                "text": counts,
                "texttemplate": "%{text:,}",
            }
        )
    layout = {"barmode": "group", "hovermode": "closest"}
    return figure(traces, layout, _("Consultations by age group and sex"), y_title=_("Consultations"))


def referrals(table: pd.DataFrame) -> dict:
    """Referrals per period, with the share of consultations referred on a second axis."""
    sums, share = _referral_sums(table)
    traces = [
        {
            "type": "bar",
            "x": values(sums["period"]),
            "y": values(sums["referrals"]),
            "name": _("Referrals"),
            "marker": {"color": PALETTE[0]},
        },
        {
            "type": "scatter",
            "x": values(sums["period"]),
            "y": values(share),
            "name": _("Share referred (%)"),
            "mode": "lines",
            "line": {"color": PALETTE[5], "width": 2},
            "yaxis": "y2",
            **DERIVED,
        },
    ]
    layout = {
        "yaxis": {"title": {"text": _("Referrals")}, "rangemode": "tozero"},
        "yaxis2": {
            "title": {"text": _("% of consultations")},
            # ticks on round numbers: an axis over another takes the other's tick positions by default (0.88, 1.75,
            # 2.63 ...), so this one's are set: five steps to a round top
            "range": [0, top := nice_top(share.max())],
            "tickmode": "linear",
            "tick0": 0,
            "dtick": top / 5,
            "tickformat": "~r",
            "showgrid": False,
            "overlaying": "y",
            "side": "right",
        },
    }
    return figure(traces, layout, title_of("referrals"))


def rates(table: pd.DataFrame, names: dict[str, str]) -> dict:
    """Weekly consultations per 1,000 camp residents, by governorate."""
    traces = []
    for i, gov in enumerate(sorted(table["governorate"].unique(), key=lambda g: names.get(g, g))):
        part = table[table["governorate"] == gov]
        traces.append(
            {
                "type": "scatter",
                "x": values(part["period"]),
                "y": values(part["rate"]),
                "name": names.get(gov, gov),
                "mode": "lines",
                "line": {"color": PALETTE[i % len(PALETTE)], "width": 2},
                **DERIVED,
            }
        )
    return figure(traces, {}, title_of("rates"), y_title=_("per 1,000 residents"))


def graph_config(**options) -> Any:  # (a dict as dcc.Graph's `config` takes it: its TypedDict lacks `locales`)
    """A plotly chart's config: `options`, and the viewer's language for its dates (month and day names from CLDR,
    given with the chart: plotly.js takes `locales` in its config, no script to register)."""
    code = language()
    if code == "en":
        return options
    numbers = {"decimal": localise_digits("."), "thousands": localise_digits(",")}
    return {**options, "locale": code, "locales": {code: {"dictionary": {}, "format": {**calendar(), **numbers}}}}


def comparison(table: pd.DataFrame) -> dict:
    """The period against the one before and the same period a year earlier, by governorate."""
    periods = table.attrs.get("periods", {})
    traces = []
    for key, label, colour in _compared():
        start, end = periods.get(key, (None, None))
        hover = f"{date_text(start)} – {date_text(end)}" if start else ""
        traces.append(
            {
                "type": "bar",
                "x": values(table["name"]),
                "y": values(table[key]),
                "name": label,
                "marker": {"color": colour},
                "hovertemplate": "%{x}: %{y:,}<br>" + hover + "<extra>" + label + "</extra>",
            }
        )
    layout = {"barmode": "group", "hovermode": "closest"}
    return figure(traces, layout, title_of("comparison"), y_title=_("Consultations"))


def expected(table: pd.DataFrame, alert_weeks: pd.DataFrame | None = None) -> dict:
    """Observed weekly consultations against the expected band (mean of the previous weeks, two standard
    deviations either side); weeks with alerts marked when given."""
    x = values(table["period"])
    traces: list[dict] = [
        {
            "type": "scatter",
            "x": x,
            "y": values(table["high"]),
            "mode": "lines",
            "line": {"width": 0},
            "showlegend": False,
            "hoverinfo": "skip",
            **DERIVED,
        },
        {
            "type": "scatter",
            "x": x,
            "y": values(table["low"]),
            "mode": "lines",
            "line": {"width": 0},
            "fill": "tonexty",
            "fillcolor": BAND,
            "name": _("Expected range"),
            **DERIVED,
        },
        {
            "type": "scatter",
            "x": x,
            "y": values(table["expected"]),
            "mode": "lines",
            "name": _("Expected"),
            "line": {"color": PALETTE[4], "dash": "dash"},
            **DERIVED,
        },
        {
            "type": "scatter",
            "x": x,
            "y": values(table["observed"]),
            "mode": "lines+markers",
            "name": _("Observed"),
            "line": {"color": PALETTE[0], "width": 2},
            "marker": {
                "size": [8 if p else 5 for p in table["partial"]],
                "symbol": ["circle-open" if p else "circle" for p in table["partial"]],
            },
        },
    ]
    if alert_weeks is not None and not alert_weeks.empty:
        marks = alert_weeks.merge(table[["period", "observed"]], left_on="week", right_on="period")
        traces.append(
            {
                "type": "scatter",
                "x": values(marks["period"]),
                "y": values(marks["observed"]),
                "mode": "markers",
                "name": _("Alerts that week"),
                "marker": {"symbol": "triangle-up", "size": 13, "color": PALETTE[5]},
                "customdata": values(marks["alerts"]),
                "hovertemplate": "%{customdata} " + _("alerts"),
            }
        )
    return figure(traces, {}, title_of("expected"), y_title=_("Consultations"))


GOVERNORATE_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]


def weekly_chart(weekly: pd.DataFrame, names: dict[str, str], graph_id: str, large: bool = False):
    """Weekly consultations by governorate as a plotly chart (the briefing; the overview draws the same as SVG, see
    weekly_chart_image); hidden counts are None: gaps in the line; partial weeks at the edges drawn as hollow points,
    not as a drop. `large`: type that reads on a projector, as tall as its box, no tool bar (nor in print)."""
    traces = []
    labels = dict(zip(weekly["period"].unique(), values(weekly["period"].unique()), strict=True))
    for i, (gov, rows) in enumerate(weekly.groupby("governorate", sort=True)):
        counts = values(rows["consultations"])
        weeks = [labels[p] for p in rows["period"]]  # each week written once, not once per governorate
        partial = rows["partial"].tolist()
        colour = GOVERNORATE_COLOURS[i % len(GOVERNORATE_COLOURS)]
        name = names.get(gov, gov)
        hover = "%{x|%d %b %Y}: %{y:,}<extra>%{fullData.name}</extra>"  # the trace's name: cut weeks say so
        traces += series(weeks, counts, partial, name, colour, 9, hovertemplate=hover)
    size = 18 if large else 12
    layout = {
        "title": title_on_reading_side(_("Consultations per week, by governorate"), size + 4),
        "font": {"size": size},
        "margin": {"l": 70 if large else 50, "r": 10, "t": 50, "b": 40},
        "template": TEMPLATE,
        "legend": legend_on_reading_side(-0.14, font={"size": size}),
        "hovermode": "closest",
        "yaxis": {"title": {"text": _("Consultations")}, "rangemode": "tozero", "tickformat": "~s"},
        **({"autosize": True} if large else {"height": 520}),
    }
    if weekly["partial"].any():
        layout["annotations"] = [note(_("Open circles: weeks cut by the period's start or end"), 1.06, size - 1)]
    fig = {"data": traces, "layout": layout}
    return dcc.Graph(
        figure=fig,
        id=graph_id,
        config=graph_config(
            displaylogo=False,
            displayModeBar=not large,
            responsive=large,
            modeBarButtonsToRemove=["lasso2d", "select2d"],
            toImageButtonOptions={"format": "png", "filename": "mmc-consultations-weekly", "scale": 2},
        ),
        style={"height": "100%"} if large else None,
        className="briefing-chart" if large else None,
    )


def weekly_chart_image(weekly: pd.DataFrame, names: dict[str, str], query: str = "", table=None):
    """The overview's chart: weekly consultations by governorate drawn on the server as SVG (see svgcharts), the
    week's figures under a pointer (assets/chart.js), a link to download it and one to the same view on /trends;
    under it `table`, its figures as a table (by default, weekly_table)."""
    title = _("Consultations per week, by governorate")
    chart = svgcharts.lines_by_governorate(weekly, names, GOVERNORATE_COLOURS, title, _("Consultations"))
    address = svgcharts.data_uri(chart.svg)
    lines = ", ".join(names.get(g, g) for g in sorted(weekly["governorate"].unique()))
    return html.Div(
        [
            html.Img(
                src=address,
                alt=_("{title}: one line for each of {lines}.", title=title, lines=lines),
                id=ids.OVERVIEW_CHART,
                className="mmc-chart-image",
                # shown by assets/chart.js (a data- attribute, which Dash passes on but its types do not list)
                **{"data-hover": json.dumps(chart.hover, separators=(",", ":"))},  # type: ignore[arg-type]
            ),
            ui.group(
                [
                    html.A(
                        _("Download the chart (SVG)"),
                        href=address,
                        download="mmc-consultations-weekly.svg",
                        className="mmc-link",
                    ),
                    dcc.Link(_("Explore in Trends"), href="/trends" + query, className="mmc-link"),
                ],
                gap="md",
                className="no-print",
            ),
            weekly_table(weekly, names) if table is None else table,
        ],
        className="mmc-chart",
    )


def weekly_figures(weekly: pd.DataFrame, names: dict[str, str]):
    """The weekly chart's figures as a table (cards.figures_table): weeks down, governorates across (hidden counts
    as a dash)."""
    wide = weekly.groupby(["period", "governorate"])["consultations"].sum(min_count=1).unstack()
    wide = wide.reindex(columns=sorted(wide.columns, key=lambda g: names.get(g, g))).reset_index()
    headers = {"period": _("Week")} | {g: names.get(g, g) for g in wide.columns if g != "period"}
    return cards.figures_table(wide, headers, _("The figures as a table"), table_id=ids.OVERVIEW_CHART_TABLE)


def weekly_table(weekly: pd.DataFrame, names: dict[str, str]):
    """The weekly chart's figures as a table, folded under a line (the briefing's chart)."""
    return html.Details(
        [html.Summary(_("The figures as a table")), weekly_figures(weekly, names)], className="mmc-chart-data no-print"
    )


def _slots(table: pd.DataFrame) -> list[pd.Timestamp]:
    return sorted(pd.to_datetime(table["period"]).unique())


def _aligned(table: pd.DataFrame, key: str, value: str, slots: list) -> dict:
    """Each `key`'s `value` at each slot (period), None where there is none or it is hidden."""
    out = {}
    periods = pd.to_datetime(table["period"])
    for k, part in table.assign(_p=periods).groupby(key, sort=False):
        by_slot = dict(zip(part["_p"], pd.to_numeric(part[value], errors="coerce"), strict=True))
        out[k] = [None if (v := by_slot.get(s)) is None or v != v else float(v) for s in slots]
    return out


def _cut(table: pd.DataFrame, slots: list) -> list[bool]:
    """Whether each slot (period) is cut by the start or end of the filters' period."""
    if "partial" not in table:
        return [False] * len(slots)
    cut = table.assign(_p=pd.to_datetime(table["period"])).groupby("_p")["partial"].any()
    return [bool(cut.get(s, False)) for s in slots]


def _slot_names(slots: list, freq: str) -> list[str]:
    if freq == "month":
        return [month_text(s, "MMMM y") for s in slots]
    return [_("Week of {date}", date=date_text(s)) for s in slots]


def chart_image(name: str, table: pd.DataFrame, names: dict[str, str], freq: str = "week", narrow: bool = False):
    """A trends chart drawn on the server as SVG (svgcharts), as the public's phones and slow connections get it:
    the same figures, titles and colours as the plotly chart of the same name, without plotly.js. Returns the
    picture's SVG, what a pointer over it shows (None for small multiples) and its title. The chart by governorate
    spans the page's width; `narrow`: drawn for a phone's instead (small panels in two columns)."""
    title = title_of(name)
    if name == "governorate" and table["governorate"].nunique() > SMALL_MULTIPLES_ABOVE:
        cols = 2 if narrow else panel_grid(table["governorate"].nunique())[0]
        size = {"width": 420, "panel_height": 200} if narrow else {}
        panels = svgcharts.panels(title, table, names, PALETTE[0], _("Consultations"), cols, **size)
        return panels, None, title
    if name == "comparison":
        series = [
            svgcharts.Series(label, colour, [_number_or_none(v) for v in table[key]], "bar")
            for key, label, colour in _compared()
        ]
        places = [str(n) for n in table["name"]]
        chart = svgcharts.plot(title, places, series, _("Consultations"), places, dated=False)
        return chart.svg, chart.hover, title
    slots = _slots(table)
    common: dict[str, Any] = {"partial": _cut(table, slots)}
    y_title = _("Consultations")
    if name in ("governorate", "rates"):
        lines = _aligned(table, "governorate", "consultations" if name == "governorate" else "rate", slots)
        series = [
            svgcharts.Series(names.get(g, g), PALETTE[i % len(PALETTE)], lines[g], derived=name == "rates")
            for i, g in enumerate(sorted(lines, key=lambda g: names.get(g, g)))
        ]
        if name == "governorate":
            common["width"] = 480 if narrow else 960
        else:
            y_title = _("per 1,000 residents")
    elif name == "syndrome":
        bars = _aligned(table, "syndrome", "consultations", slots)
        series = [
            svgcharts.Series(words.syndrome_name(code), PALETTE[i % len(PALETTE)], bars[code], "bar")
            for i, code in enumerate(_syndrome_order(table))
        ]
        common |= {"stacked": True, "height": SYNDROME_HEIGHT}
    elif name == "referrals":
        sums, share = _referral_sums(table)
        series = [
            svgcharts.Series(_("Referrals"), PALETTE[0], [_number_or_none(v) for v in sums["referrals"]], "bar"),
            svgcharts.Series(
                _("Share referred (%)"), PALETTE[5], [_number_or_none(v) for v in share], right=True, derived=True
            ),
        ]
        y_title, common["y2_title"] = _("Referrals"), _("% of consultations")
    else:  # expected
        table = table.sort_values("period")
        column = {c: [_number_or_none(v) for v in table[c]] for c in ("observed", "expected", "low", "high")}
        series = [
            svgcharts.Series(_("Expected"), PALETTE[4], column["expected"], "dash", derived=True),
            svgcharts.Series(_("Observed"), PALETTE[0], column["observed"]),
        ]
        common["band"] = (column["low"], column["high"], BAND, _("Expected range"))
    chart = svgcharts.plot(title, slots, series, y_title, _slot_names(slots, freq), **common)
    return chart.svg, chart.hover, title


def _number_or_none(value) -> float | None:
    return None if value is None or value != value else float(value)
