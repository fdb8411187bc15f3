"""Governorate boundaries: the shipped file, and authoritative files in each schema we detect."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely

from dashboard.domain.reference import PROGRAMME_GOVERNORATES
from dashboard.ingest import boundaries


def test_shipped_file_has_18_governorates_with_codes_and_names():
    data = json.loads(boundaries.SHIPPED.read_text(encoding="utf-8"))
    props = [f["properties"] for f in data["features"]]
    assert len(props) == 18
    assert len({p["iso"] for p in props}) == 18
    assert len({p["pcode"] for p in props}) == 18
    kirkuk = next(p for p in props if p["iso"] == "IQ-KI")
    assert (kirkuk["name_en"], kirkuk["pcode"], kirkuk["name_ar"], kirkuk["source_name"]) == (
        "Kirkuk",
        "IQG13",
        "كركوك",
        "At-Ta'mim",
    )
    assert all(p["name_ar"] and p["name_ku"] for p in props)
    assert "Natural Earth" in data["attribution"]


def test_shipped_file_is_small_and_keeps_topology():
    assert boundaries.SHIPPED.stat().st_size < 100 * 1024
    data = boundaries.load_boundaries()
    geoms = [shapely.geometry.shape(f["geometry"]) for f in data["features"]]
    assert all(g.is_valid for g in geoms)
    assert bool(shapely.coverage_is_valid(geoms))  # neighbours share their borders: no gaps, no overlaps


def _frame(rename: dict[str, str], drop_iso=False):
    """The shipped boundaries as a GeoDataFrame with another schema's columns."""
    frame = gpd.GeoDataFrame.from_features(boundaries.load_boundaries()["features"], crs=4326)
    frame = frame.drop(columns=["name_ar", "name_ku", "source_name"]).rename(columns=rename)
    return frame.drop(columns=[c for c in ("iso", "pcode") if c in frame.columns and drop_iso])


@pytest.mark.parametrize(
    ("columns", "schema"),
    [
        (["ADM1_EN", "ADM1_AR", "ADM1_PCODE", "ADM0_EN"], "ocha-cod-ab"),
        (["shapeName", "shapeISO", "shapeID", "shapeGroup"], "geoboundaries"),
        (["name", "name_alt", "code_hasc", "postal"], "natural-earth"),
    ],
)
def test_detect_schema(columns, schema):
    assert boundaries.detect_schema(columns)[0] == schema


def test_unknown_schema_names_the_columns_found():
    with pytest.raises(boundaries.BoundaryError, match="found NAME_1, GID_1"):
        boundaries.detect_schema(["NAME_1", "GID_1"])


def test_cod_ab_geojson(tmp_path):
    path = tmp_path / "irq_admbnda_adm1_cso.geojson"
    frame = _frame({"pcode": "ADM1_PCODE", "name_en": "ADM1_EN"}).drop(columns=["iso"])
    frame.to_file(path, driver="GeoJSON")
    data = boundaries.read_boundary_file(path)
    assert data["schema"] == "ocha-cod-ab"
    assert {f["properties"]["iso"] for f in data["features"]} >= {g.iso for g in PROGRAMME_GOVERNORATES}


def test_geoboundaries_geopackage_in_another_projection(tmp_path):
    path = tmp_path / "geoBoundaries-IRQ-ADM1.gpkg"
    frame = _frame({"iso": "shapeISO", "name_en": "shapeName"}).drop(columns=["pcode"]).to_crs(3857)
    frame.to_file(path, driver="GPKG")
    data = boundaries.read_boundary_file(path)
    assert data["schema"] == "geoboundaries"
    erbil = next(f for f in data["features"] if f["properties"]["iso"] == "IQ-AR")
    lon, lat = shapely.geometry.shape(erbil["geometry"]).representative_point().coords[0]
    assert 35 < lat < 37.5
    assert 43 < lon < 45.5


def test_natural_earth_zipped_shapefile_by_name_only(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    _frame({"name_en": "name"}).drop(columns=["iso", "pcode"]).to_file(folder / "ne_adm1.shp")
    archive = tmp_path / "ne_adm1.zip"
    import zipfile

    with zipfile.ZipFile(archive, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, part.name)
    data = boundaries.read_boundary_file(archive)
    assert data["schema"] == "natural-earth"
    assert len(data["features"]) == 18


def test_a_file_without_a_programme_governorate_is_refused(tmp_path):
    path = tmp_path / "partial.geojson"
    frame = _frame({"pcode": "ADM1_PCODE", "name_en": "ADM1_EN"}).drop(columns=["iso"])
    frame[frame["ADM1_PCODE"] != "IQG13"].to_file(path, driver="GeoJSON")
    with pytest.raises(boundaries.BoundaryError, match=r"no feature for: Kirkuk \(IQ-KI\)"):
        boundaries.read_boundary_file(path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(boundaries.BoundaryError, match=r"not found: .*nowhere\.geojson"):
        boundaries.read_boundary_file(tmp_path / "nowhere.geojson")


def test_the_outlines_token_follows_their_content():
    """Browsers keep the outlines by this name for a year: it must change whenever the outlines do."""
    import copy

    from dashboard.ingest import boundaries

    shipped = boundaries.load_boundaries(None)
    same = copy.deepcopy(shipped)
    moved = copy.deepcopy(shipped)
    ring = moved["features"][0]["geometry"]["coordinates"][0]  # the first feature is a polygon: its outer ring
    ring[0] = [ring[0][0] + 0.001, ring[0][1]]
    assert boundaries.token(shipped) == boundaries.token(same) != boundaries.token(moved)
    assert boundaries.shapes(shipped)["iso"] == [f["properties"]["iso"] for f in shipped["features"]]
