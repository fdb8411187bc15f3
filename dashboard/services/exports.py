"""CSV and XLSX exports with a row of HXL hashtags (Humanitarian Exchange Language), safe to open in a spreadsheet.

An export a person asks for from a page (rather than the API) starts with a few lines saying what it holds: its title,
period and filters, the data's date (`preamble`); HXL readers look for the hashtag row below them, as the standard
allows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import TextIO

ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def file_name(prefix: str, f) -> str:
    """A download's name from the view it is of (not the day it was made): its period, governorates, syndrome, unit
    and camp, e.g. mmc-camps-2018-01-01-to-2018-12-30-IQ-AN-awd."""
    parts = [prefix, f"{f.start:%Y-%m-%d}-to-{f.end:%Y-%m-%d}", *f.governorates]
    parts += [value for value in (f.syndrome, f.clinic, f.camp) if value]
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", "-".join(parts))


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


# Spreadsheets (Excel above all) read a CSV file as UTF-8 only when it starts with this mark; without it, Arabic and
# Kurdish names come out garbled. Files people download get it; the API's CSV, read by programs, does not.
BOM = "\ufeff"


def to_csv(
    rows: Iterable[dict], columns: Sequence[tuple[str, str, str]], preamble: Sequence[str] = (), bom: bool = False
) -> str:
    """CSV text as write_csv writes it, after the `preamble` lines (each a one-cell row); `bom`: for a spreadsheet
    (a file downloaded from a page)."""
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\n")
    for line in preamble:
        writer.writerow([safe_cell(line)])
    write_csv(out, rows, columns)
    return out.getvalue()


def _cell(value) -> object:
    """A value as an XLSX cell: a day (a date, or text written YYYY-MM-DD) as a real date, the rest formula-safe."""
    if isinstance(value, dt.date):  # (a datetime is one too)
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    return safe_cell(value)


def to_xlsx(
    rows: Iterable[dict], columns: Sequence[tuple[str, str, str]], sheet: str = "data", preamble: Sequence[str] = ()
) -> bytes:
    """An XLSX workbook: the `preamble` lines (the first in bold), then a header row and the HXL row above the data
    (the panes frozen below them, the filter buttons on the HXL row, so that sorting never moves it into the data);
    days as real dates (YYYY-MM-DD), text formula-safe as in CSV."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = sheet
    for line in preamble:
        ws.append([safe_cell(line)])
    if preamble:
        ws.cell(row=1, column=1).font = Font(bold=True, size=13)
        ws.append([])
    header = len(preamble) + 2 if preamble else 1  # (a blank row between)
    ws.append([h for _key, h, _tag in columns])
    ws.append([tag for _key, _header, tag in columns])
    for cell in ws[header]:
        cell.font = Font(bold=True)
    last = header + 1
    for row in rows:
        ws.append([_cell(row.get(key)) for key, _header, _tag in columns])
        last += 1
    for number, (_key, heading, _tag) in enumerate(columns, start=1):
        letter = ws.cell(row=header, column=number).column_letter
        ws.column_dimensions[letter].width = min(max(len(str(heading)) + 2, 11), 40)
        for (cell,) in ws.iter_rows(min_row=header + 2, max_row=last, min_col=number, max_col=number):
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = ws.cell(row=header + 2, column=1)
    ws.auto_filter.ref = f"A{header + 1}:{ws.cell(row=last, column=len(columns)).coordinate}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
