"""Charts drawn on the server as SVG: no charting library in the browser.

The overview is the page most visitors open first, often on a slow connection; its one chart, a line per
governorate, does not need plotly.js (about 320 KB compressed, and seconds of a slow device's time to start). The
SVG is a few kilobytes, appears as soon as the page's answer arrives, and is also what the chart's download gives.
Plain functions: a table in, SVG text out.
"""

from __future__ import annotations

import datetime as dt
import math
from base64 import b64encode
from dataclasses import dataclass
from itertools import pairwise
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pandas as pd

from dashboard.i18n import _, date_text, number, rtl

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
INK, MUTED, GRID = "#2a3f5f", "#666666", "#EBF0F8"


@dataclass(frozen=True)
class LineChart:
    """A chart's picture, and what a pointer over it shows (assets/map.js draws that label)."""

    svg: str
    hover: dict


@dataclass(frozen=True)
class Box:
    """The plot area inside the picture, in SVG units."""

    left: float
    top: float
    right: float
    bottom: float

    def x(self, share: float) -> float:
        return self.left + share * (self.right - self.left)

    def y(self, share: float) -> float:
        return self.bottom - share * (self.bottom - self.top)


def nice_ticks(top: float, most: int = 6) -> list[float]:
    """Round values from 0 to at least `top` for an axis: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if not top or top <= 0 or not math.isfinite(top):
        return [0, 1]
    raw = top / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    count = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def date_ticks(first: dt.date, last: dt.date, most: int = 6) -> tuple[list[dt.date], str]:
    """Dates to mark along a time axis and their label pattern (CLDR's, for i18n.date_text): month starts (every 1,
    2, 3, 6 or 12 months) for long periods, week starts for short ones."""
    months = (last.year - first.year) * 12 + last.month - first.month
    for step in (1, 2, 3, 6, 12, 24, 60):
        if months // step + 1 <= most:
            break
    ticks = []
    year, month = first.year, first.month
    while dt.date(year, month, 1) <= last:
        if dt.date(year, month, 1) >= first and (year * 12 + month - 1) % step == 0:
            ticks.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if len(ticks) >= 2:
        return ticks, "MMM y" if step < 12 else "y"
    days = max((last - first).days, 1)
    every = max(7, math.ceil(days / most / 7) * 7)
    return [first + dt.timedelta(days=d) for d in range(0, days + 1, every)], "dd MMM"


def fitting_date_ticks(first: dt.date, last: dt.date, room: float, size: float, most: int = 6):
    """date_ticks whose labels fit side by side in `room` pixels (month names are longer in some languages: Arabic's
    "كانون الثاني 2018" is twice "Jan 2018"): fewer ticks until they do, two at the least."""
    for allowed in range(most, 1, -1):
        ticks, fmt = date_ticks(first, last, allowed)
        widest = max((_text_width(date_text(day, fmt), size) for day in ticks), default=0)
        if len(ticks) * (widest + 12) <= room:
            break
    return ticks, fmt


def _text_width(text: str, size: float) -> float:
    """About how wide `text` is drawn in a sans-serif font of `size` (the browser measures; the server guesses)."""
    return 0.56 * size * len(text)


def _legend_rows(names: list[str], width: float, size: float) -> list[list[int]]:
    """Legend entries laid out in rows that fit `width`."""
    rows: list[list[int]] = [[]]
    used = 0.0
    for i, name in enumerate(names):
        need = 26 + _text_width(name, size) + 16
        if rows[-1] and used + need > width:
            rows.append([])
            used = 0.0
        rows[-1].append(i)
        used += need
    return rows


def _path(points: list[tuple[float, float] | None]) -> str:
    """Path data through the points; None breaks the line. A lone point is a zero-length segment, which a round
    line cap draws as a dot."""
    parts, pen_down, previous = [], False, None
    for point in [*points, None]:
        if point is None:
            if pen_down and previous is not None and parts[-1].startswith("M"):
                parts.append(f"L{previous[0]:.1f},{previous[1]:.1f}")
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{point[0]:.1f},{point[1]:.1f}")
        pen_down, previous = True, point
    return "".join(parts)


def _opening(title: str, width: int, height: int, size: float) -> list[str]:
    """A picture's start: its size, font and colour, its title (read by a screen reader and shown at the top)."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' font-family="{FONT}" font-size="{size:g}" fill="{INK}" role="img">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
        # the title where a line starts: the left, or the right in Arabic and Kurdish
        f'<text x="{width - 10}" y="26" font-size="16" text-anchor="end">{escape(title)}</text>'
        if rtl()
        else f'<text x="10" y="26" font-size="16">{escape(title)}</text>',
    ]


def _value_axis(out: list[str], box: Box, top: list[float], y_of, gap: float = 6) -> None:
    """Horizontal grid lines at the axis' values, each value written at the left of the plot."""
    for tick in top:
        y = y_of(tick)
        out.append(
            f'<line x1="{box.left}" x2="{box.right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" data-value="{tick:g}"/>'
        )
        out.append(f'<text x="{box.left - gap}" y="{y + 4:.1f}" text-anchor="end">{number(tick)}</text>')


def lines_by_governorate(
    table: pd.DataFrame,
    names: dict[str, str],
    colours: list[str],
    title: str,
    y_title: str,
    width: int = 480,
    height: int = 440,
) -> LineChart:
    """An SVG line chart of consultations per week, one line per governorate (columns governorate, period,
    consultations, partial). Hidden counts (missing values) are gaps; weeks cut by the start or end are open
    circles rather than part of the line, as on the other charts. With it, what a pointer over each week shows."""
    days = pd.to_datetime(table["period"]).to_numpy().astype("datetime64[D]")
    govs = table["governorate"].to_numpy()
    values = pd.to_numeric(table["consultations"], errors="coerce").to_numpy(dtype=float)
    cut = table["partial"].to_numpy(dtype=bool)
    periods = np.unique(days)
    governorates = sorted(set(govs))
    labels = [names.get(g, g) for g in governorates]
    size = 12.0
    shown = ~np.isnan(values)
    top = nice_ticks(float(values[shown].max()) if shown.any() else 0)
    left = 34 + _text_width(max((number(t) for t in top), key=len), size)  # room for the values and the axis title
    legend = _legend_rows(labels, width - left - 14, size)
    box = Box(left=left, top=58, right=width - 14, bottom=height - 44 - 22 * len(legend))
    first, last = periods[0].astype(dt.date), periods[-1].astype(dt.date)
    span = max((last - first).days, 1)

    def x_of(offset):
        """Across the picture: days after the first period (a number or an array); a single period in the middle."""
        return box.x(offset / span) if len(periods) > 1 else box.x(0.5 + 0 * offset)

    def y_of(value):
        return box.y(value / top[-1])

    # Every row's place in the picture, as Python floats (formatted far faster than numpy's).
    xs = x_of((days - periods[0]).astype(int)).tolist()
    ys = y_of(np.nan_to_num(values)).tolist()
    slot = np.searchsorted(periods, days).tolist()

    out = _opening(title, width, height, size)
    # Axes: horizontal grid lines with their values, dates along the bottom.
    _value_axis(out, box, top, y_of)
    ticks, fmt = fitting_date_ticks(first, last, box.right - box.left, size)
    for day in ticks:
        x = x_of((day - first).days)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{box.top}" y2="{box.bottom}" stroke="{GRID}"/>')
        label = date_text(day, fmt)
        half = _text_width(label, size) / 2  # kept inside the picture at either end
        centre = min(max(x, half + 2), width - half - 2)
        out.append(f'<text x="{centre:.1f}" y="{box.bottom + 18}" text-anchor="middle">{escape(label)}</text>')
    middle = (box.top + box.bottom) / 2
    out.append(
        f'<text transform="translate(14 {middle:.1f}) rotate(-90)" text-anchor="middle">{escape(y_title)}</text>'
    )
    # One line per governorate; its cut periods as open circles.
    for i, (gov, label) in enumerate(zip(governorates, labels, strict=True)):
        colour = colours[i % len(colours)]
        points: list[tuple[float, float] | None] = [None] * len(periods)
        circles = []
        for row in np.flatnonzero((govs == gov) & shown):
            point = (xs[row], ys[row])
            if cut[row]:
                circles.append(point)
            else:
                points[slot[row]] = point
        out.append(
            f'<path d="{_path(points)}" fill="none" stroke="{colour}" stroke-width="2"'
            f' stroke-linejoin="round" stroke-linecap="round" data-governorate={quoteattr(label)}/>'
        )
        out.extend(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="white" stroke="{colour}" stroke-width="2"/>'
            for cx, cy in circles
        )
        out.extend(_lone_dots(points, colour))
    if table["partial"].any():
        note = escape(_("Open circles: weeks cut by the period's start or end"))
        out.append(f'<text x="{width - 10}" y="46" text-anchor="end" font-size="11" fill="{MUTED}">{note}</text>')
    # The legend, in rows under the axis.
    entries = [(label, colours[i % len(colours)], "line") for i, label in enumerate(labels)]
    _legend(out, entries, legend, box.left, box.bottom + 44, box.right)
    out.append("</svg>")
    places = x_of((periods - periods[0]).astype(int))
    hover = _hover(periods, places, slot, govs, values, cut, governorates, labels, colours, width)
    return LineChart("".join(out), hover)


def _lone_dots(points: list[tuple[float, float] | None], colour: str, r: float = 4) -> list[str]:
    """A dot for each full period with no neighbour on its line (one week of data, or between gaps): a line's
    zero-length piece there would hardly be seen."""
    return [
        f'<circle cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="{r:g}" fill="{colour}" data-lone="1"/>'
        for k, point in enumerate(points)
        if point is not None and (k == 0 or points[k - 1] is None) and (k == len(points) - 1 or points[k + 1] is None)
    ]


def _hover(periods, places, slot, govs, values, cut, governorates, labels, colours, width) -> dict:
    """Each week's place across the picture and every line's value there, as the page shows them under a pointer
    (hidden counts as a dash; weeks cut by the period's start or end said so)."""
    shown: list[list[str | None]] = [[None] * len(periods) for _ in labels]
    line_of = {g: i for i, g in enumerate(governorates)}
    for row, (gov, value, partial) in enumerate(zip(govs.tolist(), values.tolist(), cut.tolist(), strict=True)):
        text = number(None if value != value else value)
        shown[line_of[gov]][slot[row]] = _("{n} (partial week)", n=text) if partial else text
    return {
        "width": width,
        "x": np.round(places, 1).tolist(),
        "weeks": [_("Week of {date}", date=date_text(p.astype(dt.date))) for p in periods],
        "lines": [
            {"name": label, "colour": colours[i % len(colours)], "values": shown[i]} for i, label in enumerate(labels)
        ],
    }


def data_uri(svg: str) -> str:
    """The SVG as a data: address, for an image or a download link."""
    return "data:image/svg+xml;base64," + b64encode(svg.encode()).decode()


def outlines(features: list[dict], width: int = 480) -> str:
    """Governorate outlines as a small map: each feature's polygons (GeoJSON coordinates in WGS84) drawn with its
    name at its label point; the programme's governorates shaded. For checking a boundary file before it is loaded."""
    rings = [
        ring
        for f in features
        for polygon in (
            f["geometry"]["coordinates"] if f["geometry"]["type"] == "MultiPolygon" else [f["geometry"]["coordinates"]]
        )
        for ring in polygon
    ]
    if not rings:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="40"></svg>'
    lons = [p[0] for ring in rings for p in ring]
    lats = [p[1] for ring in rings for p in ring]
    scale_x = math.cos(math.radians((min(lats) + max(lats)) / 2))  # an equirectangular map true at the middle
    span_x, span_y = (max(lons) - min(lons)) * scale_x or 1, (max(lats) - min(lats)) or 1
    k = (width - 20) / span_x
    height = round(span_y * k + 20)

    def xy(lon: float, lat: float) -> str:
        return f"{10 + (lon - min(lons)) * scale_x * k:.1f},{10 + (max(lats) - lat) * k:.1f}"

    shapes, labels = [], []
    for f in features:
        props, geometry = f["properties"], f["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        d = " ".join("M" + " L".join(xy(*p) for p in ring) + " Z" for polygon in polygons for ring in polygon)
        fill = "#cfe3f5" if props.get("programme") else "#f1f3f5"
        shapes.append(f'<path d="{d}" fill="{fill}" stroke="{INK}" stroke-width="0.8" fill-rule="evenodd"/>')
        if props.get("label"):
            x, y = xy(*props["label"]).split(",")
            labels.append(
                f'<text x="{x}" y="{y}" font-size="10" text-anchor="middle" fill="{INK}">{escape(props["name"])}</text>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}">' + "".join(shapes) + "".join(labels) + "</svg>"
    )


@dataclass(frozen=True)
class Series:
    """One line, dashed line or set of bars of a chart: a value (or None: hidden or none) for each slot across."""

    name: str
    colour: str
    values: list
    style: str = "line"  # line, dash or bar
    right: bool = False  # on the axis at the right (its own scale)
    derived: bool = False  # a rate, share or expectation made from counts, not a count (said so to the pointer's data)


def _finite(values) -> list[float]:
    return [float(v) for v in values if v is not None and v == v]


def _slot_places(slots: list, box: Box, dated: bool, bars: bool) -> list[float]:
    """Where each slot sits across the plot: dates by their distance in days (with half a slot of room at either end
    for bars), categories evenly."""
    n = len(slots)
    if not dated or n == 1:
        return [box.x((i + 0.5) / n) for i in range(n)]
    days = [(pd.Timestamp(s).date() - pd.Timestamp(slots[0]).date()).days for s in slots]
    gap = min(b - a for a, b in pairwise(days)) if bars else 0
    lo, hi = -gap / 2, days[-1] + gap / 2
    return [box.x((d - lo) / ((hi - lo) or 1)) for d in days]


def _scales(series: list[Series], band, stacked: bool, n: int) -> tuple[list[float], list[float]]:
    """The ticks of the left scale (stacked bars by their sums; the band's top counts) and of the right one."""
    left = [s for s in series if not s.right]
    bars = [s for s in left if s.style == "bar"]
    if stacked and bars:
        highest = [sum(v for b in bars for v in _finite([b.values[i]])) for i in range(n)]
    else:
        highest = [v for s in left for v in _finite(s.values)]
    if band is not None:
        highest += _finite(band[1])
    right = [v for s in series if s.right for v in _finite(s.values)]
    return nice_ticks(max(highest, default=0)), nice_ticks(max(right, default=0), 5)


def _x_axis(out: list[str], box: Box, xs: list[float], slots: list, dated: bool, tilted: bool, width: int) -> None:
    """Dates (month or week starts) or the categories' names along the bottom."""
    size = 12.0
    if not dated:
        for x, label in zip(xs, map(str, slots), strict=True):
            if tilted:
                out.append(
                    f'<text transform="translate({x:.1f} {box.bottom + 14}) rotate(-35)" text-anchor="end">'
                    f"{escape(label)}</text>"
                )
            else:
                out.append(f'<text x="{x:.1f}" y="{box.bottom + 18}" text-anchor="middle">{escape(label)}</text>')
        return
    first, last = (pd.Timestamp(slots[i]).date() for i in (0, -1))
    ticks, fmt = fitting_date_ticks(first, last, box.right - box.left, size)
    span_days = max((last - first).days, 1)
    for day in ticks:
        x = xs[0] + (xs[-1] - xs[0]) * (day - first).days / span_days if len(xs) > 1 else xs[0]
        label = date_text(day, fmt)
        half = _text_width(label, size) / 2
        centre = min(max(x, half + 2), width - half - 2)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{box.top}" y2="{box.bottom}" stroke="{GRID}"/>')
        out.append(f'<text x="{centre:.1f}" y="{box.bottom + 18}" text-anchor="middle">{escape(label)}</text>')


def _band(out: list[str], xs: list[float], low: list, high: list, colour: str, y_of) -> None:
    """The band from `low` to `high` as filled shapes, broken where either is missing."""
    runs: list[list[int]] = [[]]
    for i in range(len(xs)):
        if _finite([low[i], high[i]]) and len(_finite([low[i], high[i]])) == 2:
            runs[-1].append(i)
        elif runs[-1]:
            runs.append([])
    for run in (r for r in runs if r):
        edge = [(xs[i], y_of(high[i])) for i in run] + [(xs[i], y_of(low[i])) for i in reversed(run)]
        out.append(f'<path d="M{"L".join(f"{x:.1f},{y:.1f}" for x, y in edge)}Z" fill="{colour}" stroke="none"/>')


def _bars(out: list[str], group: list[Series], xs: list[float], width: float, stacked: bool, partial, y_of) -> None:
    """Bars side by side in each slot (or stacked), `width` wide together; a cut period's paler."""
    each = width if stacked else width / len(group)
    base = [0.0] * len(xs)
    for k, s in enumerate(group):
        for i, value in enumerate(s.values):
            if not _finite([value]) or not value:
                continue
            x0 = xs[i] - width / 2 + (0 if stacked else k * each)
            y_lo, y_hi = y_of(base[i], s.right), y_of(base[i] + float(value), s.right)
            if stacked:
                base[i] += float(value)
            faded = ' fill-opacity="0.45"' if partial[i] else ""
            out.append(
                f'<rect x="{x0:.1f}" y="{y_hi:.1f}" width="{max(each - 1, 1):.1f}" height="{y_lo - y_hi:.1f}"'
                f' fill="{s.colour}"{faded} data-series={quoteattr(s.name)}/>'
            )


def _lines(out: list[str], series: list[Series], xs: list[float], partial, y_of) -> None:
    """Lines (and dashed lines) through the slots' values, gaps where there is none; a cut period an open circle."""
    for s in series:
        points: list[tuple[float, float] | None] = []
        circles = []
        for i, value in enumerate(s.values):
            place = (xs[i], y_of(value, s.right)) if _finite([value]) else None
            if place is not None and partial[i] and s.style == "line":
                circles.append(place)
                place = None
            points.append(place)
        dash = ' stroke-dasharray="6 4"' if s.style == "dash" else ""
        out.append(
            f'<path d="{_path(points)}" fill="none" stroke="{s.colour}" stroke-width="2" stroke-linejoin="round"'
            f' stroke-linecap="round"{dash} data-series={quoteattr(s.name)}/>'
        )
        out.extend(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="white" stroke="{s.colour}" stroke-width="2"/>'
            for cx, cy in circles
        )
        out.extend(_lone_dots(points, s.colour))


def _legend(
    out: list[str], entries: list[tuple[str, str, str]], rows: list[list[int]], x0: float, y0: float, x1: float
) -> None:
    """The legend's rows between x0 and x1: a swatch (a line, a dashed line or a block) and a name for each (name,
    colour, style), from the left; in Arabic and Kurdish from the right, each swatch at its name's right."""
    backwards = rtl()
    for r, members in enumerate(rows):
        x, y = (x1 if backwards else x0), y0 + 22 * r
        for i in members:
            name, colour, style = entries[i]
            swatch = x - 20 if backwards else x
            if style in ("bar", "band"):
                out.append(f'<rect x="{swatch}" y="{y - 10}" width="20" height="12" fill="{colour}"/>')
            else:
                dash = ' stroke-dasharray="6 4"' if style == "dash" else ""
                out.append(
                    f'<line x1="{swatch}" x2="{swatch + 20}" y1="{y - 4}" y2="{y - 4}" stroke="{colour}"'
                    f' stroke-width="3"{dash}/>'
                )
            step = 26 + _text_width(name, 12.0) + 16
            if backwards:
                out.append(f'<text x="{x - 26}" y="{y}" text-anchor="end">{escape(name)}</text>')
                x -= step
            else:
                out.append(f'<text x="{x + 26}" y="{y}">{escape(name)}</text>')
                x += step


def plot(
    title: str,
    slots: list,
    series: list[Series],
    y_title: str,
    slot_names: list[str],
    *,
    dated: bool = True,
    partial: list[bool] | None = None,
    band: tuple[list, list, str, str] | None = None,
    stacked: bool = False,
    y2_title: str | None = None,
    width: int = 480,
    height: int = 380,
) -> LineChart:
    """A chart of `series` over `slots` (periods, dates when `dated`, or categories), drawn as SVG: lines, dashed
    lines and bars (side by side, or `stacked`), an optional `band` (low values, high values, its colour and name)
    behind them, a second scale at the right for the series that ask for it; slots cut by the period's start or end
    (`partial`) as open circles on lines and paler bars. With it, what a pointer over each slot shows, titled by
    `slot_names`."""
    size = 12.0
    partial = partial or [False] * len(slots)
    top, right_top = _scales(series, band, stacked, len(slots))
    has_right = any(s.right for s in series)
    left = 34 + _text_width(max((number(t) for t in top), key=len), size)
    right = 14 + (30 + _text_width(max((f"{t:g}" for t in right_top), key=len), size) if has_right else 0)
    entries = [(s.name, s.colour, s.style) for s in series] + ([(band[3], band[2], "band")] if band else [])
    legend = _legend_rows([e[0] for e in entries], width - left - 14, size)
    room = (width - left - right) / max(len(slots), 1) - 6
    tilted = not dated and max((_text_width(str(n), size) for n in slots), default=0) > room
    below = 44 + (50 if tilted else 0)
    box = Box(left=left, top=58, right=width - right, bottom=height - below - 22 * len(legend))
    bars = [s for s in series if s.style == "bar"]
    xs = _slot_places(slots, box, dated, bool(bars))

    def y_of(value, on_right: bool = False):
        return box.y(float(value) / (right_top if on_right else top)[-1])

    out = _opening(title, width, height, size)
    _value_axis(out, box, top, y_of)
    for tick in right_top if has_right else []:
        out.append(f'<text x="{box.right + 6}" y="{y_of(tick, True) + 4:.1f}">{number(tick)}</text>')
    middle = (box.top + box.bottom) / 2
    out.append(
        f'<text transform="translate(14 {middle:.1f}) rotate(-90)" text-anchor="middle">{escape(y_title)}</text>'
    )
    if has_right:
        out.append(
            f'<text transform="translate({width - 10} {middle:.1f}) rotate(90)" text-anchor="middle">'
            f"{escape(y2_title or '')}</text>"
        )
    _x_axis(out, box, xs, slots, dated, tilted, width)
    if band is not None:
        _band(out, xs, band[0], band[1], band[2], y_of)
    if bars:
        slot = min((b - a for a, b in pairwise(xs)), default=(box.right - box.left) / 2)
        _bars(out, bars, xs, slot * 0.8, stacked, partial, y_of)
    _lines(out, [s for s in series if s.style != "bar"], xs, partial, y_of)
    if any(partial):
        note = escape(_("Open circles and pale bars: periods cut by the start or end"))
        out.append(f'<text x="{width - 10}" y="46" text-anchor="end" font-size="11" fill="{MUTED}">{note}</text>')
    _legend(out, entries, legend, box.left, box.bottom + below, box.right)
    out.append("</svg>")
    shown: list[dict] = [
        {"name": s.name, "colour": s.colour, "values": [_hover_number(v) if _finite([v]) else None for v in s.values]}
        | ({"derived": True} if s.derived else {})
        for s in series
    ]
    if band is not None:
        ranges = [
            f"{_hover_number(a)} – {_hover_number(b)}" if len(_finite([a, b])) == 2 else None
            for a, b in zip(band[0], band[1], strict=True)
        ]
        shown.append({"name": band[3], "colour": band[2], "values": ranges, "derived": True})
    hover = {"width": width, "x": [round(x, 1) for x in xs], "weeks": slot_names, "lines": shown}
    return LineChart("".join(out), hover)


def _hover_number(value) -> str:
    return number(value) if float(value).is_integer() or abs(float(value)) >= 100 else f"{float(value):g}"


def panels(
    title: str,
    table: pd.DataFrame,
    names: dict[str, str],
    colour: str,
    y_title: str,
    cols: int,
    width: int = 960,
    panel_height: int = 230,
) -> str:
    """Small multiples: one small line chart per governorate (columns governorate, period, consultations, partial),
    in `cols` columns, all on one scale from zero so that they compare (hidden counts are gaps; periods cut by the
    start or end open circles)."""
    size = 11.0
    govs = sorted(table["governorate"].unique(), key=lambda g: names.get(g, g))
    rows = -(-len(govs) // cols)
    height = 60 + panel_height * rows
    values = pd.to_numeric(table["consultations"], errors="coerce")
    top = nice_ticks(float(values.max()) if values.notna().any() else 0, 4)
    periods = sorted(pd.to_datetime(table["period"]).unique())
    first, last = periods[0].date(), periods[-1].date()
    span = max((last - first).days, 1)
    out = _opening(title, width, height, size)
    if table["partial"].any():
        note = escape(_("Open circles: periods cut by the start or end"))
        out.append(f'<text x="{width - 10}" y="26" text-anchor="end" font-size="11" fill="{MUTED}">{note}</text>')
    label_room = 16 + _text_width(max((number(t) for t in top), key=len), size)
    cell = (width - 10) / cols
    for k, gov in enumerate(govs):
        r, c = divmod(k, cols)
        x0, y0 = 10 + c * cell, 50 + r * panel_height
        box = Box(left=x0 + label_room, top=y0 + 28, right=x0 + cell - 12, bottom=y0 + panel_height - 30)
        out.append(
            f'<text x="{box.left}" y="{y0 + 18}" font-size="13" font-weight="600">{escape(names.get(gov, gov))}</text>'
        )
        _value_axis(out, box, top, lambda v, box=box: box.y(v / top[-1]), gap=4)
        ticks, fmt = fitting_date_ticks(first, last, box.right - box.left, 11, 3)
        for day in ticks:
            x = box.x((day - first).days / span)
            label = date_text(day, fmt)
            out.append(f'<text x="{x:.1f}" y="{box.bottom + 16}" text-anchor="middle">{escape(label)}</text>')
        part = table[table["governorate"] == gov].sort_values("period")
        points: list[tuple[float, float] | None] = []
        circles = []
        for period, value, cut in zip(
            pd.to_datetime(part["period"]),
            pd.to_numeric(part["consultations"], errors="coerce"),
            part["partial"],
            strict=True,
        ):
            place = (
                (box.x((period.date() - first).days / span), box.y(float(value) / top[-1])) if value == value else None
            )
            if place is not None and cut:
                circles.append(place)
                place = None
            points.append(place)
        out.append(
            f'<path d="{_path(points)}" fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round"'
            f' stroke-linecap="round" data-series={quoteattr(names.get(gov, gov))}/>'
        )
        out.extend(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="white" stroke="{colour}" stroke-width="2"/>'
            for cx, cy in circles
        )
        out.extend(_lone_dots(points, colour, 3.5))
    out.append(
        f'<text transform="translate(12 {50 + panel_height * rows / 2:.1f}) rotate(-90)" text-anchor="middle"'
        f' font-size="12">{escape(y_title)}</text>'
    )
    out.append("</svg>")
    return "".join(out)
