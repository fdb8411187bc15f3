"""Caseload trends and outbreak alerts across the seven governorates.

The URL carries every filter: ?start=&end=&governorate=&syndrome=&freq=week|month&clinic=&camp=. Public visitors see
governorate-level trends with small counts hidden; signed-in coordinators see every count, can choose a unit or a
camp, and get the alerts (a list, a map, and marks on the chart).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from functools import partial
from html import escape
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import parse_qs, urlencode

import dash
import dash_ag_grid as dag
import dash_leaflet as dl
import dash_mantine_components as dmc
import pandas as pd
from dash import MATCH, ClientsideFunction, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import words
from dashboard.analytics import geo
from dashboard.config import Settings
from dashboard.data import queries
from dashboard.domain.filters import Filters, parse_filters
from dashboard.domain.policy import Audience
from dashboard.domain.reference import PROGRAMME_GOVERNORATES, SYNDROMES
from dashboard.i18n import N_, _, date_text, language, ngettext, number, rtl
from dashboard.ingest import boundaries
from dashboard.server import auth, places, runtime
from dashboard.services import exports, figures
from dashboard.web import ids, parts, shell
from dashboard.web.callbacks import changed_href, drawn, set_params, user_changed
from dashboard.web.components import cards, charts, controls, maps, notices, plan, svgcharts

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

dash.register_page(
    __name__,
    path="/trends",
    name=N_("Trends"),
    title=lambda: _("Trends and alerts · MMC Iraq"),
    nav_order=1,
    maps="coordinators",  # the alerts' map
    mantine=True,  # (drawn with Mantine: its HTML sends Mantine's script; server/compression.py)
    grids=True,  # (AG Grid tables for coordinators: its HTML sends AG Grid to them only here)
)

ALERTS_SHOWN = 500  # the alert list and map show the newest; the rest are one download away
PICKER_ALL = 300  # units or camps sent whole with the page; beyond this many, the picker searches on the server
PICKER_MATCHES = 50  # options shown for what was typed
PERIOD = ("period", "period", "#date")
GOV = ("governorate", "governorate", "#adm1+code")
CONS = ("consultations", "consultations", "#indicator+consultations+num")
REFS = ("referrals", "referrals", "#indicator+referrals+num")
PARTIAL = ("partial", "partial", "#meta+partial")
CSV_COLUMNS = {
    "governorate": [PERIOD, GOV, CONS, REFS, PARTIAL],
    "syndrome": [PERIOD, ("syndrome", "syndrome", "#indicator+syndrome+code"), CONS, REFS, PARTIAL],
    "age_sex": [PERIOD, ("age_group", "age_group", "#group+age"), ("sex", "sex", "#group+sex"), CONS, REFS, PARTIAL],
    "referrals": [PERIOD, GOV, CONS, REFS, PARTIAL],
    "rates": [
        PERIOD,
        GOV,
        ("population", "population", "#population"),
        CONS,
        ("rate", "consultations_per_1000", "#indicator+rate_per_1000+num"),
    ],
    "comparison": [
        GOV,
        ("name", "name", "#adm1+name"),
        ("current", "current", "#indicator+consultations+current"),
        ("previous", "previous", "#indicator+consultations+previous"),
        ("last_year", "last_year", "#indicator+consultations+last_year"),
    ],
    "expected": [
        PERIOD,
        ("observed", "observed", "#indicator+consultations+num"),
        ("expected", "expected", "#indicator+consultations+expected"),
        ("low", "low", "#indicator+low"),
        ("high", "high", "#indicator+high"),
        PARTIAL,
    ],
}
ALERT_COLUMNS = [
    ("week", "week", "#date"),
    ("code", "camp_code", "#loc+code"),
    ("name", "camp", "#loc+name"),
    ("governorate", "governorate", "#adm1+code"),
    ("syndrome", "syndrome", "#indicator+syndrome+code"),
    ("count", "count", "#affected+num"),
    ("baseline", "baseline", "#indicator+baseline"),
    ("rule", "rule", "#meta+rule"),
]


def chart_table(name: str, engine, f, audience) -> pd.DataFrame:
    """The table of the chart `name` for the filters, as `audience` may see it (policy.py)."""
    if name in ("governorate", "referrals"):
        return figures.breakdown(engine, f, audience, ("governorate",))
    if name == "syndrome":
        return figures.breakdown(engine, f, audience, ("syndrome",))
    if name == "age_sex":
        return figures.breakdown(engine, f, audience, ("age_group", "sex"))
    if name == "rates":
        return figures.rates(engine, f, audience)
    if name == "comparison":
        return figures.comparison(engine, f, audience, language=language())
    if name == "expected":
        return figures.expected(engine, f, audience)
    raise KeyError(name)


class View(NamedTuple):
    """What every part of the page needs to know of the link and the viewer."""

    engine: Engine
    settings: Settings
    status: queries.DataStatus
    f: Filters
    notice: object
    audience: Audience
    names: dict

    @property
    def coordinator(self) -> bool:
        return not self.audience.public


def _view(query: dict) -> View | None:
    """The page's filters from its link, as the viewer may use them (policy.py), or None before any data is loaded."""
    engine, settings = runtime.engine(), runtime.settings()
    status = queries.data_status(engine)
    if not status.has_data:
        return None
    audience = auth.audience()
    f, notice = notices.resolve_filters(query, status, audience)
    return View(engine, settings, status, f, notice, audience, queries.governorate_names(engine, language()))


def _part_view(query: dict) -> View:
    """_view for what is asked for after the page is drawn (its parts, a download): the page has data."""
    view = _view(query)
    if view is None:
        raise PreventUpdate
    return view


# The charts, in the page's order, and how wide each is (of 12 columns) and about how tall while it loads.
CHARTS = {
    "governorate": 12,
    "expected": 6,
    "syndrome": 6,
    "age_sex": 6,
    "referrals": 6,
    "rates": 6,
    "comparison": 6,
}
CARD_CHROME = 80  # a chart card's padding, its table's fold and its row of buttons, around the chart


def card_height(name: str, f) -> int:
    """How tall a chart's card is, known before its data (the chart's own height, charts.py, and its card's chrome):
    its placeholder and the card itself take this height, so the page does not shift as the charts arrive."""
    n = len(f.governorates) or len(PROGRAMME_GOVERNORATES)
    heights = {"governorate": charts.governorate_height(n), "syndrome": charts.SYNDROME_HEIGHT}
    return heights.get(name, charts.HEIGHT) + CARD_CHROME


# By age group and sex: for coordinators. The public's counts are sums of one protected table by week, governorate
# and syndrome; a table four times finer (sex by age) to draw this chart made every other public figure about three
# times less accurate (policy.py, README "Who sees what").
COORDINATOR_CHARTS = ("age_sex",)


def charts_for(audience) -> list[str]:
    """The charts `audience` may see, in the page's order."""
    return [name for name in CHARTS if not (audience.public and name in COORDINATOR_CHARTS)]


def _alert_weeks(view: View):
    """Alerts per week, for the marks on the expected-caseload chart (coordinators only)."""
    if not view.coordinator:
        return None
    found = figures.alerts(view.engine, view.f, view.settings, language=language())
    if found.empty:
        return None
    return found.groupby("week", as_index=False).size().rename(columns={"size": "alerts"})


def _chart_part(name: str, query: dict):
    view = _part_view(query)
    data = chart_table(name, view.engine, view.f, view.audience)
    if view.audience.public:  # drawn on the server: no plotly.js on a donor's phone
        return _card(name, data, view.names, view.f, image=True)
    return _card(name, data, view.names, view.f, _alert_weeks(view) if name == "expected" else None)


for _name in CHARTS:
    parts.part(f"trends.{_name}", role="coordinator" if _name in COORDINATOR_CHARTS else None)(
        partial(_chart_part, _name)
    )


@parts.part("trends.plan")
def _plan_part(query: dict):
    """The share of planned visits made, by governorate and month: what everyone may know of the visit plan."""
    view = _part_view(query)
    table = figures.public_completeness(view.engine, view.f, view.audience, view.settings, language=language())
    return plan.month_table(table, ids.PLAN_MONTHS)


@parts.part("trends.alerts", role="coordinator")
def _alerts_part(query: dict):
    view = _part_view(query)
    found = figures.alerts(view.engine, view.f, view.settings, language=language())
    return _alerts_section(found, view.names, view.f, _outline_shapes(view))


def _outline_shapes(view: View) -> dict:
    """The governorates' kept outlines (places.shapes_url) and their names, the programme's seven flagged."""
    outlines = boundaries.current(view.engine, view.settings.boundaries_file or None)
    programme: dict[str, dict] = {g.iso: {} for g in PROGRAMME_GOVERNORATES}
    features = geo.governorate_features(outlines, programme, view.names)["features"]
    return {"shapes": places.shapes_url(outlines), "properties": [ft["properties"] for ft in features]}


def _figure(name: str, table: pd.DataFrame, names: dict[str, str], f, alert_weeks=None):
    if name == "governorate":
        return charts.by_governorate(
            table, names, small_multiples=table["governorate"].nunique() > charts.SMALL_MULTIPLES_ABOVE
        )
    if name == "syndrome":
        return charts.by_syndrome(table)
    if name == "age_sex":
        return charts.by_age_and_sex(table)
    if name == "referrals":
        return charts.referrals(table)
    if name == "rates":
        return charts.rates(table, names)
    if name == "comparison":
        return charts.comparison(table)
    return charts.expected(table, alert_weeks)


PHONE = "(max-width: 47.99em)"  # the style sheet's narrow screens


def _image(name: str, table: pd.DataFrame, names, f):
    """A chart drawn on the server (charts.chart_image): the picture, the figures under a pointer (assets/chart.js)
    and a link that downloads it; the chart by governorate has a picture of its own for a phone (small panels in two
    columns). The picture's title comes with it."""
    svg, hover, title = charts.chart_image(name, table, names, f.freq)
    address = svgcharts.data_uri(svg)
    extra: dict[str, Any] = {"data-hover": json.dumps(hover, separators=(",", ":"))} if hover else {}
    image: Any = html.Img(
        src=address, alt=title, className="mmc-chart-image", id={"type": ids.CHART_IMAGE, "chart": name}, **extra
    )
    if name == "governorate":  # (the page's width: a phone has a picture of its own)
        narrow = charts.chart_image(name, table, names, f.freq, narrow=True)[0]
        image = html.Picture(
            [html.Source(media=PHONE, srcSet=svgcharts.data_uri(narrow)), image], className="mmc-chart-picture"
        )
    return html.Div(
        [
            image,
            html.A(
                _("Download the chart (SVG)"),
                href=address,
                download=f"mmc-{name}-{f.start}-{f.end}.svg",
                className="mmc-link no-print",
            ),
        ],
        className="mmc-chart",
    ), title


def _card(name: str, table: pd.DataFrame, names, f, alert_weeks=None, image: bool = False):
    """A chart's card: the chart (plotly, or drawn on the server as SVG when `image`), the figures behind it as a
    table, and its downloads."""
    title = None  # (the chart's, once drawn)
    if table.empty or (
        "consultations" in table and not table["consultations"].fillna(0).astype(bool).any() and name != "comparison"
    ):
        body = cards.empty_state(_("No consultations match these filters in this period."))
    elif image:
        body, title = _image(name, table, names, f)
    else:
        drawn = _figure(name, table, names, f, alert_weeks)
        title = drawn["layout"]["title"]["text"]
        body = dcc.Graph(
            figure=drawn,
            id={"type": ids.CHART, "chart": name},
            config=charts.graph_config(
                displaylogo=False,
                modeBarButtonsToRemove=["lasso2d", "select2d"],
                toImageButtonOptions={"format": "png", "scale": 2, "filename": f"mmc-{name}-{f.start}-{f.end}"},
            ),
        )
    # (a chart drawn: its title is known; an empty state has no panels, no table and no name)
    panels = (
        title is not None and name == "governorate" and table["governorate"].nunique() > charts.SMALL_MULTIPLES_ABOVE
    )
    free = (
        dmc.Switch(id=ids.FREE_SCALES, label=_("Each panel on its own scale"), size="xs")
        if panels and isinstance(body, dcc.Graph)
        else None
    )
    behind = (
        [cards.table_fold({"type": ids.CHART_TABLE_OPEN, "chart": name}, {"type": ids.CHART_TABLE, "chart": name})]
        if title is not None
        else []
    )
    # a chart's name for a screen reader: its title (plotly's drawing itself is not read; a picture has its alt)
    named: dict[str, Any] = {"aria-label": title, "role": "figure"} if isinstance(body, dcc.Graph) else {}
    return dmc.Paper(
        [
            # small multiples keep a readable width on a phone, and scroll sideways inside their card there
            html.Div(
                body,
                className="mmc-chart-body mmc-chart-wide",
                tabIndex=0,
                **({"aria-label": title} | named | {"role": "region"}),  # (it takes focus to scroll: named)
            )
            if panels
            else html.Div(body, className="mmc-chart-body", **named),
            *behind,
            dmc.Group(
                [
                    free,
                    dmc.Button(
                        _("Download CSV"), id={"type": ids.CSV_BUTTON, "chart": name}, variant="subtle", size="xs"
                    ),
                    # (beside its button, in the part: the download is not asked for when the part is drawn)
                    dcc.Download(id={"type": ids.CSV_DOWNLOAD, "chart": name}),
                ],
                justify="space-between" if panels else "flex-end",
            ),
        ],
        p="xs",
        withBorder=True,
        radius="md",
        mih=card_height(name, f),
        className="mmc-chart-card",
    )


@dash.callback(
    Output({"type": ids.CHART_TABLE, "chart": MATCH}, "children"),
    Input({"type": ids.CHART_TABLE_OPEN, "chart": MATCH}, "n_clicks"),
    State({"type": ids.CHART_TABLE, "chart": MATCH}, "children"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def fill_table(clicks, made, search):
    """A chart's figures as a table, when its fold is first opened: recomputed on the server for this viewer's role,
    as the chart (its table is kept in the results cache)."""
    if not clicks or made or not isinstance(ctx.triggered_id, dict):
        raise PreventUpdate
    name = ctx.triggered_id["chart"]
    view = _part_view(parts.page_query(search))
    if name not in charts_for(view.audience):
        raise PreventUpdate
    frame, headers = _figures_behind(name, chart_table(name, view.engine, view.f, view.audience), view.names)
    return cards.figures_table(frame, headers, _("The figures as a table"))


def _figures_behind(name: str, table: pd.DataFrame, names: dict) -> tuple[pd.DataFrame, dict[str, str]]:
    """The figures a chart draws, as a table: periods down, its lines or bars across (or its own rows)."""
    series = {"governorate": "governorate", "syndrome": "syndrome", "rates": "governorate"}
    if name in series:
        value = "rate" if name == "rates" else "consultations"
        wide = table.groupby(["period", series[name]])[value].sum(min_count=1).unstack().reset_index()
        headers: dict[str, str] = {"period": _("Period")}
        for c in wide.columns[1:]:
            headers[c] = str(names.get(c, c)) if series[name] == "governorate" else words.syndrome_name(c)
        return wide, headers
    if name == "referrals":
        sums = table.groupby("period", as_index=False)[["consultations", "referrals"]].sum(min_count=1)
        return sums, {"period": _("Period"), "consultations": _("Consultations"), "referrals": _("Referrals")}
    if name == "age_sex":
        sums = table.groupby(["age_group", "sex"], as_index=False)["consultations"].sum(min_count=1)
        sums["age_group"] = sums["age_group"].map(words.age_group_name)
        sums["sex"] = sums["sex"].map(words.sex_name)
        return sums, {"age_group": _("Age group"), "sex": _("Sex"), "consultations": _("Consultations")}
    if name == "comparison":
        headers = {  # (the comparison's own rows: one per governorate)
            "name": _("Governorate"),
            "current": _("This period"),
            "previous": _("Period before"),
            "last_year": _("A year earlier"),
        }
        return table, headers
    headers = {"period": _("Week"), "observed": _("Observed"), "expected": _("Expected")}
    headers |= {"low": _("Expected range from"), "high": _("to")}
    return table, headers


def _picker(component_id: str, label: str, placeholder: str, value: str | None, table) -> list:
    """A searchable choice of one unit or camp (by code) among the rows of `table` (code, name), and what is typed
    in it for the server. Up to PICKER_ALL rows are all sent with the page; beyond that (10,000 camps were 600 KB on
    every filter change) only the chosen one, and typing asks the server for matches (`search_picker`)."""
    many = len(table) > PICKER_ALL
    rows = table[table["code"] == value] if many else table
    select = dmc.Select(
        id=component_id,
        label=label,
        placeholder=ngettext("Type to search {n}", "Type to search {n}", len(table), n=number(len(table)))
        if many
        else placeholder,
        clearable=True,
        searchable=True,
        value=value,
        w={"base": "100%", "sm": 220},
        limit=PICKER_MATCHES,
        data=controls.picker_options(rows),
    )
    return [select, controls.searched_on_server(component_id, many)]


def matching(table, search: str | None, chosen: str | None) -> list[dict]:
    return controls.picker_matching(table, search, chosen, PICKER_MATCHES)


def _filters_bar(f, status, names, audience, engine):
    coordinator = not audience.public
    years = list(range(status.first_date.year, status.last_date.year + 1)) if status.first_date else []
    presets = [
        {"value": "4", "label": _("4 weeks")},
        {"value": "12", "label": _("12 weeks")},
        {"value": "52", "label": _("52 weeks")},
    ] + [{"value": f"y{y}", "label": str(y)} for y in years]
    preset = _preset_of(f, status)
    items = [
        drawn(
            ids.TRENDS_DRAWN,
            {
                ids.TRENDS_PRESET: preset,
                ids.TRENDS_SYNDROME: f.syndrome,
                ids.TRENDS_FREQ: f.freq,
                ids.TRENDS_CLINIC: f.clinic,
                ids.TRENDS_CAMP: f.camp,
            },
        ),
        dmc.SegmentedControl(id=ids.TRENDS_PRESET, data=presets, value=preset, size="xs"),
        controls.filter_bar(f, *notices.data_span(status, audience), names),
        controls.navigator(),
        dmc.Group(
            [
                dmc.Select(
                    id=ids.TRENDS_SYNDROME,
                    label=_("Syndrome"),
                    placeholder=_("All syndromes"),
                    clearable=True,
                    data=[{"value": s, "label": words.syndrome_name(s)} for s in SYNDROMES],
                    value=f.syndrome,
                    w={"base": "100%", "sm": 240},
                ),
                dmc.SegmentedControl(
                    id=ids.TRENDS_FREQ,
                    data=[{"value": "week", "label": _("Weeks")}, {"value": "month", "label": _("Months")}],
                    value=f.freq,
                ),
                *(
                    [
                        *_picker(
                            ids.TRENDS_CLINIC,
                            _("Unit"),
                            _("All units"),
                            f.clinic,
                            figures.clinic_activity(engine, replace(f, clinic=None)),
                        ),
                        *_picker(
                            ids.TRENDS_CAMP,
                            _("Camp"),
                            _("All camps"),
                            f.camp,
                            figures.camps_named(
                                engine, figures.camp_activity(engine, replace(f, camp=None)), language()
                            ),
                        ),
                    ]
                    if coordinator
                    else []
                ),
            ],
            align="flex-end",
        ),
    ]
    return dmc.Stack(items, gap="xs", className="no-print")


def _preset_of(f, status) -> str | None:
    last = status.last_date
    if last is None:
        return None
    default_end = parse_filters({}, status.first_date, last).end
    for weeks in (4, 12, 52):
        if f.end == default_end and f.start == default_end - dt.timedelta(days=7 * weeks - 1):
            return str(weeks)
    if f.start == dt.date(f.start.year, 1, 1) and f.end == dt.date(f.start.year, 12, 31):
        return f"y{f.start.year}"
    return None


def _alerts_section(found: pd.DataFrame, names, f, outline_shapes: dict):
    if found.empty:
        return dmc.Alert(_("No alert in this period."), color="green", variant="light")
    everything = found
    found = found.head(ALERTS_SHOWN)  # newest first (figures.alerts): a long period at scale has tens of thousands
    rows = found.assign(
        week=found["week"].dt.date.astype(str),
        syndrome_name=found["syndrome"].map(words.syndrome_name),
        rule_name=found["rule"].map({"single_case": _("One case"), "threshold": _("Twice the recent mean")}),
    )
    grid = dag.AgGrid(
        id=ids.ALERT_GRID,
        rowData=rows[["week", "name", "governorate_name", "syndrome_name", "count", "baseline", "rule_name"]]
        .astype(object)
        .where(rows.notna(), None)
        .to_dict("records"),
        columnDefs=[
            {"field": "week", "headerName": _("Week"), "sort": "desc"},
            {"field": "name", "headerName": _("Camp")},
            {"field": "governorate_name", "headerName": _("Governorate")},
            {"field": "syndrome_name", "headerName": _("Syndrome")},
            {"field": "count", "headerName": _("Cases"), "type": "rightAligned"},
            {"field": "baseline", "headerName": _("Mean of previous weeks"), "type": "rightAligned"},
            {"field": "rule_name", "headerName": _("Rule")},
        ],
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 110},
        dashGridOptions={"enableRtl": rtl(), "suppressColumnVirtualisation": True},
        style={"height": "380px"},
        className="ag-theme-quartz",
    )
    download = html.A(
        ngettext(
            "Download the alert (CSV)", "Download all {n} alerts (CSV)", len(everything), n=number(len(everything))
        ),
        href="/api/v1/alerts?" + urlencode({**f.query(), "format": "csv"}, doseq=True),
        id=ids.ALERT_DOWNLOAD,
    )
    shown = (
        dmc.Text(
            [
                _(
                    "The {shown} newest of {n} alerts in the list and on the map. ",
                    shown=number(len(found)),
                    n=number(len(everything)),
                ),
                download,
            ],
            size="sm",
            c="dimmed",
        )
        if len(everything) > len(found)
        else dmc.Text(download, size="sm")
    )
    per_camp = found.groupby(["camp_id", "name", "latitude", "longitude"], as_index=False).agg(
        alerts=("count", "size"), last=("week", "max")
    )
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r.longitude, r.latitude]},
            "properties": {
                "n": int(r.alerts),
                "tooltip": ngettext(
                    "{camp}: {n} alert, in the week of {week}",
                    "{camp}: {n} alerts, last in the week of {week}",
                    int(r.alerts),
                    camp="<bdi>" + escape(r.name) + "</bdi>",
                    n=number(int(r.alerts)),
                    week=date_text(r.last),
                ),
            },
        }
        for r in per_camp.itertuples()
    ]
    alert_map = dl.Map(
        [
            dl.Pane(  # the governorates, for bearings, under the alerts (style.css): drawn from the kept outlines
                dl.GeoJSON(
                    id=ids.ALERT_OUTLINES,
                    style=maps.ns("governorateStyle"),
                    hideout={"figure": None, "missing": "#ffffff", "other": "#eef0f2", "opacity": 1},
                    attribution=_("Boundaries: Natural Earth"),
                ),
                name="alert-outlines",
            ),
            dcc.Store(id=ids.ALERT_SHAPES, data=outline_shapes),
            dl.GeoJSON(data={"type": "FeatureCollection", "features": features}, pointToLayer=maps.ns("alertMarker")),
            *maps.zoom_control(),
        ],
        **maps.PROGRAMME_VIEW,
        zoomControl=not rtl(),
        zoomSnap=0.25,
        className="mmc-map alert-map",
        id=ids.ALERT_MAP,
    )
    return dmc.Stack(
        [
            shown,
            dmc.Grid(
                [dmc.GridCol(grid, span={"base": 12, "lg": 7}), dmc.GridCol(alert_map, span={"base": 12, "lg": 5})]
            ),
        ],
        gap="xs",
    )


@shell.with_mantine
def layout(**query):
    """The page's frame: its title, period and controls at once; the charts and alerts as parts
    (dashboard/web/parts.py), each answered in its own request."""
    view = _view(query)
    if view is None:
        return notices.setup_notice(queries.data_status(runtime.engine()))
    f = view.f
    period = notices.view_line(f, view.names)
    note = (
        notices.protection_note(view.audience)
        + " "
        + _("Sign in as a coordinator for every count, the breakdown by age group and sex, and alerts.")
        if view.audience.public
        else _(
            "Weeks start on {day}; open points are weeks or months cut by the period.",
            day=words.weekday_name(view.settings.week_start),
        )
    )
    return dmc.Stack(
        [
            notices.setup_notice(view.status),
            view.notice,
            dmc.Group(
                [
                    dmc.Title(_("Caseload trends"), order=1, size="h2"),
                    dmc.Text(period, id=ids.PERIOD_TEXT, c="dimmed", size="lg"),
                ],
                justify="space-between",
            ),
            _filters_bar(f, view.status, view.names, view.audience, view.engine),
            dmc.Text(note, size="xs", c="dimmed"),
            *([dmc.Title(_("Alerts"), order=3), parts.placeholder("trends.alerts", 420)] if view.coordinator else []),
            dmc.Grid(
                [
                    dmc.GridCol(
                        parts.placeholder(f"trends.{name}", card_height(name, f)), span={"base": 12, "lg": CHARTS[name]}
                    )
                    for name in charts_for(view.audience)
                ]
            ),
            *(
                [
                    dmc.Title(_("Visits made as planned"), order=3),
                    dmc.Text(
                        _(
                            "Each mobile team follows a visit plan; this is the share of its planned visits that were "
                            "made and reported, by governorate and month."
                        ),
                        size="sm",
                        c="dimmed",
                    ),
                    parts.placeholder("trends.plan", 60 + 34 * (len(f.governorates) or len(PROGRAMME_GOVERNORATES))),
                ]
                if figures.has_rota(view.engine)
                else []
            ),
        ],
        gap="sm",
    )


@dash.callback(
    Output(ids.PAGE_NAVIGATE, "href", allow_duplicate=True),
    Input(ids.TRENDS_PRESET, "value"),
    Input(ids.TRENDS_SYNDROME, "value"),
    Input(ids.TRENDS_FREQ, "value"),
    State("_pages_location", "search"),
    State(ids.TRENDS_DRAWN, "data"),
    prevent_initial_call=True,
)
def navigate(preset, syndrome, freq, search, drawn_values):
    """The trends' own controls: a preset period, a syndrome, weeks or months; the new view goes into the URL."""
    if not user_changed(drawn_values):
        return no_update
    query = parse_qs((search or "").lstrip("?"))
    status = queries.data_status(runtime.engine())
    if ctx.triggered_id == ids.TRENDS_PRESET and preset:
        default = parse_filters({}, status.first_date, status.last_date)
        if preset.startswith("y"):
            year = int(preset[1:])
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        else:
            start, end = default.end - dt.timedelta(days=7 * int(preset) - 1), default.end
        query.update(start=[start.isoformat()], end=[end.isoformat()])
    set_params(query, syndrome=syndrome, freq=None if freq == "week" else freq)
    return changed_href("/trends", search, query) or no_update


@dash.callback(
    Output(ids.PAGE_NAVIGATE, "href", allow_duplicate=True),
    Input(ids.TRENDS_CLINIC, "value"),
    Input(ids.TRENDS_CAMP, "value"),
    State("_pages_location", "search"),
    State(ids.TRENDS_DRAWN, "data"),
    prevent_initial_call=True,
)
def navigate_unit_or_camp(clinic, camp, search, drawn_values):
    if not auth.role_at_least("coordinator"):
        raise PreventUpdate
    if not user_changed(drawn_values):
        return no_update
    query = parse_qs((search or "").lstrip("?"))
    return changed_href("/trends", search, set_params(query, clinic=clinic, camp=camp)) or no_update


def search_picker(kind: str, asked: dict | None, chosen: str | None, search: str | None) -> list[dict]:
    """Units (kind "clinic") or camps matching what a coordinator typed, among those of the link's filters, when
    there are too many to send with the page."""
    typed = controls.typed_text(asked)
    if not auth.role_at_least("coordinator"):
        raise PreventUpdate  # unit names are for coordinators
    view = _part_view(parts.page_query(search))
    engine, f = view.engine, view.f
    if kind == "clinic":
        table = figures.clinic_activity(engine, replace(f, clinic=None))
    else:
        table = figures.camps_named(engine, figures.camp_activity(engine, replace(f, camp=None)), language())
    if len(table) <= PICKER_ALL:
        raise PreventUpdate  # the page has them all
    return matching(table, typed, chosen)


for _picker_id, _kind in ((ids.TRENDS_CLINIC, "clinic"), (ids.TRENDS_CAMP, "camp")):
    dash.callback(
        Output(_picker_id, "data"),
        Input(ids.typed(_picker_id), "data"),  # (what is typed, when the server holds the options)
        State(_picker_id, "value"),
        State("_pages_location", "search"),
        prevent_initial_call=True,
    )(partial(search_picker, _kind))


@dash.callback(
    Output({"type": ids.CSV_DOWNLOAD, "chart": MATCH}, "data"),
    Input({"type": ids.CSV_BUTTON, "chart": MATCH}, "n_clicks"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def download(clicks, search):
    """A chart's numbers as CSV with an HXL row, recomputed on the server for this viewer's role."""
    if not ctx.triggered_id or not clicks:
        raise PreventUpdate
    name = ctx.triggered_id["chart"]
    view = _part_view(parts.page_query(search))
    if name not in CSV_COLUMNS or name not in charts_for(view.audience):
        raise PreventUpdate
    f = view.f
    table = chart_table(name, view.engine, f, view.audience)
    rows = table.astype(object).where(table.notna(), None).to_dict("records")
    for row in rows:
        if isinstance(row.get("period"), pd.Timestamp):
            row["period"] = row["period"].date().isoformat()
    title = _("Mobile Medical Clinics, Iraq: caseload trends ({chart})", chart=name)
    preamble = notices.export_lines(title, f, view.names, view.status, view.audience)
    name_of_file = exports.file_name(f"mmc-{name}", f)
    return dcc.send_string(exports.to_csv(rows, CSV_COLUMNS[name], preamble, bom=True), name_of_file + ".csv")


dash.clientside_callback(  # small multiples: one scale from zero (charts.shared_scale), or each panel its own
    """function (free, fig) {
        if (!fig || !fig.layout || !fig.layout.meta) { return window.dash_clientside.no_update; }
        const layout = Object.assign({}, fig.layout), top = fig.layout.meta.sharedTop;
        Object.keys(layout).filter(k => /^yaxis\\d*$/.test(k)).forEach(k => {
            const axis = Object.assign({}, layout[k]);
            if (free) { axis.autorange = true; delete axis.range; delete axis.matches; }
            else { axis.autorange = false; axis.range = [0, top]; if (k !== "yaxis") { axis.matches = "y"; } }
            layout[k] = axis;
        });
        return Object.assign({}, fig, {layout: layout});
    }""",
    Output({"type": ids.CHART, "chart": "governorate"}, "figure"),
    Input(ids.FREE_SCALES, "checked"),
    State({"type": ids.CHART, "chart": "governorate"}, "figure"),
    prevent_initial_call=True,
)

dash.clientside_callback(  # the governorates under the alerts, from the outlines the browser keeps
    ClientsideFunction(namespace="mmc", function_name="governorateLayer"),
    Output(ids.ALERT_OUTLINES, "data"),
    Input(ids.ALERT_SHAPES, "data"),
)
