"""Reading a boundary file as geodata, checked before anything is kept: which layer of a GeoPackage or zip holds the
governorates, its coordinate system (reprojected to WGS84, or refused with the system its coordinates fit), whether
it lies in Iraq, whether it is the governorate level (not the country or its districts), and whether its outlines
are valid polygons (repaired when they are not). Each check that changes something says so in a note; each that
refuses says what was found and what to load instead."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dashboard.domain.messages import Message, Plural
from dashboard.domain.reference import IRAQ_BBOX

# Iraq's box with a margin: outlines reach the borders, and a governorate's outline may cross the box a little.
_NEAR_IRAQ = (IRAQ_BBOX[0] - 0.5, IRAQ_BBOX[1] - 0.5, IRAQ_BBOX[2] + 0.5, IRAQ_BBOX[3] + 0.5)
# Coordinate systems Iraqi data comes in, tried when a file says nothing of its own: UTM zones 37 to 39 north on
# WGS 84, web Mercator, and the Iraq National Grid.
_LIKELY_SYSTEMS = (32638, 32637, 32639, 3857, 3893)
_LEVEL_WORDS = {
    "country": r"adm0|admin0|country|national|boundary_?line",
    "governorate": r"adm1|admin1|governorate|gov|province|muhafaz|level_?1|_1(?!\d)",
    "district": r"adm2|admin2|district|qada|level_?2|_2(?!\d)",
    "sub-district": r"adm3|admin3|sub_?district|nahiya|level_?3|_3(?!\d)",
}
GOVERNORATE_COUNT = range(15, 25)  # Iraq has 18 governorates (19 with Halabja); a layer in this range is them


class GeodataError(ValueError):
    """A boundary file that cannot be used as governorate outlines, with what was found and what to load."""


@dataclass
class Layer:
    """The layer chosen from a file, read and checked: its features (a GeoDataFrame in WGS84) and what was done."""

    frame: Any  # a GeoDataFrame (geopandas is imported only when a file is read)
    name: str
    notes: list[Message | str] = field(default_factory=list)


def _source(path: Path) -> str:
    return f"zip://{path}" if path.suffix.lower() == ".zip" else str(path)


def _level_of_name(name: str) -> str | None:
    text = name.lower()
    for level in ("sub-district", "district", "governorate", "country"):  # the finest level a name mentions wins
        if re.search(_LEVEL_WORDS[level], text):
            return level
    return None


def _level_of_columns(columns: list[str]) -> str | None:
    """The level a layer's columns say: OCHA's ADMn_ columns, GADM's NAME_n, geoBoundaries' shapeType values are
    read elsewhere."""
    lower = {c.lower() for c in columns}
    for level, n in (("sub-district", 3), ("district", 2), ("governorate", 1), ("country", 0)):
        if {f"adm{n}_pcode", f"adm{n}_en", f"name_{n}", f"gid_{n}"} & lower:
            return level
    return None


def choose_layer(path: Path) -> tuple[str | None, list[Message | str]]:
    """The layer of a file that holds governorates, and a note saying which of several was used; a file of one layer
    gives (None, [])."""
    import pyogrio

    try:
        layers = [str(name) for name, _kind in pyogrio.list_layers(_source(path))]
    except Exception as exc:  # pyogrio raises several types; its message is what helps the user
        raise GeodataError(
            Message("Cannot read boundary file {file}: {reason}", file=path.name, reason=str(exc))
        ) from exc
    if len(layers) <= 1:
        return None, []
    counts = {}
    for name in layers:
        try:
            counts[name] = int(pyogrio.read_info(_source(path), layer=name)["features"])
        except Exception:
            counts[name] = -1
    by_name = [n for n in layers if _level_of_name(n) == "governorate"]
    by_count = [n for n in layers if counts[n] in GOVERNORATE_COUNT and _level_of_name(n) in (None, "governorate")]
    chosen = next(iter(by_name + by_count), None)
    listing = [
        Plural("{name} ({n} feature)", "{name} ({n} features)", counts[n], name=n, n=counts[n]) if counts[n] >= 0 else n
        for n in layers
    ]
    if chosen is None:
        raise GeodataError(
            Message(
                "None of the {n} layers of {file} looks like governorates (ADM1, about 18 features): {layers}. Load a "
                "file of the governorate layer only.",
                n=len(layers),
                file=path.name,
                layers=listing,
            )
        )
    return chosen, [
        Message(
            "Read the layer '{layer}' (governorates) of the {n} in {file}: {layers}.",
            layer=chosen,
            n=len(layers),
            file=path.name,
            layers=listing,
        )
    ]


def read_layer(path: Path) -> Layer:
    """The governorate layer of a file, in WGS84, checked: its level, its place on Earth, its outlines."""
    import geopandas as gpd

    layer, notes = choose_layer(path)
    try:
        frame = gpd.read_file(_source(path), layer=layer) if layer else gpd.read_file(_source(path))
    except Exception as exc:  # pyogrio raises several types; its message is what helps the user
        raise GeodataError(
            Message("Cannot read boundary file {file}: {reason}", file=path.name, reason=str(exc))
        ) from exc
    if frame.empty:
        raise GeodataError(Message("Boundary file {file} has no features.", file=path.name))
    _check_polygons(frame, path.name)
    _check_level(frame, layer, path.name)
    frame = _in_wgs84(frame, path.name, notes)
    _check_in_iraq(frame, path.name)
    frame = _repaired(frame, notes)
    return Layer(frame, layer or path.name, notes)


def _check_polygons(frame, filename: str) -> None:
    kinds = set(frame.geometry.geom_type.dropna())
    if not kinds or not kinds <= {"Polygon", "MultiPolygon"}:
        found = ", ".join(sorted(kinds)) or Message("no geometry")
        raise GeodataError(
            Message(
                "Boundary file {file} holds {found}, not governorate outlines (polygons): load the ADM1 polygon layer "
                "(OCHA COD-AB's admbnda_adm1, not its lines or points).",
                file=filename,
                found=found,
            )
        )


def _check_level(frame, layer: str | None, filename: str) -> None:
    columns = [c for c in frame.columns if c != "geometry"]
    level = _level_of_columns(columns)
    if level is None and "shapeType" in frame.columns:  # geoBoundaries says its level in each feature
        types = set(frame["shapeType"].astype(str).str.upper())
        levels = {"ADM0": "country", "ADM1": "governorate", "ADM2": "district", "ADM3": "sub_district"}
        level = levels.get(types.pop()) if len(types) == 1 else None
    n = len(frame)
    if level is None:
        level = "country" if n == 1 else ("district" if n > max(GOVERNORATE_COUNT) else None)
    if level not in (None, "governorate"):
        what = {
            "country": Message("a country file"),
            "district": Message("a district file"),
            "sub_district": Message("a sub-district file"),
        }.get(level, level)
        raise GeodataError(
            Plural(
                "{file} is {what} ({n} feature{layer}): load the governorate (ADM1) level, the file or layer whose "
                "name has adm1 in OCHA's download, about 18 features.",
                "{file} is {what} ({n} features{layer}): load the governorate (ADM1) level, the file or layer whose "
                "name has adm1 in OCHA's download, about 18 features.",
                n,
                file=filename,
                what=what,
                n=n,
                layer=Message(", layer {name}", name=layer) if layer else "",
            )
        )


def _describe(crs) -> Message | str:
    epsg = crs.to_epsg() if crs is not None else None
    return f"EPSG:{epsg} ({crs.name})" if epsg else (crs.name if crs is not None else Message("none"))


def _in_wgs84(frame, filename: str, notes: list[Message | str]):
    """The frame in WGS84 longitude and latitude: reprojected from the system the file declares; a file without one
    must already be in degrees."""
    minx, miny, maxx, maxy = frame.total_bounds
    in_degrees = -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
    if frame.crs is None or (frame.crs.is_geographic and not in_degrees):
        if in_degrees:
            notes.append(
                Message(
                    "{file} says nothing of its coordinate system: read as WGS84 longitude and latitude.", file=filename
                )
            )
            return frame.set_crs(4326, allow_override=True)
        raise GeodataError(
            Message(
                "{file} gives no coordinate system for coordinates that are not degrees (x {minx} to {maxx}, y {miny} "
                "to {maxy}){fits}: add the shapefile's .prj to the zip, or save the file as WGS84 (EPSG:4326).",
                file=filename,
                fits=_fits(frame),
                **_span(frame, ",.0f"),
            )
        )
    if frame.crs.to_epsg() != 4326:
        notes.append(Message("Reprojected from {system} to WGS84 longitude and latitude.", system=_describe(frame.crs)))
        return frame.to_crs(4326)
    return frame


def _span(frame, form: str) -> dict[str, Any]:
    """The outlines' extent, written with `form`, as a message's minx, maxx, miny and maxy."""
    minx, miny, maxx, maxy = frame.total_bounds
    return {"minx": f"{minx:{form}}", "maxx": f"{maxx:{form}}", "miny": f"{miny:{form}}", "maxy": f"{maxy:{form}}"}


def _fits(frame) -> Message | str:
    """ "; they fit UTM zone 38N (EPSG:32638)" for the first likely system that puts the outlines in Iraq."""
    from pyproj import CRS

    for code in _LIKELY_SYSTEMS:
        moved = frame.set_crs(code, allow_override=True).to_crs(4326)
        if _share_in_iraq(moved) > 0.9:
            return Message("; they fit {system}", system=_describe(CRS.from_epsg(code)))
    return ""


def _share_in_iraq(frame) -> float:
    points = frame.geometry.representative_point()
    min_lon, min_lat, max_lon, max_lat = _NEAR_IRAQ
    inside = points.x.between(min_lon, max_lon) & points.y.between(min_lat, max_lat)
    return float(inside.mean()) if len(points) else 0.0


def _check_in_iraq(frame, filename: str) -> None:
    if _share_in_iraq(frame) >= 0.9:
        return
    raise GeodataError(
        Message(
            "{file} does not lie in Iraq: its outlines span longitude {minx} to {maxx} and latitude {miny} to {maxy}, "
            "where Iraq is {west} to {east} and {south} to {north}. Its coordinate system is probably not the one it "
            "declares: export it again as WGS84 (EPSG:4326).",
            file=filename,
            **_span(frame, ".2f"),
            west=IRAQ_BBOX[0],
            east=IRAQ_BBOX[2],
            south=IRAQ_BBOX[1],
            north=IRAQ_BBOX[3],
        )
    )


def _repaired(frame, notes: list[Message | str]):
    """Outlines that are not valid polygons (a ring crossing itself, a bow tie) made valid, keeping their area."""
    import shapely

    invalid = ~frame.geometry.is_valid
    if not invalid.any():
        return frame
    fixed = []
    for geom in frame.geometry[invalid]:
        valid = shapely.make_valid(geom)
        parts = [g for g in getattr(valid, "geoms", [valid]) if g.geom_type in ("Polygon", "MultiPolygon")]
        fixed.append(shapely.union_all(parts) if parts else None)
    frame = frame.copy()
    frame.loc[invalid, "geometry"] = fixed
    names, n = _names(frame[invalid]), int(invalid.sum())
    notes.append(
        Plural(
            "{n} outline crossed itself and was repaired (made valid, keeping the area): {names}.",
            "{n} outlines crossed themselves and were repaired (made valid, keeping the area): {names}.",
            n,
            n=n,
            names=names,
        )
    )
    if frame.geometry.isna().any() or frame.geometry.is_empty.any():
        raise GeodataError(
            Message("Some outlines could not be repaired ({names}): correct them in a GIS and load again.", names=names)
        )
    return frame


def _names(frame) -> str:
    for column in ("ADM1_EN", "shapeName", "NAME_1", "name", "name_en", "iso"):
        if column in frame.columns:
            return ", ".join(str(v) for v in frame[column].head(10))
    return ", ".join(str(i + 1) for i in frame.index[:10])
