"""The interface's plain pieces: rows, columns, text, notices, cards and links as HTML elements styled by
assets/style.css (the `mmc-` classes), looking as Mantine's do.

The pages the public sees (the overview, the briefing, the formats, the not-found page) and the shell around every
page are drawn with these, so that a first visit is sent without dash-mantine-components' one 978 KB script (194 KB
compressed; server/compression.py). Pages with Mantine's pickers and tables (the trends, the coordinators' pages)
wrap their layout in `shell.mantine`. Arguments follow Mantine's names where they mean the same (gap, justify, c,
fw, size), so that a piece reads as it did.
"""

from __future__ import annotations

from typing import Any

from dash import html

SPACES = {"xs": "10px", "sm": "12px", "md": "16px", "lg": "20px", "xl": "32px"}
SIZES = {"xs": "0.75rem", "sm": "0.875rem", "md": "1rem", "lg": "1.125rem", "xl": "1.25rem"}
JUSTIFY = {"space-between": "space-between", "center": "center", "flex-end": "flex-end", "flex-start": "flex-start"}


def aria(**values) -> dict[str, Any]:
    """ARIA attributes for an html element's keyword arguments: aria(label="Pages") is {"aria-label": "Pages"}."""
    return {f"aria-{key}": value for key, value in values.items()}


def _space(value) -> str:
    return SPACES.get(value, value) if isinstance(value, str) else f"{value or 0}px"


def _named(id=None, className: str | None = None, **attributes) -> dict[str, Any]:
    """Keyword arguments for an html element: its id and classes when given, and ARIA attributes as they are."""
    named: dict[str, Any] = {k: v for k, v in attributes.items() if v is not None}
    if id is not None:
        named["id"] = id
    return named | ({"className": className} if className else {})


def _margins(mb=None, mt=None) -> dict[str, str]:
    return {k: _space(v) for k, v in (("marginBottom", mb), ("marginTop", mt)) if v is not None}


def group(children, gap="md", justify=None, align="center", wrap=True, className=None, id=None, mb=None, mt=None):
    """Pieces side by side, wrapping onto the next row when the line is full (Mantine's Group)."""
    style = {"gap": _space(gap), "alignItems": align, **_margins(mb, mt)}
    if justify:
        style["justifyContent"] = JUSTIFY[justify]
    if not wrap:
        style["flexWrap"] = "nowrap"
    return html.Div(children, style=style, **_named(id, " ".join(filter(None, ["mmc-group", className]))))


def stack(children, gap="md", className=None, id=None, mb=None, mt=None):
    """Pieces one under another (Mantine's Stack)."""
    style = {"gap": _space(gap), **_margins(mb, mt)}
    return html.Div(children, style=style, **_named(id, " ".join(filter(None, ["mmc-stack", className]))))


def text(children, size=None, c=None, fw=None, id=None, className=None, mb=None, mt=None, **attributes):
    """A paragraph: its size (xs to xl), "dimmed" for secondary text (dark enough for WCAG AA) and its weight."""
    classes = ["mmc-text", "mmc-dimmed" if c == "dimmed" else None, className]
    style = {**({"fontSize": SIZES[size]} if size else {}), **({"fontWeight": fw} if fw else {}), **_margins(mb, mt)}
    return html.P(children, style=style or None, **_named(id, " ".join(filter(None, classes)), **attributes))


def title(children, order: int = 1, size: str | None = None, id=None, className=None):
    """A heading of level `order`, drawn at the size of heading `size` ("h2"...) when that differs."""
    tag = {1: html.H1, 2: html.H2, 3: html.H3, 4: html.H4}[order]
    classes = ["mmc-title", f"mmc-{size or f'h{order}'}", className]
    return tag(children, **_named(id, " ".join(filter(None, classes))))


def anchor(children, href: str, id=None, className=None, **attributes):
    """A link in the theme's blue, underlined on hover (a full page load: `dcc.Link` moves inside the app)."""
    return html.A(children, href=href, **_named(id, " ".join(filter(None, ["mmc-anchor", className])), **attributes))


def alert(children, title=None, color: str = "blue", id=None, mb=None, className=None):
    """A notice on a light background of its colour (blue, orange, gray...), with an optional title."""
    body = [html.Div(title, className="mmc-alert-title")] if title else []
    return html.Div(
        [*body, html.Div(children, className="mmc-alert-body")],
        style=_margins(mb) or None,
        **_named(id, " ".join(filter(None, ["mmc-alert", f"mmc-alert-{color}", className]))),
    )


def badge(children, color: str = "yellow", id=None):
    """A short label on a filled pill."""
    return html.Span(children, **_named(id, f"mmc-badge mmc-badge-{color}"))


def card(children, id=None, className=None):
    """A bordered, rounded box (Mantine's Paper withBorder)."""
    return html.Div(children, **_named(id, " ".join(filter(None, ["mmc-card", className]))))


def columns(children: list, wide: str, id=None, className=None):
    """Columns side by side from a laptop's width up (`wide`: their CSS grid widths there, e.g. "7fr 5fr"), one
    under another below it."""
    return html.Div(
        children,
        style={"--mmc-wide-columns": wide},
        **_named(id, " ".join(filter(None, ["mmc-columns", className]))),
    )


def table(children, className=None, **attributes):
    """A table with Mantine's look: rows divided by a line, cells padded."""
    return html.Table(children, **_named(None, " ".join(filter(None, ["mmc-table", className])), **attributes))


def skeleton(height: int, id=None):
    """A grey, softly pulsing box standing for content on its way."""
    return html.Div(style={"height": f"{height}px"}, **_named(id, "mmc-skeleton"))
