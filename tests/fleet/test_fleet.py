"""The app as a fleet, with real processes on loopback: nginx (deploy/nginx.conf) in front of two app instances
(gunicorn with deploy/gunicorn.conf.py, two workers each), one queue worker, PostgreSQL and Redis.

A coordinator signs in through nginx and uploads a year of records while viewers load the public pages; during the
load one app instance is killed and the worker is killed and started again. Nothing may be lost: no session, no form,
the load done exactly once, the new figures on every instance, and no failed request but those in flight on the
killed instance (counted and printed). Run alone: `./test.sh tests/fleet -s`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from bench.fleet import NGINX, Fleet, wait_for
from dashboard.data import loading, queries, schema, uploads
from dashboard.ingest import demo, formats, jobs, pipeline
from dashboard.services import exports
from dashboard.web import ids
from tests.helpers import PASSWORD, add_coordinator, page_request

pytestmark = pytest.mark.fleet
ROOT = Path(__file__).resolve().parents[2]
YEAR = "2018"  # the upload: the records of this year; the database holds those of the quarter before


def _csv(rows, kind: str) -> bytes:
    out = io.StringIO()
    exports.write_csv(out, rows, formats.template_columns(kind))
    return out.getvalue().encode()


@pytest.fixture
def programme_files(tmp_path):
    """The demo programme as the files a country office would load: camps, units, the quarter's records, and the
    year's records (the upload)."""
    scratch = schema.make_engine(f"sqlite:///{tmp_path / 'scratch.db'}")
    schema.upgrade(scratch)
    queries.load_dataset(scratch, demo.generate(start=dt.date(2017, 10, 1), end=dt.date(2018, 12, 31)))
    records = list(loading.export_rows(scratch, "records"))
    scratch.dispose()
    before = [r for r in records if not str(r["date"]).startswith(YEAR)]
    year = [r for r in records if str(r["date"]).startswith(YEAR)]
    scratch = schema.make_engine(f"sqlite:///{tmp_path / 'scratch.db'}")
    files = {kind: _csv(loading.export_rows(scratch, kind), kind) for kind in ("camps", "clinics")}
    scratch.dispose()
    files["records"], files["upload"] = _csv(before, "records"), _csv(year, "records")
    files["upload_consultations"] = sum(int(r["consultations"]) for r in year)
    return files


@pytest.fixture
def fleet(tmp_path, postgres_url, redis_url, programme_files):
    if not os.path.exists(NGINX):
        if os.environ.get("REQUIRE_FLEET", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail("REQUIRE_FLEET=1 but nginx is not installed (apt-get install nginx-light)")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    from rq import Queue

    from dashboard.data import shared

    Queue(jobs.QUEUE, connection=shared.client(redis_url)).empty()
    running = Fleet(tmp_path, postgres_url, redis_url)
    # the release step, then the programme's files, as a country office would load them
    release = subprocess.run(
        [sys.executable, "-m", "dashboard", "init-db"], cwd=ROOT, env=running.env, capture_output=True, text=True
    )
    assert release.returncode == 0, release.stderr
    engine = schema.make_engine(postgres_url)
    for kind in ("camps", "clinics", "records"):
        outcome = pipeline.run(engine, kind, programme_files[kind], f"{kind}.csv", user="setup")
        assert outcome.loaded, outcome.errors[:3]
    add_coordinator(engine)
    try:
        running.start_app("a")
        running.start_app("b")
        running.start_worker()
        running.start_nginx()
        yield running, engine
    finally:
        running.stop()
        engine.dispose()
        for log in sorted(tmp_path.glob("*.log")):  # what each process said, when the test fails
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")


# -- what the people do ----------------------------------------------------------------------------------------------


class Traffic:
    """Requests made in threads until stopped, each noted with its time and outcome."""

    def __init__(self):
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        self.outcomes: list[tuple[float, str, str]] = []  # (time, who, "ok" or what failed)
        self.threads: list[threading.Thread] = []

    def run(self, who: str, step) -> None:
        def loop():
            with requests.Session() as http:
                while not self.stopped.is_set():
                    try:
                        problem = step(http)
                    except requests.RequestException as exc:
                        problem = type(exc).__name__
                    with self.lock:
                        self.outcomes.append((time.monotonic(), who, problem or "ok"))
                    self.stopped.wait(0.05)

        thread = threading.Thread(target=loop, daemon=True)
        thread.start()
        self.threads.append(thread)

    def stop(self) -> None:
        self.stopped.set()
        for thread in self.threads:
            thread.join(30)

    def failures(self, who: str | None = None) -> list[tuple[float, str, str]]:
        return [o for o in self.outcomes if o[2] != "ok" and (who is None or o[1] == who)]


def _viewer(base: str):
    def step(http: requests.Session) -> str | None:
        for path in ("/", "/api/v1/summary?start=2017-10-01&end=2018-12-31", "/trends"):
            response = http.get(base + path, timeout=30)
            if response.status_code != 200:
                return f"{path}: HTTP {response.status_code}"
        return None

    return step


def _sign_in(base: str) -> requests.Session:
    http = requests.Session()
    page = http.get(base + "/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no sign-in form token on the sign-in page"
    answer = http.post(
        base + "/auth/login",
        data={"username": "carol", "password": PASSWORD, "csrf_token": token.group(1), "next": "/coordinator"},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/coordinator"), answer.headers["Location"]
    return http


def _csrf_token(tree) -> str | None:
    """The value of the form's hidden csrf_token input, in a layout as Dash sends it."""
    if isinstance(tree, dict):
        props = tree.get("props") or {}
        if props.get("name") == "csrf_token":
            return props.get("value")
        children = list(tree.values())
    elif isinstance(tree, list):
        children = tree
    else:
        return None
    return next((found for child in children if (found := _csrf_token(child))), None)


def _signed_in(http: requests.Session, base: str):
    """A coordinator's step: an answer only a signed-in coordinator gets, from whichever instance nginx picks."""

    def step(_ignored) -> str | None:
        response = http.get(base + "/api/v1/alerts?start=2017-10-01&end=2017-12-31", timeout=30)
        return None if response.status_code == 200 else f"alerts: HTTP {response.status_code}"

    return step


def _callback(http: requests.Session, base: str, output: str, values: dict, triggered: str):
    """A data page callback as the browser sends it."""
    deps = http.get(base + "/_dash-dependencies", timeout=30).json()
    dep = next(
        d for d in deps if output in d["output"] and any(f"{i['id']}.{i['property']}" == triggered for i in d["inputs"])
    )
    outputs = [
        {"id": spec.rsplit(".", 1)[0], "property": spec.rsplit(".", 1)[1].split("@")[0]}
        for spec in dep["output"].strip(".").split("...")
    ]

    def fill(items):
        return [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in items]

    body = {
        "output": dep["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": fill(dep["inputs"]),
        "state": fill(dep["state"]),
        "changedPropIds": [triggered],
    }
    response = http.post(base + "/_dash-update-component", json=body, timeout=120)
    assert response.status_code == 200, response.text[:300]
    return response.json()["response"]


def _consultations(base: str, http: requests.Session) -> int:
    """All consultations of the two periods, as a coordinator sees them (the public's are sums of protected cells)."""
    answer = http.get(base + "/api/v1/summary?start=2017-10-01&end=2018-12-31", timeout=30)
    assert answer.status_code == 200, f"{base}: HTTP {answer.status_code} {answer.text[:200]}"
    return answer.json()["totals"]["consultations"]


def test_the_fleet_loses_nothing_when_an_instance_and_the_worker_die_during_a_load(fleet, programme_files):
    running, engine = fleet
    base = running.base
    # a public question asked again within the minute is answered by nginx's cache, not by an app instance
    public = f"{base}/api/v1/summary?start=2017-10-01&end=2017-12-31"
    assert requests.get(public, timeout=30).headers["X-Cache-Status"] in ("MISS", "EXPIRED")
    assert requests.get(public, timeout=30).headers["X-Cache-Status"] == "HIT"
    # and so are the public page's layout and its callbacks (POSTs, kept by their body), never a session's
    assert requests.get(base + "/_dash-layout", timeout=30).headers["X-Cache-Status"] in ("MISS", "EXPIRED")
    assert requests.get(base + "/_dash-layout", timeout=30).headers["X-Cache-Status"] == "HIT"
    # each language is kept apart: an Arabic reader never gets the English answer kept a moment ago, nor the reverse
    arabic = requests.get(base + "/_dash-layout", headers={"Accept-Language": "ar-IQ,ar;q=0.9"}, timeout=30)
    assert arabic.headers["X-Cache-Status"] in ("MISS", "EXPIRED")
    assert "تسجيل الدخول" in json.dumps(arabic.json(), ensure_ascii=False)
    kurdish = requests.get(base + "/_dash-layout", cookies={"mmc_lang": "ckb"}, timeout=30)
    assert "چوونەژوورەوە" in json.dumps(kurdish.json(), ensure_ascii=False)
    english = requests.get(base + "/_dash-layout", timeout=30)
    assert english.headers["X-Cache-Status"] == "HIT"
    assert "تسجيل الدخول" not in json.dumps(english.json(), ensure_ascii=False)
    deps = requests.get(base + "/_dash-dependencies", timeout=30).json()
    overview = page_request(deps, "/", "?start=2017-10-02&end=2017-12-31", origin=base)
    asked = [requests.post(base + "/_dash-update-component", json=overview, timeout=60) for _ in range(2)]
    assert [a.status_code for a in asked] == [200, 200]
    assert [a.headers["X-Cache-Status"] for a in asked] == ["MISS", "HIT"]
    assert asked[0].content == asked[1].content
    traffic = Traffic()
    for n in range(6):
        traffic.run(f"viewer-{n}", _viewer(base))
    coordinator = _sign_in(base)
    signed = coordinator.post(base + "/_dash-update-component", json=overview, timeout=60)
    assert signed.headers["X-Cache-Status"] == "BYPASS"
    assert signed.headers["Cache-Control"] == "no-store"
    before = _consultations(base, coordinator)
    traffic.run("coordinator", _signed_in(coordinator, base))

    # the upload (sent as the page's script sends it, to whichever instance) and its check, through nginx
    token = _csrf_token(coordinator.get(base + "/_dash-layout", timeout=30).json())  # (the page's sign-out form)
    sent = coordinator.post(
        base + "/coordinator/data/upload",
        data={"kind": "records"},
        files={"file": ("records-2018.csv", programme_files["upload"], "text/csv")},
        headers={"X-CSRF-Token": token},
        timeout=120,
    )
    assert sent.status_code == 200, sent.text[:300]
    started = _callback(
        coordinator, base, f"{ids.DATA_JOB}.data", {f"{ids.DATA_SENT}.data": sent.json()}, f"{ids.DATA_SENT}.data"
    )
    job = started[ids.DATA_JOB]["data"]
    wait_for(lambda: jobs.status(engine, job, "carol")["phase"] == "checked", "the check", 120)
    assert jobs.status(engine, job, "carol")["outcome"]["error_count"] == 0
    _callback(
        coordinator,
        base,
        f"{ids.DATA_JOB}.data",
        {f"{ids.DATA_LOAD}.n_clicks": 1, f"{ids.DATA_JOB}.data": job, f"{ids.DATA_KIND}.value": "records"},
        f"{ids.DATA_LOAD}.n_clicks",
    )
    # while it loads: instance a and the worker die; the worker is started again
    wait_for(lambda: jobs.status(engine, job, "carol", running.env["REDIS_URL"])["phase"] == "writing", "writing", 120)
    killed_at = time.monotonic()
    running.kill(running.apps["a"][1])
    running.kill(running.worker)
    assert uploads.get(engine, job)["phase"] == "running"  # killed mid-load: rolled back, and taken up again
    running.start_worker()
    wait_for(lambda: jobs.status(engine, job, "carol")["phase"] == "loaded", "the load after the worker's restart", 180)
    running.start_app("a", running.apps["a"][0])  # back, on the new data
    poll = _callback(
        coordinator,
        base,
        f"{ids.DATA_RESULT}.children",
        {f"{ids.DATA_POLL}.n_intervals": 1, f"{ids.DATA_JOB}.data": job},
        f"{ids.DATA_POLL}.n_intervals",
    )
    time.sleep(2)  # (the viewers and the coordinator go on through the restarted instance a while)
    traffic.stop()

    # loaded exactly once, and the history says so
    loaded = [b for b in loading.history(engine) if b["source"] == "records-2018.csv" and b["status"] == "loaded"]
    assert len(loaded) == 1
    assert uploads.get(engine, job)["attempts"] == 2
    assert "loaded" in str(poll[ids.DATA_RESULT]["children"]).lower()
    # the new figures on every instance (each answers from memory once it has read the new data), to the one session
    expected = before + programme_files["upload_consultations"]
    seen: dict[int, object] = {}
    for port, _ in running.apps.values():
        for _ in range(6):  # (both workers of each)

            def new_figures(port=port) -> bool:
                try:
                    seen[port] = _consultations(f"http://127.0.0.1:{port}", coordinator)  # (one session, any host)
                except requests.RequestException as exc:
                    seen[port] = repr(exc)[:300]
                return seen[port] == expected

            try:
                wait_for(new_figures, f"new figures on {port}")
            except AssertionError:
                raise AssertionError(f"{expected:,} consultations expected on every instance; seen {seen}") from None
    assert _consultations(base, coordinator) == expected
    # no session lost, no form refused; of the viewers, only requests in flight on the killed instance failed
    assert traffic.failures("coordinator") == []
    failed = traffic.failures()
    late = [f for f in failed if not killed_at - 1 <= f[0] <= killed_at + 5]
    answered = len(traffic.outcomes)
    print(f"fleet: {answered} visits' steps, {len(failed)} failed ({[f[2] for f in failed]}), all at the kill")
    assert late == []
    assert answered > 50
