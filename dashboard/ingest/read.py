"""Reading a file a coordinator loads: CSV (UTF-8 with or without BOM, comma or semicolon) or XLSX bytes into text
columns with the standard names of the format (ingest.formats). Nothing here judges a value: ingest.validate does."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.domain.messages import Message, Plural
from dashboard.ingest.formats import KINDS, SPECS, column_aliases, column_hxl, header_key

NOT_BLANK = re.compile(rb"[^\s\xef\xbb\xbf]")  # anything but spaces and a BOM
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"  # what no text of ours holds (tab, newline and return may)
CONTROL_BYTES = re.compile(CONTROL.encode())  # (the same in a file's bytes: each is one byte in UTF-8)
FORMULA_GUARD = re.compile(r"^'(?=[=+\-@\t\r])")  # the apostrophe exports.safe_cell puts before a formula start


class FileProblem(ValueError):
    """A file that cannot be read at all (empty, not UTF-8, not a workbook), with a message for the user."""


@dataclass
class Table:
    """A file's rows as text under the standard column names. Row i of `frame` is row `first_row + i` of the file, or
    `file_rows[i]` for a file reshaped into them (a weekly sheet's row gives a row per syndrome)."""

    kind: str
    frame: pd.DataFrame
    first_row: int
    notes: list[Message | str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    file_rows: np.ndarray | None = None  # the file's row of each row of `frame`, when it is not first_row + i
    plain: bool = False  # the file holds no control character (its cells need not be searched for one)


Source = bytes | Path  # a file's bytes (an upload), or the path of a file on disk (the command line's)
CHECKED_AT_ONCE = 16 * 2**20  # bytes of a file looked at a time (a whole file as text at once: its size again)


def size_of(source: Source) -> int:
    return source.stat().st_size if isinstance(source, Path) else len(source)


def whole(source: Source) -> bytes:
    """A file's bytes (for a boundaries file, read whole)."""
    return source.read_bytes() if isinstance(source, Path) else source


def _slices(source: Source) -> Iterator[bytes]:
    if isinstance(source, Path):
        with source.open("rb") as handle:
            while piece := handle.read(CHECKED_AT_ONCE):
                yield piece
    else:
        for start in range(0, len(source), CHECKED_AT_ONCE):
            yield source[start : start + CHECKED_AT_ONCE]


@dataclass
class Scan:
    """What one pass over a file's bytes, a slice at a time, tells (a file is never held twice, nor whole if it is
    on disk)."""

    sha256: str = ""
    head: bytes = b""  # the first bytes: the first line, a workbook's signature
    lines: int = 0  # line ends
    blank: bool = True  # nothing but spaces (and maybe a BOM)
    plain: bool = True  # no control character (CONTROL)
    apostrophe: bool = False  # an apostrophe somewhere (an export's formula guard, maybe)
    problem: Message | None = None  # not UTF-8: the row and byte of the first character that is not


def scan(source: Source) -> Scan:
    found, digest, tail = Scan(), hashlib.sha256(), b""
    for piece in _slices(source):
        digest.update(piece)
        if len(found.head) < 4096:
            found.head += piece[: 4096 - len(found.head)]
        found.blank = found.blank and not NOT_BLANK.search(piece)
        found.plain = found.plain and not CONTROL_BYTES.search(piece)
        found.apostrophe = found.apostrophe or b"'" in piece
        if found.problem is None:
            tail, found.problem = _utf8(tail + piece, found.lines, final=False)
        found.lines += piece.count(b"\n")
    if found.problem is None and tail:
        found.problem = _utf8(tail, found.lines, final=True)[1]
    found.sha256 = digest.hexdigest()
    return found


def _utf8(data: bytes, lines: int, final: bool) -> tuple[bytes, Message | None]:
    """Whether `data`, found after `lines` line ends, is UTF-8: what to carry to the next slice (a character the
    slice cut; not at the file's end, `final`), or where the first character that is not is."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not final and exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return data[exc.start :], None
        return b"", Message(
            "Row {row} is not UTF-8 text (byte {byte}). Save the file as 'CSV UTF-8' and load it again.",
            row=lines + data.count(b"\n", 0, exc.start) + 1,
            byte=f"0x{data[exc.start]:02X}",
        )
    return b"", None


BLOCK_ROWS = 100_000  # rows of a records file read and checked at a time (ingest.pipeline)


def _opened(source: Source) -> Path | io.BytesIO:
    return source if isinstance(source, Path) else io.BytesIO(source)


def _csv_blocks(source: Source, scanned: Scan, rows: int | None = None) -> Iterator[pd.DataFrame]:
    """The cells of a CSV file as text, `rows` rows at a time (all at once without): parsed from its bytes or read
    from its path, since a copy of a large file as Python text (four bytes a character) took several times its
    size."""
    if scanned.problem is not None:
        raise FileProblem(scanned.problem)
    if scanned.blank:
        raise FileProblem(Message("The file is empty."))
    end = scanned.head.find(b"\n")
    first_line = scanned.head[: end if end >= 0 else len(scanned.head)].decode("utf-8-sig", errors="ignore")
    sep = max((",", ";", "\t"), key=first_line.count)
    try:
        found = pd.read_csv(
            _opened(source),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            header=None,
            skip_blank_lines=True,
            quoting=csv.QUOTE_MINIMAL,
            encoding="utf-8-sig",
            chunksize=rows,
        )
        yield from [found] if rows is None else found
    except pd.errors.ParserError as exc:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if match:
            want, row, saw = match.groups()
            raise FileProblem(
                Message("Row {row} has {saw} cells where the header has {want}.", row=row, saw=saw, want=want)
            ) from None
        raise FileProblem(Message("Cannot read the file as CSV: {reason}", reason=str(exc))) from None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_blocks(source: Source, kind: str, notes: list[Message | str], rows: int | None) -> Iterator[pd.DataFrame]:
    """The non-blank rows of a workbook's sheet (the one named for `kind`, else the first) as text, `rows` at a time
    (all at once without), each block as wide as the first (a later row's cells beyond it have no header)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(_opened(source), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not a workbook
        raise FileProblem(
            Message("Cannot read the file as an Excel workbook (.xlsx). Save it as .xlsx or CSV UTF-8.")
        ) from None
    try:
        names = book.sheetnames
        sheet_name = next((n for n in names if header_key(n) == kind), names[0])
        if len(names) > 1:
            others = len(names) - 1
            notes.append(
                Plural(
                    "Read sheet '{sheet}'; {n} other sheet ignored.",
                    "Read sheet '{sheet}'; {n} other sheets ignored.",
                    others,
                    sheet=sheet_name,
                    n=others,
                )
            )
        width, block, read_any = 0, [], False
        for values in book[sheet_name].iter_rows(values_only=True):
            cells = [_cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            block.append(cells)
            if rows is not None and len(block) >= rows:
                width = width or max(map(len, block))
                yield _sheet_frame(block, width)
                block, read_any = [], True
        if not block and not read_any:
            raise FileProblem(Message("Sheet '{sheet}' is empty.", sheet=sheet_name))
        if block:
            yield _sheet_frame(block, width or max(map(len, block)))
    finally:
        book.close()


def _sheet_frame(rows: list[list[str]], width: int) -> pd.DataFrame:
    return pd.DataFrame([(r + [""] * (width - len(r)))[:width] for r in rows], dtype=str)


def _hxl_matches(tag: str, wanted: str) -> bool:
    """Whether a file's HXL tag is the wanted one: the same hashtag with at least its attributes."""
    have = [p.strip() for p in tag.lower().split("+")]
    want = wanted.lower().split("+")
    return have[0] == want[0] and set(want[1:]) <= set(have[1:])


def _columns_of(header: list[str], kind: str, tags: list[str] | None = None) -> tuple[dict[str, int], list[Message]]:
    """Which column of the file holds each of the format's, and how the ones not under their own name were found:
    its own name first, then its other names (aliases.toml) in order, then (for a file with a hashtag row) its HXL
    hashtags; each file column used once."""
    by_key = {header_key(name): position for position, name in reversed(list(enumerate(header)))}
    tags = tags or []
    chosen: dict[str, int] = {}
    how: list[Message] = []
    for col in SPECS[kind]:
        for key in (header_key(col.name), *column_aliases(kind, col.name)):
            if key in by_key and by_key[key] not in chosen.values():
                chosen[col.name] = by_key[key]
                if key != header_key(col.name):
                    how.append(Message("'{header}' as {column}", header=header[by_key[key]].strip(), column=col.name))
                break
    for col in SPECS[kind]:
        if col.name in chosen:
            continue
        found = next(
            (
                # the closest tag first: #loc+name is the name, before #loc+name+i_ar (the Arabic name's own column)
                min(matching, key=lambda position: (len(tags[position].split("+")), position))
                for wanted in column_hxl(kind, col.name)
                if (
                    matching := [
                        position
                        for position, tag in enumerate(tags)
                        if tag.strip() and position not in chosen.values() and _hxl_matches(tag, wanted)
                    ]
                )
            ),
            None,
        )
        if found is not None:
            chosen[col.name] = found
            how.append(
                Message(
                    "'{header}' ({tag}) as {column}",
                    header=header[found].strip() or tags[found],
                    tag=tags[found].strip(),
                    column=col.name,
                )
            )
    return chosen, how


@dataclass
class Raw:
    """A file's cells as text: its header, its HXL hashtag row (when it has one), and its rows; row i of `body` is row
    `first_row + i` of the file. A file read in blocks has its first block in `body` and the others in `more`."""

    header: list[str]
    tags: list[str] | None
    body: pd.DataFrame
    first_row: int
    notes: list[Message | str]
    may_be_guarded: bool
    more: Iterator[pd.DataFrame] = field(default_factory=lambda: iter(()))
    plain: bool = False  # (see Table)


def read_rows(
    source: Source, filename: str, sheet: str, block_rows: int | None = None, scanned: Scan | None = None
) -> Raw:
    """The cells of a CSV or XLSX file as text (for a workbook, the sheet named `sheet` or else the first),
    `block_rows` at a time when given (at least three: the header and a hashtag row are in the first block); raises
    FileProblem if the file cannot be read (a later block may raise it as it is read). `scanned`: the file's
    `scan`, if it was."""
    if not size_of(source):
        raise FileProblem(Message("The file is empty."))
    notes: list[Message | str] = []
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix == "xls":
        raise FileProblem(Message("Old Excel files (.xls) are not read: save the file as .xlsx or CSV UTF-8."))
    blocks: Iterator[pd.DataFrame]
    plain = False
    rows = None if block_rows is None else max(block_rows, 3)
    if suffix == "xlsx" or zipfile.is_zipfile(_opened(source)):
        blocks = _xlsx_blocks(source, sheet, notes, rows)
        may_be_guarded = True  # a zipped file cannot be searched as bytes: each column is looked at
    else:
        scanned = scanned or scan(source)
        blocks = _csv_blocks(source, scanned, rows)
        may_be_guarded = scanned.apostrophe  # exports put one before a formula start; most files have none
        plain = scanned.plain
    raw = next(blocks)
    header = [str(h) for h in raw.iloc[0].tolist()]
    body = raw.iloc[1:].reset_index(drop=True)
    first_row = 2
    tags: list[str] | None = None
    if (
        len(body)
        and all(not c.strip() or c.strip().startswith("#") for c in body.iloc[0])
        and any(c.strip() for c in body.iloc[0])
    ):
        tags = [str(c) for c in body.iloc[0].tolist()]
        body = body.iloc[1:].reset_index(drop=True)  # the HXL hashtag row of our exports and of HDX files
        first_row = 3
    more = (block.reset_index(drop=True) for block in blocks)
    return Raw(header, tags, body, first_row, notes, may_be_guarded, more, plain)


def unguarded(values: pd.Series, may_be_guarded: bool) -> pd.Series:
    """Cells with the apostrophe our exports put before a formula start taken off again."""
    if may_be_guarded and values.str.startswith("'").any():
        return values.str.replace(FORMULA_GUARD, "", regex=True)
    return values


def read_table(source: Source, filename: str, kind: str, scanned: Scan | None = None) -> Table:
    """The rows of a CSV or XLSX file as text, with the standard column names; raises FileProblem if unreadable."""
    return next(read_blocks(source, filename, kind, scanned=scanned))


def read_blocks(
    source: Source, filename: str, kind: str, block_rows: int | None = None, scanned: Scan | None = None
) -> Iterator[Table]:
    """The rows of a CSV or XLSX file as tables of `block_rows` rows (one table without), each with the standard
    column names and the file's row of its first row; the first table has the file's notes. Raises
    FileProblem if the file is unreadable (where a later block is, as that block is read)."""
    if kind not in SPECS:
        raise FileProblem(
            Message("Unknown kind of file {kind}: use one of {kinds}.", kind=repr(kind), kinds=", ".join(KINDS))
        )
    raw = read_rows(source, filename, kind, block_rows, scanned)
    header, notes = raw.header, raw.notes
    chosen, how = _columns_of(header, kind, raw.tags)
    if how:
        notes.append(Message("Columns read by another name: {columns}.", columns=how))
    ignored = [name.strip() for position, name in enumerate(header) if position not in chosen.values() and name.strip()]
    if ignored:
        notes.append(Message("Columns not used: {columns}.", columns=", ".join(ignored)))
    missing = [c.name for c in SPECS[kind] if c.required and c.name not in chosen]
    stripped = [h.strip() for h in header]
    row, first = raw.first_row, True
    for body in itertools.chain([raw.body], raw.more):
        frame = _standard(body, chosen, kind, raw.may_be_guarded)
        yield Table(kind, frame, row, notes if first else [], missing, stripped, plain=raw.plain)
        row, first = row + len(body), False


def _standard(body: pd.DataFrame, chosen: dict[str, int], kind: str, may_be_guarded: bool) -> pd.DataFrame:
    """A block of a file's rows under the format's column names (an optional column the file lacks, empty)."""
    frame = pd.DataFrame(
        {name: body.iloc[:, pos].astype(str).str.strip() for name, pos in chosen.items()}, index=body.index
    )
    for name, col in ((c.name, c) for c in SPECS[kind]):
        if name not in frame and not col.required:
            frame[name] = ""
        elif name in frame:
            frame[name] = unguarded(frame[name], may_be_guarded)
    return frame
