"""The command line: init-db and demo, with plain errors and non-zero exits."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.__main__ import main
from dashboard.store import access, schema


def test_init_db_creates_the_schema(db_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert main(["init-db"]) == 0
    assert "newest schema" in capsys.readouterr().out
    engine = schema.make_engine(db_url)
    assert schema.is_current(engine)
    assert len(access.governorate_names(engine)) == 18


def test_demo_loads_a_short_period(sqlite_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert main(["demo", "--start", "2018-12-01", "--end", "2018-12-31", "--seed", "3"]) == 0
    assert "57 units" in capsys.readouterr().out
    status = access.data_status(schema.make_engine(sqlite_url))
    assert status.is_demo and status.last_date <= dt.date(2018, 12, 31)


def test_unreachable_database_is_a_plain_error(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    assert main(["init-db"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


def test_bad_argument_exits_with_usage(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--start", "2018-02-30"])
    assert exc.value.code == 2
    assert "--start: not a date as YYYY-MM-DD" in capsys.readouterr().err
