"""Smaller pages on slow connections: a partial plotly.js bundle loaded only by pages that draw plotly charts, AG
Grid only for signed-in coordinators, the regenerator runtime instead of Babel's whole polyfill, and Brotli or gzip
for every text response.

Static files (component libraries, assets) are compressed once per process and encoding and kept (Brotli then made
again at its best quality in the background; see StaticOnlyCache), and fingerprinted
assets may be cached by browsers for a year; callback answers are compressed as they are sent. The full plotly.js
(4.8 MB) is replaced by the basic bundle in assets/vendor (scatter, bar and pie traces, all this app draws; 1.2 MB),
which the browser fetches when a page first shows a dcc.Graph (assets/plotly-on-demand.js): the overview draws its
chart as SVG on the server and needs none.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import re
import threading
from html import escape
from pathlib import Path
from urllib.parse import urlencode

import brotli
from dash import Dash, dcc
from flask import Request, request
from flask_compress import Compress

from dashboard import i18n
from dashboard.config import ROOT
from dashboard.server import runtime

log = logging.getLogger(__name__)
# Served from assets/ but not put in every page: loaded when needed (see assets/plotly-on-demand.js).
ASSETS_LOADED_ON_DEMAND = r"^plotly-basic-|^regenerator-runtime-|^dayjs-"  # a file name, as Dash matches it
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
    """flask-compress's cache, for static files only: a callback's answer depends on its body, not its path.

    A static file's Brotli is made at quality 5 while its first request waits, then again at quality 11 in the
    background (about 10% smaller: some 60 KB of a first visit; seconds of work a library, which brotli does outside
    Python's lock). The best versions are kept on disk (see _kept_as), so the other workers and later starts reuse them.
    """

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._best: set[str] = set()  # keys whose value is already the quality-11 one
        self._jobs: queue.Queue = queue.Queue()
        self._worker: threading.Thread | None = None

    def get(self, key: str) -> bytes | None:
        found = self.data.get(key)
        if found is None and key.startswith("br;") and FINGERPRINTED.search(key):  # another worker may have made it
            found = _read(_kept_as(key, b""))
            if found is not None:
                with self._lock:
                    self.data[key] = found
                    self._best.add(key)
        return found

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(";"):
            return
        with self._lock:
            if key in self._best:  # (flask-compress sets what it sent again: keep the better one)
                return
            first = key not in self.data
            self.data[key] = value
        if first and key.startswith("br;") and len(value) > IMPROVE_FROM:
            self._jobs.put((key, value))
            with self._lock:
                if self._worker is None:  # one per process, started by its first file
                    self._worker = threading.Thread(target=self._improve, name="brotli-11", daemon=True)
                    self._worker.start()

    def wait(self) -> None:
        """Until every file asked for so far has its best compression (for tests)."""
        self._jobs.join()

    def _improve(self) -> None:
        while True:
            key, value = self._jobs.get()
            try:
                raw = brotli.decompress(value)
                path = _kept_as(key, raw)
                best = _read(path)
                if best is None:
                    best = brotli.compress(raw, quality=11)
                    _keep(path, best)
                with self._lock:
                    if len(best) < len(self.data.get(key, value)):
                        self.data[key] = best
                    self._best.add(key)
            except Exception as exc:  # the quality-5 version stays: correct, a little larger
                log.warning("could not recompress %s: %s", key, exc)
            finally:
                self._jobs.task_done()


IMPROVE_FROM = 4096  # compressed bytes: smaller files gain too little to be worth it
# The app's own folder, not the shared temporary one: what is read from here is sent to browsers as script.
BEST_DIR = ROOT / "data" / "cache" / "brotli-11"


# Addresses that change with their file's content: Dash's component suites (.v<version>m<time>.) and assets (?m=).
FINGERPRINTED = re.compile(r"\.v\w+m\d+\.|[?&]m=")


def _kept_as(key: str, raw: bytes) -> Path:
    """Where a file's best compression is kept: by its address when that names its content (any process finds it
    from the address alone), else by its content."""
    name = key.encode() if FINGERPRINTED.search(key) else raw
    return BEST_DIR / (hashlib.sha256(name).hexdigest() + ".br")


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _keep(path: Path, data: bytes) -> None:
    try:
        BEST_DIR.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
        partial.write_bytes(data)
        partial.replace(path)  # whole or not at all, for a reader in another process
    except OSError as exc:
        log.info("could not keep %s: %s", path, exc)


def _cache_key(request: Request) -> str:
    return request.full_path if request.path.startswith(STATIC_PREFIXES) else ""


def drop_full_plotly() -> None:
    """Stop Dash from sending the full plotly.js: the partial bundle in assets/vendor defines Plotly instead."""
    dcc._js_dist[:] = [d for d in dcc._js_dist if d.get("namespace") != "plotly"]


# What a page's register_page says it draws with, and the scripts left out of its HTML otherwise; assets/navigate.js
# makes a move from a page without one of them to another page a full load:
# - `maps`: who sees a map on it ("everyone" or "coordinators"): dash-leaflet (91 KB compressed);
# - `mantine=True`: drawn with Mantine (the trends and the coordinators' pages; the others are plain HTML, web/
#   components/ui): dash-mantine-components (one script of 978 KB, 194 KB compressed, no parts), and the date
#   pickers' locales with it;
# - `grids=True`: AG Grid tables for coordinators (the trends' alerts, the coordinators' page, the data page);
# - `map_on_arrival=True`: its map is drawn as it arrives: its HTML asks for the map's files at once (preloads).
LEAFLET_SCRIPTS = re.compile(r'<script src="[^"]*/dash_leaflet/dash_leaflet\.[^"]*"></script>\s*')
MANTINE_SCRIPTS = re.compile(r'<script src="[^"]*/dash_mantine_components/dash_mantine_components\.[^"]*"></script>\s*')
# What Dash asks for once its scripts have run, and the map library's part a map asks for once drawn (preloads).
DASH_FIRST = ("_dash-layout", "_dash-dependencies")
# Dash pages' router's answer for a page, as a GET (web/document.py serves it; assets/firstpaint.js gives it to the
# router's first question): preloaded, the page arrives with the scripts, not a round trip after them, and a shared
# cache keeps it like the layout. Its arguments: the page's path and URL query, each at most so long; a page whose
# link is longer than a request line may be (gunicorn's 4,094 bytes) is not preloaded, and its router asks as before.
PAGE_ANSWER = "_dash-page"
LONGEST_PATH, LONGEST_QUERY = 200, 4000
LONGEST_PRELOAD = 3000
# What the page preloads is fetched after what its first paint needs (the style sheet, the pictures in it), and is
# not counted as holding the first paint back by Lighthouse's simulation.
LOW = 'fetchpriority="low"'
LEAFLET_GEOJSON = "_dash-component-suites/dash_leaflet/async-GeoJSON.js"


def shows_a_map(page: dict, coordinator: bool) -> bool:
    """Whether `page` (a dash.page_registry entry; {} for a path that is no page) shows this viewer a map."""
    maps = page.get("maps")
    return maps == "everyone" or (maps == "coordinators" and coordinator)


def preloads(app: Dash, page: dict, map_shown: bool) -> str:
    """What the browser should fetch while it reads the scripts, each otherwise asked for one round trip later: the
    app's layout, this page's answer (PAGE_ANSWER) and the callback plan (asked once Dash has started), and on a page
    whose map is drawn on arrival the map library's GeoJSON part (asked once the map is drawn) and the map's files
    (asked once the page's answer came)."""
    from dashboard.server import places

    prefix = app.config.requests_pathname_prefix
    layout, plan = (f'<link rel="preload" href="{prefix}{name}" as="fetch" crossorigin {LOW}>' for name in DASH_FIRST)
    links = [layout, _page_answer_preload(prefix), plan]
    arrives = map_shown and page.get("map_on_arrival")
    files = places.current_files(runtime.engine(), i18n.language()) if arrives else []
    if files:  # (no camps loaded: no map drawn yet)
        links.append(f'<link rel="preload" href="{prefix}{LEAFLET_GEOJSON}" as="script" {LOW}>')
        links += [f'<link rel="preload" href="{file}" as="fetch" crossorigin {LOW}>' for file in files]
    return "".join(links)


def _page_answer_preload(prefix: str) -> str:
    """The preload of this request's page's answer (marked for assets/firstpaint.js), or nothing for a link too long."""
    from dashboard.server import language

    query = request.query_string.decode("utf-8", "replace")
    asked = {"path": request.path, "query": query}
    if i18n.known(request.args.get(language.PARAMETER)):  # (the link's language, as the page's: not only its cookie)
        asked[language.PARAMETER] = request.args[language.PARAMETER]
    href = f"{prefix}{PAGE_ANSWER}?{urlencode(asked)}"
    if len(href) > LONGEST_PRELOAD:
        return ""
    return f'<link rel="preload" href="{escape(href)}" as="fetch" crossorigin {LOW} data-mmc-page>'


# What only signed-in coordinators' pages with tables use (register_page's `grids=True`: the trends' alerts, the
# coordinators' page, the data page): AG Grid (360 KB compressed) and its functions, and the data page's upload
# (whose watch for its drop zones would otherwise run on every change of every public page's map).
COORDINATOR_SCRIPTS = re.compile(
    r'<script src="[^"]*(?:/dash_ag_grid/dash_ag_grid\.|/assets/grid\.js|/assets/upload\.js)[^"]*"></script>\s*'
)
# Dash's table library, which no page of this app uses (tables are AG Grid or Mantine).
UNUSED_SCRIPTS = re.compile(r'<script src="[^"]*/dash/dash_table/bundle\.[^"]*"></script>\s*')
# Babel's polyfill of 2020 (core-js 2 and the regenerator runtime, 32 KB compressed), which Dash puts first: browsers
# since 2019 have all of core-js 2 built in, and what the bundles still need of it is the regenerator runtime (their
# async functions call the global regeneratorRuntime), 6 KB: assets/vendor, MIT.
POLYFILL = re.compile(r'<script src="[^"]*/deps/polyfill@[^"]*"></script>')
REGENERATOR = "vendor/regenerator-runtime-0.14.1.js"
# The date pickers' month and day names in Arabic (Iraq's) and Kurdish: dayjs and its locales (assets/vendor, MIT),
# sent only to a page in those languages (12 KB). For each language: the name its locale's file gives it on `window`,
# where dash-mantine-components' DatesProvider finds it (web/shell.mantine), and the files.
DAYJS = ("vendor/dayjs-1.11.23.min.js",)
DAYJS_LOCALES = {
    "ar": ("ar_iq", ("vendor/dayjs-1.11.23-locale-ar-iq.js",)),
    "ckb": ("ckb", ("vendor/dayjs-1.11.23-locale-ku.js", "vendor/dayjs-locale-ckb.js")),
}


# Dash's scripts are fetched at once (preloads in the head) but run only once the browser has shown the page as first
# sent (web/firstpaint.py): assets/start.js adds them in their order after its first contentful paint, and Dash starts
# when the last has run (the `mmc-scripts-run` event) instead of in its inline script at the page's end. Run as the
# page was parsed, they held the first paint back until they had all run, even on a fast connection: half a second
# of script on a phone, and Lighthouse's simulation of a slow one then waited for all of them (largest paint 4.3 s;
# 1.6 s when the first frame came first).
SCRIPT_SOURCES = re.compile(r'<script src="([^"]*)"></script>\s*')
STARTER = re.compile(r"/assets/start\.js(?:\?|$)")
LATER = "mmc/after-first-paint"  # (assets/start.js looks for this type)


def started_after_paint(renderer: str) -> str:
    """Dash's inline start (`var renderer = new DashRenderer(...)`), run when assets/start.js says its scripts ran."""
    started = renderer.replace("var renderer =", "window.renderer =", 1)
    return f'window.addEventListener("mmc-scripts-run", function () {{ {started} }});'


def after_first_paint(scripts: str) -> tuple[str, str]:
    """(the head's preloads of the page's scripts, the body's scripts): each of Dash's `<script src>` of a type the
    browser neither fetches nor runs (assets/start.js runs them), the inline ones as they were, and start.js last."""
    sources = SCRIPT_SOURCES.findall(scripts)
    starter = next((src for src in sources if STARTER.search(src)), None)
    if starter is None:  # (no assets: Dash's own way)
        return "", scripts
    sources.remove(starter)
    preloads = "".join(f'<link rel="preload" href="{src}" as="script" {LOW}>' for src in sources)

    def later(found: re.Match) -> str:
        src = found.group(1)
        return "" if src == starter else f'<script type="{LATER}" src="{src}"></script>'

    return preloads, SCRIPT_SOURCES.sub(later, scripts) + f'<script src="{starter}"></script>'


def lighter_index(app: Dash) -> None:
    """What the page's HTML asks the browser to fetch, trimmed: AG Grid (360 KB compressed) and the data page's upload
    only for signed-in coordinators on a page with tables; dash-leaflet only for a page that shows its viewer a map;
    Mantine (and the date pickers' month names) only for a page drawn with it; no Dash table library; the regenerator
    runtime in place of Babel's whole polyfill; the logo (0.2 KB) as the icon rather than Dash's 15 KB favicon. And
    what the page will ask for a round trip later (preloads)."""
    from dashboard.server import auth

    interpolate = app.interpolate_index
    app.renderer = started_after_paint(app.renderer)

    def interpolate_index(**kwargs):
        scripts = UNUSED_SCRIPTS.sub("", kwargs["scripts"])
        regenerator = f'<script src="{app.get_asset_url(REGENERATOR)}?m=0.14.1"></script>'
        scripts = POLYFILL.sub(lambda _m: regenerator, scripts, count=1)
        page = runtime.page_at(request.path) or {}  # (a path that is no page: the plain not-found page)
        coordinator = auth.role_at_least("coordinator")
        if not (coordinator and page.get("grids")):
            scripts = COORDINATOR_SCRIPTS.sub("", scripts)
        map_shown = shows_a_map(page, coordinator)
        if not map_shown:
            scripts = LEAFLET_SCRIPTS.sub("", scripts)
        if not page.get("mantine"):
            scripts = MANTINE_SCRIPTS.sub("", scripts)
        locale = DAYJS_LOCALES.get(i18n.language())
        if locale and page.get("mantine"):  # (before Dash's scripts: the pickers read the locale when first drawn)
            files = DAYJS + locale[1]
            scripts = "".join(f'<script src="{app.get_asset_url(f)}?m=1.11.23"></script>' for f in files) + scripts
        script_preloads, kwargs["scripts"] = after_first_paint(scripts)
        # (after the style sheet, which the first paint waits for)
        kwargs["css"] += script_preloads + preloads(app, page, map_shown)
        kwargs["favicon"] = f'<link rel="icon" type="image/svg+xml" href="{app.get_asset_url("logo.svg")}">'
        return interpolate(**kwargs)

    app.interpolate_index = interpolate_index  # type: ignore[method-assign,assignment]  # (Dash's documented hook)


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
