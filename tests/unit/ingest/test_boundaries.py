"""Governorate boundaries: the shipped file, and authoritative files in each schema we detect."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from dashboard.domain.reference import GOVERNORATES, PROGRAMME_GOVERNORATES
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
        (["GID_1", "NAME_1", "NL_NAME_1", "HASC_1", "TYPE_1"], "gadm"),
    ],
)
def test_detect_schema(columns, schema):
    assert boundaries.detect_schema(columns)[0] == schema


def test_unknown_schema_names_the_columns_found():
    with pytest.raises(boundaries.BoundaryError, match="found LABEL, OBJECTID"):
        boundaries.detect_schema(["LABEL", "OBJECTID"])


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


# -- boundary files checked as geodata (ingest/geodata.py) -----------------------------------------------------------


def _cod_ab(level: int = 1):
    """The shipped outlines as OCHA COD-AB's columns for a level (ADM0 to ADMn)."""
    frame = _frame({"pcode": f"ADM{level}_PCODE", "name_en": f"ADM{level}_EN"}).drop(columns=["iso"])
    frame["ADM0_EN"], frame["ADM0_PCODE"] = "Iraq", "IQ"
    return frame


def _zip(tmp_path, frame, name: str, keep_prj: bool = True):
    import zipfile

    folder = tmp_path / name
    folder.mkdir()
    frame.to_file(folder / f"{name}.shp")
    archive = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in folder.iterdir():
            if keep_prj or part.suffix != ".prj":
                zf.write(part, part.name)
    return archive


def test_a_projected_file_with_its_prj_is_reprojected_and_says_so(tmp_path):
    data = boundaries.read_boundary_file(_zip(tmp_path, _cod_ab().to_crs(32638), "irq_adm1_utm"))
    assert "Reprojected from EPSG:32638 (WGS 84 / UTM zone 38N) to WGS84 longitude and latitude." in data["notes"]
    dohuk = next(f for f in data["features"] if f["properties"]["iso"] == "IQ-DA")
    lon, lat = shapely.geometry.shape(dohuk["geometry"]).representative_point().coords[0]
    assert 36.5 < lat < 37.5
    assert 42 < lon < 44


def test_a_projected_file_without_its_prj_is_refused_with_the_system_it_fits(tmp_path):
    archive = _zip(tmp_path, _cod_ab().to_crs(32638), "irq_adm1_noprj", keep_prj=False)
    with pytest.raises(boundaries.BoundaryError) as caught:
        boundaries.read_boundary_file(archive)
    message = str(caught.value)
    assert "gives no coordinate system for coordinates that are not degrees (x " in message
    assert "they fit EPSG:32638 (WGS 84 / UTM zone 38N): add the shapefile's .prj to the zip" in message


def test_a_geojson_whose_coordinates_are_not_degrees_is_refused(tmp_path):
    path = tmp_path / "metres.geojson"
    frame = _cod_ab().to_crs(32638).set_crs(4326, allow_override=True)  # metres, labelled as degrees
    frame.to_file(path, driver="GeoJSON")
    with pytest.raises(boundaries.BoundaryError, match=r"not degrees .*they fit EPSG:32638"):
        boundaries.read_boundary_file(path)


def test_outlines_that_land_outside_iraq_are_refused_with_where_they_are(tmp_path):
    path = tmp_path / "moved.geojson"
    frame = _cod_ab()
    frame["geometry"] = frame.geometry.translate(xoff=-13, yoff=-20)  # to Sudan, as a wrong system puts them
    frame.to_file(path, driver="GeoJSON")
    with pytest.raises(boundaries.BoundaryError) as caught:
        boundaries.read_boundary_file(path)
    assert str(caught.value).startswith("moved.geojson does not lie in Iraq: its outlines span longitude 25.")
    assert "export it again as WGS84 (EPSG:4326)" in str(caught.value)


def test_a_district_file_is_refused_by_name(tmp_path):
    path = tmp_path / "irq_admbnda_adm2.geojson"
    cells = [
        shapely.box(39 + 0.9 * (i % 10), 29.5 + 0.7 * (i // 10), 39.9 + 0.9 * (i % 10), 30.2 + 0.7 * (i // 10))
        for i in range(101)
    ]
    frame = gpd.GeoDataFrame(
        {"ADM2_EN": [f"District {i}" for i in range(101)], "ADM2_PCODE": [f"IQG01Q{i:02d}" for i in range(101)]},
        geometry=cells,
        crs=4326,
    )
    frame.to_file(path, driver="GeoJSON")
    with pytest.raises(
        boundaries.BoundaryError,
        match=r"irq_admbnda_adm2.geojson is a district file \(101 features\): load the governorate \(ADM1\) level",
    ):
        boundaries.read_boundary_file(path)


def test_a_country_outline_is_refused_by_name(tmp_path):
    path = tmp_path / "iraq.geojson"
    frame = gpd.GeoDataFrame({"name": ["Iraq"]}, geometry=[shapely.union_all(_cod_ab().geometry)], crs=4326)
    frame.to_file(path, driver="GeoJSON")
    with pytest.raises(boundaries.BoundaryError, match=r"iraq.geojson is a country file \(1 feature\)"):
        boundaries.read_boundary_file(path)


def test_the_governorate_layer_of_a_three_layer_geopackage_is_found_and_named(tmp_path):
    path = tmp_path / "irq_adm_cso_20190603.gpkg"
    country = gpd.GeoDataFrame(
        {"ADM0_EN": ["Iraq"], "ADM0_PCODE": ["IQ"]}, geometry=[shapely.union_all(_cod_ab().geometry)], crs=4326
    )
    country.to_file(path, layer="irq_admbnda_adm0_cso", driver="GPKG")
    _cod_ab().to_file(path, layer="irq_admbnda_adm1_cso", driver="GPKG")
    districts = _cod_ab().rename(columns={"ADM1_EN": "ADM2_EN", "ADM1_PCODE": "ADM2_PCODE"})
    districts.to_file(path, layer="irq_admbnda_adm2_cso", driver="GPKG")
    data = boundaries.read_boundary_file(path)
    assert (
        "Read the layer 'irq_admbnda_adm1_cso' (governorates) of the 3 in irq_adm_cso_20190603.gpkg: "
        "irq_admbnda_adm0_cso (1 feature), irq_admbnda_adm1_cso (18 features), irq_admbnda_adm2_cso (18 features)."
        in data["notes"]
    )
    assert len(data["features"]) == 18


def test_a_file_with_no_governorate_layer_lists_its_layers(tmp_path):
    path = tmp_path / "two.gpkg"
    country = gpd.GeoDataFrame({"ADM0_EN": ["Iraq"]}, geometry=[shapely.union_all(_cod_ab().geometry)], crs=4326)
    country.to_file(path, layer="adm0", driver="GPKG")
    country.to_file(path, layer="adm0_copy", driver="GPKG")
    with pytest.raises(boundaries.BoundaryError, match=r"None of the 2 layers of two.gpkg looks like governorates"):
        boundaries.read_boundary_file(path)


def test_an_outline_that_crosses_itself_is_repaired_and_named(tmp_path):
    path = tmp_path / "bowtie.geojson"
    frame = _cod_ab()
    wasit = frame["ADM1_EN"] == "Wasit"
    minx, miny, maxx, maxy = frame.loc[wasit].geometry.iloc[0].bounds
    frame.loc[wasit, "geometry"] = shapely.Polygon([(minx, miny), (maxx, maxy), (maxx, miny), (minx, maxy)])
    assert not frame.loc[wasit].geometry.iloc[0].is_valid
    frame.to_file(path, driver="GeoJSON")
    data = boundaries.read_boundary_file(path)
    assert "1 outline crossed itself and was repaired (made valid, keeping the area): Wasit." in data["notes"]
    repaired = next(f for f in data["features"] if f["properties"]["iso"] == "IQ-WA")
    assert shapely.geometry.shape(repaired["geometry"]).is_valid


def test_halabja_s_outline_is_counted_in_sulaymaniyah_s_without_a_hole(tmp_path):
    path = tmp_path / "with_halabja.geojson"
    frame = _cod_ab()
    su = frame["ADM1_EN"] == "Sulaymaniyah"
    whole = frame.loc[su].geometry.iloc[0]
    east = shapely.box(45.8, 34.5, 47.0, 36.0)
    frame.loc[su, "geometry"] = whole.difference(east)
    halabja = frame.loc[su].copy()
    halabja["ADM1_EN"], halabja["ADM1_PCODE"], halabja["geometry"] = "Halabja", "IQG19", whole.intersection(east)
    gpd.GeoDataFrame(pd.concat([frame, halabja], ignore_index=True), crs=4326).to_file(path, driver="GeoJSON")
    data = boundaries.read_boundary_file(path, tolerance=0)
    assert "Halabja's outline is counted in Sulaymaniyah's, as in OCHA's boundaries." in data["notes"]
    assert len(data["features"]) == 18
    sulaymaniyah = next(f for f in data["features"] if f["properties"]["iso"] == "IQ-SU")
    assert shapely.geometry.shape(sulaymaniyah["geometry"]).area == pytest.approx(whole.area, rel=1e-3)


def test_features_that_name_no_governorate_are_refused_by_name(tmp_path):
    path = tmp_path / "odd.geojson"
    frame = _cod_ab()
    frame.loc[frame["ADM1_EN"] == "Wasit", ["ADM1_EN", "ADM1_PCODE"]] = ["Atlantis", "XX99"]
    frame.to_file(path, driver="GeoJSON")
    with pytest.raises(
        boundaries.BoundaryError, match=r"1 feature of odd.geojson names no governorate of Iraq: Atlantis"
    ):
        boundaries.read_boundary_file(path)


def test_points_are_not_outlines(tmp_path):
    path = tmp_path / "points.geojson"
    frame = _cod_ab()
    frame["geometry"] = frame.geometry.representative_point()
    frame.to_file(path, driver="GeoJSON")
    with pytest.raises(boundaries.BoundaryError, match=r"holds Point, not governorate outlines"):
        boundaries.read_boundary_file(path)


def test_a_gadm_file_with_arabic_names_loads(tmp_path):
    path = tmp_path / "gadm41_IRQ_1.json"
    frame = _frame({"name_en": "NAME_1"}).drop(columns=["iso", "pcode"])
    arabic = {g.name_en: g.name_ar.replace("\u0623", "\u0627") for g in GOVERNORATES}  # alef without hamza
    frame["NL_NAME_1"] = frame["NAME_1"].map(arabic)
    frame["NAME_1"] = frame["NAME_1"].str.upper()
    frame["GID_1"] = [f"IRQ.{i + 1}_1" for i in range(len(frame))]
    frame.to_file(path, driver="GeoJSON")
    data = boundaries.read_boundary_file(path)
    assert data["schema"] == "gadm"
    assert len(data["features"]) == 18
