"""What maps draw that does not change with the filters, as files that browsers keep: every camp's place (ids,
positions, names in the reader's language) per data version and language, and the governorates' outlines per
boundary set. A map's answer then carries only what the filters change (which camps, their status and population,
each governorate's figures; see analytics.geo.camp_columns and web.components.maps.camp_map). Public: both are on
the public map anyway."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify

from dashboard import i18n
from dashboard.analytics import geo
from dashboard.data import queries
from dashboard.ingest import boundaries
from dashboard.server import runtime
from dashboard.services import figures

places = Blueprint("places", __name__)


def url(token: str, language: str) -> str:
    return f"/map/camps-{token}-{language}.json"


def kept_camps(engine, language: str) -> tuple:
    """The kept camp places' ids (in the file's order) and the file's address, with the camps' names in `language`:
    what a layer's columns refer to."""
    return figures.camp_places(engine)["camp_id"].to_numpy(), url(figures.data_token(engine), language)


def shapes_url(outlines: dict) -> str:
    return f"/map/governorates-{boundaries.token(outlines)}.json"


def current_files(engine, language: str) -> list[str]:
    """The addresses of the files a map draws now (the governorates' outlines, the camps' places in `language`), for
    a page's HTML to ask for them at once (server/compression.py); none before any camp is loaded."""
    if not queries.data_status(engine).camps:
        return []
    outlines = boundaries.current(engine, runtime.settings().boundaries_file or None)
    return [shapes_url(outlines), url(figures.data_token(engine), language)]


@places.get("/map/camps-<token>-<language>.json")
def camp_places(token: str, language: str):
    if language not in i18n.LANGUAGES:
        abort(404)
    engine = runtime.engine()
    named = figures.camp_places(engine).assign(name=figures.camp_names(engine, language).to_numpy())
    return _kept(jsonify(geo.camp_places(named)), token == figures.data_token(engine))


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
