"""What maps draw that does not change with the filters, as files that browsers keep: every camp's place (ids,
positions, names) per data version, and the governorates' outlines per boundary set. A map's answer then carries
only what the filters change (which camps, their status and population, each governorate's figures; see
analytics.geo.camp_columns and web.components.maps.camp_map). Public: both are on the public map anyway."""

from __future__ import annotations

from flask import Blueprint, jsonify

from dashboard.analytics import geo
from dashboard.ingest import boundaries
from dashboard.server import runtime
from dashboard.services import figures

places = Blueprint("places", __name__)


def url(token: str) -> str:
    return f"/map/camps-{token}.json"


def kept_camps(engine) -> tuple:
    """The kept camp places' ids (in the file's order) and the file's address: what a layer's columns refer to."""
    return figures.camp_places(engine)["camp_id"].to_numpy(), url(figures.data_token(engine))


def shapes_url(outlines: dict) -> str:
    return f"/map/governorates-{boundaries.token(outlines)}.json"


@places.get("/map/camps-<token>.json")
def camp_places(token: str):
    engine = runtime.engine()
    return _kept(jsonify(geo.camp_places(figures.camp_places(engine))), token == figures.data_token(engine))


@places.get("/map/governorates-<token>.json")
def governorate_shapes(token: str):
    outlines = boundaries.current(runtime.engine(), runtime.settings().boundaries_file or None)
    return _kept(jsonify(boundaries.shapes(outlines)), token == boundaries.token(outlines))


def _kept(response, current: bool):
    if current:  # this version's file never changes: keep it
        response.cache_control.public = True
        response.cache_control.max_age = 31_536_000
        response.cache_control.immutable = True
    else:  # data or boundaries were loaded since the page asked: the current file, not to be kept
        response.cache_control.no_cache = True
    return response
