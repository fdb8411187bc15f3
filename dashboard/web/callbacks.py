"""Callbacks shared by several pages. Thin: unpack, call a plain function, return."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode

import dash
from dash import ClientsideFunction, Dash, Input, Output, State, dcc, no_update

from dashboard.web import ids


def filtered_href(pathname: str | None, search: str | None, period, governorates) -> str | None:
    """The page's URL with the period and governorates replaced and its other arguments kept; None while the
    range is half chosen."""
    if not pathname or not period or len(period) != 2 or not all(period):
        return None
    query = parse_qs((search or "").lstrip("?"))
    set_params(query, start=str(period[0])[:10], end=str(period[1])[:10], governorate=governorates)
    return changed_href(pathname, search, query)


def set_params(query: dict, **values) -> dict:
    """`query` (as parse_qs gives it) with each named parameter set to its value, or removed when it is empty."""
    for key, value in values.items():
        query.pop(key, None)
        if value:
            query[key] = list(value) if isinstance(value, (list, tuple)) else [value]
    return query


def changed_href(pathname: str, search: str | None, query: dict) -> str | None:
    """The URL for `query`, or None when it is the page's URL already: a control that reports its unchanged value
    (some do when they are drawn) must not push a second history entry, or the back button would seem stuck."""
    if query == parse_qs((search or "").lstrip("?")):
        return None
    return f"{pathname}?{urlencode(query, doseq=True)}"


def drawn(store_id: str, values: dict) -> dcc.Store:
    """Remember the values a page drew its controls with (control id -> value), for `user_changed`."""
    return dcc.Store(id=store_id, data=values)


def _comparable(value):
    if value in (None, "", []):
        return None
    if isinstance(value, (list, tuple)):
        return [_comparable(v) for v in value]
    text = str(value)
    return text[:10] if re.match(r"^\d{4}-\d\d-\d\d", text) else text


def user_changed(drawn_values: dict | None) -> bool:
    """Whether a control that fired this callback holds a value other than the one the page drew it with.

    Some controls report their value once as they are drawn; that report must not navigate, or a link with a bad
    parameter would be replaced by the defaults before its reader saw the notice that names the parameter."""
    for item in dash.ctx.triggered:
        control = item["prop_id"].rsplit(".", 1)[0]
        if drawn_values is None or control not in drawn_values:
            return True
        if _comparable(drawn_values[control]) != _comparable(item.get("value")):
            return True
    return False


def register(app: Dash) -> None:
    for select_id, typed_in in ids.SEARCHED_ON_SERVER.items():  # what is typed, on to the server only when it must
        app.clientside_callback(
            """function (typed, kept) {
                if (!kept || !kept.many || !typed) { return window.dash_clientside.no_update; }
                return {many: true, typed: typed};
            }""",
            Output(ids.typed(select_id), "data"),
            Input(select_id, typed_in),
            State(ids.typed(select_id), "data"),
            prevent_initial_call=True,
        )
    app.clientside_callback(  # the governorates: kept outlines joined with each answer's figures, in the browser
        ClientsideFunction(namespace="mmc", function_name="governorateLayer"),
        Output(ids.GOV_LAYER, "data"),
        Input(ids.GOV_FIGURES, "data"),
    )
    for layer in (ids.CAMP_LAYER, ids.GAP_CAMPS):  # each camp layer is made in the browser from its columns
        app.clientside_callback(
            ClientsideFunction(namespace="mmc", function_name="campLayer"),
            Output(layer, "data"),
            Input(ids.camp_columns(layer), "data"),
        )

    @app.callback(
        Output(ids.PAGE_NAVIGATE, "href", allow_duplicate=True),
        Input(ids.FILTER_PERIOD, "value"),
        Input(ids.FILTER_GOVERNORATES, "value"),
        State("_pages_location", "pathname"),
        State("_pages_location", "search"),
        State(ids.FILTER_DRAWN, "data"),
        prevent_initial_call=True,
    )
    def navigate(period, governorates, pathname, search, drawn_values):
        if not user_changed(drawn_values):
            return no_update
        href = filtered_href(pathname, search, period, governorates)
        return href or no_update
