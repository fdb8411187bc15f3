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
import pandas as pd
from dash import ALL, Input, Output, Patch, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import words
from dashboard.data import queries
from dashboard.domain.reference import PROGRAMME_GOVERNORATES
from dashboard.i18n import N_, _, date_text, language, ngettext, number
from dashboard.server import auth, runtime
from dashboard.services import figures
from dashboard.web import ids, parts
from dashboard.web.callbacks import changed_href, set_params
from dashboard.web.components import cards, charts, controls, maps, notices, ui

dash.register_page(
    __name__,
    path="/",
    name=N_("Overview"),
    title=lambda: _("Mobile Medical Clinics, Iraq"),
    nav_order=0,
    maps="everyone",  # (who sees a map here: the page's HTML sends dash-leaflet only then; server/compression.py)
    map_on_arrival=True,  # (its HTML asks for the map's files at once)
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
        charts.weekly_chart_image(
            weekly,
            names,
            "?" + urlencode(f.query(), doseq=True),
            cards.table_fold(ids.OVERVIEW_TABLE_OPEN, ids.OVERVIEW_TABLE_BODY),
        )
        if not weekly.empty
        else cards.empty_state(_("No consultations were recorded in this period."))
    )
    return ui.stack(
        [
            # (the map's clicks and finder change the address through it)
            controls.navigator(),
            controls.searched_on_server(ids.MAP_FIND, len(camp_table) > FINDER_ALL),
            notices.setup_notice(status),
            notice,
            ui.group(
                [
                    ui.title(_("Mobile Medical Clinics for displaced people"), order=1, size="h2"),
                    ui.text(period, id=ids.PERIOD_TEXT, c="dimmed", size="lg"),
                ],
                justify="space-between",
            ),
            _headline(summary["totals"], audience, settings.not_reached_days),
            ui.columns(
                [
                    html.Div([_map_column(layers, settings, f, figure, audience), _finder(camp_table, names)]),
                    html.Div(chart),
                ],
                wide="minmax(0, 7fr) minmax(0, 5fr)",
            ),
            _sources(status, audience),
            dcc.Store(id=ids.MAP_LEGENDS, data=layers["legends"]),
            dcc.Location(id=ids.MAP_URL, refresh=False),
            _camp_panel_frame(),
        ],
        gap="sm",
    )


@dash.callback(
    Output(ids.OVERVIEW_TABLE_BODY, "children"),
    Input(ids.OVERVIEW_TABLE_OPEN, "n_clicks"),
    State(ids.OVERVIEW_TABLE_BODY, "children"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def fill_chart_table(clicks, made, search):
    """The chart's figures as a table, when its fold is first opened: the same weekly figures as the chart, for this
    viewer (kept in the results cache). Made on demand: a year's weeks by seven governorates were 480 of the page's
    620 components."""
    if not clicks or made:
        raise PreventUpdate
    engine, _settings, audience, f = _link_view(search)
    weekly = figures.trends(engine, replace(f, freq="week"), audience)
    if weekly.empty:
        return cards.empty_state(_("No consultations were recorded in this period."))
    return charts.weekly_figures(weekly, queries.governorate_names(engine, language()))


def _camp_panel_frame():
    """Where a camp's details open (camp_panel): a panel at the reading's end, over the page, with its close button
    (Escape closes it too: assets/map.js)."""
    return html.Aside(
        [
            html.Div(
                [
                    html.H2(id=ids.CAMP_PANEL_TITLE, className="mmc-panel-title"),
                    html.Button(
                        "\u00d7", id=ids.CAMP_PANEL_CLOSE, className="mmc-panel-close", **ui.aria(label=_("Close"))
                    ),
                ],
                className="mmc-panel-head",
            ),
            html.Div(id=ids.CAMP_PANEL_BODY),
        ],
        id=ids.CAMP_PANEL,
        className="mmc-panel",
        hidden=True,
        role="dialog",
        **ui.aria(labelledby=ids.CAMP_PANEL_TITLE),
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
    controls = ui.group(
        [
            html.Div(
                [
                    html.Button(
                        _(label),
                        id={"type": ids.MAP_FIGURE_CHOICE, "figure": key},
                        className="mmc-segment",
                        **ui.aria(pressed="true" if key == figure else "false"),
                    )
                    for key, label in maps.FIGURES.items()
                ],
                role="group",
                className="mmc-segmented",
                **ui.aria(label=_("Shade the governorates by")),
            ),
            dcc.Store(id=ids.MAP_FIGURE, data=figure),
            dcc.Link(_("Reset the map"), href="/", id=ids.MAP_RESET, className="mmc-button mmc-button-light"),
        ],
        justify="space-between",
    )
    return ui.stack(
        [
            controls,
            maps.the_map(layers, settings, f, figure, figure_in_link=True),
            html.Div(maps.choropleth_legend(figure, layers["legends"][figure]), id=ids.MAP_LEGEND),
            maps.legend(words.reached_meaning(audience, settings.not_reached_days)),
            ui.text(_("Click a governorate to show only it; click a camp for its details."), size="xs", c="dimmed"),
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


def _finder_options(names: dict[str, str], camp_options: list[dict]) -> list[dict]:
    """The governorates first, then the camps (each camp's label names its governorate)."""
    governorates = sorted((g.iso for g in PROGRAMME_GOVERNORATES), key=lambda iso: names.get(iso, iso))
    return [
        {"value": f"gov:{g}", "label": _("Governorate: {name}", name=names.get(g, g))} for g in governorates
    ] + camp_options


def _suggestions(options: list[dict]) -> list:
    """The finder's suggestions: each option's label, with its code for the browser (`MAP_FIND_CHOSEN`)."""
    return [html.Option(value=o["label"], **{"data-code": o["value"]}) for o in options]


def _finder(camps, names: dict[str, str]):
    """The map from the keyboard: a text box suggesting every governorate and camp as a name is typed (the browser's
    own list: a datalist); a name chosen does what a click on it does. Beyond FINDER_ALL camps (10,000 camps were
    40 ms and 400 KB of every filter change) only the governorates are sent, and typing asks the server for the
    camps that match."""
    many = len(camps) > FINDER_ALL
    return html.Div(
        [
            html.Label(_("Find a governorate or camp on the map"), htmlFor=ids.MAP_FIND, className="mmc-label"),
            dcc.Input(
                id=ids.MAP_FIND,
                type="search",
                list=ids.MAP_FIND_LIST,
                placeholder=_("Type a name")
                if not many
                else ngettext("Type to search {n} camp", "Type to search {n} camps", len(camps), n=number(len(camps))),
                debounce=0.3,
                autoComplete="off",
                className="mmc-input",
            ),
            html.Datalist(
                _suggestions(
                    _finder_options(names, [] if many else controls.picker_options(_camp_choices(camps, names)))
                ),
                id=ids.MAP_FIND_LIST,
            ),
            dcc.Store(id=ids.MAP_FIND_CHOSEN),
        ],
        className="mmc-finder no-print",
    )


dash.clientside_callback(  # a name typed or chosen in the finder: the code of the suggestion it names, if any
    """function (typed) {
        const box = document.getElementById(window.dash_clientside.callback_context.triggered_id);
        const named = box && box.list && Array.from(box.list.options).find(option => option.value === typed);
        return named ? named.dataset.code : window.dash_clientside.no_update;
    }""",
    Output(ids.MAP_FIND_CHOSEN, "data"),
    Input(ids.MAP_FIND, "value"),
    prevent_initial_call=True,
)


@dash.callback(
    Output(ids.MAP_FIND_LIST, "children"),
    Input(ids.typed(ids.MAP_FIND), "data"),  # (what is typed, beyond FINDER_ALL camps: controls.searched_on_server)
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def search_finder(asked, search):
    """The camps matching what was typed, among those of the link's view, when there are too many to send whole."""
    typed = controls.typed_text(asked)
    engine, settings, audience, f = _link_view(search)
    camps = figures.camps_named(engine, figures.camp_table(engine, f, audience, settings), language())
    if len(camps) <= FINDER_ALL:
        raise PreventUpdate  # the page has them all
    names = queries.governorate_names(engine, language())
    matching = controls.picker_matching(_camp_choices(camps, names), typed, None, FINDER_MATCHES)
    return _suggestions(_finder_options(names, matching))


def _sources(status, audience):
    """The data's date, its sources and how its counts are protected."""
    loaded = _(
        "Data loaded {when}. Camp lists: CCCM Cluster Iraq; boundaries: Natural Earth (public domain).",
        when=date_text(status.last_loaded_at) if status.last_loaded_at else "–",
    )
    return ui.text(loaded + " " + notices.protection_note(audience), size="xs", c="dimmed", id=ids.SOURCES)


@dash.callback(
    Output(ids.GOV_LAYER, "hideout"),
    Output(ids.MAP_LEGEND, "children"),
    Output(ids.MAP_URL, "search"),
    Input(ids.MAP_FIGURE, "data"),
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


dash.clientside_callback(  # a figure's button pressed: the map's figure, and which button shows as pressed
    """function (clicks) {
        const chosen = window.dash_clientside.callback_context.triggered_id;
        if (!chosen) { return window.dash_clientside.no_update; }
        const buttons = window.dash_clientside.callback_context.inputs_list[0];
        return [chosen.figure, buttons.map(b => b.id.figure === chosen.figure ? "true" : "false")];
    }""",
    Output(ids.MAP_FIGURE, "data"),
    Output({"type": ids.MAP_FIGURE_CHOICE, "figure": ALL}, "aria-pressed"),
    Input({"type": ids.MAP_FIGURE_CHOICE, "figure": ALL}, "n_clicks"),
    prevent_initial_call=True,
)


@dash.callback(
    Output(ids.PAGE_NAVIGATE, "href", allow_duplicate=True),
    Input(ids.GOV_LAYER, "clickData"),
    State("_pages_location", "pathname"),
    State("_pages_location", "search"),
    State(ids.GOV_LAYER, "hideout"),
    prevent_initial_call=True,
)
def filter_to_governorate(click, pathname, search, hideout):
    """A click on a governorate shows only it on the page the map is on (the overview's figures, chart and map; the
    coordinators' gaps); a second click shows all again. The overview's map keeps the figure it shows."""
    iso = ((click or {}).get("properties") or {}).get("iso")
    if not iso or not ((click or {}).get("properties") or {}).get("programme"):
        raise PreventUpdate
    return _governorate_href(search, iso, toggle=True, path=pathname or "/", figure=_linked_figure(hideout))


def _linked_figure(hideout: dict | None) -> str | None:
    """The figure the map shows, when it belongs in the page's link (the overview's map: maps.camp_map)."""
    return (hideout or {}).get("figure") if (hideout or {}).get("linked") else None


def _governorate_href(search: str | None, iso: str, toggle: bool = False, path: str = "/", figure: str | None = None):
    """The link of the page at `path` showing only the governorate `iso` (with `toggle`, all of them again when it
    is the one shown), the link's other filters kept, and the map's `figure` when given (the address the page was
    loaded with does not hold a figure chosen since: choose_figure changes the address bar only)."""
    query = parse_qs((search or "").lstrip("?"))
    shown = [] if toggle and query.get("governorate") == [iso] else [iso]
    if figure in maps.FIGURES:
        set_params(query, figure=None if figure == "rate" else figure)
    return changed_href(path, search, set_params(query, governorate=shown)) or no_update


@dash.callback(
    Output(ids.CAMP_PANEL, "hidden"),
    Output(ids.CAMP_PANEL_TITLE, "children"),
    Output(ids.CAMP_PANEL_BODY, "children"),
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
    Output(ids.CAMP_PANEL, "hidden", allow_duplicate=True),
    Output(ids.CAMP_PANEL_TITLE, "children", allow_duplicate=True),
    Output(ids.CAMP_PANEL_BODY, "children", allow_duplicate=True),
    Input(ids.MAP_FIND_CHOSEN, "data"),
    State("_pages_location", "search"),
    State(ids.GOV_LAYER, "hideout"),
    prevent_initial_call=True,
)
def find_on_map(chosen, search, hideout):
    """What the map does on a click, from the keyboard: a governorate chosen shows only it, a camp opens its panel."""
    kind, _sep, key = (chosen or "").partition(":")
    if kind == "gov" and key:
        return _governorate_href(search, key, figure=_linked_figure(hideout)), no_update, no_update, no_update
    if kind == "camp" and key.isdigit():
        return no_update, *_camp_panel(int(key), search)
    raise PreventUpdate


dash.clientside_callback(  # (the panel's close button; Escape clicks it: assets/map.js)
    "function (clicks) { return true; }",
    Output(ids.CAMP_PANEL, "hidden", allow_duplicate=True),
    Input(ids.CAMP_PANEL_CLOSE, "n_clicks"),
    prevent_initial_call=True,
)


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
    facts_table = ui.facts(facts)
    if audience.public:  # a camp's own counts and visits are for coordinators
        note = ui.text(
            _("A camp's visits, units and weekly consultations are for signed-in coordinators."), size="sm", c="dimmed"
        )
        return False, camp["name"], ui.stack([facts_table, note], gap="sm")
    return False, camp["name"], ui.stack([facts_table, _camp_activity(engine, settings, f, camp, audience)], gap="sm")


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
    return ui.stack([ui.facts(facts), trend], gap="sm")
