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

from dashboard import words
from dashboard.data import queries
from dashboard.domain.reference import PROGRAMME_GOVERNORATES
from dashboard.i18n import N_, _, date_text, end, language, ngettext, number
from dashboard.server import auth, runtime
from dashboard.services import figures
from dashboard.web import ids, parts
from dashboard.web.callbacks import changed_href, set_params
from dashboard.web.components import cards, charts, controls, maps, notices

dash.register_page(
    __name__,
    path="/",
    name=N_("Overview"),
    title=lambda: _("Mobile Medical Clinics, Iraq"),
    nav_order=0,
    maps="everyone",  # (who sees a map here: the page's HTML sends dash-leaflet only then; server/compression.py)
)


def layout(figure: str = "rate", **query):
    """The overview for the link's filters, as the viewer may see them: headline cards, the map and the chart."""
    engine, settings = runtime.engine(), runtime.settings()
    status = queries.data_status(engine)
    if not status.has_data:
        return notices.setup_notice(status)
    audience = auth.audience()
    f, notice = notices.resolve_filters(query, status, audience)
    figure = figure if figure in maps.FIGURES else "rate"
    names = queries.governorate_names(engine, language())
    summary = figures.summary(engine, f, audience, settings.not_reached_days, language=language())
    by_gov = {r["governorate"]: r for r in summary["governorates"]}
    camp_table = figures.camps_named(engine, figures.camp_table(engine, f, audience, settings), language())
    layers = maps.map_layers(engine, settings, f, camp_table, by_gov, audience)
    weekly = figures.trends(engine, replace(f, freq="week"), audience)
    period = notices.view_line(f, names)
    chart = (
        charts.weekly_chart_image(weekly, names, "?" + urlencode(f.query(), doseq=True))
        if not weekly.empty
        else cards.empty_state(_("No consultations were recorded in this period."))
    )
    return dmc.Stack(
        [
            # (the map's clicks and finder change the address through it)
            controls.navigator(),
            controls.searched_on_server(ids.MAP_FIND, len(camp_table) > FINDER_ALL),
            notices.setup_notice(status),
            notice,
            dmc.Group(
                [
                    dmc.Title(_("Mobile Medical Clinics for displaced people"), order=1, size="h2"),
                    dmc.Text(period, id=ids.PERIOD_TEXT, c="dimmed", size="lg"),
                ],
                justify="space-between",
            ),
            _headline(summary["totals"], audience, settings.not_reached_days),
            dmc.Grid(
                [
                    dmc.GridCol(
                        [_map_column(layers, settings, f, figure, audience), _finder(camp_table, names)],
                        span={"base": 12, "lg": 7},
                    ),
                    dmc.GridCol(chart, span={"base": 12, "lg": 5}),
                ]
            ),
            _sources(status, audience),
            dcc.Store(id=ids.MAP_LEGENDS, data=layers["legends"]),
            dcc.Location(id=ids.MAP_URL, refresh=False),
            dmc.Drawer(id=ids.CAMP_PANEL, position=end(), size="md", opened=False, title=""),
        ],
        gap="sm",
    )


def _headline(totals: dict, audience, not_reached_days: int):
    """The four headline figures, with what "reached" means (the map's statuses: words.reached_meaning)."""
    return cards.figure_cards(
        [
            (
                _("People reached"),
                number(totals["population_reached"]),
                _("living in the camps reached (population at the period's end)"),
            ),
            (
                _("Consultations"),
                number(totals["consultations"]),
                ngettext("{n} referral", "{n} referrals", totals["referrals"], n=number(totals["referrals"])),
            ),
            (
                _("Camps reached"),
                f"{totals['camps_reached']} / {totals['camps']}",
                _(
                    "{meaning}, of the camps open; {n} visited at any time in the period",
                    meaning=words.reached_meaning(audience, not_reached_days),
                    n=number(totals["camps_visited"]),
                ),
            ),
            (_("Units active"), number(totals["active_units"]), _("MMCs and ambulances with a visit")),
        ]
    )


def _map_column(layers: dict, settings, f, figure: str, audience):
    """The map with its figure's choice, its legends and what a click does."""
    controls = dmc.Group(
        [
            dmc.SegmentedControl(
                id=ids.MAP_FIGURE,
                value=figure,
                size="xs",
                data=[{"value": key, "label": _(label)} for key, label in maps.FIGURES.items()],
            ),
            dcc.Link(_("Reset the map"), href="/", id=ids.MAP_RESET, className="mmc-button mmc-button-light"),
        ],
        justify="space-between",
    )
    return dmc.Stack(
        [
            controls,
            maps.the_map(layers, settings, f, figure),
            html.Div(maps.choropleth_legend(figure, layers["legends"][figure]), id=ids.MAP_LEGEND),
            maps.legend(words.reached_meaning(audience, settings.not_reached_days)),
            dmc.Text(_("Click a governorate to show only it; click a camp for its details."), size="xs", c="dimmed"),
        ],
        gap="xs",
    )


FINDER_ALL = 300  # camps sent whole with the page; beyond this many, typing asks the server (search_finder)
FINDER_MATCHES = 50


def _camp_choices(camps, names: dict[str, str]) -> pd.DataFrame:
    """The camps as the finder offers them: `code` "camp:<id>", `name` "Name (Governorate)", by name."""
    table = camps.sort_values("name")
    governorate = table["governorate"].map(lambda iso: names.get(iso, iso))
    return pd.DataFrame(
        {
            "code": "camp:" + table["camp_id"].astype(int).astype(str),
            "name": table["name"].astype(str) + " (" + governorate.astype(str) + ")",
        }
    )


def _finder_data(names: dict[str, str], camp_options: list[dict]) -> list[dict]:
    governorates = sorted((g.iso for g in PROGRAMME_GOVERNORATES), key=lambda iso: names.get(iso, iso))
    return [
        {"group": _("Governorates"), "items": [{"value": f"gov:{g}", "label": names.get(g, g)} for g in governorates]},
        {"group": _("Camps and sites"), "items": camp_options},
    ]


def _finder(camps, names: dict[str, str]):
    """The map from the keyboard: every governorate and camp in a searchable list; choosing one does what a click on
    it does (markers are not Tab stops one by one). Beyond FINDER_ALL camps (10,000 camps were 40 ms and 400 KB of
    every filter change) only the governorates are sent, and typing asks the server for the camps that match."""
    many = len(camps) > FINDER_ALL
    return dmc.Select(
        id=ids.MAP_FIND,
        label=_("Find a governorate or camp on the map"),
        placeholder=_("Type a name")
        if not many
        else ngettext("Type to search {n} camp", "Type to search {n} camps", len(camps), n=number(len(camps))),
        data=_finder_data(names, [] if many else controls.picker_options(_camp_choices(camps, names))),
        searchable=True,
        clearable=True,
        limit=FINDER_MATCHES,
        mt="xs",
        className="no-print",
    )


@dash.callback(
    Output(ids.MAP_FIND, "data"),
    Input(ids.typed(ids.MAP_FIND), "data"),  # (what is typed, beyond FINDER_ALL camps: controls.searched_on_server)
    State(ids.MAP_FIND, "value"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def search_finder(asked, chosen, search):
    """The camps matching what was typed, among those of the link's view, when there are too many to send whole."""
    typed = (asked or {}).get("typed")
    if not typed:
        raise PreventUpdate
    engine, settings, audience, f = _link_view(search)
    camps = figures.camps_named(engine, figures.camp_table(engine, f, audience, settings), language())
    if len(camps) <= FINDER_ALL:
        raise PreventUpdate  # the page has them all
    names = queries.governorate_names(engine, language())
    return _finder_data(names, controls.picker_matching(_camp_choices(camps, names), typed, chosen, FINDER_MATCHES))


def _sources(status, audience):
    """The data's date, its sources and how its counts are protected."""
    loaded = _(
        "Data loaded {when}. Camp lists: CCCM Cluster Iraq; boundaries: Natural Earth (public domain).",
        when=date_text(status.last_loaded_at) if status.last_loaded_at else "–",
    )
    return dmc.Text(loaded + " " + notices.protection_note(audience), size="xs", c="dimmed", id=ids.SOURCES)


@dash.callback(
    Output(ids.GOV_LAYER, "hideout"),
    Output(ids.MAP_LEGEND, "children"),
    Output(ids.MAP_URL, "search"),
    Input(ids.MAP_FIGURE, "value"),
    State(ids.MAP_LEGENDS, "data"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def choose_figure(figure, legends, search):
    """Shade by another figure: only the hideout changes in the browser; the choice goes into the link."""
    if figure not in maps.FIGURES:
        raise PreventUpdate
    hideout = Patch()
    hideout["figure"] = figure
    query = parse_qs((search or "").lstrip("?"))
    query["figure"] = [figure]
    return (
        hideout,
        maps.choropleth_legend(figure, (legends or {}).get(figure, {})),
        "?" + urlencode(query, doseq=True),
    )


@dash.callback(
    Output(ids.PAGE_NAVIGATE, "href", allow_duplicate=True),
    Input(ids.GOV_LAYER, "clickData"),
    State("_pages_location", "pathname"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def filter_to_governorate(click, pathname, search):
    """A click on a governorate shows only it on the page the map is on (the overview's figures, chart and map; the
    coordinators' gaps); a second click shows all again."""
    iso = ((click or {}).get("properties") or {}).get("iso")
    if not iso or not ((click or {}).get("properties") or {}).get("programme"):
        raise PreventUpdate
    return _governorate_href(search, iso, toggle=True, path=pathname or "/")


def _governorate_href(search: str | None, iso: str, toggle: bool = False, path: str = "/"):
    """The link of the page at `path` showing only the governorate `iso` (with `toggle`, all of them again when it
    is the one shown), the link's other filters kept."""
    query = parse_qs((search or "").lstrip("?"))
    shown = [] if toggle and query.get("governorate") == [iso] else [iso]
    return changed_href(path, search, set_params(query, governorate=shown)) or no_update


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
    return _camp_panel(int(props["id"]), search)


@dash.callback(
    Output(ids.PAGE_NAVIGATE, "href", allow_duplicate=True),
    Output(ids.CAMP_PANEL, "opened", allow_duplicate=True),
    Output(ids.CAMP_PANEL, "title", allow_duplicate=True),
    Output(ids.CAMP_PANEL, "children", allow_duplicate=True),
    Input(ids.MAP_FIND, "value"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def find_on_map(chosen, search):
    """What the map does on a click, from the keyboard: a governorate chosen shows only it, a camp opens its panel."""
    kind, _sep, key = (chosen or "").partition(":")
    if kind == "gov" and key:
        return _governorate_href(search, key), no_update, no_update, no_update
    if kind == "camp" and key.isdigit():
        return no_update, *_camp_panel(int(key), search)
    raise PreventUpdate


def _link_view(search: str | None):
    """(engine, settings, audience, filters) of the page's link as this viewer may see it, for a callback after the
    page is drawn; nothing to do when no data is loaded."""
    engine, settings = runtime.engine(), runtime.settings()
    status = queries.data_status(engine)
    if not status.has_data:
        raise PreventUpdate
    audience = auth.audience()
    f, _notice = notices.resolve_filters(parts.page_query(search), status, audience)
    return engine, settings, audience, f


def _camp_panel(camp_id: int, search):
    engine, settings, audience, f = _link_view(search)
    table = figures.camps_named(
        engine, figures.camp_table(engine, replace(f, governorates=()), audience, settings), language()
    )
    rows = table[table["camp_id"] == camp_id]
    if rows.empty:
        raise PreventUpdate
    camp = rows.iloc[0]
    names = queries.governorate_names(engine, language())
    facts = [
        (_("Governorate"), names.get(camp["governorate"], camp["governorate"])),
        (
            _("Population"),
            _("{n} (as of {date})", n=number(camp["population"]), date=date_text(camp["population_date"])),
        ),
        (_("Status"), words.status_label(camp["status"])),
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
    served = queries.camp_units(engine, f)
    served = served[served["camp_id"] == camp["camp_id"]]
    facts = [
        (_("Units that served it"), ", ".join(served["clinic_name"]) or "–"),
        (_("Visits in the period"), number(camp["visits"])),
        (_("Last visit"), _("never") if (last := date_text(camp["last_visit"])) == "–" else last),
    ]
    weekly = figures.breakdown(engine, replace(f, governorates=(), camp=camp["code"], freq="week"), audience, ())
    trend = cards.empty_state(_("No consultations in this period."))
    if not weekly.empty and weekly["consultations"].fillna(0).any():
        trace = {
            "type": "scatter",
            "x": charts.values(weekly["period"]),
            "y": charts.values(weekly["consultations"]),
            "mode": "lines",
            "line": {"color": maps.STATUS_COLOURS["reached"], "width": 2},
        }
        layout = {
            "height": 180,
            "margin": {"l": 40, "r": 10, "t": 30, "b": 30},
            "template": charts.TEMPLATE,
            "title": charts.title_on_reading_side(_("Consultations per week"), 13),
        }
        fig = {"data": [trace], "layout": layout}
        trend = dcc.Graph(figure=fig, config=charts.graph_config(displaylogo=False, displayModeBar=False))
    table = dmc.Table(html.Tbody([html.Tr([html.Th(label), html.Td(value)]) for label, value in facts]), fz="sm")
    return dmc.Stack([table, trend])
