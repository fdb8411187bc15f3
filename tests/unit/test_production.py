"""Production (gunicorn's `app:server`): it refuses to start on settings that break a fleet, in one line, and never
changes the database at start; `init-db` is the release step that does."""

from __future__ import annotations

import pytest

import app as app_module
from dashboard.cli import main
from dashboard.data import loading, queries, schema


def _serve(capsys) -> tuple[int | None, str]:
    """What gunicorn meets asking for app:server: the server, or the exit code and the one line on stderr."""
    try:
        app_module.__getattr__("server")
    except SystemExit as exc:
        return exc.code, capsys.readouterr().err  # type: ignore[return-value]
    finally:
        app_module.__dict__.pop("server", None)
    return None, ""


def test_production_refuses_to_start_without_a_shared_key_or_database(sqlite_url, monkeypatch, capsys):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    code, err = _serve(capsys)
    assert code == 4  # gunicorn's "App failed to load": the master stops instead of restarting workers
    assert err.startswith("error: SECRET_KEY is not set")
    assert err.count("\n") == 1
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.delenv("DATABASE_URL")
    code, err = _serve(capsys)
    assert code == 4
    assert err.startswith("error: DATABASE_URL is not set")


def test_production_asks_for_init_db_and_writes_nothing_at_start(db_url, monkeypatch, capsys):
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.setenv("DATABASE_URL", db_url)
    code, err = _serve(capsys)
    assert code == 4
    assert "run `python -m dashboard init-db`" in err
    engine = schema.make_engine(db_url)
    assert not schema.is_current(engine)  # the refused start created nothing
    monkeypatch.setenv("LOAD_DEMO", "false")
    assert main(["init-db"]) == 0
    assert _serve(capsys) == (None, "")
    assert not queries.data_status(engine).has_data  # no demo at a production start
    assert loading.history(engine) == []


def test_debug_waives_the_shared_key_for_trying_it(sqlite_url, monkeypatch, capsys):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.setenv("LOAD_DEMO", "false")
    assert main(["init-db"]) == 0
    assert _serve(capsys) == (None, "")


def test_init_db_loads_the_demo_once_into_an_empty_database(sqlite_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert main(["init-db"]) == 0
    assert "synthetic demo data loaded" in capsys.readouterr().out
    engine = schema.make_engine(sqlite_url)
    assert queries.data_status(engine).is_demo
    loaded = queries.data_status(engine).last_loaded_at
    assert main(["init-db"]) == 0  # the next release step leaves the data as it is
    assert "demo data loaded" not in capsys.readouterr().out
    assert queries.data_status(engine).last_loaded_at == loaded


def test_the_worker_needs_redis_and_the_newest_schema(sqlite_url, monkeypatch, capsys, redis_url):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert main(["worker", "--burst"]) == 1
    assert "set REDIS_URL" in capsys.readouterr().err
    monkeypatch.setenv("REDIS_URL", redis_url)
    assert main(["worker", "--burst"]) == 1
    assert "run `python -m dashboard init-db` first" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["SECRET_KEY", "DATABASE_URL"])
def test_the_readme_says_what_production_needs(name):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    production = readme[readme.index("## In production") :]
    assert name in production
    assert "init-db" in production
    assert "python -m dashboard worker" in production
