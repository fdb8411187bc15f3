"""The page as first sent: the shell and the page's content as plain HTML in the document itself, shown until Dash has
drawn the same.

Without it, a visitor on a slow connection sees Dash's "Loading..." until its scripts have come and run, the layout
and callback plan have come, and the page's callback has answered: on a phone on slow 4G the page's heading appeared
after 3.7 s, 87% of it waiting (Lighthouse). With it, the header, the heading, the figures and the chart are in the
first response (a few KB compressed), painted as soon as the style sheet is in; the map's frame holds its place.
Dash draws its own tree under it, unseen (assets/style.css), and assets/firstpaint.js takes the first paint away when
Dash's page content is there: the same pieces in the same places, so nothing moves. A reader without JavaScript, or
whose scripts fail, keeps a readable page with working links.

The first paint is made from the same layout functions as Dash's own (the shell's and the page's, for this viewer:
the public's figures for the public), so it cannot say more than the page does. It carries no element ids (Dash's
tree has the same ones) and none of what refers to them. Of a page drawn with Mantine (register_page's
`mantine=True`: the trends and the coordinators' pages), its headings, texts, grid and the grey blocks of its parts
are written as the app's plain pieces, and its pickers as look-alikes showing what is chosen, inert until Dash draws
the real ones in their places; its tables come with Dash.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from html import escape
from typing import Any

import dash
from dash import html
from dash._utils import to_json
from dash.development.base_component import Component
from flask import request

from dashboard.server import runtime

ELEMENT_ID = "mmc-first-paint"
_log = logging.getLogger(__name__)

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
RENAMED = {"className": "class"}  # (htmlFor, like every attribute naming an id, is left out)
# Dash's own props, and attributes that name another element by its id (the first paint has no ids)
LEFT_OUT = frozenset(
    {
        "id",
        "n_clicks",
        "n_clicks_timestamp",
        "disable_n_clicks",
        "loading_state",
        "key",
        "setProps",
        "htmlFor",
        "list",
        "aria-labelledby",
        "aria-describedby",
        "aria-controls",
        "aria-owns",
    }
)
# React's style numbers without a unit (others are pixels)
UNITLESS = frozenset({"flex", "flexGrow", "flexShrink", "fontWeight", "lineHeight", "opacity", "order", "zIndex"})
_CAPITAL = re.compile(r"(?<!^)(?=[A-Z])")
# Dash core components that are plain HTML elements (their props as attributes), and those that draw nothing
CORE_ELEMENTS = {"Link": "a", "Input": "input"}
CORE_ATTRIBUTES = {
    "Link": ("href", "className", "title", "target"),
    "Input": ("type", "name", "value", "placeholder", "autoComplete", "className", "min", "max", "step"),
}
CORE_NOTHING = frozenset({"Store", "Location", "Interval", "Download", "ConfirmDialog"})
# Mantine's providers (their children as they are) and the pieces a page drawn with Mantine shows before its data
# comes, written as the app's plain ones (components/ui.py) or as look-alikes styled as Mantine's (assets/style.css,
# `mmc-fp-`): its stacks, groups, grid, titles, texts and cards, and its choices showing what is chosen (a period, the
# governorates, a syndrome, weeks or months), inert until Dash draws the real ones in the same places. Any other
# Mantine component (a table, a switch) is left out until Dash draws it.
MANTINE_PROVIDERS = frozenset({"MantineProvider", "DirectionProvider", "DatesProvider"})
MANTINE_FIELDS = frozenset({"DatePickerInput", "Select", "MultiSelect"})


def _mantine_as_plain(kind: str, props: Mapping[str, Any]) -> Any:
    """The plain piece that stands for Mantine's `kind` with `props`, or None."""
    from dashboard.web.components import ui

    children = props.get("children")
    size = props.get("size") if props.get("size") in ui.SIZES else None
    if kind == "Stack":
        return ui.stack(children, gap=props.get("gap", "md"), className=props.get("className"))
    if kind == "Group":
        return ui.group(
            children,
            gap=props.get("gap", "md"),
            justify=props.get("justify"),
            className=props.get("className"),
            align=props.get("align"),
            mb=props.get("mb"),
        )
    if kind == "Title":
        order = props.get("order", 1)
        return ui.title(children, order=order if order in (1, 2, 3, 4) else 1, size=props.get("size"))
    if kind == "Text":
        return ui.text(children, size=size, c=props.get("c"), fw=props.get("fw"))
    if kind == "Grid":
        return html.Div(children, className="mmc-fp-grid")
    if kind == "GridCol":
        span = props.get("span", 12)
        wide = span.get("lg", span.get("base", 12)) if isinstance(span, Mapping) else span
        return html.Div(children, className="mmc-fp-col", style={"--mmc-span": wide})
    if kind == "Paper":
        return html.Div(children, className="mmc-card", style={"minHeight": props["mih"]} if props.get("mih") else None)
    if kind == "SegmentedControl":
        return _segments(props)
    if kind in MANTINE_FIELDS:
        return _field(kind, props)
    return None


def _segments(props: Mapping[str, Any]) -> Any:
    """A segmented choice as its labels side by side, the chosen one raised (Mantine's SegmentedControl)."""
    options = [
        option if isinstance(option, Mapping) else {"value": option, "label": option} for option in props["data"]
    ]
    chosen = props.get("value")
    return html.Div(
        [
            html.Span(option["label"], className="mmc-fp-chosen" if option["value"] == chosen else None)
            for option in options
        ],
        className=f"mmc-fp-segmented mmc-fp-segmented-{props.get('size') or 'sm'}",
    )


def _field(kind: str, props: Mapping[str, Any]) -> Any:
    """A picker as its label over a box showing what is chosen, or its placeholder (Mantine's inputs)."""
    from dashboard.i18n import date_text

    value = props.get("value")
    labels = {option["value"]: option["label"] for option in props.get("data") or () if isinstance(option, Mapping)}
    if kind == "DatePickerInput":
        days = [dt.date.fromisoformat(day) for day in (value if isinstance(value, list) else [value]) if day]
        shown = " \u2013 ".join(date_text(day) for day in days)
    elif kind == "MultiSelect":
        shown = ", ".join(str(labels.get(one, one)) for one in value or ())
    else:
        shown = labels.get(value, value) if value else ""
    width = props.get("w")
    wide = width.get("sm", width.get("base")) if isinstance(width, Mapping) else width
    return html.Div(
        [
            html.Div(props.get("label"), className="mmc-fp-label"),
            html.Div(shown or props.get("placeholder"), className="mmc-fp-box" + ("" if shown else " mmc-fp-empty")),
        ],
        className="mmc-fp-field",
        style={"--mmc-fp-width": f"{wide}px" if isinstance(wide, (int, float)) else wide} if wide else None,
    )


def _style(style: Mapping[str, Any]) -> str:
    declarations = []
    for name, value in style.items():
        if value is None:
            continue
        if name.startswith("--"):  # (a custom property: as written)
            declarations.append(f"{name}:{value}")
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool) and name not in UNITLESS and value != 0:
            value = f"{value}px"
        declarations.append(f"{_CAPITAL.sub('-', name).lower()}:{value}")
    return ";".join(declarations)


def _attributes(props: Mapping[str, Any]) -> str:
    written = []
    for name, value in props.items():
        if name == "children" or name in LEFT_OUT or value is None or value is False:
            continue
        if name == "style":
            value = _style(value)
            if not value:
                continue
        attribute = RENAMED.get(name, name if "-" in name else name.lower())
        if value is True:
            written.append(f" {attribute}")
        elif isinstance(value, (str, int, float)):
            written.append(f' {attribute}="{escape(str(value))}"')
    return "".join(written)


def html_of(node: Any, contents: Mapping[str, Any] | None = None) -> str:
    """`node` (a Dash component tree, text, a number or a list of them) as HTML. `contents`: the children to draw in
    place of those of the components with these ids (the page's content inside Dash pages' container). Components
    that are neither Dash's HTML elements nor the core and Mantine pieces above (a map, a graph, Markdown, a picker)
    are their frame: an empty element with their class and style, which holds their place."""
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, (str, int, float)):
        return escape(str(node), quote=False)
    if isinstance(node, (list, tuple)):
        return "".join(html_of(child, contents) for child in node)
    if not isinstance(node, Component):
        return ""
    props = {name: value for name, value in node.to_plotly_json()["props"].items() if value is not None}
    if contents and isinstance(props.get("id"), str) and props["id"] in contents:
        props["children"] = contents[props["id"]]
    tag, props = _element(node._namespace, node._type, props)
    if tag is None:  # (drawn as its children, or as the plain piece that stands for it)
        return html_of(props.get("children"), contents)
    if tag in VOID:
        return f"<{tag}{_attributes(props)}>"
    return f"<{tag}{_attributes(props)}>{html_of(props.get('children'), contents)}</{tag}>"


def _element(namespace: str, kind: str, props: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The HTML element a component is written as, and its props; no element: its `children` are written instead."""
    if namespace == "dash_html_components":
        return kind.lower(), props
    if namespace == "dash_core_components" and kind in CORE_NOTHING:
        return None, {}
    if (namespace, kind) == ("dash_core_components", "Loading") or (
        namespace == "dash_mantine_components" and kind in MANTINE_PROVIDERS
    ):
        return None, props
    if namespace == "dash_mantine_components" and (plain := _mantine_as_plain(kind, props)) is not None:
        return None, {"children": plain}
    if namespace == "dash_core_components" and kind in CORE_ELEMENTS:
        kept = {name: props[name] for name in CORE_ATTRIBUTES[kind] if name in props}
        return CORE_ELEMENTS[kind], kept | {"children": props.get("children")}
    return "div", {name: props[name] for name in ("className", "style") if name in props}


def _page(path: str, query: str) -> tuple[Any, Any]:
    """The content of the page at `path` with the URL query `query` (without its "?") for this request's viewer, and
    its title, as Dash pages' router would draw them (the query's values, one or a list)."""
    from dash._pages import _parse_query_string  # (the router's own reading of the query)

    page = runtime.page_at(path) or next(
        (p for p in dash.page_registry.values() if p["module"].split(".")[-1] == "not_found_404"), {}
    )
    layout, title = page.get("layout"), page.get("title")
    if layout is None:
        return None, None
    values = _parse_query_string(f"?{query}")
    return (layout(**values) if callable(layout) else layout), (title() if callable(title) else title)


def page_answer(path: str, query: str) -> str:
    """Dash pages' router's answer for the page at `path` (the app's own path: without the deployment's prefix) with
    the query `query`, for this request's viewer, as the router's callback answers it (web/document.py serves it as a
    GET, which the page's HTML preloads)."""
    content, title = _page(path, query)
    return to_json(
        {
            "multi": True,
            "response": {"_pages_content": {"children": content}, "_pages_store": {"data": {"title": title}}},
        }
    )


def first_paint(app: dash.Dash) -> str:
    """The shell with this request's page in it, as HTML (an empty string when it cannot be made: the page is then
    Dash's alone, as before, and the fault is logged)."""
    try:
        shell = app.get_layout()
        content, _title = _page(request.path, request.query_string.decode("utf-8", "replace"))
        drawn = html_of(shell, {"_pages_content": content})
    except Exception:  # a first paint is a courtesy: never the reason a page is not sent
        _log.exception("the first paint of %s could not be made", request.path)
        return ""
    return f'<div id="{ELEMENT_ID}" class="mmc-first-paint">{drawn}</div>'
