"""Figures and tables in a page: headline cards, the per-governorate gap summary, an empty state."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import html

from dashboard.i18n import _, date_text, number, percent
from dashboard.web import ids
from dashboard.web.components import ui


def figure_cards(figures: list[tuple[str, str, str]]):
    """A row of headline figures: (label, value, note) each."""
    return html.Div(
        [
            ui.card(
                [
                    ui.text(label, size="sm", c="dimmed"),
                    ui.text(value, fw=700, className="figure-value"),
                    ui.text(note, size="xs", c="dimmed"),
                ]
            )
            for label, value, note in figures
        ],
        id=ids.OVERVIEW_FIGURES,
        className="mmc-cards",
        style={"--mmc-cards": len(figures)},
    )


def scrolling(table, label: str):
    """A wide table in a box that scrolls sideways on a narrow screen (the page itself never does), reachable by
    keyboard (a named region that takes focus, so arrow keys scroll it)."""
    named: dict[str, Any] = {"aria-label": label}
    return html.Div(table, className="mmc-table-scroll", tabIndex=0, role="region", **named)


def table_fold(open_id, body_id):
    """A chart's figures as a table, folded under a line, made when first opened (the page's callback fills `body_id`
    when `open_id`, the fold's summary, is clicked or opened from the keyboard): a chart's table is hundreds of cells,
    and every component of a page costs the browser's Dash work each time the page changes."""
    return html.Details(
        [html.Summary(_("The figures as a table"), id=open_id), html.Div(id=body_id)],
        className="mmc-chart-data no-print",
    )


def figures_table(frame: pd.DataFrame, headers: dict[str, str], label: str, table_id=None):
    """A chart's figures as a table, in a box that scrolls sideways: its columns named by `headers` (column ->
    heading, in order), numbers formatted as on the chart and aligned at the end."""

    def cell(value):
        if isinstance(value, pd.Timestamp):
            return date_text(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return number(value)
        return "–" if value is None or value != value else str(value)

    columns = list(headers)
    rows = frame[columns].itertuples(index=False)
    table = html.Table(
        [
            html.Thead(html.Tr([html.Th(headers[c], scope="col") for c in columns])),
            html.Tbody([html.Tr([html.Td(cell(v)) for v in row]) for row in rows]),
        ],
        className="mmc-data-table mmc-numbers",
        **({"id": table_id} if table_id else {}),
    )
    return scrolling(table, label)


def empty_state(message: Any):
    return ui.alert(message, color="gray")


def governorate_gaps_rows(table: pd.DataFrame, extra: tuple[tuple[str, dict[str, str]], ...] = ()) -> list:
    """The per-governorate gap summary (figures.governorate_gaps) as a header row and body rows, for the
    coordinators' page and the briefing's gaps screen; `extra` columns (heading, text by governorate code) after
    them."""
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
                    *(heading for heading, _values in extra),
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
                    *(html.Td(values.get(r["governorate"], "–")) for _heading, values in extra),
                ]
            )
            for r in table.to_dict("records")
        ]
    )
    return [header, body]
