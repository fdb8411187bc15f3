"""Reading and checking the files a coordinator loads: camps, clinics and service records (../shared/domain/formats.md).

`read_table` turns CSV or XLSX bytes into text columns with the standard names; `check` validates them against the
formats and what the database already holds, and returns typed rows, every error (row, column, message) and the
warnings. Nothing here writes: store.loading does, and only a file without errors.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.reference import IRAQ_BBOX, SITE_TYPES, SYNDROMES, UNIT_TYPES, governorate_iso

KINDS = ("camps", "clinics", "records")
SHOWN = 100  # problems listed in full; the rest are counted
MAX_CONSULTATIONS_PER_TEAM_DAY = 300  # above this, a warning: possible but unlikely for one team in one day
MAX_CAMP_POPULATION = 150_000  # above this, a warning: larger than any camp in Iraq
FORMULA_GUARD = re.compile(r"^'(?=[=+\-@\t\r])")  # the apostrophe exports.safe_cell puts before a formula start


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    hxl: str
    aliases: tuple[str, ...] = ()
    example: tuple[str, ...] = ()


_GOV = ("governorate_name", "gov", "adm1", "adm1_en", "adm1_name", "adm1_pcode", "province")
SPECS: dict[str, tuple[Column, ...]] = {
    "camps": (
        Column(
            "camp_code",
            True,
            "#loc+code",
            ("ssid", "cccm_ssid", "site_id", "site_code", "camp_id", "location_id"),
            ("IQ0106-0022", "IQ0106-0022", "IQ1505-0009"),
        ),
        Column(
            "camp_name",
            True,
            "#loc+name",
            ("site_name", "camp", "name", "location_name"),
            ("Example camp A", "Example camp A", "Example site B"),
        ),
        Column("governorate", True, "#adm1+code", _GOV, ("IQ-AN", "IQ-AN", "Dohuk")),
        Column(
            "district",
            False,
            "#adm2+name",
            ("adm2", "adm2_en", "adm2_name", "district_name"),
            ("Falluja", "Falluja", "Sumel"),
        ),
        Column("latitude", True, "#geo+lat", ("lat", "gps_latitude", "y"), ("33.3521", "33.3521", "36.8601")),
        Column(
            "longitude",
            True,
            "#geo+lon",
            ("lon", "long", "lng", "gps_longitude", "x"),
            ("43.7840", "43.7840", "42.8502"),
        ),
        Column(
            "population",
            True,
            "#population",
            ("individuals", "total_individuals", "number_of_individuals", "ind", "people"),
            ("12450", "11980", "2310"),
        ),
        Column(
            "population_date",
            True,
            "#date",
            ("date", "as_of", "as_of_date", "assessment_date", "reporting_date", "data_date"),
            ("2018-01-01", "2018-07-01", "2018-07-01"),
        ),
        Column(
            "site_type", False, "#loc+type", ("type", "camp_type", "location_type"), ("camp", "camp", "informal_site")
        ),
    ),
    "clinics": (
        Column(
            "clinic_code",
            True,
            "#service+unit+code",
            ("unit_code", "mmc_code", "team_code", "code"),
            ("MMC-AN-01", "AMB-DH-01"),
        ),
        Column(
            "clinic_name",
            True,
            "#service+unit+name",
            ("unit_name", "mmc_name", "team_name", "name"),
            ("Anbar mobile clinic 1", "Dohuk ambulance 1"),
        ),
        Column("unit_type", True, "#service+unit+type", ("type", "unit"), ("mmc", "ambulance")),
        Column(
            "partner",
            False,
            "#org+name",
            ("organisation", "organization", "org", "implementing_partner"),
            ("Example partner", "Directorate of Health"),
        ),
        Column("governorate", True, "#adm1+code", _GOV, ("IQ-AN", "IQ-DA")),
        Column("base_latitude", True, "#geo+lat+base", ("latitude", "lat", "base_lat"), ("33.4210", "36.8669")),
        Column(
            "base_longitude",
            True,
            "#geo+lon+base",
            ("longitude", "lon", "long", "lng", "base_lon"),
            ("43.3030", "42.9880"),
        ),
        Column("clinicians", False, "#capacity+clinicians+num", ("doctors", "number_of_clinicians"), ("2", "")),
        Column("active_from", False, "#date+start", ("start_date", "from"), ("2018-01-01", "2018-01-01")),
        Column("active_to", False, "#date+end", ("end_date", "to"), ("", "")),
    ),
    "records": (
        Column("date", True, "#date", ("visit_date", "day", "service_date"), ("2018-03-04", "2018-03-04")),
        Column(
            "clinic_code",
            True,
            "#service+unit+code",
            ("unit_code", "mmc_code", "team_code"),
            ("MMC-AN-01", "MMC-AN-01"),
        ),
        Column(
            "camp_code",
            True,
            "#loc+code",
            ("ssid", "cccm_ssid", "site_id", "site_code", "camp_id"),
            ("IQ0106-0022", "IQ0106-0022"),
        ),
        Column("syndrome", True, "#indicator+syndrome", ("condition", "diagnosis", "disease"), ("ari", "awd")),
        Column("sex", True, "#sex", ("gender",), ("female", "male")),
        Column("age_group", True, "#age", ("age", "age_category"), ("under5", "5plus")),
        Column("consultations", True, "#indicator+consultations+num", ("cases", "consults", "patients"), ("14", "6")),
        Column("referrals", True, "#indicator+referrals+num", ("referred",), ("1", "0")),
    ),
}
KEYS = {
    "camps": ("camp_code", "population_date"),
    "clinics": ("clinic_code",),
    "records": ("date", "clinic_code", "camp_code", "syndrome", "sex", "age_group"),
}
TEXT_LIMITS = {"camp_code": 32, "clinic_code": 32, "camp_name": 128, "clinic_name": 128, "district": 64, "partner": 128}
SEX_CODES = {"female": "female", "f": "female", "male": "male", "m": "male"}
AGE_CODES = {
    "under5": "under5",
    "u5": "under5",
    "<5": "under5",
    "0-4": "under5",
    "0-59m": "under5",
    "5plus": "5plus",
    "5+": "5plus",
    ">=5": "5plus",
    "over5": "5plus",
}


class FileProblem(ValueError):
    """A file that cannot be read at all (empty, not UTF-8, not a workbook), with a message for the user."""


def header_key(text: object) -> str:
    """A column header folded for matching: lower case, runs of anything but letters and digits as one underscore."""
    return re.sub(r"[^a-z0-9]+", "_", str(text or "").strip().lower()).strip("_")


@dataclass
class Problems:
    """Problems found in a file: how many in all, and the first SHOWN (by row) with row number, column and message."""

    total: int = 0
    items: list[tuple[int, str, str]] = field(default_factory=list)

    def add(self, row: int, column: str, message: str) -> None:
        self.total += 1
        self.items.append((row, column, message))

    def add_rows(self, rows: np.ndarray, column: str, message: Callable[[int], str]) -> None:
        """Add one problem for each of `rows` (positions in the table); `message(position)` words it."""
        if len(rows) == 0:
            return
        self.total += len(rows)
        self.items.extend((int(r), column, message(int(r))) for r in rows[:SHOWN])

    def listed(self, first_row: int) -> list[dict]:
        """The first SHOWN problems by file row; table positions become the row numbers a spreadsheet shows."""
        ordered = sorted(self.items, key=lambda p: (p[0], p[1]))[:SHOWN]
        return [{"row": r + first_row if r >= 0 else None, "column": c, "message": m} for r, c, m in ordered]


@dataclass
class Table:
    """A file's rows as text under the standard column names. Row i of `frame` is row `first_row + i` of the file."""

    kind: str
    frame: pd.DataFrame
    first_row: int
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)


@dataclass
class Checked:
    kind: str
    frame: pd.DataFrame  # typed rows, valid only when there are no errors
    first_row: int
    errors: Problems
    warnings: Problems
    notes: list[str]

    @property
    def ok(self) -> bool:
        return self.errors.total == 0

    @property
    def rows(self) -> int:
        return len(self.frame)


# -- reading ---------------------------------------------------------------------------------------------------------


def _rows_from_csv(data: bytes) -> list[list[str]] | pd.DataFrame:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileProblem(
            f"Row {line} is not UTF-8 text (byte 0x{data[exc.start]:02X}). Save the file as 'CSV UTF-8' and load it "
            "again."
        ) from None
    if not text.strip():
        raise FileProblem("The file is empty.")
    first_line = text.split("\n", 1)[0]
    sep = max((",", ";", "\t"), key=first_line.count)
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            header=None,
            skip_blank_lines=True,
            quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.ParserError as exc:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if match:
            want, line, saw = match.groups()
            raise FileProblem(f"Row {line} has {saw} cells where the header has {want}.") from None
        raise FileProblem(f"Cannot read the file as CSV: {exc}") from None


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


def _rows_from_xlsx(data: bytes, kind: str, notes: list[str]) -> pd.DataFrame:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not a workbook
        raise FileProblem("Cannot read the file as an Excel workbook (.xlsx). Save it as .xlsx or CSV UTF-8.") from None
    try:
        names = book.sheetnames
        sheet_name = next((n for n in names if header_key(n) == kind), names[0])
        if len(names) > 1:
            notes.append(f"Read sheet '{sheet_name}'; {len(names) - 1} other sheet(s) ignored.")
        rows = [[_cell_text(v) for v in row] for row in book[sheet_name].iter_rows(values_only=True)]
    finally:
        book.close()
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise FileProblem(f"Sheet '{sheet_name}' is empty.")
    width = max(len(r) for r in rows)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=str)


def read_table(data: bytes, filename: str, kind: str) -> Table:
    """The rows of a CSV or XLSX file as text, with the standard column names; raises FileProblem if unreadable."""
    if kind not in SPECS:
        raise FileProblem(f"Unknown kind of file {kind!r}: use one of {', '.join(KINDS)}.")
    if not data:
        raise FileProblem("The file is empty.")
    notes: list[str] = []
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix == "xls":
        raise FileProblem("Old Excel files (.xls) are not read: save the file as .xlsx or CSV UTF-8.")
    if suffix == "xlsx" or zipfile.is_zipfile(io.BytesIO(data)):
        raw = _rows_from_xlsx(data, kind, notes)
        may_be_guarded = True  # a zipped file cannot be searched as bytes: each column is looked at
    else:
        raw = _rows_from_csv(data)
        may_be_guarded = b"'" in data  # exports put an apostrophe before a formula start; most files have none
    header = [str(h) for h in raw.iloc[0].tolist()]
    body = raw.iloc[1:].reset_index(drop=True)
    first_row = 2
    if (
        len(body)
        and all(not c.strip() or c.strip().startswith("#") for c in body.iloc[0])
        and any(c.strip() for c in body.iloc[0])
    ):
        body = body.iloc[1:].reset_index(drop=True)  # the HXL hashtag row of our exports and of HDX files
        first_row = 3
    by_key = {header_key(name): position for position, name in reversed(list(enumerate(header)))}
    chosen: dict[str, int] = {}
    for col in SPECS[kind]:  # the standard name first, then the aliases in the order listed
        for key in (col.name, *col.aliases):
            if key in by_key and by_key[key] not in chosen.values():
                chosen[col.name] = by_key[key]
                break
    ignored = [name.strip() for position, name in enumerate(header) if position not in chosen.values() and name.strip()]
    if ignored:
        notes.append(f"Columns not used: {', '.join(ignored)}.")
    frame = pd.DataFrame(
        {name: body.iloc[:, pos].astype(str).str.strip() for name, pos in chosen.items()}, index=body.index
    )
    for name, col in ((c.name, c) for c in SPECS[kind]):
        if name not in frame and not col.required:
            frame[name] = ""
        elif name in frame and may_be_guarded and frame[name].str.startswith("'").any():
            frame[name] = frame[name].str.replace(FORMULA_GUARD, "", regex=True)
    missing = [c.name for c in SPECS[kind] if c.required and c.name not in frame]
    return Table(kind, frame, first_row, notes, missing, [h.strip() for h in header])


def _none_if_empty(values: pd.Series) -> pd.Series:
    return values.where(values != "", None)


# -- checking --------------------------------------------------------------------------------------------------------


def _fold_code(text: str) -> str:
    return re.sub(r"[\s_]+", "", text.lower())


def _codes(values) -> dict[str, str]:
    return {_fold_code(v): v for v in values}


def _positions(mask) -> np.ndarray:
    return np.flatnonzero(np.asarray(mask, dtype=bool))


class _Checker:
    def __init__(self, table: Table, today: dt.date):
        self.frame = table.frame
        self.first_row = table.first_row
        self.errors = Problems()
        self.warnings = Problems()
        self.today = today

    def required_text(self, column: str, required: bool = True) -> pd.Series:
        values = self.frame[column]
        if required:
            empty = _positions(values == "")
            self.errors.add_rows(empty, column, lambda i: "empty: a value is required")
        limit = TEXT_LIMITS.get(column)
        if limit:
            long = _positions(values.str.len() > limit)
            self.errors.add_rows(long, column, lambda i: f"longer than {limit} characters")
        return values

    def code(self, column: str, allowed: dict[str, str], listing: str, required: bool = True) -> pd.Series:
        values = self.frame[column]
        mapped = values.map({v: allowed.get(_fold_code(v)) for v in values.unique()})
        bad = mapped.isna() & (values != "")
        self.errors.add_rows(_positions(bad), column, lambda i: f"unknown value '{values.iat[i]}': use {listing}")
        if required:
            self.errors.add_rows(_positions(values == ""), column, lambda i: f"empty: use {listing}")
        return mapped

    def governorate(self, column: str = "governorate") -> pd.Series:
        values = self.frame[column]
        lookup = {v: governorate_iso(v) for v in values.unique()}
        mapped = values.map(lookup)
        bad = mapped.isna()
        self.errors.add_rows(
            _positions(bad & (values != "")),
            column,
            lambda i: (
                f"unknown governorate '{values.iat[i]}': use an ISO code (IQ-AN), a P-code (IQG01) or an English "
                "name (Anbar)"
            ),
        )
        self.errors.add_rows(_positions(values == ""), column, lambda i: "empty: a governorate is required")
        return mapped

    def date(self, column: str, required: bool = True, not_future: bool = True) -> pd.Series:
        values = self.frame[column]
        parsed = pd.to_datetime(values.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
        bad = parsed.isna() & (values != "") | (values.str.len() > 10) & ~values.str.match(r"^\d{4}-\d\d-\d\d[ T]00:00")
        self.errors.add_rows(_positions(bad), column, lambda i: f"'{values.iat[i]}' is not a date as YYYY-MM-DD")
        if required:
            self.errors.add_rows(_positions(values == ""), column, lambda i: "empty: a date (YYYY-MM-DD) is required")
        if not_future:
            future = _positions(parsed > pd.Timestamp(self.today))
            self.errors.add_rows(future, column, lambda i: f"{values.iat[i][:10]} is in the future")
        return parsed.where(~bad)

    def whole(self, column: str, minimum: int = 0, required: bool = True) -> pd.Series:
        values = self.frame[column]
        numbers = pd.to_numeric(values, errors="coerce")
        if required:
            self.errors.add_rows(_positions(values == ""), column, lambda i: "empty: a whole number is required")
        nan = numbers.isna() & (values != "")
        self.errors.add_rows(_positions(nan), column, lambda i: f"'{values.iat[i]}' is not a number")
        fractional = numbers.notna() & (numbers != np.floor(numbers))
        self.errors.add_rows(_positions(fractional), column, lambda i: f"{values.iat[i]} is not a whole number")
        low = numbers.notna() & (numbers < minimum)
        self.errors.add_rows(_positions(low), column, lambda i: f"{values.iat[i]} is below {minimum}")
        return numbers

    def coordinate(self, column: str, low: float, high: float, axis: str) -> pd.Series:
        values = self.frame[column]
        numbers = pd.to_numeric(values, errors="coerce")
        self.errors.add_rows(_positions(values == ""), column, lambda i: f"empty: a {axis} is required")
        nan = numbers.isna() & (values != "")
        self.errors.add_rows(_positions(nan), column, lambda i: f"'{values.iat[i]}' is not a number")
        outside = numbers.notna() & ((numbers < low) | (numbers > high))
        self.errors.add_rows(
            _positions(outside),
            column,
            lambda i: f"{values.iat[i]} is outside Iraq ({axis} {low} to {high}, WGS84 decimal degrees)",
        )
        return numbers

    def duplicates(self, keys: tuple[str, ...], report_on: str) -> None:
        key_frame = self.frame[list(keys)]
        dup = key_frame.duplicated(keep=False)
        if not dup.any():
            return
        positions = _positions(dup)
        first_seen = key_frame[dup].groupby(list(keys), sort=False).ngroup()
        firsts = pd.Series(positions).groupby(first_seen.to_numpy()).transform("min").to_numpy()
        later = positions != firsts
        first_of = dict(zip(positions[later], firsts[later], strict=True))
        self.errors.add_rows(
            positions[later],
            report_on,
            lambda i: f"the same {' + '.join(keys)} as row {first_of[i] + self.first_row}",
        )


def _check_camps(c: _Checker) -> pd.DataFrame:
    f = c.frame
    min_lon, min_lat, max_lon, max_lat = IRAQ_BBOX
    out = pd.DataFrame(
        {
            "camp_code": c.required_text("camp_code"),
            "camp_name": c.required_text("camp_name"),
            "governorate": c.governorate(),
            "district": _none_if_empty(c.required_text("district", required=False)),
            "latitude": c.coordinate("latitude", min_lat, max_lat, "latitude"),
            "longitude": c.coordinate("longitude", min_lon, max_lon, "longitude"),
            "population": c.whole("population").fillna(0).astype("int64"),
            "population_date": c.date("population_date"),
        }
    )
    site = f["site_type"].where(f["site_type"] != "", "camp")
    c.frame = c.frame.assign(site_type=site)
    out["site_type"] = c.code("site_type", _codes(SITE_TYPES), ", ".join(SITE_TYPES))
    c.duplicates(("camp_code", "population_date"), "camp_code")
    big = _positions(out["population"] > MAX_CAMP_POPULATION)
    c.warnings.add_rows(
        big, "population", lambda i: f"{out['population'].iat[i]:,} people is more than any camp in Iraq"
    )
    return out


def _check_clinics(c: _Checker) -> pd.DataFrame:
    f = c.frame
    min_lon, min_lat, max_lon, max_lat = IRAQ_BBOX
    unit_type = c.code("unit_type", _codes(UNIT_TYPES), ", ".join(UNIT_TYPES))
    clinicians = c.whole("clinicians", required=False)
    mmc_without = _positions((unit_type == "mmc") & ((f["clinicians"] == "") | (clinicians < 1)))
    c.errors.add_rows(mmc_without, "clinicians", lambda i: "an MMC needs at least 1 clinician")
    ambulance_with = _positions((unit_type == "ambulance") & (clinicians > 0))
    c.errors.add_rows(ambulance_with, "clinicians", lambda i: "ambulances have 0 clinicians or the cell is empty")
    active_from = c.date("active_from", required=False, not_future=False)
    active_to = c.date("active_to", required=False, not_future=False)
    backwards = _positions(active_from.notna() & active_to.notna() & (active_to < active_from))
    c.errors.add_rows(backwards, "active_to", lambda i: "active_to is before active_from")
    out = pd.DataFrame(
        {
            "clinic_code": c.required_text("clinic_code"),
            "clinic_name": c.required_text("clinic_name"),
            "unit_type": unit_type,
            "partner": _none_if_empty(c.required_text("partner", required=False)),
            "governorate": c.governorate(),
            "base_latitude": c.coordinate("base_latitude", min_lat, max_lat, "latitude"),
            "base_longitude": c.coordinate("base_longitude", min_lon, max_lon, "longitude"),
            "clinicians": clinicians.fillna(0).astype("int64"),
            "active_from": active_from,
            "active_to": active_to,
        }
    )
    c.duplicates(("clinic_code",), "clinic_code")
    return out


def _check_records(c: _Checker, clinics: set[str], camps: set[str]) -> pd.DataFrame:
    f = c.frame
    for column, known, hint in (
        ("clinic_code", clinics, "load it in a clinics file first"),
        ("camp_code", camps, "load it in a camps file first"),
    ):
        values = f[column]
        unknown = {v for v in values.unique() if v and v not in known}
        if unknown:
            bad = _positions(values.isin(unknown))
            what = column.split("_")[0]
            c.errors.add_rows(bad, column, lambda i, v=values, w=what, h=hint: f"unknown {w} '{v.iat[i]}': {h}")
        c.required_text(column)
    consultations = c.whole("consultations")
    referrals = c.whole("referrals")
    over = _positions((consultations >= 0) & (referrals > consultations))
    c.errors.add_rows(
        over, "referrals", lambda i: f"{referrals.iat[i]} referrals is more than {consultations.iat[i]} consultations"
    )
    out = pd.DataFrame(
        {
            "date": c.date("date"),
            "clinic_code": f["clinic_code"],
            "camp_code": f["camp_code"],
            "syndrome": c.code("syndrome", _codes(SYNDROMES), "one of " + ", ".join(SYNDROMES)),
            "sex": c.code("sex", SEX_CODES, "female or male"),
            "age_group": c.code("age_group", AGE_CODES, "under5 or 5plus"),
            "consultations": consultations.fillna(0).astype("int64"),
            "referrals": referrals.fillna(0).astype("int64"),
        }
    )
    c.duplicates(KEYS["records"], "date")
    if len(out):
        team_day = out.groupby(["date", "clinic_code"], sort=False)["consultations"].transform("sum")
        heavy = out.assign(total=team_day)[team_day > MAX_CONSULTATIONS_PER_TEAM_DAY]
        firsts = heavy.drop_duplicates(["date", "clinic_code"])
        for position, row in zip(firsts.index[:SHOWN], firsts.itertuples(index=False), strict=False):
            c.warnings.add(
                int(position),
                "consultations",
                f"{row.total:,} consultations for {row.clinic_code} on {row.date}: over "
                f"{MAX_CONSULTATIONS_PER_TEAM_DAY} for one team in one day; check the figures",
            )
        c.warnings.total += max(0, len(firsts) - SHOWN)
    return out


CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"  # what no text of ours holds (tab, newline and return may)


def _control_characters(c: _Checker) -> None:
    """A NUL or another control character in any cell: PostgreSQL refuses NUL in text, and none belongs in a name or
    a code (they come from a broken export)."""
    for column in c.frame.columns:
        values = c.frame[column]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        found = values.astype(str).str.contains(CONTROL, regex=True, na=False)
        c.errors.add_rows(
            _positions(found),
            column,
            lambda i, v=values: (
                f"holds a control character (U+{ord(re.search(CONTROL, str(v.iat[i])).group()):04X}) that no text "
                "may hold: remove it (it often comes from a damaged export)"
            ),
        )


def check(
    table: Table,
    *,
    today: dt.date | None = None,
    clinics: set[str] | None = None,
    camps: set[str] | None = None,
) -> Checked:
    """Validate a table: every error and warning, and the typed rows. `clinics` and `camps` are the codes the database
    holds (records must name them)."""
    today = today or dt.date.today()
    checker = _Checker(table, today)
    if table.missing:
        for name in table.missing:
            col = next(c for c in SPECS[table.kind] if c.name == name)
            also = f" (also accepted: {', '.join(col.aliases[:4])})" if col.aliases else ""
            checker.errors.add(-1, name, f"missing required column '{name}'{also}")
        required = ", ".join(c.name for c in SPECS[table.kind] if c.required)
        found = ", ".join(h for h in table.header if h) or "none"
        checker.errors.add(-1, "", f"a {table.kind} file needs the columns {required}; this file has {found}")
        return Checked(table.kind, table.frame, table.first_row, checker.errors, checker.warnings, table.notes)
    if table.frame.empty:
        checker.errors.add(-1, "", "the file has a header row but no data rows")
        return Checked(table.kind, table.frame, table.first_row, checker.errors, checker.warnings, table.notes)
    _control_characters(checker)
    if table.kind == "camps":
        out = _check_camps(checker)
    elif table.kind == "clinics":
        out = _check_clinics(checker)
    else:
        out = _check_records(checker, clinics or set(), camps or set())
    return Checked(table.kind, out, table.first_row, checker.errors, checker.warnings, table.notes)


# -- templates -------------------------------------------------------------------------------------------------------


def template_columns(kind: str) -> list[tuple[str, str, str]]:
    """(key, header, HXL tag) for each column of a kind: the layout of templates and of data exports."""
    return [(c.name, c.name, c.hxl) for c in SPECS[kind]]


def template_rows(kind: str) -> list[dict]:
    """A kind's example rows; the records refer to the camps and units of the other templates."""
    columns = SPECS[kind]
    return [{c.name: c.example[i] for c in columns} for i in range(len(columns[0].example))]
