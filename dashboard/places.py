"""Every camp's fixed map data (ids, positions, names) as one file per data version, which browsers keep: a map's
answer then carries only what changes with the filters (which camps, their status and population; see
analytics.camp_columns). Public: camps and their approximate positions are on the public map anyway."""

from __future__ import annotations

from flask import Blueprint, jsonify

from dashboard import analytics, reports, runtime

places = Blueprint("places", __name__)


def url(token: str) -> str:
    return f"/map/camps-{token}.json"


@places.get("/map/camps-<token>.json")
def camp_places(token: str):
    engine = runtime.engine()
    response = jsonify(analytics.camp_places(reports.camp_places(engine)))
    if token == reports.data_token(engine):  # this version's file never changes: keep it
        response.cache_control.public = True
        response.cache_control.max_age = 31_536_000
        response.cache_control.immutable = True
    else:  # data was loaded since the page asked: the current file, not to be kept
        response.cache_control.no_cache = True
    return response
