"""A page's slower parts, each answered in its own request after the page's frame.

A filter change draws the page's frame at once (title, period, controls, notices) with a placeholder for each part
that needs the data: a chart, the alert list, the map, the gap summary. The browser then asks for every placeholder's
content through one pattern-matching callback (one request per part, sent together, so the parts are computed in
parallel and each is drawn as soon as it is ready). Parts share their tables through the results cache, which makes
a second asker wait for the first rather than compute the same table twice.

A part is a plain function of the page's query (as Dash pages give it to `layout`) returning components. Its role is
checked on the server for every request, like every other callback's: a part for coordinators answers nothing to
anyone else, whatever the browser sends. The parts arrive in any order, so a component whose state another part's
callback reads (as a State or an Input) belongs in the frame, not in a part: Dash reports an error when a callback
reads a component that is not there yet.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

import dash
from dash import MATCH, Input, Output, State, html
from dash.exceptions import PreventUpdate

from dashboard.i18n import _
from dashboard.server import auth
from dashboard.web import ids
from dashboard.web.components import ui

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Part:
    render: Callable[[dict], object]
    role: str | None  # the least role that may see it; None: everyone who may see the page


_PARTS: dict[str, Part] = {}


def part(name: str, role: str | None = None):
    """Register `function(query) -> components` as the part `name`, named "page.part" to be unique across pages
    (Dash pages runs a page's module again for each app it makes: the latest registration is the one used)."""

    def register(function):
        _PARTS[name] = Part(function, role)
        return function

    return register


def placeholder(name: str, height: int) -> html.Div:
    """Where the part `name` is drawn once its answer arrives; until then a grey block of about its height, so that
    the page does not jump as the parts come in."""
    if name not in _PARTS:
        raise KeyError(f"no part is named {name!r}")
    return html.Div(
        ui.skeleton(height),
        id={"type": ids.PART, "part": name},
        className="mmc-part",
    )


def page_query(search: str | None) -> dict:
    """The URL's query as Dash pages hand it to a page's layout: one value as text, a repeated one as a list."""
    parsed = parse_qs((search or "").lstrip("?"), keep_blank_values=True)
    return {key: values[0] if len(values) == 1 else values for key, values in parsed.items()}


def render(name: str, search: str | None):
    """The part `name` for the URL's query `search`, if the signed-in role may see it. A part that fails says so
    where it would have been (the rest of the page stands), and the error goes to the server's log."""
    found = _PARTS.get(name)
    if found is None or (found.role and not auth.role_at_least(found.role)):
        raise PreventUpdate
    try:
        return found.render(page_query(search))
    except PreventUpdate:
        raise
    except Exception:
        log.exception("the part %s of %s could not be drawn", name, search)
        return ui.alert(
            _(
                "This part of the page could not be drawn. Reload the page to try again; if it fails again, tell the "
                "dashboard's administrator (the server's log has the details)."
            ),
            color="red",
            title=_("Not available"),
        )


def names_in(component) -> list[str]:
    """The parts whose placeholders are in a page's answer (a component tree, or its JSON as the browser gets it)."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
            return
        if hasattr(node, "to_plotly_json"):
            node = node.to_plotly_json()
        if not isinstance(node, dict):
            return
        props = node.get("props") or {}
        key = props.get("id")
        if isinstance(key, dict) and key.get("type") == ids.PART:
            found.append(key["part"])
        for value in props.values():
            if isinstance(value, (list, tuple, dict)) or hasattr(value, "to_plotly_json"):
                walk(value)

    walk(component)
    return found


def request_body(name: str, search: str | None) -> dict:
    """What the browser posts to fill the part `name` on the page whose query is `search` (for tests and bench)."""
    key = {"type": ids.PART, "part": name}
    wildcard = json.dumps({"part": ["MATCH"], "type": ids.PART}, separators=(",", ":"), sort_keys=True)
    return {
        "output": f"{wildcard}.children",
        "outputs": {"id": key, "property": "children"},
        "inputs": [{"id": key, "property": "id", "value": key}],
        "state": [{"id": "_pages_location", "property": "search", "value": search or ""}],
        "changedPropIds": [],
    }


def register(app: dash.Dash) -> None:
    """The one callback that fills every part (registered per app, like the other shared callbacks)."""
    app.callback(
        Output({"type": ids.PART, "part": MATCH}, "children"),
        Input({"type": ids.PART, "part": MATCH}, "id"),
        State("_pages_location", "search"),
    )(fill)


def fill(part_id, search):
    name = part_id.get("part") if isinstance(part_id, dict) else None  # (a crafted request may send anything)
    return render(name, search)
