"""Callbacks shared by several pages. Thin: unpack, call a plain function, return."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from dash import Dash, Input, Output, State, no_update

from dashboard import ids


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


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.NAVIGATE, "href"),
        Input(ids.FILTER_PERIOD, "value"),
        Input(ids.FILTER_GOVERNORATES, "value"),
        State("_pages_location", "pathname"),
        State("_pages_location", "search"),
        prevent_initial_call=True,
    )
    def navigate(period, governorates, pathname, search):
        href = filtered_href(pathname, search, period, governorates)
        return href or no_update
