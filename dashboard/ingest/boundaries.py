"""Governorate boundaries: the shipped, simplified Natural Earth file, or an authoritative file a user points at.

Every boundary set leaves here as a GeoJSON FeatureCollection whose features carry `iso` (ISO 3166-2), `pcode`,
`name_en`, `name_ar` and `name_ku`, whatever schema the source file used.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from functools import lru_cache
from pathlib import Path

from dashboard.config import DATA_DIR
from dashboard.domain.messages import Message, Plural, message_of
from dashboard.domain.reference import BY_ISO, PROGRAMME_GOVERNORATES, governorate_match
from dashboard.ingest import geodata

SHIPPED = DATA_DIR / "boundaries" / "iraq_adm1.geojson"

# Which column names the governorate in each schema we recognise, tried in this order.
SCHEMAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dashboard", ("iso",)),
    ("ocha-cod-ab", ("adm1_pcode", "adm1_en")),
    ("geoboundaries", ("shapeiso", "shapename")),
    ("gadm", ("hasc_1", "name_1", "nl_name_1", "varname_1")),
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
        Message(
            "Unrecognised boundary schema: expected OCHA COD-AB (ADM1_PCODE, ADM1_EN), geoBoundaries (shapeISO, "
            "shapeName), GADM (HASC_1, NAME_1) or Natural Earth (code_hasc, name) columns; found {columns}.",
            columns=", ".join(columns) or Message("none"),
        )
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


def _governorate_of(row, keys: list[str]) -> tuple[str | None, str | None]:
    """(ISO code, the name of a governorate counted under it) for a feature, from the first of its identifying
    columns that names a governorate."""
    for key in keys:
        value = row[key]
        if value is not None and str(value).strip():
            found = governorate_match(str(value))
            if found[0]:
                return found
    return None, None


def read_boundary_file(path: str | Path, tolerance: float = 0.004) -> dict:
    """Read GeoJSON, GeoPackage or a zipped shapefile in any of the known schemas, check it as geodata
    (ingest/geodata.py) and standardise it: one feature per governorate, Halabja's outline counted in Sulaymaniyah's,
    reprojected to WGS84 and simplified as one coverage (shared borders stay shared). The collection's `notes` say
    what was done to the file."""
    import shapely

    path = Path(path)
    if not path.exists():
        raise BoundaryError(Message("Boundary file not found: {path}", path=str(path)))
    try:
        layer = geodata.read_layer(path)
    except geodata.GeodataError as exc:
        raise BoundaryError(message_of(exc)) from None
    frame, notes = layer.frame, list(layer.notes)
    schema, keys = detect_schema([c for c in frame.columns if c != "geometry"])
    found = [_governorate_of(row, keys) for _, row in frame.iterrows()]
    unknown = [str(frame.iloc[i][keys[-1]]) for i, (iso, _m) in enumerate(found) if iso is None]
    if unknown:
        raise BoundaryError(
            Plural(
                "{n} feature of {file} names no governorate of Iraq: {names}. Check the names or P-codes; a "
                "governorate written another way can be added in ALIASES_FILE.",
                "{n} features of {file} name no governorate of Iraq: {names}. Check the names or P-codes; a "
                "governorate written another way can be added in ALIASES_FILE.",
                len(unknown),
                n=len(unknown),
                file=path.name,
                names=", ".join(unknown[:10]),
            )
        )
    matched = [(iso, merged) for iso, merged in found if iso]
    by_iso: dict[str, list] = {}
    for (iso, _merged), geom in zip(matched, frame.geometry.values, strict=True):
        by_iso.setdefault(iso, []).append(geom)
    for merged, into in sorted({(m, iso) for iso, m in matched if m}):
        notes.append(
            Message(
                "{merged}'s outline is counted in {into}'s, as in OCHA's boundaries.",
                merged=merged,
                into=BY_ISO[into].name_en,
            )
        )
    own = Counter(iso for iso, merged in matched if not merged)
    repeated = sorted(BY_ISO[iso].name_en for iso, n in own.items() if n > 1)
    if repeated:
        notes.append(Message("Outlines in several features were joined: {names}.", names=", ".join(repeated)))
    isos = list(by_iso)
    geoms = [shapely.union_all(by_iso[iso]) if len(by_iso[iso]) > 1 else by_iso[iso][0] for iso in isos]
    if tolerance:
        geoms = list(shapely.coverage_simplify(geoms, tolerance))
    features = [
        {
            "type": "Feature",
            "properties": properties_for(iso, BY_ISO[iso].name_en),
            "geometry": round_coords(shapely.geometry.mapping(geom), 4),
        }
        for iso, geom in zip(isos, geoms, strict=True)
    ]
    missing = [g for g in PROGRAMME_GOVERNORATES if g.iso not in by_iso]
    if missing:
        names = ", ".join(f"{g.name_en} ({g.iso})" for g in missing)
        raise BoundaryError(
            Message(
                "Boundary file {file} ({schema} schema) has no feature for: {names}.",
                file=path.name,
                schema=schema,
                names=names,
            )
        )
    return {"type": "FeatureCollection", "schema": schema, "features": features, "notes": notes}


def preview(collection: dict, tolerance: float = 0.02) -> list[dict]:
    """A collection's outlines, coarsely simplified, with each governorate's name, label point and whether it is one
    of the programme's: what the data page draws before a boundary file is loaded (a few kilobytes)."""
    import shapely

    from dashboard.analytics.geo import label_point

    out = []
    for feature in collection["features"]:
        props = feature["properties"]
        geom = shapely.geometry.shape(feature["geometry"]).simplify(tolerance)
        gov = BY_ISO.get(props.get("iso") or "")
        out.append(
            {
                "type": "Feature",
                "properties": {
                    "iso": props.get("iso"),
                    "name": props.get("name_en"),
                    "programme": bool(gov and gov.programme),
                    "label": label_point(feature["geometry"]),
                },
                "geometry": round_coords(shapely.geometry.mapping(geom), 3),
            }
        )
    return out


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
