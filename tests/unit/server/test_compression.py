"""Light pages: compressed responses, static files compressed once and cached by browsers, and the partial plotly.js."""

from __future__ import annotations

import brotli
import pytest

from dashboard.config import ROOT
from tests.helpers import add_coordinator, client_with_csrf, make_app, sign_in, tiny_dataset


@pytest.fixture
def client(sqlite_url):
    return make_app(sqlite_url, tiny_dataset()).server.test_client()


def _scripts(client, path: str = "/trends") -> list[str]:
    """The scripts the page at `path` runs: its own, and Dash's, which assets/start.js runs after the first paint."""
    import re

    page = client.get(path).get_data(as_text=True)
    return re.findall(r'<script (?:type="mmc/after-first-paint" )?src="([^"]+)"', page)


def test_component_libraries_are_sent_with_brotli_and_compressed_once(client):
    suite = next(s for s in _scripts(client) if "dash_mantine_components" in s)
    first = client.get(suite, headers={"Accept-Encoding": "br, gzip"})
    assert first.headers["Content-Encoding"] == "br"
    body = brotli.decompress(first.data)
    assert len(first.data) < len(body) / 3
    compress = client.application.extensions["mmc_compress"]
    assert any(key.startswith("br;") and "dash_mantine_components" in key for key in compress.cache.data)
    assert client.get(suite, headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"


def test_static_files_are_recompressed_at_brotlis_best_quality_in_the_background(client, tmp_path, monkeypatch):
    from dashboard.server import compression

    monkeypatch.setattr(compression, "BEST_DIR", tmp_path / "brotli")
    suite = next(s for s in _scripts(client) if "dash_mantine_components" in s)
    first = client.get(suite, headers={"Accept-Encoding": "br"}).data
    client.application.extensions["mmc_compress"].cache.wait()
    again = client.get(suite, headers={"Accept-Encoding": "br"}).data
    assert brotli.decompress(again) == brotli.decompress(first)
    assert len(again) < len(first) * 0.95  # quality 11 against the quality 5 made while the first request waited
    assert {p.suffix for p in (tmp_path / "brotli").iterdir()} == {".br"}  # kept on disk, whole
    assert client.get(suite, headers={"Accept-Encoding": "br"}).data == again  # and it stays
    # another worker (or a later start) sends the best version from its first request
    key = next(k for k in client.application.extensions["mmc_compress"].cache.data if "dash_mantine" in k)
    assert compression.StaticOnlyCache().get(key) == again
    assert compression.StaticOnlyCache().get(key.replace(".v2", ".v9")) is None  # another version: not this one


def test_fingerprinted_assets_are_kept_by_browsers_for_a_year(client):
    asset = next(s for s in _scripts(client) if "/assets/map.js" in s)
    assert client.get(asset).headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # plotly.js, fetched by name and version when a page first draws a plotly chart
    bundle = client.get(f"/assets/vendor/{_vendored()[0]}?m=1", headers={"Accept-Encoding": "br"})
    assert bundle.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert bundle.headers["Content-Encoding"] == "br"
    assert int(bundle.headers["Content-Length"]) < 400_000
    assert b"Plotly" in brotli.decompress(bundle.data)[:2000]
    assert "no-cache" in (client.get("/assets/logo.svg").headers.get("Cache-Control") or "no-cache")


def test_callback_answers_are_compressed_but_never_cached_by_path(client):
    from bench.__main__ import page_callback_body

    response = client.post(
        "/_dash-update-component",
        json=page_callback_body("/", "?start=2017-01-30&end=2017-02-05"),
        headers={"Accept-Encoding": "br"},
    )
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert b"Consultations" in brotli.decompress(response.data)
    assert not any("_dash-update-component" in key for key in client.application.extensions["mmc_compress"].cache.data)


def test_the_vendored_bundle_matches_the_plotly_package():

    from plotly.offline import get_plotlyjs_version

    vendored = sorted(p.name for p in (ROOT / "assets" / "vendor").glob("plotly-*.js"))
    assert vendored == [f"plotly-basic-{get_plotlyjs_version()}.min.js"], "run scripts/build_plotly_bundle.sh"
    loader = (ROOT / "assets" / "plotly-on-demand.js").read_text()
    assert f"vendor/{vendored[0]}?m={get_plotlyjs_version()}" in loader  # what dcc.Graph fetches when it first draws


def test_pages_ask_for_no_charting_library_no_table_library_and_a_small_icon(client):
    """plotly.js comes when a page first draws a plotly chart (assets/plotly-on-demand.js), not with the page; never
    the full bundle."""
    html = client.get("/").get_data(as_text=True)
    scripts = _scripts(client)
    assert any("/assets/plotly-on-demand.js" in s for s in scripts)
    assert not any("plotly-basic" in s or "package_data/plotly.min.js" in s or "/dash_table/" in s for s in scripts)
    assert '<link rel="icon" type="image/svg+xml" href="/assets/logo.svg' in html
    assert "_favicon.ico" not in html


def test_pages_load_the_regenerator_runtime_first_instead_of_babels_whole_polyfill(client):
    scripts = _scripts(client)
    assert not any("/deps/polyfill@" in s for s in scripts)
    assert "/assets/vendor/regenerator-runtime-0.14.1.js" in scripts[0]  # before React and the bundles that use it
    assert sum("regenerator-runtime" in s for s in scripts) == 1  # (not a second time among the assets)
    runtime = client.get(scripts[0])
    assert runtime.status_code == 200
    assert b"regeneratorRuntime = runtime" in runtime.data


def _vendored() -> list[str]:

    return [p.name for p in (ROOT / "assets" / "vendor").glob("plotly-*.js")]


def test_ag_grid_is_sent_to_signed_in_coordinators_only(sqlite_url):

    app = make_app(sqlite_url, tiny_dataset())
    add_coordinator(app.server.config["MMC_ENGINE"])
    client = client_with_csrf(app)
    for path in ("/", "/trends", "/coordinator"):
        scripts = _scripts(client, path)
        assert not any("dash_ag_grid" in s or "/assets/grid.js" in s or "/assets/upload.js" in s for s in scripts), path
    sign_in(client, "carol")
    for path in ("/trends", "/coordinator", "/coordinator/data"):
        scripts = _scripts(client, path)
        assert any("/dash_ag_grid/dash_ag_grid." in s for s in scripts)
        assert any("/assets/grid.js" in s for s in scripts)
        assert any("/assets/upload.js" in s for s in scripts)
    for path in ("/", "/briefing"):  # (a coordinator's pages without tables)
        assert not any("dash_ag_grid" in s for s in _scripts(client, path)), path


def test_dash_leaflet_is_sent_only_to_a_page_that_shows_its_viewer_a_map(sqlite_url):
    app = make_app(sqlite_url, tiny_dataset())
    add_coordinator(app.server.config["MMC_ENGINE"])
    client = client_with_csrf(app)

    def leaflet(path):
        return any("/dash_leaflet/dash_leaflet." in s for s in _scripts(client, path))

    # the public: the overview's and the briefing's maps; /trends has none for them, nor has a page not found
    assert [leaflet(p) for p in ("/", "/briefing", "/trends", "/trends/", "/no-such-page")] == [
        True,
        True,
        False,
        False,
        False,
    ]
    assert all("/assets/navigate.js" in " ".join(_scripts(client, p)) for p in ("/", "/trends"))
    sign_in(client, "carol")
    assert [leaflet(p) for p in ("/trends", "/coordinator", "/coordinator/data")] == [True, True, False]


def test_mantine_is_sent_only_to_a_page_drawn_with_it(sqlite_url):
    """The pages the public sees first (the overview, the briefing) are plain HTML: their first visit is 194 KB
    lighter. The trends and the coordinators' pages are drawn with Mantine, with the date pickers' month names."""
    app = make_app(sqlite_url, tiny_dataset())
    add_coordinator(app.server.config["MMC_ENGINE"])
    client = client_with_csrf(app)

    def mantine(path):
        scripts = _scripts(client, path)
        sent = any("/dash_mantine_components/dash_mantine_components." in s for s in scripts)
        assert sent == any("/vendor/dayjs" in s for s in scripts), path  # (the locales go with Mantine)
        return sent

    client.get("/?lang=ar")  # (in Arabic: the pickers' month names are Arabic ones, sent with Mantine only)
    paths = ("/", "/briefing", "/formats", "/no-such-page", "/trends", "/trends/")
    assert [mantine(p) for p in paths] == [False, False, False, False, True, True]
    sign_in(client, "carol")
    assert [mantine(p) for p in ("/", "/coordinator", "/coordinator/data")] == [False, True, True]


def test_a_page_asks_at_once_for_what_it_would_ask_for_a_round_trip_later(sqlite_url):
    """Dash asks for its layout and callback plan only once its scripts have run, its router for the page a round trip
    later, and the overview's map for its library's GeoJSON part and its files only once the page is drawn: the HTML
    names them all, so that the browser fetches them while it reads the scripts (a slow connection's round trips: 150
    ms each)."""
    import re

    def preloaded(client, path):
        """What the page preloads beside its own scripts (which every page preloads: test_scripts_wait_for_...)."""
        page = client.get(path).get_data(as_text=True)
        scripts = _scripts(client, path)
        return [href for href in re.findall(r'<link rel="preload" href="([^"]+)"', page) if href not in scripts]

    app = make_app(sqlite_url, tiny_dataset())
    client = app.server.test_client()
    overview = preloaded(client, "/")
    assert overview[:4] == [
        "/_dash-layout",
        "/_dash-page?path=%2F&amp;query=",  # (the router's answer for the page: web/document.py)
        "/_dash-dependencies",
        "/_dash-component-suites/dash_leaflet/async-GeoJSON.js",
    ]
    assert [re.sub(r"-[0-9a-f]{16}", "-<token>", f) for f in overview[4:]] == [
        "/map/governorates-<token>.json",
        "/map/camps-<token>-en.json",
    ]
    for file in overview[4:]:  # the files the map draws now
        assert client.get(file).status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    assert preloaded(client, "/?lang=ar")[-1].endswith("-ar.json")  # (the camps' names in the reader's language)
    trends = ["/_dash-layout", "/_dash-page?path=%2Ftrends&amp;query=", "/_dash-dependencies"]
    assert preloaded(client, "/trends") == trends  # (no map for the public there)
    empty = make_app(sqlite_url.replace(".db", "-empty.db")).server.test_client()
    assert preloaded(empty, "/")[::2] == ["/_dash-layout", "/_dash-dependencies"]  # (no camps yet: no map drawn)


def test_scripts_wait_for_the_first_paint_and_are_fetched_meanwhile(client):
    """Dash's scripts are listed in a type the browser does not run, in their order, and run by assets/start.js once
    the page as first sent is on the screen; the head preloads each of them at a low priority (after the style
    sheet), and Dash starts when they have run, not in its inline script."""
    import re

    page = client.get("/").get_data(as_text=True)
    waiting = re.findall(r'<script type="mmc/after-first-paint" src="([^"]+)"', page)
    preloaded = re.findall(r'<link rel="preload" href="([^"]+)" as="script" fetchpriority="low">', page)
    assert waiting
    assert preloaded[: len(waiting)] == waiting
    assert any("dash_renderer" in s for s in waiting)
    assert any("/assets/map.js" in s for s in waiting)
    assert page.index("dash_renderer") > page.index("/deps/react@")  # (in Dash's order)
    assert re.findall(r'<script src="([^"]+)"', page) == [
        next(s for s in re.findall(r'src="(/assets/start\.js[^"]*)"', page))
    ]
    assert page.index('rel="stylesheet"') < page.index('rel="preload"')
    assert page.count('rel="preload"') == page.count('fetchpriority="low"')
    assert 'window.addEventListener("mmc-scripts-run", function () { window.renderer = new DashRenderer(' in page
