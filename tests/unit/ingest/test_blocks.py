"""A records file is read, checked and written a block of rows at a time, so that its memory is a block's and not the
file's: what a coordinator sees (errors by row, warnings, notes, all or nothing) must not depend on where the blocks
fall. Blocks of three rows here; a real file's are read.BLOCK_ROWS."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from dashboard.data import loading, queries
from dashboard.domain.filters import Filters
from dashboard.ingest import read
from tests.helpers import run_import as run
from tests.unit.ingest.test_pipeline import RECORD_HEADER, messages, snapshot

FEBRUARY = Filters(dt.date(2017, 2, 1), dt.date(2017, 2, 28))


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    monkeypatch.setattr(read, "BLOCK_ROWS", 3)


def records(*rows: str) -> str:
    return RECORD_HEADER + "\n" + "\n".join(rows) + "\n"


def days(n: int, consultations: int = 4, camp: str = "A") -> list[str]:
    return [f"2017-02-{d:02d},M1,{camp},ari,female,under5,{consultations},1" for d in range(1, n + 1)]


def test_a_file_in_blocks_loads_whole_while_only_a_block_is_held(real, monkeypatch):
    staged: list[int] = []
    stage = loading.RecordsLoad.stage
    monkeypatch.setattr(
        loading.RecordsLoad, "stage", lambda self, frame: (staged.append(len(frame)), stage(self, frame))
    )
    before = queries.period_totals(real, FEBRUARY)["consultations"]
    outcome = run(real, "records", records(*days(10, consultations=5)))
    assert outcome.loaded
    assert (outcome.rows, outcome.added + outcome.replaced) == (10, 10)
    assert staged == [2, 3, 3, 2]  # (the first block holds the header too)
    assert [row["date"] for row in outcome.preview] == [f"2017-02-0{d}" for d in range(1, 6)]
    replaced = 4 * outcome.replaced  # (rows of the tiny dataset with these keys had 4 consultations each, if any)
    assert queries.period_totals(real, FEBRUARY)["consultations"] == before - replaced + 50


def test_an_error_in_a_later_block_names_its_row_and_writes_nothing(real):
    before = snapshot(real)
    outcome = run(real, "records", records(*days(9), "2017-02-10,M1,A,ari,female,under5,-1,0"))
    assert not outcome.loaded
    assert messages(outcome) == [(11, "consultations", "-1 is below 0")]
    assert snapshot(real) == before


def test_a_row_with_too_many_cells_in_a_later_block_is_named_and_nothing_is_written(real):
    before = snapshot(real)
    outcome = run(real, "records", records(*days(8), "2017-02-09,M1,A,ari,female,under5,4,1,extra"))
    assert not outcome.loaded
    assert outcome.errors[0]["message"] == "Row 10 has 9 cells where the header has 8."
    assert snapshot(real) == before


def test_rows_with_the_same_key_in_two_blocks_are_named_and_nothing_is_written(real):
    before = snapshot(real)
    again = "2017-02-02,M1,A,ari,F,under5,7,0"  # (row 3's key: F is female, as aliases.toml reads it)
    outcome = run(real, "records", records(*days(6), again))
    assert not outcome.loaded
    assert messages(outcome) == [
        (8, "date", "the same date + clinic_code + camp_code + syndrome + sex + age_group as row 3")
    ]
    assert snapshot(real) == before


def test_a_unit_s_day_split_between_blocks_is_summed_for_its_warning(real):
    rows = [
        *days(2),
        "2017-02-05,M1,A,ari,female,under5,200,0",
        *days(2, camp="B"),
        "2017-02-05,M1,B,awd,male,5plus,150,0",
    ]
    outcome = run(real, "records", records(*rows))
    assert outcome.loaded
    assert outcome.warning_count == 1
    assert outcome.warnings[0]["row"] == 4
    assert "350 consultations for M1 on 2017-02-05" in outcome.warnings[0]["message"]


def test_the_notes_of_a_file_in_blocks_are_counted_once(real):
    grouped = '2017-02-{d:02d},M1,{camp},ari,female,under5,"1,200",0'
    rows = [grouped.format(d=1, camp="A"), *days(3, camp="Q8")[1:], grouped.format(d=5, camp="Q9"), *days(2)]
    outcome = run(real, "records", records(*rows), dry_run=True)
    assert "2 consultations values have thousands separators: read without." in outcome.notes
    assert "2 camp codes are not loaded: Q8, Q9." in outcome.notes
    assert [e["rows"] for e in outcome.errors if e["column"] == "camp_code"] == [[3, 4], [5]]


def test_a_file_on_disk_is_read_a_slice_at_a_time_and_loads_as_its_bytes_do(real, tmp_path, monkeypatch):
    """The command line hands the pipeline the file's path: its bytes are looked at a slice at a time (seven here:
    slices that cut the two bytes of "é" and the rows), never held whole."""
    monkeypatch.setattr(read, "CHECKED_AT_ONCE", 7)
    content = records(*days(8)).encode()
    path = tmp_path / "records.csv"
    path.write_bytes(content)
    checked = run(real, "records", content, dry_run=True)
    from_disk = run(real, "records", path, dry_run=True)
    assert (from_disk.ok, from_disk.rows, from_disk.sha256) == (True, 8, checked.sha256)
    assert from_disk.sha256 == hashlib.sha256(content).hexdigest()
    named = tmp_path / "named.csv"
    named.write_bytes(content.replace(b",A,", ",Camp é,".encode(), 1))  # (a valid two-byte character)
    assert "not UTF-8" not in " ".join(e["message"] for e in run(real, "records", named, dry_run=True).errors)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content + "2017-02-20,M1,A,ari,féminin,under5,4,1\n".encode("latin-1"))
    outcome = run(real, "records", bad)
    assert outcome.error_count == 1
    assert outcome.errors[0]["message"].startswith("Row 10 is not UTF-8 text (byte 0xE9)")
    assert run(real, "records", path).loaded


def test_a_workbook_is_read_in_blocks_too(real, tmp_path, monkeypatch):
    """An Excel sheet of records is read a block at a time as well (a sheet holds up to 1,048,576 rows): its blank
    rows skipped, a later block's error named by its spreadsheet row, a good sheet loaded whole."""
    from openpyxl import Workbook

    def workbook(rows: list[str]) -> bytes:
        book = Workbook()
        sheet = book.active
        sheet.title = "records"
        sheet.append(RECORD_HEADER.split(","))
        for row in rows:
            sheet.append([int(c) if c.isdigit() else c for c in row.split(",")] if row else [])
        out = tmp_path / "records.xlsx"
        book.save(out)
        return out.read_bytes()

    blocks: list[int] = []
    frame = read._sheet_frame
    monkeypatch.setattr(read, "_sheet_frame", lambda rows, width: (blocks.append(len(rows)), frame(rows, width))[1])
    before = snapshot(real)
    bad = workbook([*days(8), "2017-02-10,M1,A,ari,female,under5,2,3"])
    outcome = run(real, "records", bad, "records.xlsx")
    assert messages(outcome) == [(10, "referrals", "3 referrals is more than 2 consultations")]
    assert snapshot(real) == before
    outcome = run(real, "records", workbook([*days(4), "", *days(9)[4:]]), "records.xlsx")
    assert (outcome.loaded, outcome.rows) == (True, 9)
    assert blocks == [3, 3, 3, 1] * 2  # (the header and nine rows, a blank one skipped: never more than a block)
