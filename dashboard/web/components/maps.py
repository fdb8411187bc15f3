"""The map and what it is made of: camps by status, governorates shaded by a figure with their legends, unit counts,
and the layers built from the figures (map_layers, shared by the overview, the briefing and the coordinators' page).
Functional properties point at namespaced JavaScript in assets/map.js (`ns`), so that a colour change never re-sends
data."""

from __future__ import annotations

from collections.abc import Sequence

import dash_leaflet as dl
import numpy as np
import pandas as pd
from dash import dcc, html

from dashboard import i18n, words
from dashboard.analytics import coverage, geo, tables
from dashboard.data import queries
from dashboard.domain.reference import PROGRAMME_GOVERNORATES
from dashboard.i18n import N_, _, end, language, number, percent, rtl, start
from dashboard.ingest import boundaries
from dashboard.server import places
from dashboard.services import figures
from dashboard.web import ids
from dashboard.web.components import ui


def ns(name: str) -> dict:
    """A functional property: the function `name` of the `mmc.map` namespace of assets/map.js, as dash-leaflet reads
    one."""
    return {"variable": f"mmc.map.{name}"}


# Okabe-Ito colours, safe for the common colour-vision deficiencies; "not reached" is also drawn hollow.


# Okabe-Ito colours, safe for the common colour-vision deficiencies; "not reached" is also drawn hollow.
STATUS_COLOURS = {
    coverage.REACHED: "#0072B2",
    coverage.UNDER_SERVED: "#E69F00",
    coverage.NOT_REACHED: "#D55E00",
    coverage.MISSED: "#CC79A7",  # not reached, planned visits missed (coordinators)
    coverage.CLOSED: "#8a949e",
}


# Centre and zoom that frame the seven governorates (dash-leaflet errors when a map starts from bounds alone).
PROGRAMME_VIEW = {"center": [34.75, 42.7], "zoom": 6.5}


def legend(meaning: str, coordinator: bool = False):
    """The camps' statuses with what "reached" means (words.reached_meaning), and the markers' sizes and badges."""
    items = [
        ui.group(
            [
                html.Span(
                    className="legend-swatch" + (" hollow" if s in (coverage.NOT_REACHED, coverage.MISSED) else ""),
                    style={"background": c, "borderColor": c},
                ),
                ui.text(words.status_label(s), size="sm"),
            ],
            gap=0,
        )
        for s, c in STATUS_COLOURS.items()
        if coordinator or s != coverage.MISSED
    ]
    return ui.group(
        [
            ui.text(_("Camps and sites:"), fw=600, size="sm"),
            *items,
            ui.text(_("reached: {meaning}", meaning=meaning), size="xs", c="dimmed"),
            *(
                [
                    ui.group(
                        [
                            html.Span("M", className="unit-marker unit-mmc legend-unit"),
                            ui.text(_("MMC base"), size="sm"),
                        ],
                        gap=4,
                    ),
                    ui.group(
                        [
                            html.Span("A", className="unit-marker unit-ambulance legend-unit"),
                            ui.text(_("Ambulance base"), size="sm"),
                        ],
                        gap=4,
                    ),
                    ui.group([html.Span(className="legend-stop"), ui.text(_("Recommended stop"), size="sm")], gap=4),
                    ui.group(
                        [
                            html.Span(className="legend-reach"),
                            ui.text(_("Reach line: base to camp visited"), size="sm"),
                        ],
                        gap=4,
                    ),
                    ui.group([html.Span(className="legend-ring"), ui.text(_("Coverage ring"), size="sm")], gap=4),
                    ui.text(_("circle size shows population"), size="xs", c="dimmed"),
                ]
                if coordinator
                else [ui.text(_("circle size shows population; badges count active units"), size="xs", c="dimmed")]
            ),
        ],
        gap="md",
    )


CHOROPLETH_COLOURS = ["#deebf7", "#9ecae1", "#4292c6", "#08519c"]  # light to dark blue: reads in grey too


FIGURES = {
    "rate": N_("Consultations per 1,000 camp residents"),
    "share": N_("Share of camp population reached"),
    "consultations": N_("Consultations"),
}


def camp_map(
    governorates: dict,
    labels: dict,
    camps: dict,
    units: dict | None,
    map_id: str = ids.OVERVIEW_MAP,
    extra: Sequence[tuple[str, object, bool]] = (),
    camp_layer_id: str = ids.CAMP_LAYER,
    view: dict | None = None,
    figure: str = "rate",
    selected: str | None = None,
    tiles: tuple[str, str] | None = None,
    cluster: bool = False,
    figure_in_link: bool = False,
):
    """The map: governorate polygons shaded by `figure` with names, camps by status, unit counts (never bases) when
    given, and `extra` (name, layer, shown at first) overlays, each switchable in the layer control. With
    `figure_in_link` (the overview's), the figure chosen is in the page's link, and a governorate clicked keeps it.
    Optional `tiles` (url, attribution) go underneath; without them the map needs no server but this one.
    `governorates` are {"shapes": the kept outlines' address (places.shapes_url), "properties": each governorate's
    figures in the outlines' order}, and `camps` geo.camp_columns: stores beside the map hold them and the browser
    makes the layers' features (callbacks.register)."""
    hideout = {
        "figure": figure,
        "linked": figure_in_link,
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
                    "labels": {s: words.status_label(s) for s in STATUS_COLOURS},
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
            dl.LayersControl(children, position=f"top{end()}", collapsed=True),
            dl.ScaleControl(position=f"bottom{start()}", imperial=False),
            *zoom_control(),
            dcc.Store(id=ids.camp_columns(camp_layer_id), data=camps),
            dcc.Store(id=ids.GOV_FIGURES, data=governorates),
        ],
        id=map_id,
        **(view or PROGRAMME_VIEW),
        zoomSnap=0.25,
        className="mmc-map",
        attributionControl=True,
        zoomControl=not rtl(),  # (right to left: zoom_control's)
    )


def zoom_control() -> list:
    """Right to left, the zoom buttons on the right, where the line starts (a map has Leaflet's own, on the left,
    otherwise: zoomControl=not rtl())."""
    return [dl.ZoomControl(position="topright")] if rtl() else []


def bounds_of(geometries: list[dict]) -> list[list[float]]:
    """The south-west and north-east corners ([lat, lon]) around the given polygons."""
    import shapely.geometry

    box = [shapely.geometry.shape(g).bounds for g in geometries]
    return [
        [round(min(b[1] for b in box), 4), round(min(b[0] for b in box), 4)],
        [round(max(b[3] for b in box), 4), round(max(b[2] for b in box), 4)],
    ]


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


def choropleth_legend(figure: str, legend: dict):
    """The legend of the governorate shading for `figure`, every colour named by its range (`legend`: the figure's
    class breaks, and the span of its values, which names the one colour when there are no breaks: one governorate
    shown, or all alike; it said "all")."""

    def fmt(v):
        return percent(v) if figure == "share" else number(v)

    breaks, span = legend.get("breaks") or [], legend.get("span")
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
            else (fmt(span[0]) if span[0] == span[1] else _("{a} to {b}", a=fmt(span[0]), b=fmt(span[1])))
            if span
            else _("no data")
        )
        items.append(
            ui.group(
                [
                    html.Span(
                        className="legend-box",
                        style={"background": CHOROPLETH_COLOURS[min(i, len(CHOROPLETH_COLOURS) - 1)]},
                    ),
                    ui.text(text, size="sm"),
                ],
                gap=4,
            )
        )
    items.append(
        ui.group(
            [
                html.Span(className="legend-box", style={"background": "#d9d9d9"}),
                ui.text(_("hidden or no data"), size="sm"),
            ],
            gap=4,
        )
    )
    return ui.group([ui.text(_(FIGURES[figure]) + ":", fw=600, size="sm"), *items], gap="md")


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
    populations = tables.sum_by(
        camp_table["governorate"], camp_table["population"], camp_table["status"] != coverage.CLOSED
    )
    for gov in sorted(set(camp_table["governorate"].unique()) | set(gov_figures)):
        population = int(populations.get(gov, 0))
        given = gov_figures.get(gov, {})
        consultations = given.get("consultations", 0)
        reached = given.get("population_reached", 0) or 0
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
    names = queries.governorate_names(engine, language())
    by_gov = governorate_figures(camp_table, gov_figures)
    legends, classes = {}, {}
    for key in FIGURES:
        shown = {g: v[key] for g, v in by_gov.items()}
        breaks, classes[key] = geo.classify(shown)
        present = [v for v in shown.values() if v is not None and v == v]
        legends[key] = {"breaks": breaks, "span": [min(present), max(present)] if present else None}
    values = {}
    for gov, v in by_gov.items():
        tooltip = (
            f"<b><bdi>{names.get(gov, gov)}</bdi></b><br>"
            + _("Consultations: {n}", n=number(v["consultations"]))
            + "<br>"
            + _("Per 1,000 camp residents: {n}", n=number(v["rate"]))
            + "<br>"
            + _("Camp population reached: {n}", n=percent(v["share"]))
        )
        values[gov] = {"tooltip": tooltip, **{f"c_{key}": classes[key][gov] for key in FIGURES}}
    outlines = boundaries.current(engine, settings.boundaries_file or None)
    gov_layer = geo.governorate_features(outlines, values, names)
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
        "camps": geo.camp_columns(camp_table, *places.kept_camps(engine, i18n.language())),
        "units": unit_badges(figures.units(engine, f, audience), labels),
        "legends": legends,
    }


def the_map(layers: dict, settings, f, figure: str, map_id: str = ids.OVERVIEW_MAP, fit: bool = False, **extra):
    """The map of `layers` for the filters; `fit`: framed to the governorates shown (or the programme's seven)
    whatever the map's size once drawn (the briefing's map is as tall as the window)."""
    shown = f.governorates or tuple(g.iso for g in PROGRAMME_GOVERNORATES)
    geometries = [
        ft["geometry"] for ft in layers["governorates"]["features"] if ft["properties"]["iso"] in f.governorates
    ]
    view = view_of(geometries) if geometries else None
    if fit:
        framed = [ft["geometry"] for ft in layers["governorates"]["features"] if ft["properties"]["iso"] in shown]
        # (a start from bounds alone is refused by dash-leaflet: a centre and zoom, then the bounds as the viewport).
        # Zooms are not animated: a slide left mid-zoom by the arrow keys or Back made Leaflet finish the animation
        # on a map no longer there, and throw.
        viewport = {"bounds": bounds_of(framed), "transition": "fitBounds"}
        view = {**(view or PROGRAMME_VIEW), "viewport": viewport, "zoomAnimation": False}
    return camp_map(
        {"shapes": layers["shapes"], "properties": [ft["properties"] for ft in layers["governorates"]["features"]]},
        layers["labels"],
        layers["camps"],
        layers["units"],
        map_id=map_id,
        view=view,
        figure=figure,
        selected=f.governorates[0] if len(f.governorates) == 1 else None,
        tiles=(settings.tile_url, settings.tile_attribution) if settings.tile_url else None,
        cluster=len(layers["camps"]["i"]) > CLUSTER_ABOVE,
        **extra,
    )
