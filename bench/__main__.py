"""The benchmark: python -m bench [--small] [--databases sqlite,postgresql] [--skip browser,load,import]

Measures what issue #8 budgets, on this machine, and writes bench/RESULTS.md (or bench/work/RESULTS-small.md with
--small, the quick run CI does):
- filter-change latency: random filter sets (period, governorates, syndrome) sent through the Flask test client to the
  real page callback of each page, p50 and p95, on SQLite and PostgreSQL, at 1 and 10 million records;
- page weight of `/` (first and repeat visit, from the Resource Timing API in headless Chromium) and the time until
  map and chart are drawn with the network throttled to 150 ms and 1.6 Mbit/s and the CPU slowed 4x (DevTools);
- concurrency: viewers with 2 to 5 s between actions against gunicorn with 2 workers, on loopback;
- import throughput of a million record rows.
Datasets are built once with the demo generator and kept in bench/work/ (SQLite) or bench_* databases (PostgreSQL).
Nothing here is a test: a run fails only when something errors, or (with --small) when a figure is five times its
figure in bench/baseline-small.json (`--small --write-baseline` renews it), which no noisy machine explains.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PAGES = ("/", "/trends", "/coordinator", "/briefing")
GOVERNORATES = ("IQ-AN", "IQ-BG", "IQ-KI", "IQ-DI", "IQ-AR", "IQ-DA", "IQ-SU")
SYNDROMES = ("ari", "awd", "bloody_diarrhoea", "suspected_measles", "scabies", "injury", None, None, None)
BUDGETS = {
    "filter_p95_ms": 50,
    "first_visit_kb": 800,
    "repeat_visit_kb": 50,
    "drawn_throttled_s": 6,
    "concurrent_p95_ms": 200,
    "camp_layer_kb": 100,
    "import_1m_s": 60,
    "refused_p95_ms": 100,
    "api_trends_p95_ms": 25,  # issue #22
}
# (label, demo arguments): about 1 and 10 million records with 10,000 camps and 1,000 units; --small: the programme
SIZES = {
    "1M": dict(scale="large", start=dt.date(2018, 8, 27), end=dt.date(2018, 12, 31)),
    "10M": dict(scale="large", start=dt.date(2015, 7, 1), end=dt.date(2018, 12, 31)),
    "small": dict(scale="programme", start=dt.date(2018, 7, 1), end=dt.date(2018, 12, 31)),
    "demo": dict(scale="programme"),  # the whole demo, 2016 to 2018: what the public view's protection costs
}
PUBLIC_PAGES = ("/", "/trends")
# Each page's first visit (bytes transferred, cold cache) may not grow past its budget: the small run (CI) fails when
# one does. Set at the sizes measured (`/` 525 KB on 2026-11-30; `/trends` 522 KB on 2026-12-01, its public charts
# drawn on the server) plus about a tenth; issue #22 brings them down to 350 and 500 KB.
PAGE_BUDGETS_KB = {"/": 350, "/trends": 500, "/login": 10}  # (/login: a plain form, 3 KB; the issue asks <= 100)
PAGE_READY = {"/trends": "img.mmc-chart-image[id*=comparison]", "/login": "#login-username"}  # (`/`: map, chart)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


# -- datasets --------------------------------------------------------------------------------------------------------


def database_url(kind: str, size: str) -> str:
    name = f"bench_{size.lower()}"
    if kind == "sqlite":
        return f"sqlite:///{WORK / (name + '.db')}"
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def ensure_dataset(kind: str, size: str) -> tuple[str, int]:
    """A database holding the demo data of `size`, built once; returns its URL and record count."""
    from sqlalchemy import text

    from dashboard.data import loading, queries, schema
    from dashboard.ingest import demo

    url = database_url(kind, size)
    label = f"demo {size}"
    if kind == "postgresql":
        admin = schema.make_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.rsplit("/", 1)[1]})
            if exists.first() is None:
                conn.execute(text(f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"'))
        admin.dispose()
    WORK.mkdir(parents=True, exist_ok=True)
    engine = schema.make_engine(url)
    schema.upgrade(engine)
    queries.ensure_reference(engine)
    with engine.connect() as conn:
        done = conn.execute(text("SELECT count(*) FROM import_batches WHERE source LIKE :s"), {"s": f"{label}%"})
        ready = done.scalar_one() > 0
    if not ready:
        log(f"building the {size} dataset on {kind} (once)...")
        started = time.monotonic()
        dataset = demo.generate(**SIZES[size])
        queries.load_dataset(engine, dataset, created_by="bench")
        with engine.begin() as conn:
            conn.execute(text("UPDATE import_batches SET source = :s WHERE is_demo"), {"s": f"{label} {SIZES[size]}"})
        log(f"  built in {time.monotonic() - started:.0f} s")
    records = loading.count_rows(engine)["records"]
    engine.dispose()
    return url, records


# -- filter-change latency -------------------------------------------------------------------------------------------


def random_query(rng: random.Random, first: dt.date, last: dt.date) -> str:
    weeks = rng.choice([4, 12, 26, 52, rng.randint(1, 104)])
    end = first + dt.timedelta(days=rng.randint(0, (last - first).days))
    start = max(first, end - dt.timedelta(days=7 * weeks - 1))
    parts = [f"start={start}", f"end={end}"]
    parts += [f"governorate={g}" for g in rng.sample(GOVERNORATES, rng.choice([0, 0, 1, 2, 3]))]
    syndrome = rng.choice(SYNDROMES)
    if syndrome:
        parts.append(f"syndrome={syndrome}")
    return "?" + "&".join(parts)


def page_callback_body(pathname: str, search: str) -> dict:
    """What the browser posts when a filter change navigates: Dash pages' router callback."""
    return {
        "output": "..{}.children...{}.data..".format("_pages_content", "_pages_store"),
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.search"],
        "state": [],
    }


def filter_latency(url: str, samples: int, seed: int = 8) -> dict:
    """p50 and p95 (ms) of the page callback for each page over `samples` random filter sets, then again cached."""
    sys.path.insert(0, str(ROOT))
    from app import create_app
    from dashboard.config import Settings
    from dashboard.data import queries, users
    from dashboard.server import auth
    from dashboard.services import cache, figures

    cache.clear()
    # one address asks thousands of times a minute: a budget far above that (the limiter still counts every request)
    app = create_app(
        Settings.from_env(database_url=url, secret_key="bench", load_demo=False, rate_limit="1000000 per minute")
    )
    engine = app.server.config["MMC_ENGINE"]
    account = users.user_by_name(engine, "bench") or users.add_user(
        engine, "bench", auth.hash_password("bench-password-1"), "coordinator"
    )
    status = queries.data_status(engine)
    client = app.server.test_client()
    with client.session_transaction() as session:
        session["csrf"] = "bench"
    signed_in = client.post(
        "/auth/login", data={"username": account.username, "password": "bench-password-1", "csrf_token": "bench"}
    )
    if signed_in.status_code != 303 or "error" in signed_in.headers.get("Location", ""):
        raise RuntimeError("the benchmark's coordinator could not sign in")
    client.get("/")  # the first request sets Dash up
    warm = read_columns(engine)
    settings = app.server.config["MMC_SETTINGS"]
    started = time.perf_counter()
    figures.warm_alerts(engine, figures.alert_rules(settings), settings.first_day)
    warm["alerts"] = time.perf_counter() - started
    log(f"  alerts of every week, camp and syndrome found (as on the first request for alerts): {warm['alerts']:.1f} s")
    started = time.perf_counter()
    figures.plan_index(engine, settings.first_day)
    warm["plan"] = time.perf_counter() - started
    log(f"  every planned visit matched with every visit (as on the first request for the plan): {warm['plan']:.1f} s")
    rng = random.Random(seed)
    links = [random_query(rng, status.first_date, status.last_date) for _ in range(samples)]
    out = {}
    for page in PAGES:
        views = [_filter_change(client, page, query) for query in links]
        latest = links[-max(5, samples // 10) :]  # the latest: still in the cache, whatever its size
        cached = [_filter_change(client, page, query) for query in latest]
        slowest = [max(v.values()) for v in views]
        wholes = [sum(v.values()) for v in views]
        by_part = {name: [v[name] for v in views if name in v] for name in views[0]}
        out[page] = {
            "p50": statistics.median(slowest),
            "p95": percentile(slowest, 95),
            "cached_p95": percentile([max(v.values()) for v in cached], 95),
            "frame_p95": percentile(by_part["frame"], 95),
            "whole_p95": percentile(wholes, 95),
            "callbacks": len(by_part),
            "parts_p95": {name: percentile(times, 95) for name, times in by_part.items()},
        }
        fig = out[page]
        log(
            f"  {page}: slowest callback p50 {fig['p50']:.0f} ms, p95 {fig['p95']:.0f} ms, cached p95 "
            f"{fig['cached_p95']:.0f} ms; frame p95 {fig['frame_p95']:.0f} ms, all {fig['callbacks']} callbacks one "
            f"after another p95 {fig['whole_p95']:.0f} ms"
        )
        if fig["callbacks"] > 1:
            log("    " + ", ".join(f"{n} {t:.0f}" for n, t in sorted(fig["parts_p95"].items(), key=lambda x: -x[1])))
    public = app.server.test_client()  # the same filter changes as the public, who get the protected figures
    for page in PUBLIC_PAGES:
        views = [_filter_change(public, page, query) for query in links]
        slowest = [max(v.values()) for v in views]
        out[f"{page} (public)"] = {
            "p50": statistics.median(slowest),
            "p95": percentile(slowest, 95),
            "cached_p95": percentile([max(_filter_change(public, page, q).values()) for q in latest], 95),
            "whole_p95": percentile([sum(v.values()) for v in views], 95),
            "callbacks": len(views[0]),
        }
        log(f"  {page} as the public: slowest callback p95 {out[f'{page} (public)']['p95']:.0f} ms")
    # filter changes asked of the API, as a donor's dashboard does: other filter sets than the pages' (whose figures
    # the results cache now holds), each asked once (not kept)
    other = random.Random(seed + 1)
    asked = [random_query(other, status.first_date, status.last_date) for _ in range(samples)]
    api = [_api_trends(public, query.lstrip("?"), 200) for query in asked]
    log(f"  /api/v1/trends as the public: p50 {statistics.median(api):.1f} ms, p95 {percentile(api, 95):.1f} ms")
    far = ("start=0001-01-01&end=9999-12-31", "start=1900-01-01&freq=month", "end=9999-12-31")
    refused = [_api_trends(public, query, 400) for query in far for _ in range(10)]
    log(f"  far periods refused: p95 {percentile(refused, 95):.1f} ms")
    camp_kb = camp_layer_kb(client, f"?start={status.last_date - dt.timedelta(days=27)}&end={status.last_date}")
    engine.dispose()
    return {
        "pages": out,
        "camp_layer_kb": camp_kb,
        "columns_s": warm,
        "refused_p95": percentile(refused, 95),
        "api_trends": {"p50": statistics.median(api), "p95": percentile(api, 95)},
    }


def _api_trends(client, query: str, status: int) -> float:
    """Milliseconds for /api/v1/trends to answer `query`, which must answer `status`."""
    started = time.perf_counter()
    answer = client.get(f"/api/v1/trends?{query}")
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code != status:
        raise RuntimeError(f"/api/v1/trends?{query}: HTTP {answer.status_code}, not {status}")
    return elapsed


def protection_cost(url: str, samples: int, seed: int = 9) -> dict:
    """How far the public's figures are from the exact ones (README, "Who sees what"): for random filter sets made
    whole weeks, the public consultations (total, each governorate's, each governorate's week) against the exact."""
    from urllib.parse import parse_qs

    from dashboard.data import queries, schema
    from dashboard.domain import policy
    from dashboard.domain.filters import parse_filters
    from dashboard.services import cache, figures

    cache.clear()
    engine = schema.make_engine(url)
    status = queries.data_status(engine)
    public, exact = policy.Audience(5), policy.Audience(None)
    rng = random.Random(seed)
    kinds: dict[str, list[tuple[int, int]]] = {"total": [], "governorate": [], "governorate-week": []}
    for _ in range(samples):
        query = parse_qs(random_query(rng, status.first_date, status.last_date)[1:])
        f = policy.public_filters(parse_filters(query, status.first_date, status.last_date), public)
        shown, true = figures.summary(engine, f, public), figures.summary(engine, f, exact)
        kinds["total"].append((true["totals"]["consultations"], shown["totals"]["consultations"]))
        by = {g["governorate"]: g["consultations"] for g in shown["governorates"]}
        kinds["governorate"] += [(g["consultations"], by.get(g["governorate"], 0)) for g in true["governorates"]]
        weekly_true, weekly_shown = figures.trends(engine, f, exact), figures.trends(engine, f, public)
        merged = weekly_true.merge(weekly_shown, on=["period", "governorate"], how="outer").fillna(0)
        kinds["governorate-week"] += list(
            zip(merged["consultations_x"].astype(int), merged["consultations_y"].astype(int), strict=True)
        )
    out = {}
    for kind, pairs in kinds.items():
        large = [abs(s - t) / t for t, s in pairs if t >= 100]
        small = [abs(s - t) for t, s in pairs if t < 100]
        short = [(t, s) for t, s in pairs if s < 0.9 * t and t >= 20]
        out[kind] = {
            "n": len(pairs),
            "equal": sum(t == s for t, s in pairs) / len(pairs) if pairs else 0,
            "p95_rel": percentile(large, 95) if large else 0,
            "worst_rel": max(large, default=0),
            "worst_small_abs": max(small, default=0),
            "short": len(short),
            "worst_short": min(short, key=lambda p: p[1] / p[0], default=None),
        }
    engine.dispose()
    return out


def _filter_change(client, page: str, query: str) -> dict[str, float]:
    """The time (ms) of each callback a filter change makes: the page's frame (Dash pages' router), then each of
    the frame's parts (dashboard/web/parts.py), which the browser asks for together once the frame has arrived."""
    from dashboard.web import parts

    started = time.perf_counter()
    response = client.post("/_dash-update-component", json=page_callback_body(page, query))
    times = {"frame": (time.perf_counter() - started) * 1000}
    if response.status_code != 200:
        raise RuntimeError(f"{page}{query}: HTTP {response.status_code}")
    frame = response.get_json()["response"]["_pages_content"]["children"]
    answers = [frame]
    for name in parts.names_in(frame):
        started = time.perf_counter()
        answer = client.post("/_dash-update-component", json=parts.request_body(name, query))
        times[name] = (time.perf_counter() - started) * 1000
        if answer.status_code != 200:
            raise RuntimeError(f"{page}{query} part {name}: HTTP {answer.status_code}")
        answers.append(answer.get_json())
    for grid in _infinite_grids(answers):  # a grid that asks for its first block of rows, as the parts come
        started = time.perf_counter()
        rows = client.post("/_dash-update-component", json=_first_rows_body(grid, query))
        times[f"{grid} rows"] = (time.perf_counter() - started) * 1000
        if rows.status_code != 200:
            raise RuntimeError(f"{page}{query} {grid} rows: HTTP {rows.status_code}")
    return times


def _infinite_grids(node) -> list[str]:
    """The ids of the AG Grids in an answer whose rows come from the server a block at a time."""
    if isinstance(node, list):
        return [g for child in node for g in _infinite_grids(child)]
    if not isinstance(node, dict):
        return []
    props = node.get("props") or {}
    found = [props["id"]] if props.get("rowModelType") == "infinite" else []
    return found + [g for value in node.values() for g in _infinite_grids(value)]


def _first_rows_body(grid: str, search: str) -> dict:
    request = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}
    return {
        "output": f"{grid}.getRowsResponse",
        "outputs": {"id": grid, "property": "getRowsResponse"},
        "inputs": [{"id": grid, "property": "getRowsRequest", "value": request}],
        "state": [{"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": [f"{grid}.getRowsRequest"],
    }


def read_columns(engine) -> dict:
    """Read the in-memory totals (data.columns) as a server does after each data load, and how long it took: the
    visits on the first question, each visit's syndromes in the background right after."""
    from dashboard.data import columns, version

    started = time.perf_counter()
    cols = columns.of(engine, version.data_version(engine))
    visits = time.perf_counter() - started
    if cols is None:
        return {}
    started = time.perf_counter()
    cols.by_syndrome()
    syndromes = time.perf_counter() - started
    log(f"  in-memory totals read: visits {visits:.1f} s, then their syndromes {syndromes:.1f} s")
    return {"visits": visits, "syndromes": syndromes}


def camp_layer_kb(client, query: str) -> float:
    """The overview's camp layer as a first visit gets it, gzip-compressed (KB): the camps' places (a file kept by
    the browser until data is loaded again) and the answer's columns (which camps, status, population)."""
    from dashboard.web import ids

    body = client.post("/_dash-update-component", json=page_callback_body("/", query)).get_json()

    def find(node):
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == ids.camp_columns(ids.CAMP_LAYER):
                return node["props"]
            for value in node.values():
                hit = find(value)
                if hit is not None:
                    return hit
        elif isinstance(node, list):
            for value in node:
                hit = find(value)
                if hit is not None:
                    return hit
        return None

    layer = find(body) or {}
    places = client.get(layer["data"]["places"]).get_data() if layer.get("data") else b""
    return (len(gzip.compress(json.dumps(layer, separators=(",", ":")).encode())) + len(gzip.compress(places))) / 1024


# -- a real server ---------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with 2 workers on loopback, on the database at `url`."""

    def __init__(self, url: str):
        self.port = free_port()
        # The viewers all come from this machine's address: a budget per address far above what they ask.
        env = dict(os.environ, DATABASE_URL=url, LOAD_DEMO="false", SECRET_KEY="bench", RATE_LIMIT="1000000 per minute")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "2",
                "--threads",
                "4",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "120",
                "--keep-alive",  # longer than a viewer's pause (2 to 5 s), as the README's production command
                "30",
                "app:server",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        import requests

        for _ in range(120):
            try:
                if requests.get(self.base + "/_dash-layout", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        else:
            raise RuntimeError("gunicorn did not start")
        for _ in range(6):  # each worker builds its app on its first request (which worker answers is not ours)
            requests.get(self.base + "/", timeout=60)
            requests.post(self.base + "/_dash-update-component", json=page_callback_body("/", ""), timeout=60)
        self.ready_s = self._wait_until_ready(requests)

    def _wait_until_ready(self, requests) -> float:
        """Wait until the workers answer from memory, as a load balancer's readiness check does (/api/v1/health),
        and return how long that took: the viewers are measured against a server that is up, not one starting."""
        started, ready_in_a_row = time.monotonic(), 0
        while ready_in_a_row < 12:  # new connections each time, so that both workers are asked
            if time.monotonic() - started > 300:
                raise RuntimeError("the server's workers did not become ready in 5 minutes")
            ok = requests.get(self.base + "/api/v1/health", timeout=60).status_code == 200
            ready_in_a_row = ready_in_a_row + 1 if ok else 0
            time.sleep(0.05 if ok else 0.25)
        return time.monotonic() - started

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


# -- the browser -----------------------------------------------------------------------------------------------------

DRAWN = """
const map = document.querySelector('#overview-map .leaflet-overlay-pane path');
const chart = document.querySelector('img#overview-chart');
if (chart && !(chart.complete && chart.naturalWidth > 0)) return null;
return map && chart ? performance.now() : null;
"""
TRANSFERRED = """
const entries = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'));
return entries.reduce((sum, e) => sum + (e.transferSize || 0), 0);
"""


def _driver():
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1366,900"):
        options.add_argument(arg)
    return webdriver.Chrome(options=options)


def _wait_drawn(driver, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        drawn = driver.execute_script(DRAWN)
        if drawn:
            return drawn / 1000
        time.sleep(0.1)
    parts = driver.execute_script(
        "return [!!document.querySelector('#overview-map .leaflet-overlay-pane path'),"
        " !!document.querySelector('img#overview-chart'), document.body.innerText.slice(0, 300)]"
    )
    errors = [e["message"][:200] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    raise RuntimeError(
        f"map and chart not drawn in {timeout:.0f} s (map {parts[0]}, chart {parts[1]}): {parts[2]!r} console: {errors}"
    )


def _first_draw(driver, url: str) -> None:
    """Load `url` until map and chart are drawn: a cold worker or browser may need a second try."""
    for attempt in range(3):
        driver.get(url)
        try:
            _wait_drawn(driver, 60)
            return
        except RuntimeError as exc:
            if attempt == 2:
                raise
            log(f"  {exc}; loading the page again")


RESOURCES = """
const entries = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'));
return entries.map(e => [e.name, e.transferSize || 0]);
"""
# What a first visit's bytes are, by the first pattern a resource's address matches (the issue asks what each bundle
# costs before any is cut).
PARTS = [
    ("Mantine (dash-mantine-components)", "/dash_mantine_components/"),
    ("dash-leaflet", "/dash_leaflet/"),
    ("Dash core components", "/dash/dcc/"),
    ("React and its polyfills", "/dash/deps/"),
    ("dash-renderer", "/dash-renderer/"),
    ("Dash HTML components", "/dash/html/"),
    ("AG Grid", "/dash_ag_grid/"),
    ("React and its polyfills", "/assets/vendor/regenerator-"),
    ("plotly.js (basic bundle)", "/assets/vendor/plotly-"),
    ("the app's own scripts and style", "/assets/"),
    ("the map's layers", "/map/"),
    ("the page's answers (callbacks)", "/_dash-update-component"),
    ("the page's answers (callbacks)", "/_dash-page"),
    ("layout and callback plan", "/_dash-"),
]


# Every layout shift not caused by the visitor, summed (an upper bound of the page's CLS, which takes the worst window
# of them), recorded from the document's start.
SHIFTS = """
window.mmcShifts = 0;
new PerformanceObserver(list => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.mmcShifts += e.value;
}).observe({type: 'layout-shift', buffered: true});
"""


def _by_part(resources: list) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, size in resources:
        part = next((label for label, pattern in PARTS if pattern in name), "the page and the rest")
        out[part] = out.get(part, 0.0) + size / 1024
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def first_visits(base: str) -> dict[str, float]:
    """KB transferred by a first visit (a browser with an empty cache) of each page of PAGE_BUDGETS_KB; and, under
    "/ by part", what the first visit of `/` spent on each library."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    out: dict = {}
    parts: dict[str, dict[str, float]] = {}
    shifts: dict[str, float] = {}
    for path in PAGE_BUDGETS_KB:
        driver = _driver()
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": SHIFTS})
        try:
            if path == "/":
                _first_draw(driver, base + path)
            else:
                driver.get(base + path)
                located = expected_conditions.presence_of_element_located((By.CSS_SELECTOR, PAGE_READY[path]))
                WebDriverWait(driver, 60).until(located)
            time.sleep(1.5)  # what a page asks for once drawn (plotly on demand, the parts' late answers)
            out[path] = driver.execute_script(TRANSFERRED) / 1024
            shifts[f"{path} layout shift"] = driver.execute_script("return window.mmcShifts || 0")
            if path == "/":
                parts[path] = _by_part(driver.execute_script(RESOURCES))
        finally:
            driver.quit()
    return {**out, **{f"{path} by part": by for path, by in parts.items()}, **shifts}


def over_budget(pages_kb: dict[str, float]) -> list[str]:
    return [
        f"first visit of {path}: {kb:.0f} KB, budget {PAGE_BUDGETS_KB[path]} KB"
        for path, kb in pages_kb.items()
        if path in PAGE_BUDGETS_KB and kb > PAGE_BUDGETS_KB[path]
    ]


def page_weight(base: str) -> dict:
    """Bytes transferred for the first and a repeat visit of `/`, and seconds to map and chart when throttled."""
    warm = _driver()  # a first browser start and each worker's first page are not what a visitor waits for
    try:
        _first_draw(warm, base + "/")
    finally:
        warm.quit()
    driver = _driver()
    try:
        _first_draw(driver, base + "/")
        time.sleep(1)
        first = driver.execute_script(TRANSFERRED)
        driver.get(base + "/")
        _wait_drawn(driver, 60)
        time.sleep(1)
        repeat = driver.execute_script(TRANSFERRED)
    finally:
        driver.quit()
    driver = _driver()
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 0.75e6 / 8},
        )
        driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": 4})
        driver.get(base + "/")
        throttled = _wait_drawn(driver, 120)
    finally:
        driver.quit()
    return {
        "first_kb": first / 1024,
        "repeat_kb": repeat / 1024,
        "drawn_throttled_s": throttled,
        "pages_kb": first_visits(base),
    }


# -- concurrency -----------------------------------------------------------------------------------------------------


def _together(person, people: int) -> float:
    """`person(n)` for n in range(people), each in a thread, all at once; the seconds until the last is done."""
    threads = [threading.Thread(target=person, args=(n,)) for n in range(people)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - started


def load_run(base: str, users: int, seconds: float, first: dt.date, last: dt.date) -> dict:
    """`users` viewers, each changing a filter on `/` every 2 to 5 s for `seconds`: throughput, p95, errors."""
    import requests

    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def viewer(n: int) -> None:
        rng = random.Random(n)
        session = requests.Session()
        time.sleep(rng.uniform(0, 3))
        while time.monotonic() < stop:
            body = page_callback_body("/", random_query(rng, first, last))
            started = time.perf_counter()
            try:
                response = session.post(base + "/_dash-update-component", json=body, timeout=60)
                ok = response.status_code == 200
            except requests.RequestException as exc:
                ok, response = False, type(exc).__name__
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                times.append(elapsed)
                if not ok:
                    errors.append(str(getattr(response, "status_code", response)))
            time.sleep(rng.uniform(2, 5))

    wall = _together(viewer, users)
    return {
        "users": users,
        "requests": len(times),
        "throughput": len(times) / wall,
        "p50": percentile(times, 50) if times else float("nan"),
        "p95": percentile(times, 95) if times else float("nan"),
        "errors": len(errors),
        "error_kinds": dict(Counter(errors).most_common(3)),
    }


MAP_LAYER = re.compile(r"(?:/|\\u002f)map(?:/|\\u002f)([a-z_]+-[0-9a-f]+\.json)")  # (Dash writes "/" as \u002f)


def visit_run(base: str, users: int, seconds: float, first: dt.date, last: dt.date) -> dict:
    """`users` people arriving at `/` as a crowd does after a briefing or a shared link, for `seconds`.

    A visit is what a browser with the scripts already cached asks for: the page, its layout and callback plan, the
    page's answer for its link (the GET its HTML preloads; most arrive on the default view, the others on one of a
    dozen shared links), the map's two layers. After 2 to 5 s each person either changes a filter (a random view) or
    leaves and someone new arrives.
    Reports each visit's time (its requests one after another), each request's, the errors, and how many requests
    reached Python at all (not answered by nginx's cache) and how many of those Python answered from its kept answers.
    """
    import requests

    links = [""] * 14 + [random_query(random.Random(k), first, last) for k in range(12)]
    visits: list[float] = []
    times: list[float] = []
    errors: list[str] = []
    reached = {"python": 0, "kept": 0}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def ask(session, method: str, url: str, **kw) -> tuple[float, str]:
        """(ms, the answer's text when it is a callback's)"""
        started = time.perf_counter()
        try:
            response = session.request(method, base + url, timeout=60, **kw)
            problem = None if response.status_code in (200, 204, 304) else str(response.status_code)
            python = response.headers.get("X-Cache-Status") != "HIT"
            kept = response.headers.get("X-MMC-Answer") == "kept"
            text = response.text if url.startswith(("/_dash-update-component", "/_dash-page")) else ""
        except requests.RequestException as exc:
            problem, python, kept, text = type(exc).__name__, True, False, ""
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            times.append(elapsed)
            reached["python"] += python
            reached["kept"] += kept
            if problem:
                errors.append(problem)
        return elapsed, text

    def person(n: int) -> None:
        rng = random.Random(1000 + n)
        time.sleep(rng.uniform(0, 3))
        while time.monotonic() < stop:
            with requests.Session() as session:
                link = rng.choice(links)
                spent = ask(session, "GET", "/" + link)[0]
                spent += ask(session, "GET", "/_dash-layout")[0]
                spent += ask(session, "GET", "/_dash-dependencies")[0]
                # (the page's answer, as its HTML preloads it: server/compression.PAGE_ANSWER)
                answered, page = ask(session, "GET", "/_dash-page?" + urlencode({"path": "/", "query": link[1:]}))
                spent += answered
                for layer in sorted(set(MAP_LAYER.findall(page))):
                    spent += ask(session, "GET", "/map/" + layer)[0]
                with lock:
                    visits.append(spent)
                while time.monotonic() < stop:
                    time.sleep(rng.uniform(2, 5))
                    if rng.random() < 0.5:
                        break  # gone; someone new arrives
                    ask(session, "POST", "/_dash-update-component", json=page_callback_body("/", rng.choice(links)))

    wall = _together(person, users)
    return {
        "users": users,
        "visits": len(visits),
        "requests": len(times),
        "throughput": len(times) / wall,
        "visit_p50": percentile(visits, 50) if visits else float("nan"),
        "visit_p95": percentile(visits, 95) if visits else float("nan"),
        "p50": percentile(times, 50) if times else float("nan"),
        "p95": percentile(times, 95) if times else float("nan"),
        "errors": len(errors),
        "error_kinds": dict(Counter(errors).most_common(3)),
        "reached_python": reached["python"] / max(len(times), 1),
        "kept": reached["kept"] / max(reached["python"], 1),
    }


# -- import ----------------------------------------------------------------------------------------------------------


def import_throughput(source_url: str, kind: str, rows: int) -> dict:
    """Seconds to load `rows` record rows (exported from `source_url`) into a fresh database of `kind`."""
    import itertools

    from sqlalchemy import text

    from dashboard.data import loading, schema
    from dashboard.ingest import formats, pipeline
    from dashboard.services import exports

    source = schema.make_engine(source_url)
    files = {}
    for what in ("camps", "clinics"):
        files[what] = exports.to_csv(loading.export_rows(source, what), formats.template_columns(what)).encode()
    files["records"] = exports.to_csv(
        itertools.islice(loading.export_rows(source, "records"), rows), formats.template_columns("records")
    ).encode()
    source.dispose()
    target = database_url(kind, "import")
    if kind == "sqlite":
        Path(target.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        admin = schema.make_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "bench_import"'))
            conn.execute(text('CREATE DATABASE "bench_import"'))
        admin.dispose()
    engine = schema.make_engine(target)
    schema.upgrade(engine)
    for what in ("camps", "clinics"):
        assert pipeline.run(engine, what, files[what], f"{what}.csv", user="bench").loaded
    engine.dispose()
    import tempfile

    with tempfile.TemporaryDirectory() as folder:  # the records loaded by a process of their own: its peak memory
        path = Path(folder) / "records.csv"
        path.write_bytes(files.pop("records"))
        child = subprocess.run(
            [sys.executable, "-c", f"import bench.__main__ as b; b._load_records({target!r}, {str(path)!r})"],
            cwd=ROOT, check=True, capture_output=True, text=True, timeout=3600,
        )  # fmt: skip
    found = json.loads(child.stdout.strip().splitlines()[-1])
    if not found["loaded"]:
        raise RuntimeError(f"import refused: {found['errors']}")
    return {**found, "rows_per_s": found["rows"] / found["seconds"]}


def _load_records(url: str, path: str) -> None:
    """(In a process of its own, from import_throughput.) Load a records file as the command line does (from its
    path), and print the rows, the seconds and the process's peak memory, above what it held before."""
    from dashboard.data import schema
    from dashboard.ingest import pipeline

    def status_mb(field: str) -> float:  # (Linux: the process's memory now, VmRSS, and its peak, VmHWM)
        line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith(field + ":"))
        return int(line.split()[1]) / 1024

    engine = schema.make_engine(url)
    before = status_mb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from now (the imports' is not the load's)
    started = time.monotonic()
    outcome = pipeline.run(engine, "records", Path(path), "records.csv", user="bench")
    seconds = time.monotonic() - started
    found = {"rows": outcome.added, "seconds": seconds, "loaded": outcome.loaded, "errors": outcome.errors[:3]}
    found |= {"peak_mb": status_mb("VmHWM"), "before_mb": before, "file_mb": Path(path).stat().st_size / 2**20}
    print(json.dumps(found))


# -- the report ------------------------------------------------------------------------------------------------------


def speed() -> float:
    """Seconds for a fixed piece of work like a page's (a Python loop, a sort, a group-by; best of three): machines
    of the same kind differ by two times from day to day, so runs are compared with this beside them."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    values = rng.integers(0, 10_000, 1_000_000)
    frame = pd.DataFrame({"key": values % 997, "value": values})
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        sum(i * i for i in range(1_000_000))
        np.sort(values)
        frame.groupby("key")["value"].sum()
        best = min(best, time.perf_counter() - started)
    return best


def machine() -> dict:
    import dash
    import plotly
    import sqlalchemy

    from dashboard.data import schema

    def first_line(path: str, prefix: str) -> str:
        try:
            return next((line for line in Path(path).read_text().splitlines() if line.startswith(prefix)), "")
        except OSError:
            return ""

    mem = first_line("/proc/meminfo", "MemTotal").split()
    memory = f"{int(mem[1]) / 1024 / 1024:.0f} GiB" if len(mem) > 1 else ""
    cpu = first_line("/proc/cpuinfo", "model name").split(":", 1)[-1].strip() or platform.processor()
    try:
        with schema.make_engine(PG_ADMIN).connect() as conn:
            postgres = conn.exec_driver_sql("SHOW server_version").scalar_one()
    except Exception:
        postgres = "unreachable"
    import sqlite3

    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "speed_s": speed(),
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": memory,
        "python": platform.python_version(),
        "versions": f"dash {dash.__version__}, plotly {plotly.__version__}, SQLAlchemy {sqlalchemy.__version__}, "
        f"SQLite {sqlite3.sqlite_version}, PostgreSQL {postgres}",
    }


def verdict(value: float, budget: float, lower_is_better: bool = True) -> str:
    ok = value <= budget if lower_is_better else value >= budget
    return "met" if ok else "**missed**"


def _kinds(load: dict) -> str:
    kinds = load.get("error_kinds") or {}
    return ": " + ", ".join(f"{n} {kind}" for kind, n in kinds.items()) if kinds else ""


def _latency_lines(key: tuple, run: dict, small: bool) -> list[str]:
    db, _size, records = key
    lines = []
    for page, fig in run["pages"].items():
        label, value = "p50; cached p95", f"{fig['p50']:.0f}; {fig['cached_p95']:.0f}"
        if fig.get("callbacks", 1) > 1:  # a page whose frame is followed by its parts
            label += f"; its {fig['callbacks']} callbacks one after another p95"
            value += f"; {fig['whole_p95']:.0f}"
        lines.append(
            f"| filter change `{page}`: slowest callback p95 ({label}) | {db}, {records:,} records "
            f"| {fig['p95']:.0f} ms ({value}) | {BUDGETS['filter_p95_ms']} ms {'at 10M' if not small else ''} "
            f"| {verdict(fig['p95'], BUDGETS['filter_p95_ms'])} |"
        )
    plan_parts = run["pages"].get("/coordinator", {}).get("parts_p95", {})
    plan = max((t for name, t in plan_parts.items() if name.startswith("coordinator.plan")), default=None)
    if plan is not None:  # issue #23: the visit plan against what happened, two parts of /coordinator
        lines.append(
            f"| filter change, the completeness view (`/coordinator`'s visit plan parts), slower p95 | {db}, "
            f"{records:,} records | {plan:.0f} ms | {BUDGETS['filter_p95_ms']} ms {'at 10M' if not small else ''} "
            f"| {verdict(plan, BUDGETS['filter_p95_ms'])} |"
        )
    if run.get("columns_s"):
        c = run["columns_s"]
        lines.append(
            f"| after a load, once: in-memory totals read (visits, then their syndromes in the background), "
            f"alerts found for every week (background), the plan matched with the visits | {db}, {records:,} "
            f"records | {c['visits']:.1f} s, {c['syndromes']:.1f} s, {c.get('alerts', 0):.1f} s, "
            f"{c.get('plan', 0):.1f} s | (none) | |"
        )
    if "api_trends" in run:
        api = run["api_trends"]
        lines.append(
            f"| filter change, `/api/v1/trends` as the public (through the app; HTTP adds about 1 ms), p95 (p50) "
            f"| {db}, {records:,} records | {api['p95']:.0f} ms ({api['p50']:.0f}) | "
            f"{BUDGETS['api_trends_p95_ms']} ms at 10M | {verdict(api['p95'], BUDGETS['api_trends_p95_ms'])} |"
        )
    if "refused_p95" in run:
        lines.append(
            f"| a period far outside the data refused (400), p95 | {db}, {records:,} records | "
            f"{run['refused_p95']:.1f} ms | {BUDGETS['refused_p95_ms']} ms | "
            f"{verdict(run['refused_p95'], BUDGETS['refused_p95_ms'])} |"
        )
    lines.append(
        f"| camp layer, gzip | {db}, {records:,} records | {run['camp_layer_kb']:.0f} KB | "
        f"{BUDGETS['camp_layer_kb']} KB | {verdict(run['camp_layer_kb'], BUDGETS['camp_layer_kb'])} |"
    )
    return lines


def report(results: dict, small: bool) -> str:
    m = results["machine"]
    lines = [
        "# Benchmark results" + (" (small run)" if small else ""),
        "",
        f"Written by `python -m bench{' --small' if small else ''}` on {m['date']}.",
        f"Machine: {m['cpu']}, {m['memory']}. Python {m['python']}; {m['versions']}.",
        f"Machine speed: a fixed piece of work (`speed()` in `bench/__main__.py`) took {m['speed_s']:.2f} s at the"
        " start of the run"
        + (f" and {m['speed_end_s']:.2f} s at its end" if "speed_end_s" in m else "")
        + "; compare runs on machines whose figures here are alike.",
        "",
        "| Measure | Data | Figure | Budget | |",
        "|---|---|---|---|---|",
    ]
    for key, run in results.get("latency", {}).items():
        lines += _latency_lines(key, run, small)
    if "browser" in results:
        b = results["browser"]
        lines += [
            f"| first visit of `/`, transferred | {results['browser_data']} | {b['first_kb']:.0f} KB | "
            f"{BUDGETS['first_visit_kb']} KB | {verdict(b['first_kb'], BUDGETS['first_visit_kb'])} |",
            f"| repeat visit of `/` | {results['browser_data']} | {b['repeat_kb']:.0f} KB | "
            f"{BUDGETS['repeat_visit_kb']} KB | {verdict(b['repeat_kb'], BUDGETS['repeat_visit_kb'])} |",
            f"| map and chart drawn, 150 ms RTT, 1.6 Mbit/s, CPU 4x slower | {results['browser_data']} | "
            f"{b['drawn_throttled_s']:.1f} s | {BUDGETS['drawn_throttled_s']} s | "
            f"{verdict(b['drawn_throttled_s'], BUDGETS['drawn_throttled_s'])} |",
        ]
        lines += [
            f"| first visit of `{path}`, transferred (its own budget; the small run fails above it) | "
            f"{results['browser_data']} | {kb:.0f} KB | {PAGE_BUDGETS_KB[path]} KB | "
            f"{verdict(kb, PAGE_BUDGETS_KB[path])} |"
            for path, kb in b.get("pages_kb", {}).items()
            if path in PAGE_BUDGETS_KB
        ]
        for path, shift in b.get("pages_kb", {}).items():
            if path.endswith(" layout shift"):
                lines.append(
                    f"| `{path.removesuffix(' layout shift')}`, desktop: layout shifts while it loads (sum, at least "
                    f"its CLS) | {results['browser_data']} | {shift:.3f} | 0.05 | {verdict(shift, 0.05)} |"
                )
        for path, by in b.get("pages_kb", {}).items():
            if path not in PAGE_BUDGETS_KB and not path.endswith(" layout shift"):
                spent = "; ".join(f"{part} {kb:.0f} KB" for part, kb in by.items() if kb >= 0.5)
                lines.append(f"| first visit of `{path}`: {spent} | {results['browser_data']} | | (none) | |")
    for path, lh in results.get("lighthouse", {}).items():
        lines.append(
            f"| Lighthouse mobile performance score of `{path}` (first contentful paint, largest, total blocking "
            f"time, layout shift) | {results['browser_data']} | {lh['score']} ({lh['fcp_s']:.1f} s, {lh['lcp_s']:.1f} "
            f"s, {lh['tbt_ms']:,.0f} ms, {lh['cls']:.2f}) | 90 | {verdict(lh['score'], 90, lower_is_better=False)} |"
        )
    if "load" in results:
        c = results["load"]
        lines.append(
            f"| {c['users']} concurrent viewers, p95 ({c['requests']} requests, {c['throughput']:.1f}/s, "
            f"{c['errors']} errors{_kinds(c)}; once the workers were ready, {c.get('ready_s', 0):.1f} s after their "
            f"first requests) | {results['browser_data']} | {c['p95']:.0f} ms | "
            f"{BUDGETS['concurrent_p95_ms']} ms, no errors | "
            f"{verdict(c['p95'], BUDGETS['concurrent_p95_ms']) if not c['errors'] else '**missed**'} |"
        )
    for kind, cost in results.get("protection", {}).items():
        short = cost["worst_short"]
        worst = f"; worst short: {short[1]:,} shown for {short[0]:,}" if short else ""
        lines.append(
            f"| public consultations against exact, by {kind} ({cost['n']:,} figures of random whole-week filter "
            f"sets): the same; of 100 or more, p95 and worst difference; under 100, worst; 10% short (of 20 or "
            f"more) | {results['protection_data']} | {cost['equal']:.0%}; {cost['p95_rel']:.1%}, "
            f"{cost['worst_rel']:.1%}; {cost['worst_small_abs']}; {cost['short']}{worst} | (none) | |"
        )
    for db, imp in results.get("import", {}).items():
        scaled = imp["seconds"] * 1_000_000 / imp["rows"]
        lines.append(
            f"| import of record rows | {db}, {imp['rows']:,} rows | {imp['seconds']:.1f} s "
            f"({imp['rows_per_s']:,.0f} rows/s; {scaled:.0f} s per million) | {BUDGETS['import_1m_s']} s per million "
            f"| {verdict(scaled, BUDGETS['import_1m_s'])} |"
        )
        if "peak_mb" in imp:  # (results written before the import had a process of its own have none)
            lines.append(
                f"| import of record rows: the importing process's peak memory (its file {imp['file_mb']:.0f} MB, read "
                f"from the disk; {imp['before_mb']:.0f} MB before) | {db}, {imp['rows']:,} rows | "
                f"{imp['peak_mb']:.0f} MB ({imp['peak_mb'] - imp['before_mb']:.0f} MB above what it held: a block of "
                "rows at a time, and 8 to 24 bytes a row for their keys) | (none) | |"
            )
    lines += ["", results.get("notes", "").strip(), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--small", action="store_true", help="a quick run on the programme-sized demo (what CI runs)")
    p.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    p.add_argument(
        "--skip",
        default="",
        help="comma-separated parts to skip: latency, browser, lighthouse, load, protection, import",
    )
    p.add_argument("--samples", type=int, default=None, help="filter sets per page (default 200; --small 20)")
    p.add_argument("--users", type=int, default=None, help="concurrent viewers (default 150; --small 20)")
    p.add_argument("--seconds", type=float, default=None, help="length of the load run (default 60; --small 10)")
    p.add_argument("--sizes", default=None, help="comma-separated datasets: 1M, 10M (default both; --small: small)")
    p.add_argument("--write-baseline", action="store_true", help="with --small: keep these figures as the baseline")
    args = p.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    skip = set(filter(None, args.skip.split(",")))
    databases = [d for d in args.databases.split(",") if d]
    sizes = ["small"] if args.small else (args.sizes or "1M,10M").split(",")
    samples = args.samples or (20 if args.small else 200)
    results: dict = {"machine": machine(), "latency": {}, "import": {}}
    urls = {}
    for db in databases:
        for size in sizes:
            urls[(db, size)] = ensure_dataset(db, size)
    if "latency" not in skip:
        for (db, size), (url, records) in urls.items():
            log(f"filter latency on {db}, {records:,} records, {samples} filter sets per page")
            results["latency"][(db, size, records)] = filter_latency(url, samples)
    browser_key = ("sqlite", sizes[0]) if ("sqlite", sizes[0]) in urls else next(iter(urls))
    browser_url, browser_records = urls[browser_key]
    results["browser_data"] = f"{browser_key[0]}, {browser_records:,} records"
    if not {"browser", "lighthouse", "load"} <= skip:
        results.update(_in_a_real_server(browser_url, skip, args))
    if "protection" not in skip:
        demo_url, demo_records = ensure_dataset("sqlite", "demo")
        log(f"the public view's protection against exact figures, demo data ({demo_records:,} records)")
        results["protection"] = protection_cost(demo_url, 100 if args.small else 400)
        results["protection_data"] = f"sqlite, {demo_records:,} records (the demo)"
    if "import" not in skip:
        rows = 50_000 if args.small else 1_000_000
        for db in databases:
            log(f"import of {rows:,} record rows on {db}")
            results["import"][db] = import_throughput(urls[(db, sizes[-1])][0], db, rows)
    results["machine"]["speed_end_s"] = speed()
    return _write(results, args)


LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"  # `npm ci --prefix bench` (bench/package.json)
LIGHTHOUSE_PAGES = ("/", "/trends")


def lighthouse(base: str) -> dict[str, dict]:
    """Lighthouse's mobile performance score (its default: a mid-range phone, slow 4G, CPU 4x slower) and its
    measures, for each page of LIGHTHOUSE_PAGES, in headless Chromium."""
    import tempfile

    out = {}
    for path in LIGHTHOUSE_PAGES:
        with tempfile.TemporaryDirectory() as folder:
            report = Path(folder) / "report.json"
            subprocess.run(
                [str(LIGHTHOUSE), base + path, "--quiet", "--only-categories=performance", "--form-factor=mobile",
                 "--output=json", f"--output-path={report}",
                 "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                env={**os.environ, "CHROME_PATH": shutil.which("chromium") or shutil.which("google-chrome") or ""},
                check=True, capture_output=True, timeout=300,
            )  # fmt: skip
            found = json.loads(report.read_text(encoding="utf-8"))
        audits = found["audits"]
        out[path] = {
            "score": round(found["categories"]["performance"]["score"] * 100),
            "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
            "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
            "tbt_ms": audits["total-blocking-time"]["numericValue"],
            "cls": audits["cumulative-layout-shift"]["numericValue"],
        }
        log(f"  Lighthouse {path}: {out[path]}")
    return out


def _in_a_real_server(url: str, skip: set, args) -> dict:
    """Page weight and drawing time in headless Chromium, and the viewers' load run, against gunicorn."""
    out: dict = {}
    server = Server(url)
    try:
        if "browser" not in skip:
            log("page weight and throttled drawing in headless Chromium")
            out["browser"] = page_weight(server.base)
        if "lighthouse" not in skip:
            if LIGHTHOUSE.exists():
                log("Lighthouse, mobile")
                out["lighthouse"] = lighthouse(server.base)
            elif not args.small:
                raise SystemExit("Lighthouse is not installed: `npm ci --prefix bench` (or --skip lighthouse)")
        if "load" not in skip:
            from dashboard.data import queries, schema

            status = queries.data_status(schema.make_engine(url))
            users = args.users or (20 if args.small else 150)
            log(f"load run: {users} viewers (workers ready {server.ready_s:.1f} s after their first requests)")
            seconds = args.seconds or (10 if args.small else 60)
            out["load"] = load_run(server.base, users, seconds, status.first_date, status.last_date)
            out["load"]["ready_s"] = server.ready_s
    finally:
        server.close()
    return out


def _write(results: dict, args) -> int:
    """The report and its figures written; with --small, compared with the baseline (1: a regression)."""
    notes = ROOT / "bench" / "NOTES.md"  # what the figures mean and what a missed budget would take, kept by hand
    results["notes"] = notes.read_text(encoding="utf-8") if notes.exists() and not args.small else ""
    out = WORK / "RESULTS-small.md" if args.small else ROOT / "bench" / "RESULTS.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    text_report = report(results, args.small)
    out.write_text(text_report, encoding="utf-8")
    print(text_report)
    figures = flat(results)
    (out.parent / (out.stem + ".json")).write_text(json.dumps(figures, indent=1, sort_keys=True), encoding="utf-8")
    if args.write_baseline:
        BASELINE.write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        log(f"wrote {BASELINE.relative_to(ROOT)}")
    elif args.small:
        regressions = compare(figures, json.loads(BASELINE.read_text(encoding="utf-8")))
        regressions += over_budget(results.get("browser", {}).get("pages_kb", {}))
        if regressions or results.get("load", {}).get("errors"):
            print(
                "Regressions of several times against bench/baseline-small.json, or pages over their budget:",
                *regressions,
                sep="\n  ",
                file=sys.stderr,
            )
            return 1
    return 0


BASELINE = ROOT / "bench" / "baseline-small.json"
REGRESSION = 5.0  # a figure this many times its baseline fails the small run (noise is well under 2x)
FLOOR = {"ms": 100.0, "KB": 50.0, "s": 1.0}  # below these, a figure is too small for its ratio to mean anything


def flat(results: dict) -> dict[str, list]:
    """Every figure as name -> [value, unit], for the baseline and its comparison."""
    out: dict[str, list] = {}
    for (db, size, _records), run in results.get("latency", {}).items():
        for page, fig in run["pages"].items():
            out[f"filter p95 {page} {db} {size}"] = [round(fig["p95"], 1), "ms"]
        out[f"camp layer {db} {size}"] = [round(run["camp_layer_kb"], 1), "KB"]
    if "browser" in results:
        b = results["browser"]
        out["first visit"] = [round(b["first_kb"], 1), "KB"]
        out["repeat visit"] = [round(b["repeat_kb"], 1), "KB"]
        out["drawn throttled"] = [round(b["drawn_throttled_s"], 2), "s"]
        for path, kb in b.get("pages_kb", {}).items():
            if path in PAGE_BUDGETS_KB:
                out[f"first visit {path}"] = [round(kb, 1), "KB"]
    if "load" in results:
        out["concurrent p95"] = [round(results["load"]["p95"], 1), "ms"]
    for db, imp in results.get("import", {}).items():
        out[f"import {db}"] = [round(imp["seconds"], 2), "s"]
    return out


def compare(figures: dict[str, list], baseline: dict[str, list]) -> list[str]:
    """The figures at least REGRESSION times their baseline (and above the floor of their unit)."""
    bad = []
    for name, (value, unit) in figures.items():
        if name not in baseline:
            continue
        before = max(baseline[name][0], FLOOR.get(unit, 0))
        if value >= REGRESSION * before:
            bad.append(f"{name}: {value} {unit}, baseline {baseline[name][0]} {unit}")
    return bad


if __name__ == "__main__":
    sys.exit(main())
