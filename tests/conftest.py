"""Shared fixtures: databases on SQLite and PostgreSQL, small datasets, and app factories.

TEST_DATABASE_URL names the PostgreSQL server (default: postgresql://postgres@127.0.0.1:5432/test). Each test gets a
schema of its own there, dropped afterwards. When REQUIRE_POSTGRES=1 (CI sets it) an unreachable server fails the
run instead of skipping the PostgreSQL half of the tests; REQUIRE_BROWSER=1 does the same for Chromium, and
REQUIRE_REDIS=1 for the Redis of TEST_REDIS_URL.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid

import pandas as pd
import pytest
from sqlalchemy import text

from dashboard.demo import Dataset
from dashboard.store import access, schema

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _required(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}


def _pg_available() -> str | None:
    """None when PostgreSQL answers, else the reason."""
    try:
        with schema.make_engine(PG_URL).connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        return str(exc).splitlines()[0]
    return None


_PG_PROBLEM = _pg_available()


def pytest_collection_modifyitems(config, items):
    if _required("REQUIRE_BROWSER") and not (
        shutil.which("chromedriver") and (shutil.which("chromium") or shutil.which("google-chrome"))
    ):
        raise pytest.UsageError("REQUIRE_BROWSER=1 but chromium and chromedriver are not on PATH")
    if not (shutil.which("chromedriver")):
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(pytest.mark.skip(reason="chromedriver is not installed (REQUIRE_BROWSER=1 to fail)"))


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def postgres_url():
    """A URL whose connections use a fresh schema of their own on the test server."""
    if _PG_PROBLEM:
        if _required("REQUIRE_POSTGRES"):
            pytest.fail(f"REQUIRE_POSTGRES=1 but PostgreSQL at {PG_URL} is unreachable: {_PG_PROBLEM}")
        pytest.skip(f"PostgreSQL unreachable: {_PG_PROBLEM}")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = schema.make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{name}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


@pytest.fixture
def redis_url() -> str:
    """The Redis server of TEST_REDIS_URL (database 15 of the local one by default); REQUIRE_REDIS=1 fails the test
    instead of skipping it when the server does not answer."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        if _required("REQUIRE_REDIS"):
            pytest.fail(f"REQUIRE_REDIS=1 but Redis at {REDIS_URL} is unreachable: {exc}")
        pytest.skip(f"Redis unreachable: {exc}")
    return REDIS_URL


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request) -> str:
    """Each data-layer test runs twice: on SQLite and on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


@pytest.fixture
def engine(db_url):
    """An engine on an empty database at the newest schema, with the governorates."""
    eng = schema.make_engine(db_url)
    schema.upgrade(eng)
    access.ensure_reference(eng)
    yield eng
    eng.dispose()


def tiny_dataset(records: list[tuple] | None = None) -> Dataset:
    """A hand-made dataset small enough to compute every figure by hand.

    Camps: A (Dohuk, 1,000 people from 2017-01-01, 2,000 from 2017-02-01), B (Anbar, 500 from 2017-01-15),
    C (Anbar, 300, never visited). Units: M1 (MMC, 2 clinicians, Dohuk), M2 (MMC, 3 clinicians, Anbar),
    A1 (ambulance, Anbar).
    """
    camps = pd.DataFrame(
        [
            dict(
                camp_code="A",
                camp_name="Camp A",
                governorate="IQ-DA",
                district=None,
                latitude=36.8,
                longitude=42.9,
                site_type="camp",
                position_approximate=False,
            ),
            dict(
                camp_code="B",
                camp_name="Camp B",
                governorate="IQ-AN",
                district=None,
                latitude=33.4,
                longitude=43.3,
                site_type="camp",
                position_approximate=False,
            ),
            dict(
                camp_code="C",
                camp_name="Camp C",
                governorate="IQ-AN",
                district=None,
                latitude=33.3,
                longitude=43.7,
                site_type="informal_site",
                position_approximate=False,
            ),
        ]
    )
    pops = pd.DataFrame(
        [
            dict(camp_code="A", population_date=dt.date(2017, 1, 1), population=1000),
            dict(camp_code="A", population_date=dt.date(2017, 2, 1), population=2000),
            dict(camp_code="B", population_date=dt.date(2017, 1, 15), population=500),
            dict(camp_code="C", population_date=dt.date(2017, 1, 1), population=300),
        ]
    )
    clinics = pd.DataFrame(
        [
            dict(
                clinic_code="M1",
                clinic_name="Team Alpha",
                unit_type="mmc",
                partner="P",
                governorate="IQ-DA",
                base_latitude=36.85123,
                base_longitude=42.95321,
                clinicians=2,
                active_from=None,
                active_to=None,
            ),
            dict(
                clinic_code="M2",
                clinic_name="Team Bravo",
                unit_type="mmc",
                partner="P",
                governorate="IQ-AN",
                base_latitude=33.42457,
                base_longitude=43.31789,
                clinicians=3,
                active_from=None,
                active_to=None,
            ),
            dict(
                clinic_code="A1",
                clinic_name="Ambulance Charlie",
                unit_type="ambulance",
                partner="P",
                governorate="IQ-AN",
                base_latitude=33.41234,
                base_longitude=43.30987,
                clinicians=0,
                active_from=None,
                active_to=None,
            ),
        ]
    )
    if records is None:
        records = TINY_RECORDS
    cols = ["date", "clinic_code", "camp_code", "syndrome", "sex", "age_group", "consultations", "referrals"]
    frame = pd.DataFrame(records, columns=cols)
    frame["date"] = [dt.date.fromisoformat(d) for d in frame["date"]]
    return Dataset(camps=camps, populations=pops, clinics=clinics, records=iter([frame]), seed=0, scale="tiny")


# (date, clinic, camp, syndrome, sex, age, consultations, referrals)
TINY_RECORDS = [
    ("2017-01-30", "M1", "A", "ari", "female", "under5", 10, 1),  # Monday
    ("2017-01-30", "M1", "A", "ari", "male", "5plus", 20, 0),
    ("2017-02-01", "M1", "A", "awd", "female", "5plus", 5, 0),
    ("2017-02-01", "M2", "B", "ari", "male", "under5", 7, 2),
    ("2017-02-01", "A1", "B", "injury", "male", "5plus", 3, 3),
    ("2017-02-05", "M2", "B", "other", "female", "5plus", 40, 1),  # Sunday
    ("2017-02-06", "M1", "A", "other", "female", "5plus", 8, 0),  # Monday, next week
]


@pytest.fixture
def tiny(engine):
    """The engine with the tiny dataset loaded as demo data."""
    access.load_dataset(engine, tiny_dataset())
    return engine


def settings_for(url: str, **overrides):
    from dashboard.config import Settings

    # Tests ask many times a minute from one address: a budget far above what they ask (its own tests set theirs).
    defaults = {"database_url": url, "secret_key": "test", "load_demo": False, "rate_limit": "100000 per minute"}
    return Settings.from_env(**{**defaults, **overrides})


def make_app(url: str, dataset: Dataset | None = None, **overrides):
    """An app on the database at `url`, after loading `dataset` (as demo data) when given."""
    from app import create_app

    if dataset is not None:
        eng = schema.make_engine(url)
        schema.upgrade(eng)
        access.load_dataset(eng, dataset)
        eng.dispose()
    return create_app(settings_for(url, **overrides))


def texts(component) -> list[str]:
    """Every string in a Dash component tree, in order: what a reader of the page would see."""
    out: list[str] = []

    def walk(node):
        if node is None:
            return
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, (int, float)) and not isinstance(node, bool):
            out.append(str(node))
        elif isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
        elif hasattr(node, "to_plotly_json"):
            props = node.to_plotly_json()["props"]
            for key in ("children", "title", "label"):
                walk(props.get(key))

    walk(component)
    return out


def find(component, component_id):
    """The component with `component_id` in a tree, or None."""
    return next((c for c in walk(component) if getattr(c, "id", None) == component_id), None)


def call_callback(client, output: str, values: dict, triggered: str | None = None):
    """POST to a callback as the browser would: `output` names one of its outputs ("id.prop"); `values` maps
    "id.prop" to the value of each input and state (missing ones are None). Returns the Flask response."""
    deps = client.get("/_dash-dependencies").get_json()

    def outputs_of(dep):
        return [o.split("@")[0] for o in dep["output"].strip(".").split("...")]

    def inputs_of(dep):
        return {f"{i['id']}.{i['property']}" for i in dep["inputs"]}

    matching = [d for d in deps if output in outputs_of(d)]
    dep = next((d for d in matching if (triggered or next(iter(values), "")) in inputs_of(d)), matching[0])
    outputs = []
    for spec in dep["output"].strip(".").split("..."):
        component, prop = spec.rsplit(".", 1)
        outputs.append({"id": component, "property": prop})

    def fill(items):
        return [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in items]

    first = dep["inputs"][0]
    body = {
        "output": dep["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": fill(dep["inputs"]),
        "state": fill(dep["state"]),
        "changedPropIds": [triggered or f"{first['id']}.{first['property']}"],
    }
    return client.post("/_dash-update-component", json=body)


def sign_in_here(uid: int = 1, role: str | None = None) -> None:
    """Inside a test's request: sign in the user `uid` as the sign-in form does (a session recorded in the database),
    if that user has `role` (any role when None); a user with another role, or none, leaves the request anonymous."""
    from dashboard import auth, runtime
    from dashboard.store import users

    account = users.user_by_id(runtime.engine(), uid)
    if account is not None and role in (None, account.role):
        auth.start_session(account)


def run_callback(app, function, *args, triggered: str, role: str | None = None):
    """Call a callback's function as Dash would, inside a request (signed in with `role` when given) and with
    `triggered` ("id.prop", the id JSON for a pattern-matching one) as what fired it."""
    from contextvars import copy_context

    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    def call():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": triggered, "value": 1}]))
        with app.server.test_request_context("/_dash-update-component", method="POST"):
            if role:
                sign_in_here(1, role)
            return function(*args)

    return copy_context().run(call)


def walk(component):
    """Every component in a Dash component tree, parents before their children."""
    if hasattr(component, "to_plotly_json"):
        yield component
        children = component.to_plotly_json()["props"].get("children")
        yield from walk(children if isinstance(children, (list, tuple)) else [children])
    elif isinstance(component, (list, tuple)):
        for child in component:
            yield from walk(child)


def with_parts(page, query: dict):
    """The page as the browser shows it once every part has answered (dashboard/parts.py): each placeholder filled
    with its part for the same link and viewer, or left empty when the viewer may not see it. Call it inside the
    page's request, as the page's layout is called."""
    from urllib.parse import urlencode

    from dash.exceptions import PreventUpdate

    from dashboard import ids, parts

    search = "?" + urlencode(query, doseq=True)
    for component in walk(page):
        key = getattr(component, "id", None)
        if isinstance(key, dict) and key.get("type") == ids.PART:
            try:
                component.children = parts.render(key["part"], search)
            except PreventUpdate:
                component.children = None
    return page
