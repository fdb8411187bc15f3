"""What maps draw: governorate features with their figures, camps as compact columns, label points, the distance to
the nearest unit base, and class breaks for a choropleth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely


def governorate_features(boundaries: dict, values: dict[str, dict], names: dict[str, str]) -> dict:
    """The boundary collection with each governorate's figures and a tooltip; programme governorates flagged."""
    features = []
    for feature in boundaries["features"]:
        iso = feature["properties"]["iso"]
        props = {"iso": iso, "name": names.get(iso, feature["properties"]["name_en"]), **values.get(iso, {})}
        props["programme"] = iso in values
        features.append({"type": "Feature", "properties": props, "geometry": feature["geometry"]})
    return {"type": "FeatureCollection", "features": features}


POSITION_SCALE = 1000  # camp positions go to the map in thousandths of a degree (about 110 m)


def camp_places(places: pd.DataFrame) -> dict:
    """Every camp's fixed map data (camp_id, longitude, latitude, name; ordered by camp_id) as columns, the smallest
    form that crosses a slow connection: ids as the first id and then differences, positions in thousandths of a
    degree, names. Sent once per data version as a file browsers keep (dashboard/server/places.py)."""
    ids = places["camp_id"].astype("int64").to_numpy()
    return {
        "id": np.diff(ids, prepend=0).tolist(),
        "x": (places["longitude"].astype(float) * POSITION_SCALE).round().astype("int64").tolist(),
        "y": (places["latitude"].astype(float) * POSITION_SCALE).round().astype("int64").tolist(),
        "n": places["name"].tolist(),
        "scale": POSITION_SCALE,
    }


def camp_columns(camps: pd.DataFrame, place_ids: np.ndarray, places_url: str) -> dict:
    """What a map shows of `camps` beyond their places (camp_places, served at `places_url`, whose ids are
    `place_ids`): each camp as its position among the places (first, then differences), its status as a position
    in `states`, and its population (on a public map, the public camp table's protected one). assets/map.js
    `campLayer` joins both into point features, sizes the markers by population and builds the tooltips."""
    position = np.searchsorted(place_ids, camps["camp_id"].astype("int64").to_numpy())
    population = camps["population"].fillna(0).astype("int64").clip(lower=0)
    states = sorted(camps["status"].unique())
    return {
        "places": places_url,
        "i": np.diff(position, prepend=0).tolist(),
        "states": states,
        "s": np.searchsorted(states, camps["status"].to_numpy()).tolist(),
        "p": population.tolist(),
    }


def label_point(geometry: dict) -> tuple[float, float]:
    """A point (lon, lat) inside a polygon, for placing a label or a count on it."""
    import shapely.geometry

    point = shapely.geometry.shape(geometry).representative_point()
    return round(point.x, 4), round(point.y, 4)


EARTH_KM = 6371.0088
KM_PER_DEGREE = EARTH_KM * np.pi / 180


def governorate_at(lon, lat, outlines: list[tuple[str | None, dict]]) -> np.ndarray:
    """For each point (WGS84 degrees), the code of the outline that holds it (GeoJSON geometries with their codes;
    the first one where outlines overlap), or None when none does or the point has no position."""
    lon, lat = np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64")
    found = np.full(len(lon), None, dtype=object)
    if not len(lon) or not outlines:
        return found
    shapes = [shapely.geometry.shape(geometry) for _code, geometry in outlines]
    codes = [code for code, _geometry in outlines]
    known = ~(np.isnan(lon) | np.isnan(lat))
    points = shapely.points(lon[known], lat[known])
    point_at, shape_at = shapely.STRtree(shapes).query(points, predicate="within")
    first: dict[int, int] = {}
    for p, g in zip(point_at.tolist(), shape_at.tolist(), strict=True):
        first[p] = min(g, first.get(p, g))
    where = np.flatnonzero(known)
    for p, g in first.items():
        found[where[p]] = codes[g]
    return found


def nearest_base_km(camps: pd.DataFrame, clinics: pd.DataFrame) -> np.ndarray:
    """For each camp, the great-circle distance in km to the nearest unit base (NaN when there is no unit).

    The bases go into a search tree on a plane (longitude scaled by the cosine of the middle latitude); the base
    nearest on that plane gives an upper bound d of the true distance, and every base within d times the plane's
    largest distortion over these latitudes is measured on the sphere: the true nearest is always among them."""
    if clinics.empty or camps.empty:
        return np.full(len(camps), np.nan)
    camp_lat, camp_lon = (camps[c].to_numpy(dtype=float) for c in ("latitude", "longitude"))
    base_lat, base_lon = (clinics[c].to_numpy(dtype=float) for c in ("base_latitude", "base_longitude"))
    lats = np.concatenate([camp_lat, base_lat])
    lat0 = float((lats.min() + lats.max()) / 2)
    scale = np.cos(np.radians(lats)) / np.cos(np.radians(lat0))
    margin = 1.05 * float(max(scale.max(), 1 / scale.min()))

    def plane(lat, lon):
        return shapely.points(lon * KM_PER_DEGREE * np.cos(np.radians(lat0)), lat * KM_PER_DEGREE)

    tree = shapely.STRtree(plane(base_lat, base_lon))
    points = plane(camp_lat, camp_lon)
    first = tree.query_nearest(points, all_matches=False)[1]
    bound = _haversine_km(camp_lat, camp_lon, base_lat[first], base_lon[first])
    camp, base = tree.query(points, predicate="dwithin", distance=bound * margin + 1e-9)
    found = _haversine_km(camp_lat[camp], camp_lon[camp], base_lat[base], base_lon[base])
    out = bound.copy()
    np.minimum.at(out, camp, found)
    return out


def _haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km; arrays broadcast."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(x, dtype=float)) for x in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return EARTH_KM * 2 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _nice(value: float) -> float:
    """`value` to two significant digits, for a class break that reads well in a legend."""
    if value <= 0:
        return 0.0
    return float(round(value, 1 - int(np.floor(np.log10(value)))))


def classify(values: dict[str, float | None], k: int = 4) -> tuple[list[float], dict[str, int | None]]:
    """Class breaks for a choropleth and each key's class (0 to k-1; None for a missing value).

    Breaks are rounded quantiles of the values, so each class holds about as many governorates; with few distinct
    values there are fewer classes. A value equal to a break falls in the class above it.
    """
    present = sorted(v for v in values.values() if v is not None and not pd.isna(v))
    if not present:
        return [], {key: None for key in values}
    raw: list[float] = np.quantile(present, np.linspace(0, 1, k + 1)[1:-1]).tolist() if len(present) > 1 else []
    breaks = sorted({_nice(b) for b in raw if present[0] < _nice(b) <= present[-1]})
    classes = {
        key: (None if v is None or pd.isna(v) else int(np.searchsorted(breaks, v, side="right")))
        for key, v in values.items()
    }
    return breaks, classes


def spread(latitude: np.ndarray, longitude: np.ndarray, metres: float = 250.0) -> tuple[np.ndarray, np.ndarray]:
    """Points that share a place (to about 10 m) moved apart onto a small ring around it, so that markers drawn there
    can each be seen and clicked: k points on a ring of `metres` * (1 + k / 8); a point alone stays where it is."""
    lat = np.asarray(latitude, dtype="float64").copy()
    lon = np.asarray(longitude, dtype="float64").copy()
    keys = np.round(lat, 4) * 1e6 + np.round(lon, 4)
    for key in np.unique(keys):
        at = np.flatnonzero(keys == key)
        if len(at) < 2:
            continue
        radius = metres * (1 + len(at) / 8) / 111_320  # degrees of latitude
        angles = 2 * np.pi * np.arange(len(at)) / len(at)
        lat0, lon0 = lat[at[0]], lon[at[0]]
        lat[at] = lat0 + radius * np.cos(angles)
        lon[at] = lon0 + radius * np.sin(angles) / np.cos(np.radians(lat0))
    return lat, lon
