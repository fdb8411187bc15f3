"""Smaller pages on slow connections: a partial plotly.js bundle loaded only by pages that draw plotly charts, AG
Grid only for signed-in coordinators, and Brotli or gzip for every text response.

Static files (component libraries, assets) are compressed once per process and encoding and kept, and fingerprinted
assets may be cached by browsers for a year; callback answers are compressed as they are sent. The full plotly.js
(4.8 MB) is replaced by the basic bundle in assets/vendor (scatter, bar and pie traces, all this app draws; 1.2 MB),
which the browser fetches when a page first shows a dcc.Graph (assets/plotly-on-demand.js): the overview draws its
chart as SVG on the server and needs none.
"""

from __future__ import annotations

import re

from dash import Dash, dcc
from flask import Request
from flask_compress import Compress

# Served from assets/ but not put in every page: loaded when needed (see assets/plotly-on-demand.js).
ASSETS_LOADED_ON_DEMAND = r"^plotly-basic-"  # a file name, as Dash matches it
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
MIMETYPES = [
    "text/html",
    "text/css",
    "text/csv",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "image/svg+xml",
]


class StaticOnlyCache:
    """flask-compress's cache, for static files only: a callback's answer depends on its body, not its path."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.data.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";"):
            self.data[key] = value


def _cache_key(request: Request) -> str:
    return request.full_path if request.path.startswith(STATIC_PREFIXES) else ""


def drop_full_plotly() -> None:
    """Stop Dash from sending the full plotly.js: the partial bundle in assets/vendor defines Plotly instead."""
    dcc._js_dist[:] = [d for d in dcc._js_dist if d.get("namespace") != "plotly"]  # noqa: SLF001


GRID_SCRIPTS = re.compile(r'<script src="[^"]*(?:/dash_ag_grid/dash_ag_grid\.|/assets/grid\.js)[^"]*"></script>\s*')
# Dash's table library, which no page of this app uses (tables are AG Grid or Mantine).
UNUSED_SCRIPTS = re.compile(r'<script src="[^"]*/dash/dash_table/bundle\.[^"]*"></script>\s*')


def lighter_index(app: Dash) -> None:
    """What the page's HTML asks the browser to fetch, trimmed: AG Grid (360 KB compressed) only for signed-in
    coordinators, since only their views have tables and signing in loads a new page (auth's form and redirect);
    no Dash table library; the logo (0.2 KB) as the icon rather than Dash's 15 KB favicon."""
    from dashboard import auth

    interpolate = app.interpolate_index

    def interpolate_index(**kwargs):
        scripts = UNUSED_SCRIPTS.sub("", kwargs["scripts"])
        if not auth.role_at_least("coordinator"):
            scripts = GRID_SCRIPTS.sub("", scripts)
        kwargs["scripts"] = scripts
        kwargs["favicon"] = f'<link rel="icon" type="image/svg+xml" href="{app.get_asset_url("logo.svg")}">'
        return interpolate(**kwargs)

    app.interpolate_index = interpolate_index


def init_app(app: Dash) -> None:
    app.server.config.update(
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_ALGORITHM_STREAMING=["br", "deflate"],
        COMPRESS_BR_LEVEL=5,
        COMPRESS_LEVEL=6,
        COMPRESS_MIN_SIZE=500,
        COMPRESS_MIMETYPES=MIMETYPES,
        COMPRESS_CACHE_BACKEND=StaticOnlyCache,
        COMPRESS_CACHE_KEY=_cache_key,
    )
    app.server.extensions["mmc_compress"] = Compress(app.server)
    lighter_index(app)

    @app.server.after_request
    def cache_fingerprinted_assets(response):  # runs before flask-compress's hook, registered earlier
        """Asset links carry their file's time (?m=...): a browser may keep them for a year, so a repeat visit
        downloads nothing but the page's data."""
        from flask import request

        if request.path.startswith("/assets/") and response.status_code == 200:
            if response.is_streamed:  # a file: read it, so that it is compressed once and kept (see _cache_key)
                response.direct_passthrough = False
                response.set_data(response.get_data())
            if "m" in request.args:
                response.cache_control.no_cache = None
                response.cache_control.public = True
                response.cache_control.max_age = 31_536_000
                response.cache_control.immutable = True
        return response
