"""Coverage gaps, for coordinators: who we are missing and where the next team should go.

Signed-in coordinators and admins only: the role is checked on the server when the page is built and in every
callback, so nobody else is ever sent camp-level activity, unit bases or schedules. The URL carries the filters
(?start=...&end=...&governorate=...).
"""

from __future__ import annotations

from html import escape

import dash
import dash_ag_grid as dag
import dash_leaflet as dl
import dash_mantine_components as dmc
import numpy as np
import pandas as pd
from dash import ClientsideFunction, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import words
from dashboard.analytics import coverage, geo, where_next
from dashboard.data import queries
from dashboard.i18n import N_, _, language, ngettext, number, rtl
from dashboard.server import auth, places, runtime
from dashboard.services import exports, figures
from dashboard.web import grids, ids, parts, shell
from dashboard.web.components import cards, controls, maps, notices, plan

dash.register_page(
    __name__,
    path="/coordinator",
    name=N_("Coordinators"),
    title=lambda: _("Coverage gaps · MMC Iraq"),
    nav_order=3,
    maps="coordinators",
    mantine=True,  # (drawn with Mantine: its HTML sends Mantine's script; server/compression.py)
    grids=True,  # (AG Grid tables for coordinators: its HTML sends AG Grid to them only here)
)

GAP_BLOCK = 100  # rows of the camp table per request
STATUS_ORDER = {
    coverage.MISSED: 0,
    coverage.NOT_REACHED: 1,
    coverage.UNDER_SERVED: 2,
    coverage.REACHED: 3,
    coverage.CLOSED: 4,
}


GAP_ROW_FIELDS = [
    "camp_id",
    "latitude",
    "longitude",
    "status_label",
    *[k for k, _h, _t in figures.GAP_COLUMNS],
]


def gap_table(table: pd.DataFrame) -> pd.DataFrame:
    """The gap table as the grid shows it before anyone sorts it: not reached first, then the longest without a
    visit (never visited first), with each status's label."""
    out = table.assign(
        order=table["status"].map(STATUS_ORDER),
        status_label=table["status"].map({s: words.status_label(s) for s in STATUS_ORDER}),
        camp_id=table["camp_id"].astype(str),
    )
    return out.sort_values(["order", "days_since_visit"], ascending=[True, False], na_position="first")


def _days_key(table: pd.DataFrame) -> pd.Series:
    """Sorting by days since the last visit: a camp never visited waits longest, a closed camp (nobody left to
    reach) least, so that going down puts first the camps a team should go to."""
    days = pd.to_numeric(table["days_since_visit"], errors="coerce").astype("float64").fillna(np.inf)
    return days.where(table["status"] != coverage.CLOSED, -np.inf)


def chosen_gaps(table: pd.DataFrame, request: dict | None) -> pd.DataFrame:
    """The rows that pass the grid's filters, in its order (both from the grid's last request for rows)."""
    request = request or {}
    return grids.ordered(
        grids.filtered(gap_table(table), request.get("filterModel")),
        request.get("sortModel"),
        {"days_since_visit": _days_key},
    )


def _chosen_for(search: str | None, request: dict | None) -> pd.DataFrame:
    """chosen_gaps of the page's gap table, for the page's link."""
    f = _part_filters(parts.page_query(search))
    settings = runtime.settings()
    return chosen_gaps(
        words.with_reasons(figures.gaps(runtime.engine(), f, settings, language=language()), settings), request
    )


# The camp table's columns, in the grid's order: (field, header, grid options). The export follows the same list,
# then the codes (export_columns).
NUMBER_FILTER: dict[str, object] = {"filter": "agNumberColumnFilter", "type": "rightAligned"}
GRID_COLUMNS: list[tuple[str, str, dict]] = [
    ("name", N_("Camp or site"), {"pinned": "left", "minWidth": 190}),
    ("governorate_name", N_("Governorate"), {}),
    (
        "status_label",
        N_("Status"),
        {"cellClass": {"function": "params.data ? 'status-cell status-' + params.data.status : ''"}},
    ),
    # one line a row (rows fetched a block at a time have a fixed height): wide enough for the longest reason, and
    # the whole of it on hover
    ("reason", N_("Why"), {"minWidth": 370, "tooltipField": "reason"}),
    ("days_since_visit", N_("Days since last visit"), {"sortingOrder": ["desc", "asc", None], **NUMBER_FILTER}),
    ("last_visit", N_("Last visit"), {}),
    (
        "population",
        N_("Population"),
        {"valueFormatter": {"function": "params.value == null ? '' : d3.format(',')(params.value)"}, **NUMBER_FILTER},
    ),
    ("population_date", N_("Population as of"), {}),
    ("units_served", N_("Units that served it"), {"minWidth": 200}),
    ("visits", N_("Visits"), NUMBER_FILTER),
    ("consultations", N_("Consultations"), NUMBER_FILTER),
    ("utilisation", N_("Consultations per person per year"), NUMBER_FILTER),
    ("nearest_base_km", N_("Nearest base (km)"), NUMBER_FILTER),
]
EXTRA_TAGS = {"status_label": "#status+name", "status": "#status+code"}
THOUSANDS = {"function": "params.value == null ? '' : d3.format(',')(params.value)"}


def export_columns() -> list[tuple[str, str, str]]:
    """The camp table's export: the grid's columns with its headers, in its order, then the codes (camp,
    governorate, status) in their own columns; each with its HXL tag."""
    tags = {key: tag for key, _header, tag in figures.GAP_COLUMNS} | EXTRA_TAGS
    codes = [("code", _("Camp code")), ("governorate", _("Governorate code")), ("status", _("Status code"))]
    return [(field, _(header), tags[field]) for field, header, _options in GRID_COLUMNS] + [
        (field, header, tags[field]) for field, header in codes
    ]


def _grid():
    return dag.AgGrid(
        id=ids.GAP_GRID,
        # Rows come a block at a time from the server (grid_rows), filtered and sorted there: a filter change no
        # longer sends every camp.
        rowModelType="infinite",
        getRowId="params.data.camp_id",
        columnDefs=[
            {"field": field, "headerName": _(header), "filter": True, "sortable": True, **options}
            for field, header, options in GRID_COLUMNS
        ],
        defaultColDef={"resizable": True, "minWidth": 110, "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions={
            "enableRtl": rtl(),
            # A click on a row chooses it; no checkbox column (it sat, without a header, beside the camp's name).
            "rowSelection": {"mode": "singleRow", "enableClickSelection": True, "checkboxes": False},
            "animateRows": False,
            # Every column rendered: a dozen columns are cheap, and readers and tests see them all.
            "suppressColumnVirtualisation": True,
            "cacheBlockSize": GAP_BLOCK,
        },
        style={"height": "520px"},
        className="ag-theme-quartz",
    )


def _unit_grid(clinics: pd.DataFrame, names: dict[str, str], limit: int):
    table = clinics.assign(
        governorate=clinics["governorate"].map(names),
        unit_type=clinics["unit_type"].map({"mmc": _("MMC"), "ambulance": _("Ambulance")}),
        last_visit=clinics["last_visit"].map(lambda d: d.isoformat() if d else None),
        overloaded=clinics["per_clinician_day"].map(lambda v: v is not None and not pd.isna(v) and v >= limit),
    )
    # led by who the unit is and its workload against the standard; where its base is, last
    columns: list[tuple[str, str, dict[str, object]]] = [
        ("name", _("Unit"), {"pinned": "left", "minWidth": 160}),
        ("per_clinician_day", _("Consultations per clinician per day"), NUMBER_FILTER),
        ("unit_type", _("Type"), {}),
        ("governorate", _("Governorate"), {}),
        ("consultations", _("Consultations"), {**NUMBER_FILTER, "valueFormatter": THOUSANDS}),
        ("visit_days", _("Days active"), NUMBER_FILTER),
        ("camps_served", _("Camps served"), NUMBER_FILTER),
        ("clinicians", _("Clinicians"), NUMBER_FILTER),
        ("last_visit", _("Last visit"), {}),
        ("code", _("Code"), {}),
        ("base_latitude", _("Base latitude"), NUMBER_FILTER),
        ("base_longitude", _("Base longitude"), NUMBER_FILTER),
    ]
    rows = table[[c for c, _label, _o in columns] + ["overloaded"]].astype(object)
    rows = rows.where(rows.notna(), None).to_dict("records")
    return dag.AgGrid(
        id=ids.CLINIC_GRID,
        rowData=rows,
        columnDefs=[
            {"field": c, "headerName": label, "filter": True, "sortable": True, **options}
            for c, label, options in columns
        ],
        defaultColDef={"resizable": True, "minWidth": 100, "wrapHeaderText": True, "autoHeaderHeight": True},
        rowClassRules={"unit-overloaded": "params.data.overloaded"},
        dashGridOptions={
            "enableRtl": rtl(),
            "suppressColumnVirtualisation": True,
        },  # (a dozen columns: readers and tests see them all)
        style={"height": "420px"},
        className="ag-theme-quartz",
    )


def reach_columns(
    camps: pd.DataFrame, clinics: pd.DataFrame, visits: pd.DataFrame, place_ids: np.ndarray, places_url: str
) -> dict:
    """A line from each unit's base to each camp of `camps` it visited in the period, as columns: the unit (a
    position in `units`), the camp (its position among the kept places at `places_url`, whose ids are `place_ids`)
    and the visits. assets/map.js `reachLayer` draws them, weighted by the visits, with the translated tooltip: at
    10,000 camps the lines as GeoJSON were 50,000 features, most of the page."""
    units = _with_base(clinics)[["code", "name", "base_longitude", "base_latitude"]].reset_index(drop=True)
    unit_at = pd.Series(np.arange(len(units)), index=units["code"])
    lines = visits[visits["clinic_code"].isin(units["code"]) & visits["camp_id"].isin(camps["camp_id"])]
    return {
        "places": places_url,
        "tooltip": _("{unit} → {camp}, visits: {n}"),  # translated once, filled for each line in the browser
        "units": {
            "code": units["code"].tolist(),
            "name": units["name"].tolist(),
            "x": units["base_longitude"].astype(float).round(4).tolist(),
            "y": units["base_latitude"].astype(float).round(4).tolist(),
        },
        "u": unit_at[lines["clinic_code"]].tolist(),
        "c": np.searchsorted(place_ids, lines["camp_id"].to_numpy(dtype="int64")).tolist(),
        "n": lines["visits"].astype("int64").tolist(),
    }


def _with_base(clinics: pd.DataFrame) -> pd.DataFrame:
    """The units whose base position is known: only they have a point, rings and reach lines on the map."""
    return clinics[clinics["base_latitude"].notna() & clinics["base_longitude"].notna()]


def _unit_bases(clinics: pd.DataFrame) -> dict:
    """Unit bases as points (coordinators only); the coverage rings are drawn around the same points. Units that
    share a base are drawn a little apart (geo.spread), and clustered when the map is zoomed out."""
    clinics = _with_base(clinics)
    latitude, longitude = geo.spread(clinics["base_latitude"].to_numpy(), clinics["base_longitude"].to_numpy())
    clinics = clinics.assign(base_latitude=latitude.round(5), base_longitude=longitude.round(5))
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"t": kind, "code": code, "tooltip": f"<b>{escape(name)}</b><br>{escape(code)}"},
            }
            for lon, lat, kind, code, name in zip(
                clinics["base_longitude"].tolist(),
                clinics["base_latitude"].tolist(),
                clinics["unit_type"].tolist(),
                clinics["code"].tolist(),
                clinics["name"].tolist(),
                strict=True,
            )
        ],
    }


def _summary(table: pd.DataFrame):
    table = dmc.Table(
        cards.governorate_gaps_rows(table),
        striped=True,
        highlightOnHover=True,
        id=ids.GAP_SUMMARY,
        fz="sm",
        className="mmc-numbers",
    )
    return cards.scrolling(table, _("Coverage gaps by governorate"))


def _km_input(component_id: str, label: str, km: float, **style):
    """A distance in km, from 0.5 to 100 by halves (a value outside cannot be typed: it read 515 km)."""
    return dmc.NumberInput(
        id=component_id,
        label=label,
        value=km,
        min=0.5,
        max=100,
        step=0.5,
        decimalScale=1,
        clampBehavior="strict",
        **style,
    )


def _filters(query: dict):
    """The link's filters and the notice naming any parameter that could not be used; None before data is loaded."""
    engine = runtime.engine()
    status = queries.data_status(engine)
    if not status.has_data:
        return None
    return (status, *notices.resolve_filters(query, status, auth.audience()))


def _part_filters(query: dict):
    """A part's filters: those of its page's link (a part is only asked for on a page that has data)."""
    found = _filters(query)
    if found is None:
        raise PreventUpdate
    return found[1]


def _part_camps(query: dict):
    """A part's database, settings and filters, and every camp of them with its coverage status."""
    f = _part_filters(query)
    engine, settings = runtime.engine(), runtime.settings()
    return (
        engine,
        settings,
        f,
        figures.camps(engine, f, settings.not_reached_days, settings.min_utilisation, settings.first_day),
    )


@parts.part("coordinator.summary", role="coordinator")
def _summary_part(query: dict):
    engine, settings, f, table = _part_camps(query)
    counts = table["status"].value_counts()
    return dmc.Stack(
        [
            dmc.Text(
                ngettext(
                    "{n} camp not reached (no visit in the last {days} days of the period),",
                    "{n} camps not reached (no visit in the last {days} days of the period),",
                    missed := int(coverage.not_reached(table).sum()),
                    n=missed,
                    days=settings.not_reached_days,
                )
                + (
                    " "
                    + ngettext(
                        "{n} of them had planned visits that were all missed;",
                        "{n} of them had planned visits that were all missed;",
                        planned_missed,
                        n=planned_missed,
                    )
                    if (planned_missed := int(counts.get(coverage.MISSED, 0)))
                    else ""
                )
                + " "
                + ngettext(
                    "{u} under-served (below {m} consultations per person per year).",
                    "{u} under-served (below {m} consultations per person per year).",
                    under := int(counts.get(coverage.UNDER_SERVED, 0)),
                    u=number(under),
                    m=number(settings.min_utilisation),
                ),
                fw=500,
            ),
            _summary(figures.governorate_gaps(engine, f, settings, language=language())),
        ],
        gap="sm",
    )


def _plan(query: dict):
    """A plan part's filters, settings and summary (figures.completeness), or what it says instead: no plan, or a
    plan and no record yet."""
    f = _part_filters(query)
    engine, settings = runtime.engine(), runtime.settings()
    if not figures.has_rota(engine):
        return plan.no_plan()
    found = figures.completeness(engine, f, settings)
    if found is None:
        return cards.empty_state(_("No visit has been reported yet: completeness starts with the first record."))
    return engine, settings, f, found


@parts.part("coordinator.plan", role="coordinator")
def _plan_part(query: dict):
    """The visit plan against what happened: silent units first, then the headline, the camps missed weeks running
    and the table by governorate (the units' weeks and the misses are a part of their own, answered beside it)."""
    found = _plan(query)
    if not isinstance(found, tuple):
        return found
    engine, settings, f, summary = found

    def listed(by: str):  # the first of a list, and how long it is
        return figures.completeness_table(engine, f, settings, by, rows=plan.LISTED, language=language()), len(
            summary.table(by)
        )

    silent, silent_count = listed("silent")
    running, running_count = listed("running")
    return html.Div(
        [
            plan.silent_units(silent, settings.silent_days, f, silent_count),
            plan.headline(summary, settings.report_deadline_days),
            plan.missed_running(running, f, running_count),
            plan.governorate_table(
                figures.completeness_table(engine, f, settings, "governorate", language=language()),
                settings.report_deadline_days,
                ids.PLAN_GOVERNORATES,
            ),
        ],
        className="plan-view",
    )


@parts.part("coordinator.plan_units", role="coordinator")
def _plan_units_part(query: dict):
    """The units' latest weeks (made / planned, the misses leading to the unit and week) and the latest misses."""
    found = _plan(query)
    if not isinstance(found, tuple):
        return html.Div()  # (the plan part says why)
    engine, settings, f, summary = found
    units = figures.completeness_table(engine, f, settings, "unit", weeks=plan.HEAT_WEEKS, language=language())
    misses = figures.completeness_table(engine, f, settings, "misses", rows=plan.MISSES_SHOWN, language=language())
    return html.Div([plan.heat_table(units, f), plan.misses_table(misses, summary.planned - summary.made)])


@parts.part("coordinator.map", role="coordinator")
def _map_part(query: dict):
    engine, settings, f, table = _part_camps(query)  # status and population: the map needs no more of the gap table
    clinics = coverage.clinic_workload(figures.clinic_activity(engine, f))
    audience = auth.audience()
    summary = figures.summary(engine, f, audience, settings.not_reached_days, language=language())
    by_gov = {row["governorate"]: row for row in summary["governorates"]}
    layers = {**maps.map_layers(engine, settings, f, table, by_gov, audience), "units": None}  # bases instead of counts
    the_map = maps.the_map(
        layers,
        settings,
        f,
        "share",
        map_id=ids.GAP_MAP,
        camp_layer_id=ids.GAP_CAMPS,
        extra=[
            (
                _("Unit bases"),
                dl.GeoJSON(
                    data=_unit_bases(clinics),
                    id=ids.GAP_UNITS,
                    pointToLayer=maps.ns("unitMarker"),
                    hideout={"highlight": []},
                    cluster=True,  # 57 units on a few pixels when zoomed out; a click on a cluster zooms to it
                    zoomToBoundsOnClick=True,
                    superClusterOptions={"radius": 28, "maxZoom": 8},
                ),
                True,
            ),
            (
                _("Reach lines (visits in the period)"),
                dl.GeoJSON(
                    id=ids.GAP_REACH,  # drawn from ids.GAP_REACH_COLUMNS in the browser
                    hideout={"unit": None, "camp": None},
                    style=maps.ns("reachStyle"),
                    hoverStyle={"weight": 6, "color": "#000"},
                ),
                True,
            ),
            (
                _("Coverage rings ({km} km)", km=number(settings.access_km)),
                dl.GeoJSON(  # the unit bases' points, copied in the browser (mmc.sameData): sent once
                    pointToLayer=maps.ns("ringCircle"),
                    id=ids.GAP_RINGS,
                    hideout={"km": settings.access_km},
                ),
                False,
            ),
            (
                _("Recommended stops"),
                dl.GeoJSON(data=None, id=ids.GAP_STOPS, pointToLayer=maps.ns("stopCircle")),
                True,
            ),
        ],
    )
    return dmc.Stack(
        [
            the_map,
            # where a camp clicked on the map is in the grid: with the map, so that it is not asked when drawn
            dcc.Store(id=ids.GAP_FIND),
            maps.choropleth_legend("share", layers["legends"]["share"]),
            maps.legend(words.reached_meaning(audience, settings.not_reached_days), coordinator=True),
            dmc.Group(
                [
                    _km_input(ids.RING_RADIUS, _("Coverage ring radius (km)"), settings.access_km, w=200, size="xs"),
                    dmc.Text(
                        _(
                            "Click a unit base to see the camps it served; click a camp to see its "
                            "units. Rings show in the layer control."
                        ),
                        size="xs",
                        c="dimmed",
                    ),
                ],
                align="flex-end",
            ),
        ],
        gap="xs",
    )


@parts.part("coordinator.reach", role="coordinator")
def _reach_part(query: dict):
    """The reach lines' columns, in an answer of their own beside the map's (the browser draws them on the map)."""
    engine, _settings, f, table = _part_camps(query)
    served = queries.camp_units(engine, f)
    columns = reach_columns(table, figures.clinic_activity(engine, f), served, *places.kept_camps(engine, language()))
    return dcc.Store(id=ids.GAP_REACH_COLUMNS, data=columns)


@parts.part("coordinator.units", role="coordinator")
def _units_part(query: dict):
    f = _part_filters(query)
    engine, settings = runtime.engine(), runtime.settings()
    clinics = coverage.clinic_workload(figures.clinic_activity(engine, f))
    return _unit_grid(clinics, queries.governorate_names(engine, language()), settings.max_per_clinician_day)


@shell.with_mantine
def layout(**query):
    """The page's frame: title, period, filters and the where-next controls at once; the summary, map, camp table
    and unit table as parts (dashboard/web/parts.py), each answered in its own request."""
    if not auth.role_at_least("coordinator"):
        return notices.sign_in_required("/coordinator")
    found = _filters(query)
    if found is None:
        return notices.setup_notice(queries.data_status(runtime.engine()))
    status, f, notice = found
    settings = runtime.settings()
    names = queries.governorate_names(runtime.engine(), language())
    period = notices.view_line(f, names)
    next_panel = dmc.Paper(
        [
            dmc.Title(_("Where next"), order=4),
            dmc.Text(
                _(
                    "Stops that would cover the most people in camps not reached today. A stop covers the camps "
                    "within the radius."
                ),
                size="sm",
                c="dimmed",
            ),
            dmc.Group(
                [
                    dmc.NumberInput(id=ids.NEXT_SLOTS, label=_("Visit slots (stops)"), value=3, min=1, max=50, w=150),
                    _km_input(ids.NEXT_RADIUS, _("Radius (km)"), settings.access_km, w=150),
                    dmc.Button(_("Recommend stops"), id=ids.NEXT_RUN),
                ],
                align="flex-end",
            ),
            html.Div(id=ids.NEXT_RESULT),
        ],
        p="md",
        withBorder=True,
        radius="md",
    )
    return dmc.Stack(
        [
            notices.setup_notice(status),
            notice,
            dmc.Group(
                [dmc.Title(_("Coverage gaps"), order=1, size="h2"), dmc.Text(period, c="dimmed", size="lg")],
                justify="space-between",
            ),
            controls.filter_bar(f, status.first_date, status.last_date, names),
            controls.navigator(),
            parts.placeholder("coordinator.summary", 260),
            dmc.Title(_("Visit plan: completeness and timeliness"), order=3),
            *(
                [parts.placeholder("coordinator.plan", 320), parts.placeholder("coordinator.plan_units", 560)]
                if figures.has_rota(runtime.engine())
                else [parts.placeholder("coordinator.plan", 80)]
            ),
            dmc.Grid(
                [
                    dmc.GridCol(
                        [parts.placeholder("coordinator.map", 560), parts.placeholder("coordinator.reach", 0)],
                        span={"base": 12, "lg": 7},
                    ),
                    dmc.GridCol(next_panel, span={"base": 12, "lg": 5}),
                ]
            ),
            dmc.Group(
                [
                    dmc.Title(_("Camps and sites"), order=3),
                    dmc.Group(
                        [
                            dmc.Button(_("Export CSV"), id=ids.EXPORT_CSV, variant="light"),
                            dmc.Button(_("Export XLSX"), id=ids.EXPORT_XLSX, variant="light"),
                        ],
                        gap="xs",
                    ),
                ],
                justify="space-between",
            ),
            dmc.Text(
                _(
                    "Choose a row to find the camp on the map; click a camp on the map to find its row. Exports "
                    "hold the rows as filtered and sorted here."
                ),
                size="sm",
                c="dimmed",
            ),
            # In the frame, not a part: it holds no rows (it asks for them, like a part) and other parts' callbacks
            # read its state, which must be there whichever part comes first.
            _grid(),
            dcc.Download(id=ids.EXPORT_DOWNLOAD),
            dmc.Title(_("Units"), order=3),
            dmc.Text(
                _(
                    "Consultations per clinician per day: the standard is fewer than {n}; rows at or above it are "
                    "marked.",
                    n=settings.max_per_clinician_day,
                ),
                size="sm",
                c="dimmed",
            ),
            parts.placeholder("coordinator.units", 420),
        ],
        gap="sm",
    )


def _require_coordinator() -> None:
    if not auth.role_at_least("coordinator"):
        raise PreventUpdate


@dash.callback(
    Output(ids.NEXT_RESULT, "children"),
    Output(ids.GAP_STOPS, "data"),
    Input(ids.NEXT_RUN, "n_clicks"),
    State(ids.NEXT_SLOTS, "value"),
    State(ids.NEXT_RADIUS, "value"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def recommend(_clicks, slots, radius, search):
    _require_coordinator()
    engine, _settings, _f, table = _part_camps(parts.page_query(search))  # the camps the page shows
    try:
        slots, radius = int(slots), float(radius)
        unmet = table["population"].where(coverage.not_reached(table), 0)
        picks = where_next.where_next(table["latitude"], table["longitude"], unmet, radius, slots)
    except (TypeError, ValueError) as exc:
        return dmc.Alert(str(exc), color="red", title=_("Cannot recommend stops")), None
    if not picks:
        return dmc.Alert(_("Every camp not reached is covered, or none is left to cover."), color="green"), None
    names = figures.camps_named(engine, table, language())["name"].tolist()
    items, features, total = [], [], 0
    for n, pick in enumerate(picks, start=1):
        total += pick.gain
        covered = ", ".join(names[i] for i in pick.covered)
        items.append(
            html.Li(
                _(
                    "Stop {n}: {camp}: +{gain} people ({covered}); {total} in all",
                    n=n,
                    camp=names[pick.candidate],
                    gain=number(pick.gain),
                    covered=covered,
                    total=number(total),
                )
            )
        )
        row = table.iloc[pick.candidate]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row.longitude, row.latitude]},
                "properties": {
                    "n": n,
                    "radius": radius * 1000,
                    "tooltip": _("Stop {n}: {camp}", n=n, camp=escape(row["name"])),
                },
            }
        )
    return html.Ol(items, className="next-stops"), {"type": "FeatureCollection", "features": features}


@dash.callback(
    Output(ids.GAP_GRID, "getRowsResponse"),
    Input(ids.GAP_GRID, "getRowsRequest"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def grid_rows(request, search):
    """A block of the gap table's rows, with the grid's filters and order, for the page's filters."""
    _require_coordinator()
    try:
        chosen = _chosen_for(search, request)
    except grids.GridRequestError:
        return {"rowData": [], "rowCount": 0}
    return {"rowData": grids.records(grids.block(chosen, request), GAP_ROW_FIELDS), "rowCount": len(chosen)}


@dash.callback(
    Output(ids.EXPORT_DOWNLOAD, "data"),
    Input(ids.EXPORT_CSV, "n_clicks"),
    Input(ids.EXPORT_XLSX, "n_clicks"),
    State(ids.GAP_GRID, "getRowsRequest"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def export(_csv, _xlsx, request, search):
    """Every row that passes the grid's filters, in its order (not only the rows the grid has fetched), with the
    grid's headers, and the view it is of in its first lines and its name."""
    _require_coordinator()
    columns = export_columns()
    rows = grids.records(_chosen_for(search, request), [key for key, _h, _t in columns])
    f = _part_filters(parts.page_query(search))
    engine = runtime.engine()
    preamble = notices.export_lines(
        _("Mobile Medical Clinics, Iraq: camps and sites, coverage gaps"),
        f,
        queries.governorate_names(engine, language()),
        queries.data_status(engine),
        auth.audience(),
    )
    name = exports.file_name("mmc-camps", f)
    if dash.ctx.triggered_id == ids.EXPORT_XLSX:
        return dcc.send_bytes(exports.to_xlsx(rows, columns, "camps", preamble), name + ".xlsx")
    return dcc.send_string(exports.to_csv(rows, columns, preamble, bom=True), name + ".csv")


@dash.callback(
    Output(ids.GAP_MAP, "viewport"),
    Input(ids.GAP_GRID, "selectedRows"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def zoom_to_row(selected, search):
    """A camp chosen (in the table, or on the map) is framed with the bases of the units that served it, so that
    its reach lines and units stay in view (a fixed close zoom left them off-screen)."""
    _require_coordinator()
    if not selected:
        return no_update
    row = selected[0]
    return camp_frame(row, figures.clinic_activity(runtime.engine(), _part_filters(parts.page_query(search))))


def camp_frame(row: dict, clinics: pd.DataFrame) -> dict:
    """The map's view for a camp `row` (latitude, longitude, units_served: names joined by ", "): its units'
    bases and the camp, or the camp alone, close, when no unit served it."""
    served = set(filter(None, (row.get("units_served") or "").split(", ")))
    bases = clinics[clinics["name"].isin(served)] if served else clinics.iloc[:0]
    lats = [row["latitude"], *bases["base_latitude"].dropna().tolist()]
    lons = [row["longitude"], *bases["base_longitude"].dropna().tolist()]
    if len(lats) == 1 or (max(lats) - min(lats) < 0.02 and max(lons) - min(lons) < 0.02):
        return {"center": [row["latitude"], row["longitude"]], "zoom": 11, "transition": "flyTo"}
    pad = 0.15 * max(max(lats) - min(lats), max(lons) - min(lons), 0.1)  # (a margin, so markers sit inside the frame)
    return {
        "bounds": [[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]],
        "transition": "flyToBounds",
    }


dash.clientside_callback(
    ClientsideFunction(namespace="mmc", function_name="highlight"),
    Output(ids.GAP_REACH, "hideout"),
    Output(ids.GAP_CAMPS, "hideout"),
    Output(ids.GAP_UNITS, "hideout"),
    Input(ids.GAP_UNITS, "clickData"),
    Input(ids.GAP_CAMPS, "clickData"),
    State(ids.GAP_REACH, "data"),  # which unit visited which camp: the reach lines' ends
    State(ids.GAP_REACH, "hideout"),
    State(ids.GAP_CAMPS, "hideout"),
    State(ids.GAP_UNITS, "hideout"),
    prevent_initial_call=True,
)

dash.clientside_callback(  # the reach lines, made from their columns and the camps' kept places in the browser
    ClientsideFunction(namespace="mmc", function_name="reachLayer"),
    Output(ids.GAP_REACH, "data"),
    Input(ids.GAP_REACH_COLUMNS, "data"),
)

dash.clientside_callback(  # the coverage rings around the unit bases, whose points the page already has
    ClientsideFunction(namespace="mmc", function_name="sameData"),
    Output(ids.GAP_RINGS, "data"),
    Input(ids.GAP_UNITS, "data"),
)

dash.clientside_callback(
    ClientsideFunction(namespace="mmc", function_name="ringRadius"),
    Output(ids.GAP_RINGS, "hideout"),
    Input(ids.RING_RADIUS, "value"),
    State(ids.GAP_RINGS, "hideout"),
    prevent_initial_call=True,
)


@dash.callback(
    Output(ids.GAP_FIND, "data"),
    Input(ids.GAP_CAMPS, "clickData"),
    State(ids.GAP_GRID, "getRowsRequest"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def find_row(click, request, search):
    """A camp clicked on the map: where its row is in the grid's current filters and order, for the browser to
    scroll there and choose it (assets/grid.js findRow); None when the grid's filters hide it."""
    _require_coordinator()
    camp = str(((click or {}).get("properties") or {}).get("id", ""))
    if not camp:
        return no_update
    table = _chosen_for(search, request)
    where = np.flatnonzero(table["camp_id"].to_numpy() == camp)
    return {"index": int(where[0]), "id": camp} if len(where) else None


dash.clientside_callback(  # scroll the grid to that row and choose it
    ClientsideFunction(namespace="mmcGrid", function_name="findRow"),
    Output(ids.GAP_GRID, "scrollTo"),  # (never set: the function moves the grid itself)
    Input(ids.GAP_FIND, "data"),
    State(ids.GAP_GRID, "id"),
    prevent_initial_call=True,
)
