"""Briefing mode: one screen per topic in large type, for a projector or for slides.

The URL carries the whole state: ?screen=figures|map|trends|gaps|all&start=...&end=...&governorate=..., so a link
reproduces the slide. Arrow keys (assets/briefing.js) and the buttons move between screens; screen=all lays every
screen out one after another for "print to PDF" (landscape, one topic per page). The gaps screen is for coordinators.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

import dash
from dash import dcc, html

from dashboard import words
from dashboard.data import queries
from dashboard.domain import periods
from dashboard.i18n import N_, _, language, ngettext, number
from dashboard.server import auth, runtime
from dashboard.services import figures
from dashboard.web import ids
from dashboard.web.components import cards, charts, maps, notices, plan, ui
from dashboard.web.components.maps import map_layers, the_map

dash.register_page(
    __name__,
    path="/briefing",
    name=N_("Briefing"),
    title=lambda: _("Briefing · MMC Iraq"),
    nav_order=2,
    maps="everyone",
)

PUBLIC_SCREENS = ("figures", "map", "trends")
COORDINATOR_SCREENS = (*PUBLIC_SCREENS, "gaps")


def _href(f, screen: str) -> str:
    return "/briefing?" + urlencode(f.query(screen=screen), doseq=True)


def _frame(title: str, subtitle: str, body, screen: str, page: tuple[int, int], demo: bool):
    """One slide: its title, the view and the data's date on it, its content, and a footer with the logo, the source
    and (printed) its page number: each screen is one page of the PDF, so its place is its page."""
    footer = html.Footer(
        [
            html.Img(src=dash.get_asset_url("logo.svg"), alt="", className="briefing-logo"),
            html.Span(_("Source: Mobile Medical Clinics programme, WHO Iraq and the Ministry of Health; camps: CCCM.")),
            html.Span(_("Page {n} of {total}", n=page[0], total=page[1]), className="briefing-page"),
        ],
        className="briefing-footer",
    )
    line: list = [subtitle]
    if demo:
        line += [" · ", html.Strong(_("Demo data (synthetic)"), className="briefing-demo")]
    heading = [
        html.H1(title, className="briefing-title", tabIndex=-1, id=f"{ids.BRIEFING_SCREEN}-{screen}-title"),
        html.P(line, className="briefing-subtitle"),
    ]
    named: dict[str, Any] = {"aria-labelledby": f"{ids.BRIEFING_SCREEN}-{screen}-title"}
    return html.Section(
        [html.Div(heading), html.Div(body, className="briefing-body"), footer],
        className="briefing-screen",
        id=f"{ids.BRIEFING_SCREEN}-{screen}",
        **named,
    )


def _figures(figures: dict, reached_meaning: str):
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
            big(_("people reached in camps"), number(figures["population_reached"]), _("in the camps reached")),
            big(
                _("consultations"),
                number(figures["consultations"]),
                ngettext("{n} referral", "{n} referrals", figures["referrals"], n=number(figures["referrals"])),
            ),
            big(_("camps and sites reached"), f"{figures['camps_reached']} / {figures['camps']}", reached_meaning),
            big(_("mobile units active"), number(figures["active_units"]), _("MMCs and ambulances")),
        ],
        className="briefing-figures",
    )


def _gaps_table(table, extra=()):
    wide = " briefing-table-wide" if extra else ""  # (ten columns: sized by the window's width too)
    table = html.Table(
        cards.governorate_gaps_rows(table, extra), className="briefing-table" + wide, id=ids.BRIEFING_GAPS
    )
    return cards.scrolling(table, _("Coverage gaps by governorate"))


def layout(screen: str = "figures", **query):
    """One screen of the briefing (or every screen, `all`) for the link's filters, with the controls between them."""
    engine, settings = runtime.engine(), runtime.settings()
    status = queries.data_status(engine)
    if not status.has_data:
        return notices.setup_notice(status)
    audience = auth.audience()
    f, notice = notices.resolve_filters(query, status, audience)
    screens = PUBLIC_SCREENS if audience.public else COORDINATOR_SCREENS
    if screen == "gaps" and audience.public:
        return notices.sign_in_required("/briefing?" + urlencode(f.query(screen="gaps"), doseq=True))
    if screen not in (*screens, "all"):
        screen = "figures"
    view = _Briefing(engine, settings, status, f, audience, screen)
    shown = [view.screen(name, screens) for name in (screens if screen == "all" else (screen,))]
    className = "briefing" + (" briefing-all" if screen == "all" else "")
    return html.Div([notices.setup_notice(status), notice, *shown, _controls(f, screens, screen)], className=className)


class _Briefing:
    """What every screen of one briefing shares: its filters, viewer and subtitle; `screen(name)` draws one."""

    def __init__(self, engine, settings, status, f, audience, screen: str):
        self.engine, self.settings, self.f, self.audience, self.shown = engine, settings, f, audience, screen
        self.names = queries.governorate_names(engine, language())
        self.subtitle = notices.view_line(f, self.names) + " · " + notices.data_date(status, audience)
        self.demo = status.is_demo

    def screen(self, name: str, screens: tuple[str, ...]):
        title, body = {
            "figures": (_("Mobile Medical Clinics: what the programme reaches"), self._figures),
            "map": (_("Where the clinics reach"), self._map),
            "trends": (_("Consultations week by week"), self._trends),
            "gaps": (_("Who we are missing"), self._gaps),
        }[name]
        return _frame(title, self.subtitle, body(), name, (screens.index(name) + 1, len(screens)), self.demo)

    def _camps(self):
        return figures.camp_table(self.engine, self.f, self.audience, self.settings)

    def _figures(self):
        days = self.settings.not_reached_days
        totals = figures.summary(self.engine, self.f, self.audience, days, language=language())["totals"]
        return _figures(totals, _("{meaning}, of the camps open", meaning=words.reached_meaning(self.audience, days)))

    def _map(self):
        summary = figures.summary(
            self.engine, self.f, self.audience, self.settings.not_reached_days, language=language()
        )
        by_gov = {row["governorate"]: row for row in summary["governorates"]}
        layers = map_layers(self.engine, self.settings, self.f, self._camps(), by_gov, self.audience)
        return html.Div(
            [
                the_map(layers, self.settings, self.f, "rate", map_id=f"briefing-map-{self.shown}", fit=True),
                maps.choropleth_legend("rate", layers["legends"]["rate"]),
                maps.legend(words.reached_meaning(self.audience, self.settings.not_reached_days)),
            ],
            className="briefing-map",
        )

    def _trends(self):
        weekly = figures.trends(self.engine, replace(self.f, freq="week"), self.audience)
        if weekly.empty:
            return cards.empty_state(_("No consultations in this period."))
        return [
            charts.weekly_chart(weekly, self.names, graph_id=f"briefing-chart-{self.shown}", large=True),
            charts.weekly_table(weekly, self.names),  # (its figures for a keyboard and a screen reader, folded)
        ]

    def _gaps(self):
        """The gap summary by governorate; with a visit plan, each governorate's line also says how much of the
        period's last week's plan was made and reported in time."""
        gaps = figures.governorate_gaps(self.engine, self.f, self.settings, self._camps(), language=language())
        if not figures.has_rota(self.engine):
            return _gaps_table(gaps)
        weeks = figures.completeness_table(self.engine, self.f, self.settings, "week", language=language())
        week = periods.week_of(self.f.end, self.settings.first_day).date()
        return _gaps_table(gaps, plan.week_columns(weeks, week, self.settings.report_deadline_days))


def _controls(f, screens: tuple[str, ...], screen: str):
    """Previous and next, where this screen is, and the way to print every screen."""
    items: list = []
    if screen == "all":
        printing = {"data-print": "1"}  # (a data- attribute, which Dash passes on but its types do not list)
        print_button = html.Button(_("Print"), id=ids.BRIEFING_PRINT, className="mmc-button", **printing)  # type: ignore[arg-type]
        items += [html.Span(_("All screens"), className="briefing-position"), print_button]
    else:
        position = screens.index(screen)
        if position > 0:
            previous = _href(f, screens[position - 1])
            items.append(
                dcc.Link(_("← Previous"), href=previous, id=ids.BRIEFING_PREV, className="mmc-button mmc-button-light")
            )
        items.append(html.Span(_("{n} of {total}", n=position + 1, total=len(screens)), className="briefing-position"))
        if position < len(screens) - 1:
            following = _href(f, screens[position + 1])
            items.append(dcc.Link(_("Next →"), href=following, id=ids.BRIEFING_NEXT, className="mmc-button"))
        fullscreen = {"data-fullscreen": "1"}  # (assets/briefing.js: the whole window, without the app's header)
        items.append(
            html.Button(_("Full screen"), className="mmc-button mmc-button-light", **fullscreen)  # type: ignore[arg-type]
        )
        items.append(
            dcc.Link(
                _("Print or save as PDF: all screens"),
                href=_href(f, "all"),
                id=ids.BRIEFING_PRINT,
                className="mmc-button mmc-button-light",
            )
        )
    return ui.group(items, justify="center", className="no-print briefing-controls")
