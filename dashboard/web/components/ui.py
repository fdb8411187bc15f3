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
LINE_HEIGHTS = {"xs": 1.4, "sm": 1.45, "md": 1.55, "lg": 1.6, "xl": 1.65}  # (Mantine's, for each size)


def aria(**values) -> dict[str, Any]:
    """ARIA attributes for an html element's keyword arguments: aria(label="Pages") is {"aria-label": "Pages"}."""
    return {f"aria-{key}": value for key, value in values.items()}


def _space(value) -> str:
    return SPACES.get(value, value) if isinstance(value, str) else f"{value or 0}px"


def _named(id, *classes: str | None, **attributes) -> dict[str, Any]:
    """Keyword arguments for an html element: its id when given, its classes (those given) and its attributes."""
    named: dict[str, Any] = {"className": " ".join(c for c in classes if c), **attributes}
    return named | ({"id": id} if id is not None else {})


def group(children, gap="md", justify=None, wrap=True, className=None, id=None, align=None, mb=None):
    """Pieces side by side, centred on one line (or aligned as `align` says: "flex-end" on their bottoms), wrapping
    onto the next when it is full (Mantine's Group), and `mb` the space below it."""
    style = {"gap": _space(gap)} | ({"justifyContent": justify} if justify else {})
    style |= ({"alignItems": align} if align else {}) | ({"marginBottom": _space(mb)} if mb else {})
    return html.Div(
        children, style=style | ({} if wrap else {"flexWrap": "nowrap"}), **_named(id, "mmc-group", className)
    )


def stack(children, gap="md", id=None, className=None):
    """Pieces one under another (Mantine's Stack)."""
    return html.Div(children, style={"gap": _space(gap)}, **_named(id, "mmc-stack", className))


def text(children, size=None, c=None, fw=None, id=None, className=None):
    """A paragraph: its size (xs to xl), "dimmed" for secondary text (dark enough for WCAG AA) and its weight."""
    style = {"fontSize": SIZES[size], "lineHeight": LINE_HEIGHTS[size]} if size else {}
    style |= {"fontWeight": fw} if fw else {}
    return html.P(
        children, style=style or None, **_named(id, "mmc-text", "mmc-dimmed" if c == "dimmed" else None, className)
    )


def title(children, order: int = 1, size: str | None = None):
    """A heading of level `order`, drawn at the size of heading `size` ("h2"...) when that differs."""
    tag = {1: html.H1, 2: html.H2, 3: html.H3, 4: html.H4}[order]
    return tag(children, **_named(None, "mmc-title", f"mmc-{size or f'h{order}'}"))


def anchor(children, href: str, id=None, className=None):
    """A link in the theme's blue, underlined on hover (a full page load: `dcc.Link` moves inside the app)."""
    return html.A(children, href=href, **_named(id, "mmc-anchor", className))


def alert(children, title=None, color: str = "blue", id=None, mb=None, className=None):
    """A notice on a light background of its colour (blue, orange, gray...), with an optional title."""
    body = [html.Div(title, className="mmc-alert-title")] if title else []
    return html.Div(
        [*body, html.Div(children, className="mmc-alert-body")],
        style={"marginBottom": _space(mb)} if mb else None,
        **_named(id, "mmc-alert", f"mmc-alert-{color}", className),
    )


def badge(children):
    """A short label on a yellow pill (the header's demo mark)."""
    return html.Span(children, **_named(None, "mmc-badge"))


def card(children):
    """A bordered, rounded box (Mantine's Paper withBorder)."""
    return html.Div(children, **_named(None, "mmc-card"))


def columns(children: list, wide: str):
    """Columns side by side from a laptop's width up (`wide`: their CSS grid widths there, e.g. "7fr 5fr"), one
    under another below it."""
    return html.Div(children, style={"--mmc-wide-columns": wide}, **_named(None, "mmc-columns"))


def table(children):
    """A table with Mantine's look: rows divided by a line, cells padded."""
    return html.Table(children, **_named(None, "mmc-table"))


def facts(pairs: list[tuple[str, Any]]):
    """A table of (label, value) rows, each label the heading of its row (a camp's facts)."""
    return table(html.Tbody([html.Tr([html.Th(label, scope="row"), html.Td(value)]) for label, value in pairs]))


def skeleton(height: int):
    """A grey, softly pulsing box standing for content on its way."""
    return html.Div(style={"height": f"{height}px"}, **_named(None, "mmc-skeleton"))
