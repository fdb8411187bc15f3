"""Briefing mode: one screen per topic in large type, for a projector or for slides.

The URL carries the whole state: ?screen=figures|map|trends|gaps|all&start=...&end=...&governorate=..., so a link
reproduces the slide. Arrow keys (assets/briefing.js) and the buttons move between screens; screen=all lays every
screen out one after another for "print to PDF" (landscape, one topic per page). The gaps screen is for coordinators.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

import dash
import dash_mantine_components as dmc
from dash import dcc, html

from dashboard import auth, components, ids, reports, runtime
from dashboard.i18n import _, number
from dashboard.pages.overview import map_layers, the_map
from dashboard.store import access

dash.register_page(__name__, path="/briefing", name="Briefing", title="Briefing · MMC Iraq", nav_order=2)

PUBLIC_SCREENS = ("figures", "map", "trends")
COORDINATOR_SCREENS = (*PUBLIC_SCREENS, "gaps")


def _href(f, screen: str) -> str:
    return "/briefing?" + urlencode(f.query(screen=screen), doseq=True)


def _frame(title: str, subtitle: str, body, screen: str):
    """One slide: its title, the period and data date on it (also in print), and its content."""
    return html.Section(
        [
            html.Div([html.H1(title, className="briefing-title"), html.P(subtitle, className="briefing-subtitle")]),
            body,
        ],
        className="briefing-screen",
        id=f"{ids.BRIEFING_SCREEN}-{screen}",
    )


def _figures(figures: dict):
    def big(label, value, note=""):
        return html.Div(
            [
                html.Div(value, className="briefing-number"),
                html.Div(label, className="briefing-label"),
                html.Div(note, className="briefing-note"),
            ],
            className="briefing-figure",
        )

    return html.Div(
        [
            big(_("people reached in camps"), number(figures["population_reached"])),
            big(
                _("consultations"), number(figures["consultations"]), _("{n} referrals", n=number(figures["referrals"]))
            ),
            big(_("camps and sites reached"), f"{figures['camps_reached']} / {figures['camps']}"),
            big(_("mobile units active"), number(figures["active_units"]), _("MMCs and ambulances")),
        ],
        className="briefing-figures",
    )


def _gaps_table(table):
    return html.Table(components.governorate_gaps_rows(table), className="briefing-table", id=ids.BRIEFING_GAPS)


def layout(screen: str = "figures", **query):
    engine, settings = runtime.engine(), runtime.settings()
    status = access.data_status(engine)
    if not status.has_data:
        return components.empty_state(_("No data is loaded yet."))
    audience = auth.audience()
    f, notice = components.resolve_filters(query, status, audience)
    coordinator = not audience.public
    screens = COORDINATOR_SCREENS if coordinator else PUBLIC_SCREENS
    if screen == "gaps" and not coordinator:
        return components.sign_in_required("/briefing?" + urlencode(f.query(screen="gaps"), doseq=True))
    if screen not in (*screens, "all"):
        screen = "figures"
    shown = screens if screen == "all" else (screen,)

    names = access.governorate_names(engine)
    camp_table = reports.camp_table(engine, f, audience, settings)
    where = ", ".join(names[g] for g in f.governorates) if f.governorates else _("seven governorates")
    subtitle = _(
        "{start} to {end} · {where} · data of {loaded}",
        start=f"{f.start:%d %b %Y}",
        end=f"{f.end:%d %b %Y}",
        where=where,
        loaded=f"{status.last_loaded_at:%d %b %Y}" if status.last_loaded_at else "–",
    )
    if status.is_demo:
        subtitle += " · " + _("Demo data (synthetic)")

    parts = []
    for name in shown:
        if name == "figures":
            summary = reports.summary(engine, f, audience)
            parts.append(
                _frame(
                    _("Mobile Medical Clinics: what the programme reaches"), subtitle, _figures(summary["totals"]), name
                )
            )
        elif name == "map":
            summary = reports.summary(engine, f, audience)
            by_gov = {row["governorate"]: row for row in summary["governorates"]}
            layers = map_layers(engine, settings, f, camp_table, by_gov, audience)
            parts.append(
                _frame(
                    _("Where the clinics reach"),
                    subtitle,
                    html.Div(
                        [
                            the_map(layers, settings, f, "rate", map_id=f"briefing-map-{screen}"),
                            components.choropleth_legend("rate", layers["breaks"]["rate"]),
                            components.legend(),
                        ],
                        className="briefing-map",
                    ),
                    name,
                )
            )
        elif name == "trends":
            weekly = reports.trends(engine, replace(f, freq="week"), audience)
            chart = (
                components.weekly_chart(weekly, names, graph_id=f"briefing-chart-{screen}", height=500)
                if not weekly.empty
                else components.empty_state(_("No consultations in this period."))
            )
            parts.append(_frame(_("Consultations week by week"), subtitle, chart, name))
        elif name == "gaps":
            table = reports.governorate_gaps(engine, f, settings, camp_table)
            parts.append(_frame(_("Who we are missing"), subtitle, _gaps_table(table), name))

    position = screens.index(screen) if screen in screens else 0
    controls = dmc.Group(
        [
            dcc.Link(
                _("← Previous"),
                href=_href(f, screens[position - 1]),
                id=ids.BRIEFING_PREV,
                className="mmc-button mmc-button-light",
            )
            if screen != "all" and position > 0
            else None,
            html.Span(
                _("{n} of {total}", n=position + 1, total=len(screens)) if screen != "all" else _("All screens"),
                className="briefing-position",
            ),
            dcc.Link(_("Next →"), href=_href(f, screens[position + 1]), id=ids.BRIEFING_NEXT, className="mmc-button")
            if screen != "all" and position < len(screens) - 1
            else None,
            dcc.Link(
                _("Print or save as PDF: all screens"),
                href=_href(f, "all"),
                id=ids.BRIEFING_PRINT,
                className="mmc-button mmc-button-light",
            )
            if screen != "all"
            else html.Button(_("Print"), id=ids.BRIEFING_PRINT, className="mmc-button", **{"data-print": "1"}),
        ],
        justify="center",
        className="no-print briefing-controls",
    )
    return html.Div([notice, *parts, controls], className="briefing" + (" briefing-all" if screen == "all" else ""))
