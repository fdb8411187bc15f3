"""The public overview: headline figures, the map and the weekly trend.

The URL carries the view: ?start=YYYY-MM-DD&end=YYYY-MM-DD&governorate=IQ-DA (repeatable)&syndrome=ari&figure=rate.
Public: the public policy's view (policy.py: whole weeks, protected counts, no unit or camp filter, no clinic bases
or visit dates). Signed-in coordinators see the same page with exact counts. Clicking a governorate filters the page
to it; clicking a camp opens its panel; the map's shading changes in the browser (the GeoJSON hideout), without
sending the polygons again.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, urlencode

import dash
import dash_mantine_components as dmc
import pandas as pd
from dash import Input, Output, Patch, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import analytics, auth, boundaries, charts, components, ids, parts, places, reports, runtime
from dashboard.callbacks import changed_href
from dashboard.i18n import _, number
from dashboard.store import access

dash.register_page(__name__, path="/", name="Overview", title="Mobile Medical Clinics, Iraq", nav_order=0)

CLUSTER_ABOVE = 1500  # camps: beyond this many, they are clustered when zoomed out


def unit_badges(units, labels: dict) -> dict:
    """Units as one badge per governorate: counts only, placed on the governorate's label point."""
    features = []
    points = {f["properties"]["iso"]: f["geometry"] for f in labels["features"]}
    for gov, rows in units.groupby("governorate"):
        counts = dict(zip(rows["unit_type"], rows["units"], strict=True))
        text = _("MMC {mmc} · Amb. {amb}", mmc=counts.get("mmc", 0), amb=counts.get("ambulance", 0))
        if gov in points:
            features.append({"type": "Feature", "geometry": points[gov], "properties": {"html": text}})
    return {"type": "FeatureCollection", "features": features}


def governorate_figures(camp_table: pd.DataFrame, gov_figures: dict[str, dict]) -> dict[str, dict]:
    """Each governorate's three map figures: consultations, consultations per 1,000 camp residents (population at
    the period's end), and the share of its camp population in camps reached."""
    out = {}
    populations = analytics.sum_by(
        camp_table["governorate"], camp_table["population"], camp_table["status"] != analytics.CLOSED
    )
    for gov in sorted(set(camp_table["governorate"].unique()) | set(gov_figures)):
        population = int(populations.get(gov, 0))
        figures = gov_figures.get(gov, {})
        consultations = figures.get("consultations", 0)
        reached = figures.get("population_reached", 0) or 0
        out[gov] = {
            "consultations": consultations,
            "rate": round(consultations / population * 1000, 1) if consultations is not None and population else None,
            "share": round(min(reached / population, 1.0), 3) if population else None,
            "population": population,
        }
    return out


def map_layers(engine, settings, f, camp_table, gov_figures: dict[str, dict], audience) -> dict:
    """The map's data: governorates with their figures and classes, names, camps by status, unit counts, and the
    legends and class breaks of each figure."""
    names = access.governorate_names(engine)
    figures = governorate_figures(camp_table, gov_figures)
    breaks, classes = {}, {}
    for key in components.FIGURES:
        breaks[key], classes[key] = analytics.classify({g: v[key] for g, v in figures.items()})
    values = {}
    for gov, v in figures.items():
        tooltip = (
            f"<b>{names.get(gov, gov)}</b><br>"
            + _("Consultations: {n}", n=number(v["consultations"]))
            + "<br>"
            + _("Per 1,000 camp residents: {n}", n=number(v["rate"]))
            + "<br>"
            + _("Camp population reached: {n}", n="–" if v["share"] is None else f"{v['share']:.0%}")
        )
        values[gov] = {"tooltip": tooltip, **{f"c_{key}": classes[key][gov] for key in components.FIGURES}}
    outlines = boundaries.current(engine, settings.boundaries_file or None)
    gov_layer = analytics.governorate_features(outlines, values, names)
    points = boundaries.label_points(outlines)
    labels = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"iso": ft["properties"]["iso"], "name": ft["properties"]["name"]},
                "geometry": {"type": "Point", "coordinates": list(points[ft["properties"]["iso"]])},
            }
            for ft in gov_layer["features"]
            if ft["properties"]["programme"]
        ],
    }

    return {
        "governorates": gov_layer,
        "shapes": places.shapes_url(outlines),
        "labels": labels,
        "camps": analytics.camp_columns(camp_table, *places.kept_camps(engine)),
        "units": unit_badges(reports.units(engine, f, audience), labels),
        "breaks": breaks,
    }


def the_map(layers: dict, settings, f, figure: str, map_id: str = ids.OVERVIEW_MAP, **extra):
    geometries = [
        ft["geometry"] for ft in layers["governorates"]["features"] if ft["properties"]["iso"] in f.governorates
    ]
    return components.camp_map(
        {"shapes": layers["shapes"], "properties": [ft["properties"] for ft in layers["governorates"]["features"]]},
        layers["labels"],
        layers["camps"],
        layers["units"],
        map_id=map_id,
        view=components.view_of(geometries) if geometries else None,
        figure=figure,
        selected=f.governorates[0] if len(f.governorates) == 1 else None,
        tiles=(settings.tile_url, settings.tile_attribution) if settings.tile_url else None,
        cluster=len(layers["camps"]["i"]) > CLUSTER_ABOVE,
        **extra,
    )


def layout(figure: str = "rate", **query):
    engine, settings = runtime.engine(), runtime.settings()
    status = access.data_status(engine)
    if not status.has_data:
        return components.empty_state(_("No data is loaded yet. Load the demo data or import the programme's files."))
    audience = auth.audience()
    f, notice = components.resolve_filters(query, status, audience)
    figure = figure if figure in components.FIGURES else "rate"
    names = access.governorate_names(engine)
    camp_table = reports.camp_table(engine, f, audience, settings)
    summary = reports.summary(engine, f, audience)
    totals = summary["totals"]
    by_gov = {r["governorate"]: r for r in summary["governorates"]}
    layers = map_layers(engine, settings, f, camp_table, by_gov, audience)
    weekly = reports.trends(engine, replace(f, freq="week"), audience)

    cards = components.figure_cards(
        [
            (
                _("People reached"),
                number(totals["population_reached"]),
                _("in camps visited in the period (population at its end)"),
            ),
            (_("Consultations"), number(totals["consultations"]), _("{n} referrals", n=number(totals["referrals"]))),
            (_("Camps reached"), f"{totals['camps_reached']} / {totals['camps']}", _("camps and sites with a visit")),
            (_("Units active"), number(totals["active_units"]), _("MMCs and ambulances with a visit")),
        ]
    )
    where = ", ".join(names[g] for g in f.governorates) if f.governorates else _("seven governorates")
    period = _("{start} to {end} · {where}", start=f"{f.start:%d %b %Y}", end=f"{f.end:%d %b %Y}", where=where)
    chart = (
        components.weekly_chart_image(weekly, names, "?" + urlencode(f.query(), doseq=True))
        if not weekly.empty
        else components.empty_state(_("No consultations were recorded in this period."))
    )
    hidden = components.protection_note(audience)
    map_controls = dmc.Group(
        [
            dmc.SegmentedControl(
                id=ids.MAP_FIGURE,
                value=figure,
                size="xs",
                data=[{"value": key, "label": _(label)} for key, label in components.FIGURES.items()],
            ),
            dcc.Link(_("Reset the map"), href="/", id=ids.MAP_RESET, className="mmc-button mmc-button-light"),
        ],
        justify="space-between",
    )
    return dmc.Stack(
        [
            notice,
            dmc.Group(
                [
                    dmc.Title(_("Mobile Medical Clinics for displaced people"), order=2),
                    dmc.Text(period, id=ids.PERIOD_TEXT, c="dimmed", size="lg"),
                ],
                justify="space-between",
            ),
            cards,
            dmc.Grid(
                [
                    dmc.GridCol(
                        dmc.Stack(
                            [
                                map_controls,
                                the_map(layers, settings, f, figure),
                                html.Div(
                                    components.choropleth_legend(figure, layers["breaks"][figure]), id=ids.MAP_LEGEND
                                ),
                                components.legend(),
                                dmc.Text(
                                    _("Click a governorate to show only it; click a camp for its details."),
                                    size="xs",
                                    c="dimmed",
                                ),
                            ],
                            gap="xs",
                        ),
                        span={"base": 12, "lg": 7},
                    ),
                    dmc.GridCol(chart, span={"base": 12, "lg": 5}),
                ]
            ),
            dmc.Text(
                _(
                    "Data loaded {when}. Camp lists: CCCM Cluster Iraq; boundaries: Natural Earth (public domain).",
                    when=f"{status.last_loaded_at:%d %b %Y}" if status.last_loaded_at else "–",
                )
                + " "
                + hidden,
                size="xs",
                c="dimmed",
                id=ids.SOURCES,
            ),
            dcc.Store(id=ids.MAP_LEGENDS, data=layers["breaks"]),
            dcc.Location(id=ids.MAP_URL, refresh=False),
            dmc.Drawer(id=ids.CAMP_PANEL, position="right", size="md", opened=False, title=""),
        ],
        gap="sm",
    )


@dash.callback(
    Output(ids.GOV_LAYER, "hideout"),
    Output(ids.MAP_LEGEND, "children"),
    Output(ids.MAP_URL, "search"),
    Input(ids.MAP_FIGURE, "value"),
    State(ids.MAP_LEGENDS, "data"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def choose_figure(figure, breaks, search):
    """Shade by another figure: only the hideout changes in the browser; the choice goes into the link."""
    if figure not in components.FIGURES:
        raise PreventUpdate
    hideout = Patch()
    hideout["figure"] = figure
    query = parse_qs((search or "").lstrip("?"))
    query["figure"] = [figure]
    return (
        hideout,
        components.choropleth_legend(figure, (breaks or {}).get(figure, [])),
        "?" + urlencode(query, doseq=True),
    )


@dash.callback(
    Output(ids.NAVIGATE, "href", allow_duplicate=True),
    Input(ids.GOV_LAYER, "clickData"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def filter_to_governorate(click, search):
    """A click on a governorate shows only it (the figures, the chart, the map); a second click shows all again."""
    iso = ((click or {}).get("properties") or {}).get("iso")
    if not iso or not ((click or {}).get("properties") or {}).get("programme"):
        raise PreventUpdate
    query = parse_qs((search or "").lstrip("?"))
    query["governorate"] = [] if query.get("governorate") == [iso] else [iso]
    if not query["governorate"]:
        del query["governorate"]
    return changed_href("/", search, query) or no_update


@dash.callback(
    Output(ids.CAMP_PANEL, "opened"),
    Output(ids.CAMP_PANEL, "title"),
    Output(ids.CAMP_PANEL, "children"),
    Input(ids.CAMP_LAYER, "clickData"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def camp_panel(click, search):
    """A camp's details, fetched when it is clicked: what the viewer's role allows."""
    props = (click or {}).get("properties") or {}
    if props.get("cluster") or "id" not in props:
        raise PreventUpdate
    engine, settings = runtime.engine(), runtime.settings()
    status = access.data_status(engine)
    if not status.has_data:
        raise PreventUpdate
    audience = auth.audience()
    f, _notice = components.resolve_filters(parts.page_query(search), status, audience)
    table = reports.camp_table(engine, replace(f, governorates=()), audience, settings)
    rows = table[table["camp_id"] == int(props["id"])]
    if rows.empty:
        raise PreventUpdate
    camp = rows.iloc[0]
    names = access.governorate_names(engine)
    facts = [
        (_("Governorate"), names.get(camp["governorate"], camp["governorate"])),
        (_("Population"), _("{n} (as of {date})", n=number(camp["population"]), date=camp["population_date"])),
        (_("Status"), components.status_label(camp["status"])),
    ]
    if camp["position_approximate"]:
        facts.append((_("Position"), _("approximate")))
    facts_table = dmc.Table(html.Tbody([html.Tr([html.Th(label), html.Td(value)]) for label, value in facts]), fz="sm")
    if audience.public:  # a camp's own counts and visits are for coordinators
        note = dmc.Text(
            _("A camp's visits, units and weekly consultations are for signed-in coordinators."), size="sm", c="dimmed"
        )
        return True, camp["name"], dmc.Stack([facts_table, note])
    return True, camp["name"], dmc.Stack([facts_table, _camp_activity(engine, settings, f, camp, audience)])


def _camp_activity(engine, settings, f, camp, audience):
    """What a coordinator sees of a camp beyond the public facts: its units, visits, last visit and weekly trend."""
    served = access.camp_units(engine, f)
    served = served[served["camp_id"] == camp["camp_id"]]
    facts = [
        (_("Units that served it"), ", ".join(served["clinic_name"]) or "–"),
        (_("Visits in the period"), number(camp["visits"])),
        (_("Last visit"), str(camp["last_visit"] or _("never"))),
    ]
    weekly = reports.breakdown(engine, replace(f, governorates=(), camp=camp["code"], freq="week"), audience, ())
    trend = components.empty_state(_("No consultations in this period."))
    if not weekly.empty and weekly["consultations"].fillna(0).any():
        trace = {
            "type": "scatter",
            "x": charts.values(weekly["period"]),
            "y": charts.values(weekly["consultations"]),
            "mode": "lines",
            "line": {"color": components.STATUS_COLOURS["reached"], "width": 2},
        }
        layout = {
            "height": 180,
            "margin": {"l": 40, "r": 10, "t": 30, "b": 30},
            "template": charts.TEMPLATE,
            "title": {"text": _("Consultations per week"), "font": {"size": 13}, "x": 0},
        }
        fig = {"data": [trace], "layout": layout}
        trend = dcc.Graph(figure=fig, config={"displaylogo": False, "displayModeBar": False})
    table = dmc.Table(html.Tbody([html.Tr([html.Th(label), html.Td(value)]) for label, value in facts]), fz="sm")
    return dmc.Stack([table, trend])
