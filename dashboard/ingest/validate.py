"""Checking a table read from a file against its format and what the database holds: every error and warning with
its row and column, and the typed rows. Nothing here writes: data.loading does, and only a table without errors."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.domain.reference import IRAQ_BBOX, SITE_TYPES, SYNDROMES, UNIT_TYPES, governorate_iso
from dashboard.ingest.formats import AGE_CODES, KEYS, SEX_CODES, SPECS, TEXT_LIMITS
from dashboard.ingest.read import Table

SHOWN = 100  # problems listed in full; the rest are counted
MAX_CONSULTATIONS_PER_TEAM_DAY = 300  # above this, a warning: possible but unlikely for one team in one day
MAX_CAMP_POPULATION = 150_000  # above this, a warning: larger than any camp in Iraq


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


def _none_if_empty(values: pd.Series) -> pd.Series:
    return values.where(values != "", None)


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
            c.errors.add_rows(bad, column, _unknown_message(values, what, hint))
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


def _unknown_message(values: pd.Series, what: str, hint: str) -> Callable[[int], str]:
    return lambda i: f"unknown {what} '{values.iat[i]}': {hint}"


def _control_message(values: pd.Series) -> Callable[[int], str]:
    def message(i: int) -> str:
        found = re.search(CONTROL, str(values.iat[i]))
        code = ord(found.group()) if found else 0
        return (
            f"holds a control character (U+{code:04X}) that no text may hold: remove it (it often comes from a "
            "damaged export)"
        )

    return message


def _control_characters(c: _Checker) -> None:
    """A NUL or another control character in any cell: PostgreSQL refuses NUL in text, and none belongs in a name or
    a code (they come from a broken export)."""
    for column in c.frame.columns:
        values = c.frame[column]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        found = values.astype(str).str.contains(CONTROL, regex=True, na=False)
        c.errors.add_rows(_positions(found), column, _control_message(values))


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
