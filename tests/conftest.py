"""Shared fixtures: databases on SQLite and PostgreSQL (with the tiny dataset loaded), and Redis; the helpers the tests
share are in tests/helpers.py.

TEST_DATABASE_URL names the PostgreSQL server (default: postgresql://postgres@127.0.0.1:5432/test). Each test gets a
schema of its own there, dropped afterwards. When REQUIRE_POSTGRES=1 (CI sets it) an unreachable server fails the
run instead of skipping the PostgreSQL half of the tests; REQUIRE_BROWSER=1 does the same for Chromium, and
REQUIRE_REDIS=1 for the Redis of TEST_REDIS_URL.
"""

from __future__ import annotations

import os
import shutil
import uuid

import pytest
from sqlalchemy import text

from dashboard.data import queries, schema
from tests.helpers import load_tiny_as_files, tiny_dataset

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
    queries.ensure_reference(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def tiny(engine):
    """The engine with the tiny dataset loaded as demo data."""
    queries.load_dataset(engine, tiny_dataset())
    return engine


@pytest.fixture
def real(engine):
    """The engine with the tiny dataset loaded through the import path, as real data."""
    load_tiny_as_files(engine)
    return engine
