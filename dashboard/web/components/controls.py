"""The filter bar a page draws its period and governorates in; a change navigates (web.callbacks). And the options of
a searchable picker that may be too long to send with the page (units, camps): what matches what was typed."""

from __future__ import annotations

import dash_mantine_components as dmc
import pandas as pd
from dash import dcc
from dash.exceptions import PreventUpdate

from dashboard.domain.reference import PROGRAMME_GOVERNORATES
from dashboard.i18n import _
from dashboard.web import ids
from dashboard.web.callbacks import drawn


def navigator():
    """The page's own way to change the address (once in each page that changes it from a callback). A callback whose
    inputs and outputs all come with the page is not called when the page is drawn; one whose output was the shell's
    address bar was, once per page view, to answer nothing."""
    return dcc.Location(id=ids.PAGE_NAVIGATE, refresh="callback-nav")


def searched_on_server(select_id: str, many: bool):
    """What is typed in the choice `select_id` (one of ids.SEARCHED_ON_SERVER) for the server to match: a callback's
    Input, `ids.typed(select_id)`'s data ({"typed": ...}), set only when the server holds the options (`many`) and
    something is typed. A searchable choice reports an empty search as soon as it is drawn, which was a round trip
    for nothing; the guard (web.callbacks.register) runs in the browser."""
    return dcc.Store(id=ids.typed(select_id), data={"many": many})


def typed_text(asked: dict | None) -> str:
    """What was typed, from the data of `searched_on_server`'s store (a callback's input); no answer without it."""
    typed = (asked or {}).get("typed")
    if not typed:
        raise PreventUpdate
    return typed


def filter_bar(f, first, last, names: dict[str, str]):
    """Period and governorates; a change navigates to the same page with the new filters in its URL."""
    return dmc.Group(
        [
            dmc.DatePickerInput(
                id=ids.FILTER_PERIOD,
                type="range",
                label=_("Period"),
                value=[f.start.isoformat(), f.end.isoformat()],
                minDate=first.isoformat() if first else None,
                maxDate=last.isoformat() if last else None,
                valueFormat="DD MMM YYYY",  # (month names in the viewer's language: shell.dates)
                allowSingleDateInRange=True,
                w={"base": "100%", "sm": 280},
            ),
            dmc.MultiSelect(
                id=ids.FILTER_GOVERNORATES,
                label=_("Governorates"),
                placeholder=_("All seven"),
                data=[{"value": g.iso, "label": names.get(g.iso, g.name_en)} for g in PROGRAMME_GOVERNORATES],
                value=list(f.governorates),
                clearable=True,
                w={"base": "100%", "sm": 360},
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
        className="no-print mmc-filters",
        mb="sm",
    )


def picker_options(table: pd.DataFrame) -> list[dict]:
    """A picker's options from a table's `code` (the value) and `name` (what is shown) columns."""
    return [{"value": code, "label": name} for code, name in zip(table["code"], table["name"], strict=True)]


def picker_matching(table: pd.DataFrame, search: str | None, chosen: str | None, limit: int) -> list[dict]:
    """A picker's options for what was typed: names or codes containing it (any case), at most `limit`, and the
    chosen one, which must stay among the options to stay shown."""
    search = (search or "").strip().casefold()
    hits = table[table["code"] == chosen]
    if search:
        names, codes = (table[column].str.casefold() for column in ("name", "code"))
        found = names.str.contains(search, regex=False) | codes.str.contains(search, regex=False)
        hits = pd.concat([hits, table[found & (table["code"] != chosen)].head(limit)])
    return picker_options(hits)
