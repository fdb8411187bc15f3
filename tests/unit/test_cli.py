"""The command line: init-db, demo, import, export, imports and remove-demo, with plain errors and exit codes."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.cli import main
from dashboard.data import queries, schema


def test_init_db_creates_the_schema(db_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("LOAD_DEMO", "false")  # (the demo at init-db: tests/unit/test_production.py)
    assert main(["init-db"]) == 0
    assert "newest schema" in capsys.readouterr().out
    engine = schema.make_engine(db_url)
    assert schema.is_current(engine)
    assert len(queries.governorate_names(engine)) == 18


def test_demo_loads_a_short_period(sqlite_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert main(["demo", "--start", "2018-12-01", "--end", "2018-12-31", "--seed", "3"]) == 0
    assert "57 units" in capsys.readouterr().out
    status = queries.data_status(schema.make_engine(sqlite_url))
    assert status.is_demo
    assert status.last_date <= dt.date(2018, 12, 31)


def test_unreachable_database_is_a_plain_error(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    assert main(["init-db"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "Traceback" not in err


def test_bad_argument_exits_with_usage(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--start", "2018-02-30"])
    assert exc.value.code == 2
    assert "--start: not a date as YYYY-MM-DD" in capsys.readouterr().err


TEMPLATES = __import__("pathlib").Path(__file__).resolve().parents[2] / "data" / "templates"


def test_import_lists_errors_and_exits_non_zero(sqlite_url, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    bad = tmp_path / "camps.csv"
    bad.write_text(
        "camp_code,camp_name,governorate,latitude,longitude,population,population_date\n"
        "X1,Camp X,Narnia,33.3,43.7,-5,2017-01-01\n",
        encoding="utf-8",
    )
    assert main(["import", "camps", str(bad)]) == 1
    out, err = capsys.readouterr()
    assert "2 errors:" in out
    assert "row 2, governorate: unknown governorate 'Narnia'" in out
    assert "row 2, population: -5 is below 0" in out
    assert "nothing was loaded" in err
    assert queries.data_status(schema.make_engine(sqlite_url)).has_data is False


def test_import_dry_run_then_load_then_export_and_history(sqlite_url, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    camps = str(TEMPLATES / "camps.csv")
    assert main(["import", "camps", camps, "--dry-run"]) == 0
    assert "3 rows, no errors (dry run: nothing written)" in capsys.readouterr().out
    assert main(["import", "camps", camps, "--user", "amira"]) == 0
    assert "3 rows added, 0 replaced." in capsys.readouterr().out
    assert main(["import", "clinics", str(TEMPLATES / "clinics.xlsx")]) == 0
    assert main(["import", "records", str(TEMPLATES / "records.csv")]) == 0
    capsys.readouterr()
    assert main(["imports"]) == 0
    history = capsys.readouterr().out.splitlines()
    assert len(history) == 3
    assert "\tamira\tcamps\tloaded\tcamps.csv\tadded 3\t" in history[-1]
    out = tmp_path / "records-out.csv"
    assert main(["export", "records", str(out)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # the mark a spreadsheet needs to read UTF-8
    assert out.read_text(encoding="utf-8-sig") == (TEMPLATES / "records.csv").read_text(encoding="utf-8")


def test_remove_demo(sqlite_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert main(["demo", "--start", "2018-12-01", "--end", "2018-12-07"]) == 0
    assert main(["remove-demo"]) == 0
    assert "Demo data removed." in capsys.readouterr().out
    assert not queries.data_status(schema.make_engine(sqlite_url)).has_data
    assert main(["remove-demo"]) == 0
    assert "There is no demo data to remove." in capsys.readouterr().out
