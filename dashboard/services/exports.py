"""CSV exports with a row of HXL hashtags (Humanitarian Exchange Language), safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> object:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ (or a tab or CR) gets a leading
    apostrophe. Numbers and empty cells pass as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(out: TextIO, rows: Iterable[dict], columns: Sequence[tuple[str, str, str]]) -> None:
    """Write CSV: a header row, the HXL row, then the rows. `columns` are (key, header, hxl tag) triples."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([header for _key, header, _tag in columns])
    writer.writerow([tag for _key, _header, tag in columns])
    write_rows(out, rows, columns)


def write_rows(out: TextIO, rows: Iterable[dict], columns: Sequence[tuple[str, str, str]]) -> None:
    """Write CSV data rows only (after write_csv's header rows), formula-safe."""
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([safe_cell(row.get(key)) for key, _header, _tag in columns])


def to_csv(rows: Iterable[dict], columns: Sequence[tuple[str, str, str]]) -> str:
    """CSV text as write_csv writes it."""
    out = io.StringIO()
    write_csv(out, rows, columns)
    return out.getvalue()


def to_xlsx(rows: Iterable[dict], columns: Sequence[tuple[str, str, str]], sheet: str = "data") -> bytes:
    """An XLSX workbook: a header row, the HXL row, then the rows; text cells made formula-safe as in CSV."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append([header for _key, header, _tag in columns])
    ws.append([tag for _key, _header, tag in columns])
    for row in rows:
        ws.append([safe_cell(row.get(key)) for key, _header, _tag in columns])
    ws.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
