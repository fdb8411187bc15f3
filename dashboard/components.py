"""Reusable pieces of pages: figure cards, the map, the trend chart. Plain builders from plain data."""

from __future__ import annotations

import json

import dash_leaflet as dl
import dash_mantine_components as dmc
import numpy as np
import pandas as pd
from dash import dcc, html
from dash_extensions.javascript import Namespace

from dashboard import analytics, charts, ids, policy, svgcharts
from dashboard.callbacks import drawn
from dashboard.filters import ParameterError, parse_filters
from dashboard.i18n import _, number

ns = Namespace("mmc", "map")

# Okabe-Ito colours, safe for the common colour-vision deficiencies; "not reached" is also drawn hollow.
STATUS_COLOURS = {
    analytics.REACHED: "#0072B2",
    analytics.UNDER_SERVED: "#E69F00",
    analytics.NOT_REACHED: "#D55E00",
    analytics.CLOSED: "#8a949e",
}
GOVERNORATE_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
# Centre and zoom that frame the seven governorates (dash-leaflet errors when a map starts from bounds alone).
PROGRAMME_VIEW = {"center": [34.75, 42.7], "zoom": 6.5}


def status_label(status: str) -> str:
    return {
        analytics.REACHED: _("Reached"),
        analytics.UNDER_SERVED: _("Reached, under-served"),
        analytics.CLOSED: _("Closed"),
        analytics.NOT_REACHED: _("Not reached"),
    }[status]


def figure_cards(figures: list[tuple[str, str, str]]):
    """A row of headline figures: (label, value, note) each."""
    return dmc.SimpleGrid(
        [
            dmc.Paper(
                [
                    dmc.Text(label, size="sm", c="dimmed"),
                    dmc.Text(value, fz=32, fw=700, className="figure-value"),
                    dmc.Text(note, size="xs", c="dimmed"),
                ],
                p="md",
                withBorder=True,
                radius="md",
            )
            for label, value, note in figures
        ],
        cols={"base": 2, "md": len(figures)},
        id=ids.OVERVIEW_FIGURES,
        mb="md",
    )


def legend(coordinator: bool = False):
    items = [
        dmc.Group(
            [
                html.Span(
                    className="legend-swatch" + (" hollow" if s == analytics.NOT_REACHED else ""),
                    style={"background": c, "borderColor": c},
                ),
                dmc.Text(status_label(s), size="sm"),
            ],
            gap=0,
        )
        for s, c in STATUS_COLOURS.items()
    ]
    return dmc.Group(
        [
            dmc.Text(_("Camps and sites:"), fw=600, size="sm"),
            *items,
            *(
                [
                    dmc.Group(
                        [
                            html.Span("M", className="unit-marker unit-mmc legend-unit"),
                            dmc.Text(_("MMC base"), size="sm"),
                        ],
                        gap=4,
                    ),
                    dmc.Group(
                        [
                            html.Span("A", className="unit-marker unit-ambulance legend-unit"),
                            dmc.Text(_("Ambulance base"), size="sm"),
                        ],
                        gap=4,
                    ),
                    dmc.Group([html.Span(className="legend-stop"), dmc.Text(_("Recommended stop"), size="sm")], gap=4),
                    dmc.Text(_("circle size shows population"), size="xs", c="dimmed"),
                ]
                if coordinator
                else [dmc.Text(_("circle size shows population; badges count active units"), size="xs", c="dimmed")]
            ),
        ],
        gap="md",
    )


CHOROPLETH_COLOURS = ["#deebf7", "#9ecae1", "#4292c6", "#08519c"]  # light to dark blue: reads in grey too
FIGURES = {
    "rate": "Consultations per 1,000 camp residents",
    "share": "Share of camp population reached",
    "consultations": "Consultations",
}


def camp_map(
    governorates: dict,
    labels: dict,
    camps: dict,
    units: dict | None,
    map_id: str = ids.OVERVIEW_MAP,
    extra: list[tuple[str, object, bool]] = (),
    camp_layer_id: str = ids.CAMP_LAYER,
    view: dict | None = None,
    figure: str = "rate",
    selected: str | None = None,
    tiles: tuple[str, str] | None = None,
    cluster: bool = False,
):
    """The map: governorate polygons shaded by `figure` with names, camps by status, unit counts (never bases) when
    given, and `extra` (name, layer, shown at first) overlays, each switchable in the layer control. Optional
    `tiles` (url, attribution) go underneath; without them the map needs no server but this one. `governorates` are
    {"shapes": the kept outlines' address (places.shapes_url), "properties": each governorate's figures in the
    outlines' order}, and `camps` analytics.camp_columns: stores beside the map hold them and the browser makes the
    layers' features (callbacks.register)."""
    hideout = {
        "figure": figure,
        "colors": CHOROPLETH_COLOURS,
        "missing": "#d9d9d9",
        "other": "#f2f2ef",
        "selected": selected,
        "opacity": 0.6 if tiles else 1,
    }
    overlays = [
        (
            _("Governorates"),
            dl.GeoJSON(
                id=ids.GOV_LAYER,
                style=ns("governorateStyle"),
                hideout=hideout,
                hoverStyle={"weight": 3},
                attribution=_("Boundaries: Natural Earth"),
            ),
        ),
        (_("Names"), dl.GeoJSON(data=labels, id=ids.LABEL_LAYER, pointToLayer=ns("label"))),
        (
            _("Camps and sites"),
            dl.GeoJSON(
                id=camp_layer_id,
                pointToLayer=ns("campMarker"),
                hideout={
                    "colors": STATUS_COLOURS,
                    "population": _("Population"),
                    "labels": {s: status_label(s) for s in STATUS_COLOURS},
                },
                cluster=cluster,
                zoomToBoundsOnClick=True,
                superClusterOptions={"radius": 50, "maxZoom": 9},
            ),
        ),
    ]
    if units is not None:
        overlays.append((_("Active units"), dl.GeoJSON(data=units, id=ids.UNIT_LAYER, pointToLayer=ns("unitBadge"))))
    children = [dl.Overlay(layer, name=name, checked=True) for name, layer in overlays]
    children += [dl.Overlay(layer, name=name, checked=checked) for name, layer, checked in extra]
    if tiles:
        children.insert(
            0, dl.Overlay(dl.TileLayer(url=tiles[0], attribution=tiles[1]), name=_("Background map"), checked=True)
        )
    return dl.Map(
        [
            dl.LayersControl(children, position="topright", collapsed=True),
            dl.ScaleControl(position="bottomleft", imperial=False),
            dcc.Store(id=ids.camp_columns(camp_layer_id), data=camps),
            dcc.Store(id=ids.GOV_FIGURES, data=governorates),
        ],
        id=map_id,
        **(view or PROGRAMME_VIEW),
        zoomSnap=0.25,
        className="mmc-map",
        attributionControl=True,
    )


def view_of(geometries: list[dict]) -> dict:
    """Centre and zoom that frame the given polygons on a map about 800 pixels wide."""
    import shapely.geometry

    shapes = [shapely.geometry.shape(g) for g in geometries]
    minx = min(s.bounds[0] for s in shapes)
    miny = min(s.bounds[1] for s in shapes)
    maxx = max(s.bounds[2] for s in shapes)
    maxy = max(s.bounds[3] for s in shapes)
    extent = max(maxx - minx, (maxy - miny) * 1.3, 0.05)
    zoom = float(np.clip(np.floor(np.log2(1100 / (extent * 1.25)) * 4) / 4, 5, 11))
    return {"center": [round((miny + maxy) / 2, 4), round((minx + maxx) / 2, 4)], "zoom": zoom}


def choropleth_legend(figure: str, breaks: list[float]):
    """The legend of the governorate shading for `figure`, every colour named by its range."""

    def fmt(v):
        return f"{v:.0%}" if figure == "share" else number(v)

    edges = [None, *breaks, None]
    items = []
    for i in range(len(breaks) + 1):
        low, high = edges[i], edges[i + 1]
        text = (
            _("under {v}", v=fmt(high))
            if low is None and high is not None
            else _("{v} and more", v=fmt(low))
            if high is None and low is not None
            else _("{a} to under {b}", a=fmt(low), b=fmt(high))
            if low is not None
            else _("all")
        )
        items.append(
            dmc.Group(
                [
                    html.Span(
                        className="legend-box",
                        style={"background": CHOROPLETH_COLOURS[min(i, len(CHOROPLETH_COLOURS) - 1)]},
                    ),
                    dmc.Text(text, size="sm"),
                ],
                gap=4,
            )
        )
    items.append(
        dmc.Group(
            [
                html.Span(className="legend-box", style={"background": "#d9d9d9"}),
                dmc.Text(_("hidden or no data"), size="sm"),
            ],
            gap=4,
        )
    )
    return dmc.Group([dmc.Text(_(FIGURES[figure]) + ":", fw=600, size="sm"), *items], gap="md")


def weekly_chart(weekly: pd.DataFrame, names: dict[str, str], graph_id: str, height: int = 520):
    """Weekly consultations by governorate as a plotly chart (the briefing; the overview draws the same as SVG, see
    weekly_chart_image); hidden counts are None: gaps in the line; partial weeks at the edges drawn as hollow points,
    not as a drop."""
    traces = []
    labels = dict(zip(weekly["period"].unique(), charts.values(weekly["period"].unique()), strict=True))
    for i, (gov, rows) in enumerate(weekly.groupby("governorate", sort=True)):
        values = charts.values(rows["consultations"])
        weeks = [labels[p] for p in rows["period"]]  # each week written once, not once per governorate
        partial = rows["partial"].tolist()
        colour = GOVERNORATE_COLOURS[i % len(GOVERNORATE_COLOURS)]
        name = names.get(gov, gov)
        hover = "%{x|%d %b %Y}: %{y:,}<extra>%{fullData.name}</extra>"  # the trace's name: cut weeks say so
        traces += charts.series(weeks, values, partial, name, colour, 9, hovertemplate=hover)
    layout = {
        "title": {"text": _("Consultations per week, by governorate"), "x": 0, "font": {"size": 16}},
        "margin": {"l": 50, "r": 10, "t": 50, "b": 40},
        "height": height,
        "template": charts.TEMPLATE,
        "legend": {"orientation": "h", "y": -0.12},
        "hovermode": "closest",
        "yaxis": {"title": {"text": _("Consultations")}, "rangemode": "tozero"},
    }
    if weekly["partial"].any():
        layout["annotations"] = [charts.note(_("Open circles: weeks cut by the period's start or end"), 1.06, 11)]
    fig = {"data": traces, "layout": layout}
    return dcc.Graph(
        figure=fig,
        id=graph_id,
        config={
            "displaylogo": False,
            "modeBarButtonsToRemove": ["lasso2d", "select2d"],
            "toImageButtonOptions": {"format": "png", "filename": "mmc-consultations-weekly", "scale": 2},
        },
    )


def weekly_chart_image(weekly: pd.DataFrame, names: dict[str, str], query: str = ""):
    """The overview's chart: weekly consultations by governorate drawn on the server as SVG (see svgcharts), the
    week's figures under a pointer (assets/chart.js), a link to download it and one to the same view on /trends."""
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
                **{"data-hover": json.dumps(chart.hover, separators=(",", ":"))},  # shown by assets/chart.js
            ),
            dmc.Group(
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
        ],
        className="mmc-chart",
    )


def empty_state(message: str):
    return dmc.Alert(message, color="gray", variant="light")


def parameter_notice(parameter: str, error: str, kept: bool = False):
    """The notice a page shows when its link has a parameter it does not understand: the default view is shown, or
    (`kept`) the link's other filters with that one left at its default."""
    text = (
        "The link's {parameter} was not understood ({error}); its default is shown, with the link's other filters."
        if kept
        else "The link's {parameter} was not understood ({error}); showing the default view."
    )
    return dmc.Alert(_(text, parameter=parameter, error=error), color="orange", mb="md")


def resolve_filters(query: dict, status, audience: policy.Audience):
    """The filters of a page's URL, as `audience` may use them (policy.py). A parameter that cannot be used is left
    at its default and named in a notice; the link's other filters are kept (a mistyped `freq` does not lose the
    period). What the policy changed (a coordinators' parameter dropped, a period widened to whole weeks) is said
    in a notice too."""
    query = dict(query)
    notices = []
    if audience.public:
        query, dropped = policy.public_query(query)
        notices += [adjustment_notice(a) for a in dropped]
    while True:
        try:
            f = parse_filters(query, status.first_date, status.last_date)
            break
        except ParameterError as exc:
            if exc.parameter not in query:  # not one of the link's own: nothing of it can be kept
                notices.append(parameter_notice(exc.parameter, str(exc)))
                f = parse_filters({}, status.first_date, status.last_date)
                break
            notices.append(parameter_notice(exc.parameter, str(exc), kept=True))
            del query[exc.parameter]
    f, adjusted = policy.for_audience(f, audience)
    if "start" in query or "end" in query:  # (a default period is the page's own choice: nothing to explain)
        notices += [adjustment_notice(a, f) for a in adjusted if a.code == "whole_weeks"]
    return f, html.Div(notices) if notices else None


def protection_note(audience: policy.Audience) -> str:
    """What a page says of how its counts are protected."""
    if not audience.public:
        return _("You are signed in: every count is exact.")
    return _(
        "To protect people in small camps, public counts are sums of weekly counts by governorate and syndrome in "
        "which each count from 1 to {k1} is shown as 0 or {k} (at random, so that totals stay right on average): "
        "small figures are approximate. Periods are whole weeks.",
        k1=audience.k - 1,
        k=audience.k,
    )


def adjustment_notice(adjustment: policy.Adjustment, f=None):
    """What a page says when the public policy changed what its link asked for."""
    if adjustment.code == "coordinators_only":
        text = _(
            "The link's {parameter} is for signed-in coordinators: these figures are for every unit and camp.",
            parameter=adjustment.parameter,
        )
    else:
        text = _(
            "Public figures are for whole weeks: the period asked for was widened to {start} – {end}.",
            start=f"{f.start:%d %b %Y}",
            end=f"{f.end:%d %b %Y}",
        )
    return dmc.Alert(text, color="blue", variant="light", mb="md")


def data_span(status, audience: policy.Audience):
    """The first and last day a date picker offers: the data's, in whole weeks for the public (a record's own day is
    not public)."""
    if not status.first_date or not audience.public:
        return status.first_date, status.last_date
    return policy.whole_weeks(status.first_date, status.last_date, audience.first_day)


def governorate_gaps_rows(table: pd.DataFrame) -> list:
    """The per-governorate gap summary (reports.governorate_gaps) as a header row and body rows, for the
    coordinators' page and the briefing's gaps screen."""
    from dashboard.i18n import percent

    header = html.Thead(
        html.Tr(
            [
                html.Th(h)
                for h in (
                    _("Governorate"),
                    _("Camps"),
                    _("Not reached"),
                    _("Under-served"),
                    _("Camp population"),
                    _("Share reached"),
                    _("Active MMCs"),
                    _("People per MMC"),
                )
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(r["name"]),
                    html.Td(r["camps"]),
                    html.Td(r["not_reached"]),
                    html.Td(r["under_served"]),
                    html.Td(number(r["population"])),
                    html.Td(percent(r["share_reached"])),
                    html.Td(r["active_mmcs"]),
                    html.Td(number(r["people_per_mmc"])),
                ]
            )
            for r in table.to_dict("records")
        ]
    )
    return [header, body]


__all__ = [
    "camp_map",
    "empty_state",
    "figure_cards",
    "legend",
    "number",
    "resolve_filters",
    "status_label",
    "weekly_chart",
    "weekly_chart_image",
]


def sign_in_required(path: str):
    """What a page shows, and all it sends, to someone without the role it needs."""
    return dmc.Alert(
        [dmc.Text(_("This page is for signed-in coordinators.")), dmc.Anchor(_("Sign in"), href=f"/login?next={path}")],
        title=_("Sign-in required"),
        color="blue",
        id=ids.SIGN_IN_REQUIRED,
    )


def filter_bar(f, first, last, names: dict[str, str]):
    """Period and governorates; a change navigates to the same page with the new filters in its URL."""
    from dashboard.reference import PROGRAMME_GOVERNORATES

    return dmc.Group(
        [
            dmc.DatePickerInput(
                id=ids.FILTER_PERIOD,
                type="range",
                label=_("Period"),
                value=[f.start.isoformat(), f.end.isoformat()],
                minDate=first.isoformat() if first else None,
                maxDate=last.isoformat() if last else None,
                valueFormat="DD MMM YYYY",
                allowSingleDateInRange=True,
                w=280,
            ),
            dmc.MultiSelect(
                id=ids.FILTER_GOVERNORATES,
                label=_("Governorates"),
                placeholder=_("All seven"),
                data=[{"value": g.iso, "label": names.get(g.iso, g.name_en)} for g in PROGRAMME_GOVERNORATES],
                value=list(f.governorates),
                clearable=True,
                w=360,
            ),
            drawn(
                ids.FILTER_DRAWN,
                {
                    ids.FILTER_PERIOD: [f.start.isoformat(), f.end.isoformat()],
                    ids.FILTER_GOVERNORATES: list(f.governorates),
                },
            ),
        ],
        align="flex-end",
        className="no-print",
        mb="sm",
    )
