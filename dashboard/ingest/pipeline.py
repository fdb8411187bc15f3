"""One path for a file, from the command line or the data page: read it, check it, then write it or record why not."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from dashboard.data import loading, queries
from dashboard.domain import weekdays
from dashboard.domain.messages import Message, Plural, as_data, message_of, renamed
from dashboard.ingest import read, validate, weekly

if TYPE_CHECKING:  # (an engine is only passed through to the data layer)
    from sqlalchemy.engine import Engine

KINDS = ("camps", "clinics", "records", "weekly", "rota", "boundaries")
PREVIEW_ROWS = 5


@dataclass
class Outcome:
    """What happened to one file; plain data, so the page can keep it as JSON between requests."""

    kind: str
    filename: str
    sha256: str
    rows: int = 0
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    warnings: list[dict] = field(default_factory=list)
    warning_count: int = 0
    notes: list[Message | str] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)
    loaded: bool = False
    added: int = 0
    replaced: int = 0
    removed_demo: bool = False
    replaces_demo: bool = False
    outlines: list[dict] = field(default_factory=list)  # a boundary file's outlines, coarsely, for its preview

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def to_dict(self) -> dict:
        """As plain data (the notes in English for programs and logs, and in `notes_text` as the page translates
        them: words.say)."""
        found = asdict(self)
        found["notes"] = [str(n) for n in self.notes]
        found["notes_text"] = [as_data(n) for n in self.notes]
        return found


def _file_error(outcome: Outcome, message: Message | str) -> Outcome:
    outcome.errors = [
        {"row": None, "rows": [], "count": 1, "column": "", "message": str(message), "text": as_data(message)}
    ]
    outcome.error_count = 1
    return outcome


def _cell(value) -> str:
    """A preview cell: empty for a missing value, a date as YYYY-MM-DD, anything else as text."""
    if value is None or pd.isna(value):
        return ""
    return value.date().isoformat() if isinstance(value, pd.Timestamp) else str(value)


def _preview(checked: validate.Checked) -> list[dict]:
    head = checked.frame.head(PREVIEW_ROWS)
    if checked.kind == "rota":  # as the file writes it: weekdays by name, a dated visit's date in its own column
        dated = head["dated"]
        head = pd.DataFrame(
            {
                "clinic_code": head["clinic_code"],
                "camp_code": head["camp_code"],
                "weekdays": [
                    "" if d else weekdays.weekday_names(int(m)) for d, m in zip(dated, head["weekdays"], strict=True)
                ],
                "valid_from": head["valid_from"].where(~dated),
                "valid_to": head["valid_to"].where(~dated),
                "date": head["valid_from"].where(dated),
            }
        )
    return [{k: _cell(v) for k, v in row.items()} for row in head.to_dict("records")]


def run(
    engine: Engine,
    kind: str,
    data: read.Source,
    filename: str,
    *,
    user: str,
    dry_run: bool = False,
    record_refusal: bool | None = None,
    today: dt.date | None = None,
    progress: loading.Progress | None = None,
    max_bytes: int | None = None,
    first_day: int = 0,
    job: str | None = None,
) -> Outcome:
    """Check a file (its bytes, or its path: read a slice at a time) and, unless `dry_run` or it has errors, load
    it. A refused file is noted in the import history (unless `record_refusal` is False; by default, unless
    `dry_run`) and writes nothing else: refused for its errors, for its size (above `max_bytes`), or because another
    load is running (loads run one at a time). A weekly sheet's weeks start on `first_day` (0 Monday, 6 Sunday: the
    WEEK_START setting). A data page upload's `job` is recorded with the rows it loads (loaded once: ingest.jobs)."""
    record_refusal = not dry_run if record_refusal is None else record_refusal
    progress = progress or (lambda *_: None)
    scanned = read.scan(data)
    outcome = Outcome(kind, Path(filename).name, scanned.sha256)
    if kind not in KINDS:
        return _file_error(
            outcome, Message("unknown kind of file {kind}: use one of {kinds}", kind=repr(kind), kinds=", ".join(KINDS))
        )
    if max_bytes is not None and read.size_of(data) > max_bytes:
        _file_error(outcome, too_large(read.size_of(data), max_bytes))
        if record_refusal:
            loading.record_rejected(engine, kind, outcome.filename, outcome.sha256, user, 0, note="file too large")
        return outcome
    try:
        asked = _File(kind, data, scanned, user, dry_run, record_refusal, today, progress, first_day, job)
        return _run(engine, outcome, asked)
    except queries.LoadBusy as exc:
        outcome = _file_error(outcome, message_of(exc))
        if record_refusal:
            loading.record_rejected(engine, kind, outcome.filename, outcome.sha256, user, 0, note=str(exc))
        return outcome


@dataclass
class _File:
    """A file on its way through `run`: what was asked of it, and what one pass over its bytes told (read.scan)."""

    kind: str
    data: read.Source
    scanned: read.Scan
    user: str
    dry_run: bool
    record_refusal: bool
    today: dt.date | None
    progress: loading.Progress
    first_day: int
    job: str | None


def too_large(size: int, limit: int) -> Message:
    """What a coordinator is told of a file above MAX_UPLOAD_MB."""
    return Message(
        "The file is {size} MB; files of up to {limit} MB are accepted (MAX_UPLOAD_MB): split it, for example by "
        "year, and load the parts one after another.",
        size=f"{size / 2**20:,.1f}",
        limit=f"{limit / 2**20:,.0f}",
    )


def _checked(engine, outcome: Outcome, f: _File) -> tuple[validate.Checked, validate.Problems]:
    """A file read and checked, and the problems of a weekly sheet's own cells (by the sheet's rows): a weekly sheet
    is read as records first (ingest/weekly.py). (A records file: `_records`.)"""
    kind, today, demo = f.kind, f.today, outcome.replaces_demo
    if kind != "weekly":
        table = read.read_table(f.data, outcome.filename, kind, f.scanned)
        checks = validate.check(
            table, today=today, known=_known(engine, kind, demo), boundaries=_outlines(engine, kind)
        )
        return checks, validate.Problems()
    raw = read.read_rows(f.data, outcome.filename, "weekly", scanned=f.scanned)
    reshaped = weekly.reshape(raw, f.first_day, today)
    table = reshaped.table
    if table.frame.empty:
        empty = validate.Problems()
        if not reshaped.errors.total:
            empty.add(-1, "", "the sheet has a header row but no counts")
        checks = validate.Checked("records", table.frame, table.first_row, empty, validate.Problems(), reshaped.notes)
        return checks, reshaped.errors
    return validate.check(table, today=today, known=_known(engine, "records", demo), weekly=True), reshaped.errors


def _listed(checked: validate.Checked, sheet: validate.Problems) -> list[dict]:
    """The errors of a file by its rows: a weekly sheet's own (counted from its first row) with its records'."""
    found = sheet.listed(checked.first_row) + checked.errors.listed(checked.first_row, checked.file_rows)
    return sorted(found, key=lambda p: (p["row"] or 0, p["column"]))[: validate.SHOWN]


def _run(engine: Engine, outcome: Outcome, f: _File) -> Outcome:
    queries.ensure_reference(engine)  # camps and units name a governorate
    with engine.connect() as conn:
        outcome.replaces_demo = loading.holds_demo(conn)
    if f.kind == "boundaries":
        return _run_boundaries(engine, outcome, f)
    f.progress("reading", 0, 0)
    result = None
    try:
        if f.kind == "records":
            checked, result = _records(engine, outcome, f)
            sheet = validate.Problems()
        else:
            checked, sheet = _checked(engine, outcome, f)
    except read.FileProblem as exc:
        _file_error(outcome, message_of(exc))
    else:
        outcome.rows = checked.rows
        outcome.errors = _listed(checked, sheet)
        outcome.error_count = checked.errors.total + sheet.total
        outcome.warnings = checked.warnings.listed(checked.first_row, checked.file_rows)
        outcome.warning_count = checked.warnings.total
        outcome.notes = checked.notes
        if outcome.ok:
            outcome.preview = _preview(checked)
        if outcome.ok and not f.dry_run:  # (a records file was written as it was checked: `result`)
            result = result or loading.load(
                engine,
                checked,
                source=outcome.filename,
                sha256=outcome.sha256,
                created_by=f.user,
                progress=f.progress,
                label=f.kind,
                job=f.job,
            )
            outcome.loaded, outcome.added, outcome.replaced = True, result.added, result.replaced
            outcome.removed_demo = result.removed_demo
    if not outcome.ok and f.record_refusal:
        loading.record_rejected(engine, f.kind, outcome.filename, outcome.sha256, f.user, outcome.rows or 0)
    f.progress("done", outcome.rows, outcome.rows)
    return outcome


def _records(engine: Engine, outcome: Outcome, f: _File) -> tuple[validate.Checked, loading.LoadResult | None]:
    """A records file checked a block of rows at a time (read.BLOCK_ROWS) and, unless `dry_run`, written as it is
    checked, so that it takes a block's memory, not the file's: committed only if no row of it has an error (then
    its load's result), else rolled back."""
    blocks = read.read_blocks(f.data, outcome.filename, "records", read.BLOCK_ROWS, f.scanned)
    first = next(blocks)
    known = _known(engine, "records", outcome.replaces_demo)
    if first.missing or first.frame.empty:
        return validate.check(first, today=f.today, known=known), None
    lines = max(f.scanned.lines + 1 - first.first_row, len(first.frame))  # (about the rows: progress's total)
    check = validate.RecordsCheck(first, today=f.today or dt.date.today(), known=known)
    head: list[pd.DataFrame] = []  # the file's first rows, typed: the preview's
    with contextlib.ExitStack() as stack:
        writing = None if f.dry_run else stack.enter_context(loading.records_load(engine, f.progress))
        for table in itertools.chain([first], blocks):
            typed = check.add(table)
            wanted = PREVIEW_ROWS - sum(map(len, head))
            if wanted > 0:
                head.append(typed.head(wanted))
            if writing is not None and check.ok:
                writing.stage(typed)
                f.progress("writing", check.rows, max(lines, check.rows))
            else:
                f.progress("checking", check.rows, max(lines, check.rows))
        checked = check.finish(pd.concat(head, ignore_index=True))
        if writing is None or not checked.ok:
            return checked, None
        done = writing.commit("records", source=outcome.filename, sha256=outcome.sha256, created_by=f.user, job=f.job)
        return checked, done


def _known(engine: Engine, kind: str, demo: bool) -> validate.Known:
    """What a records or rota file may name: the camps and units loaded (none while they are the demo's, which the first
    real file replaces)."""
    if kind not in ("records", "rota"):
        return validate.Known()
    clinics, camps = loading.known_codes(engine)
    return validate.Known(camps=camps, clinics=clinics, demo=demo)


def _outlines(engine: Engine, kind: str) -> dict | None:
    """The governorate outlines in use, for camps and units (each is looked for in the governorate it names)."""
    if kind not in ("camps", "clinics"):
        return None
    from dashboard.ingest.boundaries import current

    return current(engine)


def _run_boundaries(engine: Engine, outcome: Outcome, f: _File) -> Outcome:
    from dashboard.ingest.boundaries import BoundaryError, preview, read_boundary_file

    suffix = Path(outcome.filename).suffix.lower() or ".geojson"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"boundaries{suffix}"
        path.write_bytes(read.whole(f.data))
        try:
            collection = read_boundary_file(path)
        except BoundaryError as exc:
            _file_error(outcome, renamed(message_of(exc), path.name, outcome.filename))
            if f.record_refusal:
                loading.record_rejected(engine, "boundaries", outcome.filename, outcome.sha256, f.user, 0)
            return outcome
    outcome.rows = len(collection["features"])
    notes = [renamed(note, path.name, outcome.filename) for note in collection["notes"]]
    outcome.notes = [
        Plural(
            "Read as the {schema} schema; {n} governorate.",
            "Read as the {schema} schema; {n} governorates.",
            outcome.rows,
            schema=collection["schema"],
            n=outcome.rows,
        ),
        *notes,
    ]
    outcome.outlines = preview(collection)
    outcome.preview = [
        {"iso": f["properties"]["iso"] or "", "name_en": f["properties"]["name_en"] or ""}
        for f in collection["features"][:PREVIEW_ROWS]
    ]
    if not f.dry_run:
        result = loading.load_boundaries(
            engine, collection, source=outcome.filename, sha256=outcome.sha256, created_by=f.user, job=f.job
        )
        outcome.loaded, outcome.added = True, result.added
    return outcome


def rows_text(problem: dict) -> str:
    """The rows a problem is on, as a spreadsheet numbers them: "row 6", "rows 6, 7, 9", "576 rows: 6, 7, 9, …"."""
    rows, count = problem.get("rows") or ([problem["row"]] if problem.get("row") else []), problem.get("count", 1)
    if not rows:
        return ""
    listed = ", ".join(str(r) for r in rows)
    if count > len(rows):
        return f"{count:,} rows: {listed}, …"
    return f"row {listed}" if count == 1 else f"rows {listed}"


def problems_text(outcome: Outcome) -> str:
    """Errors and warnings as lines for a terminal, rows with the same problem on one line:
    'rows 6, 7, 9, syndrome: unknown value 'AD' ...'."""

    def line(p: dict) -> str:
        where = ", ".join(x for x in (rows_text(p), p["column"]) if x)
        return f"  {where}: {p['message']}" if where else f"  {p['message']}"

    lines = []
    for title, items, total in (
        ("error", outcome.errors, outcome.error_count),
        ("warning", outcome.warnings, outcome.warning_count),
    ):
        if total:
            lines.append(f"{total:,} {title}{'s' if total != 1 else ''}:")
            lines.extend(line(p) for p in items)
            unlisted = total - sum(p.get("count", 1) for p in items)
            if unlisted > 0:
                lines.append(f"  ... and {unlisted:,} more")
    return "\n".join(lines)
