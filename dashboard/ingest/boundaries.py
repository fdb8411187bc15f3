"""Governorate boundaries: the shipped, simplified Natural Earth file, or an authoritative file a user points at.

Every boundary set leaves here as a GeoJSON FeatureCollection whose features carry `iso` (ISO 3166-2), `pcode`,
`name_en`, `name_ar` and `name_ku`, whatever schema the source file used.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from dashboard.config import DATA_DIR
from dashboard.domain.reference import BY_ISO, PROGRAMME_GOVERNORATES, governorate_iso

SHIPPED = DATA_DIR / "boundaries" / "iraq_adm1.geojson"

# Which column names the governorate in each schema we recognise, tried in this order.
SCHEMAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dashboard", ("iso",)),
    ("ocha-cod-ab", ("adm1_pcode", "adm1_en")),
    ("geoboundaries", ("shapeiso", "shapename")),
    ("natural-earth", ("code_hasc", "iso_3166_2", "name")),
)


class BoundaryError(ValueError):
    """A boundary file that cannot be used, with a message that says why."""


def detect_schema(columns: list[str]) -> tuple[str, list[str]]:
    """Name the schema of a boundary table and the columns (original case) that identify a governorate."""
    lower = {c.lower(): c for c in columns}
    for name, keys in SCHEMAS:
        found = [lower[k] for k in keys if k in lower]
        if found:
            return name, found
    raise BoundaryError(
        "Unrecognised boundary schema: expected OCHA COD-AB (ADM1_PCODE, ADM1_EN), geoBoundaries (shapeISO, shapeName) "
        f"or Natural Earth (code_hasc, name) columns; found {', '.join(columns) or 'none'}."
    )


def properties_for(iso: str | None, fallback_name: str) -> dict:
    """The standard properties of one governorate feature."""
    gov = BY_ISO.get(iso or "")
    if gov is None:
        return {"iso": None, "pcode": None, "name_en": fallback_name, "name_ar": None, "name_ku": None}
    return {"iso": gov.iso, "pcode": gov.pcode, "name_en": gov.name_en, "name_ar": gov.name_ar, "name_ku": gov.name_ku}


def round_coords(geometry: dict, ndigits: int) -> dict:
    """A GeoJSON geometry with every coordinate rounded, to keep payloads small."""

    def walk(c):
        if isinstance(c[0], (int, float)):
            return [round(c[0], ndigits), round(c[1], ndigits)]
        return [walk(x) for x in c]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def read_boundary_file(path: str | Path, tolerance: float = 0.004) -> dict:
    """Read GeoJSON, GeoPackage or a zipped shapefile in any of the known schemas and standardise it.

    Geometries are reprojected to WGS84 and simplified as one coverage (shared borders stay shared).
    """
    import geopandas as gpd  # heavy: only for files a user brings
    import shapely

    path = Path(path)
    if not path.exists():
        raise BoundaryError(f"Boundary file not found: {path}")
    try:
        frame = gpd.read_file(f"zip://{path}" if path.suffix.lower() == ".zip" else path)
    except Exception as exc:  # pyogrio raises several types; the message is what helps the user
        raise BoundaryError(f"Cannot read boundary file {path.name}: {exc}") from exc
    if frame.empty:
        raise BoundaryError(f"Boundary file {path.name} has no features.")
    schema, keys = detect_schema([c for c in frame.columns if c != "geometry"])
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    geoms = shapely.coverage_simplify(frame.geometry.values, tolerance) if tolerance else frame.geometry.values
    features: list[dict] = []
    for _row_number, (geom, (_, row)) in enumerate(zip(geoms, frame.iterrows(), strict=True), start=1):
        iso = next((governorate_iso(str(row[k])) for k in keys if row[k] and governorate_iso(str(row[k]))), None)
        name = str(row[keys[-1]])
        features.append(
            {
                "type": "Feature",
                "properties": properties_for(iso, name),
                "geometry": round_coords(shapely.geometry.mapping(geom), 4),
            }
        )
    found = {f["properties"]["iso"] for f in features}
    missing = [g for g in PROGRAMME_GOVERNORATES if g.iso not in found]
    if missing:
        names = ", ".join(f"{g.name_en} ({g.iso})" for g in missing)
        raise BoundaryError(f"Boundary file {path.name} ({schema} schema) has no feature for: {names}.")
    return {"type": "FeatureCollection", "schema": schema, "features": features}


def shapes(boundaries: dict) -> dict:
    """The governorates' outlines alone, in the collection's order: what browsers keep (dashboard/server/places.py),
    so that a map's answer carries only each governorate's figures."""
    return {
        "iso": [f["properties"]["iso"] for f in boundaries["features"]],
        "geometry": [f["geometry"] for f in boundaries["features"]],
    }


_derived: dict[tuple[str, int], tuple[dict, object]] = {}


def _once_per_collection(boundaries: dict, name: str, compute):
    """compute(boundaries), worked out once per collection (collections are kept, never changed)."""
    kept = _derived.get((name, id(boundaries)))
    if kept is None or kept[0] is not boundaries:
        kept = _derived[(name, id(boundaries))] = (boundaries, compute(boundaries))
    return kept[1]


def token(boundaries: dict) -> str:
    """A name for these outlines that changes with them (a hash of their content), computed once per collection."""
    return _once_per_collection(
        boundaries,
        "token",
        lambda b: hashlib.sha256(json.dumps(shapes(b), separators=(",", ":")).encode()).hexdigest()[:16],
    )


def label_points(boundaries: dict) -> dict[str, tuple[float, float]]:
    """Each governorate's label point (lon, lat) inside its outline, computed once per collection."""
    from dashboard.analytics.geo import label_point

    return _once_per_collection(
        boundaries,
        "labels",
        lambda b: {f["properties"]["iso"]: label_point(f["geometry"]) for f in b["features"]},
    )


@lru_cache(maxsize=4)
def load_boundaries(path: str | None = None) -> dict:
    """The governorate boundaries: the shipped file, or the file at `path` (the BOUNDARIES_FILE setting)."""
    if path:
        return read_boundary_file(path)
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def current(engine, boundaries_file: str | None = None) -> dict:
    """The boundaries in use: the BOUNDARIES_FILE setting, else the newest set a coordinator loaded, else the shipped
    file."""
    if boundaries_file:
        return load_boundaries(boundaries_file)
    from dashboard.data import loading

    newest = loading.latest_boundary_id(engine)
    return load_boundaries(None) if newest is None else _stored(engine, newest)


@lru_cache(maxsize=2)
def _stored(engine, boundary_id: int) -> dict:
    """A loaded boundary set, read from the database once per process (a new load has a new id)."""
    from dashboard.data import loading

    return loading.boundary_geojson(engine, boundary_id)
