"""Checking a table read from a file against its format and what the database holds: every error and warning with
its row and column, and the typed rows. Nothing here writes: data.loading does, and only a table without errors."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.analytics.geo import governorate_at
from dashboard.domain import aliases, weekdays
from dashboard.domain.messages import Message, Plural, as_data
from dashboard.domain.reference import BY_ISO, GOVERNORATES, IRAQ_BBOX, governorate_match
from dashboard.ingest.formats import (
    KEYS,
    KIND_NAMES,
    SPECS,
    TEXT_LIMITS,
    code_lookup,
    column_aliases,
    fold_value,
)
from dashboard.ingest.read import CONTROL, Table

SHOWN = 100  # kinds of problem listed in full; the rest are counted
ROWS_SHOWN = 12  # rows named for one kind of problem; the rest are counted
MAX_GROUPS = 1000  # kinds of problem kept (SHOWN of them are listed)
MAX_CONSULTATIONS_PER_TEAM_DAY = 300  # above this, a warning: possible but unlikely for one team in one day
MAX_CAMP_POPULATION = 150_000  # above this, a warning: larger than any camp in Iraq


@dataclass
class Problem:
    """One kind of problem: the same message for the same column, with the rows (table positions) that have it."""

    column: str
    message: Message | str
    rows: list[int] = field(default_factory=list)  # the first ROWS_SHOWN
    count: int = 0


@dataclass
class Problems:
    """Problems found in a file, grouped: rows with the same message in the same column are one problem, named with
    its first ROWS_SHOWN rows and counted ("576 rows: unknown syndrome 'AD'"). `total` counts rows, not groups."""

    total: int = 0
    groups: dict[tuple[str, str], Problem] = field(default_factory=dict)
    unlisted: int = 0  # rows whose kind of problem came after the first SHOWN kinds
    offset: int = 0  # the table position of the block being checked's first row (a file checked in blocks)

    def _put(self, column: str, message: Message | str, rows, count: int) -> None:
        group = self.groups.get((column, message))
        if group is None:
            if len(self.groups) >= MAX_GROUPS:  # enough kinds to list: the others are only counted
                self.unlisted += count
                return
            group = self.groups[(column, message)] = Problem(column, message)
        group.rows.extend(int(r) + self.offset if r >= 0 else -1 for r in rows[: max(0, ROWS_SHOWN - len(group.rows))])
        group.count += count

    def add(self, row: int, column: str, message: Message | str) -> None:
        """One row's problem (row -1: the file's)."""
        self.total += 1
        self._put(column, message, [row], 1)

    def add_same(self, rows: np.ndarray, column: str, message: Message | str) -> None:
        """The same problem for each of `rows` (positions in the table): one group, counted exactly."""
        if len(rows):
            self.total += len(rows)
            self._put(column, message, rows, len(rows))

    def add_rows(self, rows: np.ndarray, column: str, message: Callable[[int], Message | str]) -> None:
        """A problem for each of `rows` (positions in the table), worded by `message(position)`: for messages that
        name more than the cell's value. Rows with the same words are grouped; only the first SHOWN are worded."""
        if len(rows) == 0:
            return
        self.total += len(rows)
        for r in rows[:SHOWN]:
            self._put(column, message(int(r)), [r], 1)
        if len(rows) > SHOWN:
            self.unlisted += len(rows) - SHOWN

    def add_values(
        self, rows: np.ndarray, column: str, values: pd.Series, message: Callable[[str], Message | str]
    ) -> None:
        """A problem for each of `rows` whose words depend only on the cell's value: one group per distinct value,
        counted exactly however many rows have it."""
        if len(rows) == 0:
            return
        self.total += len(rows)
        picked = values.to_numpy()[rows]
        order = pd.Series(rows).groupby(picked, sort=False)
        for shown, (value, positions) in enumerate(order):
            if shown >= SHOWN:
                self.unlisted += len(positions)
                continue
            self._put(column, message(str(value)), positions.to_numpy(), len(positions))

    def listed(self, first_row: int, file_rows: np.ndarray | None = None) -> list[dict]:
        """The first SHOWN kinds of problem, by their first row, each with the rows a spreadsheet shows (`rows`: the
        table's positions counted from `first_row`, or looked up in `file_rows`), how many rows have it (`count`)
        and the first of them (`row`; None for the file as a whole)."""
        ordered = sorted(self.groups.values(), key=lambda p: (min(p.rows), p.column))[:SHOWN]

        def shown(r: int) -> int | None:
            if r < 0:
                return None
            return int(file_rows[r]) if file_rows is not None else r + first_row

        def rows(p: Problem) -> list[int]:
            return list(dict.fromkeys(x for x in (shown(r) for r in sorted(p.rows)) if x is not None))

        return [
            {
                "row": shown(min(p.rows)),
                "rows": rows(p),
                "count": p.count,
                "column": p.column,
                "message": str(p.message),  # English, for programs and logs
                "text": as_data(p.message),  # what the page translates (words.say)
            }
            for p in ordered
        ]

    @property
    def kinds(self) -> int:
        """How many kinds of problem were found (listed or not)."""
        return len(self.groups) + (1 if self.unlisted else 0)


@dataclass
class Checked:
    kind: str
    frame: pd.DataFrame  # typed rows, valid only when there are no errors
    first_row: int
    errors: Problems
    warnings: Problems
    notes: list[Message | str]
    file_rows: np.ndarray | None = None  # the file's row of each row of `frame` (see read.Table)
    count: int | None = None  # the file's rows, where `frame` holds only the first (a file checked in blocks)

    @property
    def ok(self) -> bool:
        return self.errors.total == 0

    @property
    def rows(self) -> int:
        return len(self.frame) if self.count is None else self.count


def _none_if_empty(values: pd.Series) -> pd.Series:
    return values.where(values != "", None)


def _positions(mask) -> np.ndarray:
    return np.flatnonzero(np.asarray(mask, dtype=bool))


def _suggest(value: str, known: Mapping[str, str], folding: Callable[[str], str] = aliases.fold) -> Message | str:
    """ "; did you mean X?" for the known code closest to a value that matches none, or nothing."""
    close = difflib.get_close_matches(folding(value), list(known), n=1, cutoff=0.75)
    return Message("; did you mean {name}?", name=known[close[0]]) if close else ""


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")  # Arabic-Indic and Persian digits
_GROUPED = re.compile(r"^[-+]?\d{1,3}(?:([,\u00a0\u202f \u066c'])\d{3})(?:\1\d{3})*$")  # 12,450 or 1 234 567
_DECIMAL_COMMA = re.compile(r"^[-+]?\d+[,\u066b]\d+$")  # 36,8512 (a decimal comma or the Arabic decimal mark)
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD_OTHER = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_MIDNIGHT = re.compile(r"^(\d{4}-\d\d-\d\d)[ T]00:00(:00(\.0+)?)?$")


class _Checker:
    def __init__(self, table: Table, today: dt.date):
        self.frame = table.frame
        self.first_row = table.first_row
        self.errors = Problems()
        self.warnings = Problems()
        self.notes: list[Message | str] = list(table.notes)
        self.today = today
        self.unknown: dict[str, dict[str, None]] = {}  # codes named but not loaded, by column, in the order met
        self.read: dict[str, pd.Series] = {}  # the block's columns read as numbers (each once, and noted once)

    def start(self, table: Table, offset: int) -> None:
        """Go on to another block of the file, whose first row is the table's position `offset`."""
        self.frame = table.frame
        self.errors.offset = self.warnings.offset = offset
        self.read = {}

    def finished_notes(self) -> list[Message | str]:
        """The notes of the whole file: a counted note of several blocks once, with their sum; the codes not loaded."""
        notes: list[Message | str] = []
        counted: dict[tuple, tuple[int, int]] = {}  # a counted note's words but its count: its place and sum
        for note in self.notes:
            if isinstance(note, Message) and note.amount is not None and "n" in note.values:
                others = tuple(sorted((k, str(v)) for k, v in note.values.items() if k != "n"))
                key = (note.template, note.plural, others)
                if key in counted:
                    place, total = counted[key]
                    total += note.amount
                    counted[key] = place, total
                    notes[place] = Message(
                        note.template, plural=note.plural, count=total, **{**note.values, "n": f"{total:,}"}
                    )
                    continue
                counted[key] = len(notes), note.amount
            notes.append(note)
        return notes + [_unknown_note(column, list(codes)) for column, codes in self.unknown.items() if codes]

    def required_text(self, column: str, required: bool = True) -> pd.Series:
        values = self.frame[column]
        if required:
            self.errors.add_same(_positions(values == ""), column, Message("empty: a value is required"))
        limit = TEXT_LIMITS.get(column)
        if limit:
            long = _positions(values.str.len() > limit)
            self.errors.add_rows(long, column, lambda i: Message("longer than {limit} characters", limit=limit))
        return values

    def code(
        self, column: str, section: str, listing: str, required: bool = True, also: tuple[str, ...] = ()
    ) -> pd.Series:
        """A coded column (syndrome, sex, age group, unit or site type) as its codes, the other names of
        aliases.toml accepted, and the codes of `also` too."""
        values = self.frame[column]
        known = {**code_lookup(section), **{fold_value(section, code): code for code in also}}
        mapped = values.map({v: known.get(fold_value(section, v)) for v in values.unique()})
        bad = _positions(mapped.isna() & (values != ""))

        def message(v: str) -> Message:
            suggestion = _suggest(v, known, lambda x: fold_value(section, x))
            return Message(
                "unknown value '{value}': use {listing}{suggestion}", value=v, listing=listing, suggestion=suggestion
            )

        self.errors.add_values(bad, column, values, message)
        if required:
            self.errors.add_same(_positions(values == ""), column, Message("empty: use {listing}", listing=listing))
        return mapped

    def governorate(self, column: str = "governorate") -> pd.Series:
        values = self.frame[column]
        matches = {v: governorate_match(v) for v in values.unique()}
        mapped = values.map({v: m[0] for v, m in matches.items()})
        known = {aliases.fold(g.name_en): g.name_en for g in GOVERNORATES}

        def message(v: str) -> Message:
            return Message(
                "unknown governorate '{value}': use an ISO code (IQ-AN), an OCHA P-code (IQG01) or a name in English, "
                "Arabic or Kurdish (Anbar, {arabic}){suggestion}",
                value=v,
                arabic="الأنبار",
                suggestion=_suggest(v, known),
            )

        self.errors.add_values(_positions(mapped.isna() & (values != "")), column, values, message)
        self.errors.add_same(_positions(values == ""), column, Message("empty: a governorate is required"))
        for merged, into in {(m[1], m[0]) for m in matches.values() if m[1] and m[0]}:
            n = int(values.map(lambda v, merged=merged: matches[v][1] == merged).sum())
            self.notes.append(
                Plural(
                    "{n} row names {merged}: counted under {into}, as ISO 3166-2, OCHA's boundaries and the "
                    "programme's seven governorates do.",
                    "{n} rows name {merged}: counted under {into}, as ISO 3166-2, OCHA's boundaries and the "
                    "programme's seven governorates do.",
                    n,
                    n=f"{n:,}",
                    merged=merged,
                    into=_name(into),
                )
            )
        return mapped

    def date(self, column: str, required: bool = True, not_future: bool = True) -> pd.Series:
        values = self.frame[column]
        timed = values.str.len() > 10  # a spreadsheet's date with a midnight time: its date (only those are looked at)
        if timed.any():
            values = values.where(~timed, values[timed].str.replace(_MIDNIGHT, r"\1", regex=True))
        parsed = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        bad = _positions(parsed.isna() & (values != ""))
        self.errors.add_values(bad, column, values, _date_message(values.iloc[bad]))
        if required:
            self.errors.add_same(_positions(values == ""), column, Message("empty: a date (YYYY-MM-DD) is required"))
        if not_future:
            future = _positions(parsed > pd.Timestamp(self.today))
            self.errors.add_values(future, column, values, lambda v: Message("{value} is in the future", value=v))
        return parsed

    def _numbers(self, column: str, kind: str) -> pd.Series:
        """A column's cells as numbers: Arabic-Indic digits read as digits; for whole numbers, thousands separators
        (12,450; 1 234) left out; for coordinates, a decimal comma read as a point. Each kind of change is noted.
        Only the cells that do not read as numbers at once are looked at again (most files have none)."""
        if column not in self.read:
            self.read[column] = self._read_numbers(column, kind)
        return self.read[column].copy()

    def _read_numbers(self, column: str, kind: str) -> pd.Series:
        values = self.frame[column]
        numbers = pd.to_numeric(values, errors="coerce")
        again = numbers.isna() & (values != "")
        if not again.any():
            return numbers
        text = values[again].str.translate(_DIGITS)
        pattern, fix = (_GROUPED, (r"[^\d\-+]", "")) if kind == "whole" else (_DECIMAL_COMMA, (r"[,\u066b]", "."))
        changed = text.str.match(pattern)
        if changed.any():
            text = text.where(~changed, text.str.replace(*fix, regex=True))
            n = int(changed.sum())
            self.notes.append(
                Plural(
                    "{n} {column} value has thousands separators: read without.",
                    "{n} {column} values have thousands separators: read without.",
                    n,
                    n=f"{n:,}",
                    column=column,
                )
                if kind == "whole"
                else Plural(
                    "{n} {column} value has a decimal comma: read as a point.",
                    "{n} {column} values have a decimal comma: read as a point.",
                    n,
                    n=f"{n:,}",
                    column=column,
                )
            )
        numbers[again] = pd.to_numeric(text, errors="coerce")
        return numbers

    def whole(self, column: str, minimum: int = 0, required: bool = True) -> pd.Series:
        values = self.frame[column]
        numbers = self._numbers(column, "whole")
        if required:
            self.errors.add_same(_positions(values == ""), column, Message("empty: a whole number is required"))
        nan = _positions(numbers.isna() & (values != ""))
        self.errors.add_values(nan, column, values, _number_message)
        fractional = _positions(numbers.notna() & (numbers != np.floor(numbers)))
        self.errors.add_values(fractional, column, values, _fraction_message)
        low = _positions(numbers.notna() & (numbers < minimum))
        self.errors.add_values(
            low, column, values, lambda v: Message("{value} is below {minimum}", value=v, minimum=minimum)
        )
        return numbers

    def coordinate(self, column: str, low: float, high: float, latitude: bool, skip=None) -> pd.Series:
        """A latitude or longitude in decimal degrees inside Iraq's box; rows in `skip` have been reported already
        (their two coordinates look swapped)."""
        values = self.frame[column]
        numbers = self._numbers(column, "decimal")
        self.errors.add_same(
            _positions(values == ""),
            column,
            Message("empty: a latitude is required") if latitude else Message("empty: a longitude is required"),
        )
        nan = _positions(numbers.isna() & (values != ""))
        self.errors.add_values(nan, column, values, _coordinate_message)
        outside = numbers.notna() & ((numbers < low) | (numbers > high))
        if skip is not None:
            outside &= ~skip
        self.errors.add_values(
            _positions(outside),
            column,
            values,
            lambda v: (
                Message(
                    "{value} is outside Iraq (latitude {low} to {high}, WGS84 decimal degrees)",
                    value=v,
                    low=low,
                    high=high,
                )
                if latitude
                else Message(
                    "{value} is outside Iraq (longitude {low} to {high}, WGS84 decimal degrees)",
                    value=v,
                    low=low,
                    high=high,
                )
            ),
        )
        return numbers

    def position(self, lat_column: str, lon_column: str) -> tuple[pd.Series, pd.Series]:
        """A row's latitude and longitude, with one error for a row whose two values look swapped (Iraq's latitudes
        and longitudes do not overlap, so a swap is certain)."""
        min_lon, min_lat, max_lon, max_lat = IRAQ_BBOX
        lat = self._numbers(lat_column, "decimal")
        lon = self._numbers(lon_column, "decimal")
        swapped = lat.between(min_lon, max_lon) & lon.between(min_lat, max_lat)
        self.errors.add_rows(
            _positions(swapped),
            lat_column,
            lambda i: Message(
                "{lat_column} {lat} and {lon_column} {lon} look swapped: in Iraq latitudes are {min_lat} to {max_lat} "
                "and longitudes {min_lon} to {max_lon}; exchange the two columns' headers or values",
                lat_column=lat_column,
                lat=self.frame[lat_column].iat[i],
                lon_column=lon_column,
                lon=self.frame[lon_column].iat[i],
                min_lat=min_lat,
                max_lat=max_lat,
                min_lon=min_lon,
                max_lon=max_lon,
            ),
        )
        return (
            self.coordinate(lat_column, min_lat, max_lat, True, swapped),
            self.coordinate(lon_column, min_lon, max_lon, False, swapped),
        )

    def outlines(self, out: pd.DataFrame, lat: str, lon: str, boundaries: dict | None) -> None:
        """A warning for each place whose position lies in another governorate than its row names, or in none
        (across a border), by the boundaries in use."""
        if boundaries is None or out.empty:
            return
        outlines = [(f["properties"].get("iso"), f["geometry"]) for f in boundaries.get("features", [])]
        found = governorate_at(out[lon], out[lat], outlines)
        stated = out["governorate"].to_numpy()
        known = out[lat].notna().to_numpy() & out[lon].notna().to_numpy() & pd.notna(stated)
        elsewhere = _positions(known & (found != stated) & pd.notna(found))
        self.warnings.add_rows(
            elsewhere,
            lat,
            lambda i: Message(
                "the position ({lat}, {lon}) lies in {found}, not in {stated} as the governorate column says: check "
                "the coordinates (or the governorate)",
                lat=float(out[lat].iat[i]),
                lon=float(out[lon].iat[i]),
                found=_name(found[i]),
                stated=_name(stated[i]),
            ),
        )
        nowhere = _positions(known & pd.isna(found))
        self.warnings.add_rows(
            nowhere,
            lat,
            lambda i: Message(
                "the position ({lat}, {lon}) lies outside every governorate's outline (across a border, or in the "
                "desert between outlines): check the coordinates",
                lat=float(out[lat].iat[i]),
                lon=float(out[lon].iat[i]),
            ),
        )

    def duplicates(self, keys: tuple[str, ...], report_on: str, typed: pd.DataFrame | None = None) -> None:
        """An error for each row with the same key as an earlier row: the key as read (`typed`: a date written two
        ways is one date), or as written where it could not be read."""
        seen = _Keys(keys)
        seen.add([_hashed(self.frame[k] if typed is None else typed[k], self.frame[k]) for k in keys])
        seen.report(self, report_on)


def _hashed(values: pd.Series, raw: pd.Series | None = None) -> np.ndarray:
    """A column's values as 64-bit hashes; where a value could not be read (missing), its cell's text's instead."""
    hashes = pd.util.hash_pandas_object(values, index=False).to_numpy()
    if raw is not None:
        missing = values.isna().to_numpy()
        if missing.any():
            hashes = hashes.copy()
            hashes[missing] = pd.util.hash_pandas_object(raw[missing], index=False).to_numpy()
    return hashes


class _Keys:
    """The key of each row checked so far, as a 64-bit hash (8 bytes a row, whatever the row holds): rows with the
    same key anywhere in a file checked in blocks. (Two different keys share a hash about once in 400,000 files of
    ten million rows: that file would be refused with a wrong "the same ... as row N", and nothing written.)"""

    def __init__(self, keys: tuple[str, ...]):
        self.keys = keys
        self.hashes: list[np.ndarray] = []

    def add(self, columns: list[np.ndarray]) -> None:
        """A block's rows, each key column as `_hashed` gives it."""
        combined = np.zeros(len(columns[0]), dtype=np.uint64)
        for column in columns:
            combined = (combined * np.uint64(1_000_003)) ^ column
        self.hashes.append(combined)

    def report(self, c: _Checker, report_on: str) -> None:
        """An error for each row whose key an earlier row has, naming that row (positions in the whole table)."""
        if not self.hashes:
            return
        hashes = self.hashes[0] if len(self.hashes) == 1 else np.concatenate(self.hashes)
        self.hashes = [hashes]
        ordered = np.sort(hashes)
        repeated = ordered[1:][ordered[1:] == ordered[:-1]]
        if not len(repeated):
            return
        positions = np.flatnonzero(np.isin(hashes, repeated))
        firsts = pd.Series(positions).groupby(hashes[positions]).transform("min").to_numpy()
        later = positions != firsts
        first_of = dict(zip(positions[later].tolist(), firsts[later].tolist(), strict=True))
        c.errors.add_rows(
            positions[later],
            report_on,
            lambda i: Message(
                "the same {columns} as row {row}", columns=" + ".join(self.keys), row=first_of[i] + c.first_row
            ),
        )


def _name(iso) -> str:
    gov = BY_ISO.get(iso or "")
    return gov.name_en if gov else str(iso)


def _number_message(value: str) -> Message:
    text = value.translate(_DIGITS)
    if _DECIMAL_COMMA.match(text) or re.match(r"^\d+\.\d+$", text):
        return Message("'{value}' is not a whole number: counts of people have no decimals", value=value)
    if re.search(r"\d", text):
        return Message(
            "'{value}' is not a number: write digits only (1234, without spaces, units or words)", value=value
        )
    return Message("'{value}' is not a number", value=value)


def _fraction_message(value: str) -> Message:
    if re.match(r"^\d{1,3}\.\d{3}$", value):
        return Message(
            "{value} is not a whole number: if the point separates thousands, write {whole}",
            value=value,
            whole=value.replace(".", ""),
        )
    return Message("{value} is not a whole number", value=value)


def _coordinate_message(value: str) -> Message:
    if re.search(r"[°º'\"\u2032\u2033]|\b[NSEW]\b", value):  # degrees, minutes (prime) and seconds
        return Message(
            "'{value}' is in degrees, minutes and seconds: write decimal degrees ({example} is 36.85), as GPS apps "
            "and the Kobo and ODK forms give them",
            value=value,
            example="36° 51' 00\"",
        )
    return Message("'{value}' is not a number: write decimal degrees such as 36.8512", value=value)


_SERIAL = re.compile(r"^\d{5}(\.0+)?$")


def _as_date(value: str, day_first: bool) -> dt.date | None:
    """What a malformed date would be, read in the column's order (None when it cannot be a day)."""
    try:
        if ymd := _YMD_OTHER.match(value):
            y, m, d = map(int, ymd.groups())
            return dt.date(y, m, d)
        if dmy := _DMY.match(value):
            a, b, y = map(int, dmy.groups())
            return dt.date(y, b, a) if day_first else dt.date(y, a, b)
        if _SERIAL.match(value) and 20000 < float(value) < 80000:
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(float(value)))
    except ValueError:
        return None
    return None


def _date_message(bad: pd.Series) -> Callable[[str], str]:
    """How to word each malformed date of a column. Dates written another way are one problem for the column, shown
    with its first example and the date it would be ("dates look like day/month/year: write them as YYYY-MM-DD;
    13/04/2018 is 2018-04-13"), so that a file of them lists its other errors too; the order is judged on the whole
    column (13/04/2018 makes it day first, 04/13/2018 month first)."""
    parts = bad.str.extract(_DMY).dropna().astype(int)
    day_first = bool((parts[0] > 12).any())
    month_first = bool((parts[1] > 12).any()) and not day_first
    examples: dict[str, str] = {}
    for value in bad:
        kind = _date_kind(value, day_first or month_first)
        orders = (True, False) if kind == "either" else (not month_first,)
        if kind and kind not in examples and all(_as_date(value, order) for order in orders):
            examples[kind] = value

    def message(value: str) -> Message:
        kind = _date_kind(value, day_first or month_first)
        example = examples.get(kind or "")
        if kind is None or example is None:
            if _DMY.match(value):
                return Message("'{value}' is not a date as YYYY-MM-DD: no such day", value=value)
            return Message("'{value}' is not a date as YYYY-MM-DD", value=value)
        meant = str(_as_date(example, not month_first))
        if kind == "slashes":
            return Message(
                "dates are written with slashes or dots: write them as YYYY-MM-DD ({example} is {meant})",
                example=example,
                meant=meant,
            )
        if kind == "serial":
            return Message(
                "dates are spreadsheet day numbers: format the column as a date ({example} is {meant})",
                example=example,
                meant=meant,
            )
        if kind == "ordered":
            order = Message("day/month/year") if day_first else Message("month/day/year")
            return Message(
                "dates look like {order}: write them as YYYY-MM-DD ({example} is {meant})",
                order=order,
                example=example,
                meant=meant,
            )
        either = [_spelled(_as_date(example, order)) for order in (True, False)]
        return Message(
            "dates such as {example} could be day/month or month/day: write them as YYYY-MM-DD (is {example} "
            "{first} or {second}?)",
            example=example,
            first=either[0],
            second=either[1],
        )

    return message


MONTHS = (
    Message("January"),
    Message("February"),
    Message("March"),
    Message("April"),
    Message("May"),
    Message("June"),
    Message("July"),
    Message("August"),
    Message("September"),
    Message("October"),
    Message("November"),
    Message("December"),
)


def _spelled(day: dt.date | None) -> Message | str:
    """A day with its month's name ("02 October 2017"), said in the reader's language on the page."""
    if day is None:
        return ""
    return Message("{day} {month} {year}", day=f"{day.day:02d}", month=MONTHS[day.month - 1], year=day.year)


def _date_kind(value: str, ordered: bool) -> str | None:
    if _YMD_OTHER.match(value):
        return "slashes"
    if _DMY.match(value):
        return "ordered" if ordered else "either"
    if _SERIAL.match(value) and 20000 < float(value) < 80000:
        return "serial"
    return None


def _check_camps(c: _Checker, boundaries: dict | None) -> pd.DataFrame:
    f = c.frame
    latitude, longitude = c.position("latitude", "longitude")
    out = pd.DataFrame(
        {
            "camp_code": c.required_text("camp_code"),
            "camp_name": c.required_text("camp_name"),
            "camp_name_ar": _none_if_empty(c.required_text("camp_name_ar", required=False)),
            "camp_name_ku": _none_if_empty(c.required_text("camp_name_ku", required=False)),
            "governorate": c.governorate(),
            "district": _none_if_empty(c.required_text("district", required=False)),
            "latitude": latitude,
            "longitude": longitude,
            "population": c.whole("population").fillna(0).astype("int64"),
            "population_date": c.date("population_date"),
        }
    )
    site = f["site_type"].where(f["site_type"] != "", "camp")
    c.frame = c.frame.assign(site_type=site)
    out["site_type"] = c.code("site_type", "site_types", Message("camp, informal_site or host_community"))
    c.duplicates(("camp_code", "population_date"), "camp_code", out)
    big = _positions(out["population"] > MAX_CAMP_POPULATION)
    c.warnings.add_rows(
        big,
        "population",
        lambda i: Message("{n} people is more than any camp in Iraq", n=f"{out['population'].iat[i]:,}"),
    )
    c.outlines(out, "latitude", "longitude", boundaries)
    return out


def _check_clinics(c: _Checker, boundaries: dict | None) -> pd.DataFrame:
    f = c.frame
    unit_type = c.code("unit_type", "unit_types", Message("mmc or ambulance"))
    clinicians = c.whole("clinicians", required=False)
    mmc_without = _positions((unit_type == "mmc") & ((f["clinicians"] == "") | (clinicians < 1)))
    c.errors.add_same(mmc_without, "clinicians", Message("an MMC needs at least 1 clinician"))
    ambulance_with = _positions((unit_type == "ambulance") & (clinicians > 0))
    c.errors.add_same(ambulance_with, "clinicians", Message("ambulances have 0 clinicians or the cell is empty"))
    active_from = c.date("active_from", required=False, not_future=False)
    active_to = c.date("active_to", required=False, not_future=False)
    backwards = _positions(active_from.notna() & active_to.notna() & (active_to < active_from))
    c.errors.add_same(backwards, "active_to", Message("active_to is before active_from"))
    latitude, longitude = c.position("base_latitude", "base_longitude")
    out = pd.DataFrame(
        {
            "clinic_code": c.required_text("clinic_code"),
            "clinic_name": c.required_text("clinic_name"),
            "unit_type": unit_type,
            "partner": _none_if_empty(c.required_text("partner", required=False)),
            "governorate": c.governorate(),
            "base_latitude": latitude,
            "base_longitude": longitude,
            "clinicians": clinicians.fillna(0).astype("int64"),
            "active_from": active_from,
            "active_to": active_to,
        }
    )
    c.duplicates(("clinic_code",), "clinic_code")
    c.outlines(out, "base_latitude", "base_longitude", boundaries)
    return out


@dataclass(frozen=True)
class Known:
    """What records may name: the codes of the camps and units loaded, their names (to say which code a name in a
    code column stands for), and whether they are the demo's (which the first real file replaces)."""

    camps: Mapping[str, str] = field(default_factory=dict)  # code -> name
    clinics: Mapping[str, str] = field(default_factory=dict)
    demo: bool = False


def _unknown_codes(c: _Checker, column: str, loaded: Mapping[str, str], known: Known) -> None:
    """Codes a records file names that are not loaded: each code once with its rows, a note that counts them, and
    the code a name stands for when a name was written instead."""
    values = c.frame[column]
    unknown = [v for v in values.unique() if v and v not in loaded]
    if not unknown:
        return
    camps = column == "camp_code"
    by_name: dict[str, list[str]] = {}
    for code, name in loaded.items():
        by_name.setdefault(aliases.fold(name), []).append(code)
    if known.demo:
        hint = (
            Message("the database holds the demo data, which the first real file replaces: load your camps file first")
            if camps
            else Message(
                "the database holds the demo data, which the first real file replaces: load your units file first"
            )
        )
    elif loaded:
        hint = (
            Message("load it in a camps file first, or correct the code")
            if camps
            else Message("load it in a units file first, or correct the code")
        )
    else:
        hint = (
            Message("no camps are loaded yet: load the camps file first")
            if camps
            else Message("no units are loaded yet: load the units file first")
        )

    def message(v: str) -> Message:
        named = by_name.get(aliases.fold(v), [])
        if len(named) == 1 and not known.demo:
            if camps:
                return Message(
                    "unknown camp code '{value}': it is the name of camp {code}; write its code", value=v, code=named[0]
                )
            return Message(
                "unknown unit code '{value}': it is the name of unit {code}; write its code", value=v, code=named[0]
            )
        if camps:
            return Message("unknown camp code '{value}': {hint}", value=v, hint=hint)
        return Message("unknown unit code '{value}': {hint}", value=v, hint=hint)

    c.errors.add_values(_positions(values.isin(set(unknown))), column, values, message)
    c.unknown.setdefault(column, {}).update(dict.fromkeys(unknown))


def _unknown_note(column: str, unknown: list[str]) -> Message:
    """How many of the codes a file names in `column` are not loaded, and the first ten of them."""
    listed = ", ".join(sorted(unknown)[:10]) + (", …" if len(unknown) > 10 else "")
    count = len(unknown)
    if column == "camp_code":
        return Plural(
            "{n} camp code is not loaded: {codes}.",
            "{n} camp codes are not loaded: {codes}.",
            count,
            n=f"{count:,}",
            codes=listed,
        )
    return Plural(
        "{n} unit code is not loaded: {codes}.",
        "{n} unit codes are not loaded: {codes}.",
        count,
        n=f"{count:,}",
        codes=listed,
    )


UNKNOWN = "unknown"  # the sex or age group of a weekly sheet's counts that do not give it


def _check_records(c: _Checker, known: Known, weekly: bool = False) -> pd.DataFrame:
    f = c.frame
    for column, loaded in (("clinic_code", known.clinics), ("camp_code", known.camps)):
        _unknown_codes(c, column, {} if known.demo else loaded, known)
        c.required_text(column)
    consultations = c.whole("consultations")
    referrals = c.whole("referrals")
    over = _positions((consultations >= 0) & (referrals > consultations))
    c.errors.add_rows(
        over,
        "referrals",
        lambda i: Message(
            "{referrals} referrals is more than {consultations} consultations",
            referrals=f"{referrals.iat[i]:g}",
            consultations=f"{consultations.iat[i]:g}",
        ),
    )
    out = pd.DataFrame(
        {
            "date": c.date("date"),
            "clinic_code": f["clinic_code"],
            "camp_code": f["camp_code"],
            "syndrome": c.code(
                "syndrome", "syndromes", Message("a syndrome code of the records format (docs/formats.md)")
            ),
            "sex": c.code("sex", "sexes", Message("female or male"), also=(UNKNOWN,) if weekly else ()),
            "age_group": c.code(
                "age_group", "age_groups", Message("under5 or 5plus"), also=(UNKNOWN,) if weekly else ()
            ),
            "consultations": consultations.fillna(0).astype("int64"),
            "referrals": referrals.fillna(0).astype("int64"),
        }
    )
    if "reported_on" in f:
        reported = c.date("reported_on", required=False)
        early = _positions(reported.notna() & out["date"].notna() & (reported < out["date"]))
        c.errors.add_same(early, "reported_on", Message("reported_on is before the visit's date: check the two dates"))
        out["reported_on"] = reported
    return out


class RecordsCheck:
    """Records checked a block of rows at a time, so that a large file is never held whole: each block's own problems
    as it is checked (`add`), and what spans blocks kept compactly until `finish` reports it: each row's key as a
    hash (rows with the same key), each unit's consultations a day (more than one team sees)."""

    def __init__(self, table: Table, *, today: dt.date, known: Known, weekly: bool = False):
        self.checker = _Checker(table, today)
        self.known, self.weekly = known, weekly
        self.keys = _Keys(KEYS["records"])
        self.team_days = _TeamDays()
        self.rows = 0

    @property
    def ok(self) -> bool:
        """No error so far."""
        return self.checker.errors.total == 0

    def add(self, table: Table) -> pd.DataFrame:
        """Check the file's next block; its typed rows (valid while `ok`)."""
        c = self.checker
        c.start(table, self.rows)
        _control_characters(c, table.plain)
        out = _check_records(c, self.known, self.weekly)
        self.keys.add([_hashed(out[k], table.frame[k]) for k in KEYS["records"]])
        self.team_days.add(out, self.rows)
        self.rows += len(out)
        return out

    def finish(self, frame: pd.DataFrame, file_rows: np.ndarray | None = None) -> Checked:
        """The whole file's problems and notes, with `frame` as its typed rows (all of them, or the first)."""
        c = self.checker
        c.errors.offset = c.warnings.offset = 0  # (what spans blocks is found by the file's positions)
        self.keys.report(c, "date")
        self.team_days.report(c, self.weekly)
        notes = c.finished_notes()
        return Checked("records", frame, c.first_row, c.errors, c.warnings, notes, file_rows, count=self.rows)


def _check_rota(c: _Checker, known: Known) -> pd.DataFrame:
    """A rota: each row a weekday pattern (weekdays from valid_from, to valid_to or open) or one dated visit."""
    f = c.frame
    for column, loaded in (("clinic_code", known.clinics), ("camp_code", known.camps)):
        _unknown_codes(c, column, {} if known.demo else loaded, known)
        c.required_text(column)
    dated = f["date"] != ""
    patterned = (f["weekdays"] != "") | (f["valid_from"] != "")
    c.errors.add_same(
        _positions(~dated & ~patterned),
        "weekdays",
        Message("empty: give weekdays and valid_from (a visit pattern), or a date (one planned visit)"),
    )
    c.errors.add_same(
        _positions(dated & patterned),
        "date",
        Message(
            "a row is either a pattern (weekdays, valid_from, valid_to) or one dated visit (date), not both: split "
            "it in two rows"
        ),
    )
    day = c.date("date", required=False, not_future=False)
    valid_from = c.date("valid_from", required=False, not_future=False)
    valid_to = c.date("valid_to", required=False, not_future=False)
    c.errors.add_same(
        _positions(~dated & (f["valid_from"] == "") & (f["weekdays"] != "")),
        "valid_from",
        Message("empty: the first day the pattern applies (YYYY-MM-DD) is required"),
    )
    c.errors.add_same(
        _positions(valid_from.notna() & valid_to.notna() & (valid_to < valid_from)),
        "valid_to",
        Message("valid_to is before valid_from"),
    )
    known_days = weekdays.lookup()
    parsed = {v: weekdays.parse(v, known_days) for v in f["weekdays"].unique()}
    mask = f["weekdays"].map({v: m for v, (m, _u) in parsed.items()})

    def message(v: str) -> Message:
        words = ", ".join(f"'{w}'" for w in parsed[v][1])
        return Message(
            "{words} in '{value}' is not a weekday: write days by name, as 'Sunday Wednesday', 'Sun, Wed' or "
            "'{arabic}'",
            words=words,
            value=v,
            arabic="الأحد، الأربعاء",
        )

    bad = f["weekdays"].map({v: bool(u) for v, (_m, u) in parsed.items()})
    c.errors.add_values(_positions(bad & ~dated), "weekdays", f["weekdays"], message)
    c.errors.add_same(
        _positions(~dated & (f["weekdays"] == "") & (f["valid_from"] != "")),
        "weekdays",
        Message("empty: name the days of the week the unit visits (Sunday Wednesday)"),
    )
    day_mask = pd.Series(np.left_shift(1, day.dt.day_of_week.fillna(0).astype("int64").to_numpy()), index=f.index)
    day_mask = day_mask.where(dated, 0)
    out = pd.DataFrame(
        {
            "clinic_code": f["clinic_code"],
            "camp_code": f["camp_code"],
            "weekdays": mask.where(~dated, day_mask).fillna(0).astype("int64"),
            "valid_from": valid_from.where(~dated, day),
            "valid_to": valid_to.where(~dated, day),
            "dated": dated.to_numpy(),
        }
    )
    c.frame = c.frame.assign(valid_from=out["valid_from"].dt.strftime("%Y-%m-%d").fillna(""))
    c.duplicates(KEYS["rota"], "valid_from")
    _double_booked(c, out)
    return out


def _double_booked(c: _Checker, out: pd.DataFrame) -> None:
    """A warning for a unit planned at two camps on the same weekday in overlapping periods (one team cannot be at
    both): often an earlier pattern whose valid_to was not set when the rota changed."""
    rows = out[~out["dated"] & out["valid_from"].notna()].reset_index()
    if rows.empty:
        return
    pairs = rows.merge(rows, on="clinic_code", suffixes=("", "_other"))
    never = pd.Timestamp("2200-01-01")  # (an open-ended row)
    end = pairs["valid_to"].fillna(never)
    end_other = pairs["valid_to_other"].fillna(never)
    clash = pairs[
        (pairs["index"] < pairs["index_other"])
        & (pairs["camp_code"] != pairs["camp_code_other"])
        & ((pairs["weekdays"] & pairs["weekdays_other"]) > 0)
        & (pairs["valid_from"] <= end_other)
        & (pairs["valid_from_other"] <= end)
    ]
    for r in clash.drop_duplicates("index_other").head(SHOWN).itertuples(index=False):
        both = weekdays.weekday_names(int(r.weekdays & r.weekdays_other))
        c.warnings.add(
            int(r.index_other),
            "valid_from",
            Message(
                "{unit} is also planned at {camp} on {days} in the same weeks (row {row}): set the earlier row's "
                "valid_to when a rota changes",
                unit=r.clinic_code,
                camp=r.camp_code,
                days=both,
                row=int(r.index + c.first_row),
            ),
        )


class _TeamDays:
    """Each unit's consultations a day (a week, for a weekly sheet's rows) so far, with the first row of each: a few
    thousand sums however long the file."""

    def __init__(self) -> None:
        self.sums: pd.DataFrame | None = None

    def add(self, out: pd.DataFrame, offset: int) -> None:
        """A block's typed rows, whose first is the table's position `offset`."""
        if out.empty:
            return
        rows = out[["date", "clinic_code", "consultations"]].assign(first=np.arange(len(out)) + offset)
        found = rows.groupby(["date", "clinic_code"], sort=False).agg(
            total=("consultations", "sum"), first=("first", "min")
        )
        if self.sums is not None:
            both = pd.concat([self.sums, found])
            found = both.groupby(level=[0, 1], sort=False).agg({"total": "sum", "first": "min"})
        self.sums = found

    def report(self, c: _Checker, weekly: bool) -> None:
        """A warning for each unit and day (or week: six working days) with more consultations than one team sees
        in that time, at its first row."""
        if self.sums is None:
            return
        most = MAX_CONSULTATIONS_PER_TEAM_DAY * (6 if weekly else 1)
        heavy = self.sums[self.sums["total"] > most].sort_values("first", kind="stable")
        for (day, unit), total, position in zip(
            heavy.index[:SHOWN], heavy["total"][:SHOWN], heavy["first"][:SHOWN], strict=True
        ):
            values = {"n": f"{total:,}", "unit": unit, "day": f"{day:%Y-%m-%d}", "most": f"{most:,}"}
            c.warnings.add(
                int(position),
                "consultations",
                Message(
                    "{n} consultations for {unit} in the week of {day}: over {most} for one team in one week (six "
                    "working days); check the figures",
                    **values,
                )
                if weekly
                else Message(
                    "{n} consultations for {unit} on {day}: over {most} for one team in one day; check the figures",
                    **values,
                ),
            )
        c.warnings.total += max(0, len(heavy) - SHOWN)
        c.warnings.unlisted += max(0, len(heavy) - SHOWN)


def _control_message(values: pd.Series) -> Callable[[int], str]:
    def message(i: int) -> Message:
        found = re.search(CONTROL, str(values.iat[i]))
        code = ord(found.group()) if found else 0
        return Message(
            "holds a control character ({code}) that no text may hold: remove it (it often comes from a damaged "
            "export)",
            code=f"U+{code:04X}",
        )

    return message


def _control_characters(c: _Checker, plain: bool = False) -> None:
    """A NUL or another control character in any cell: PostgreSQL refuses NUL in text, and none belongs in a name or
    a code (they come from a broken export)."""
    if plain:
        return
    for column in c.frame.columns:
        values = c.frame[column]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        found = values.astype(str).str.contains(CONTROL, regex=True, na=False)
        c.errors.add_rows(_positions(found), column, _control_message(values))


def _missing_columns(checker: _Checker, table: Table) -> None:
    for name in table.missing:
        others = column_aliases(table.kind, name)
        also = Message(" (also accepted: {names})", names=", ".join(others[:4])) if others else ""
        checker.errors.add(-1, name, Message("missing required column '{name}'{also}", name=name, also=also))
    required = ", ".join(c.name for c in SPECS[table.kind] if c.required)
    found = ", ".join(h for h in table.header if h)
    checker.errors.add(
        -1,
        "",
        Message(
            "a {kind} file needs the columns {required}; this file has {found}",
            kind=KIND_NAMES.get(table.kind, table.kind),
            required=required,
            found=found,
        )
        if found
        else Message(
            "a {kind} file needs the columns {required}; this file has none",
            kind=KIND_NAMES.get(table.kind, table.kind),
            required=required,
        ),
    )


def check(
    table: Table,
    *,
    today: dt.date | None = None,
    known: Known | None = None,
    boundaries: dict | None = None,
    weekly: bool = False,
) -> Checked:
    """Validate a table: every error and warning, and the typed rows. `known` holds the camps and units the database
    holds (records must name them); `boundaries`, the governorate outlines in use (each camp and unit is looked for
    in the one its row names); `weekly`, that records are a weekly sheet's, one per week (ingest/weekly.py)."""
    if table.kind == "records" and not table.missing and not table.frame.empty:
        records = RecordsCheck(table, today=today or dt.date.today(), known=known or Known(), weekly=weekly)
        return records.finish(records.add(table), table.file_rows)
    checker = _Checker(table, today or dt.date.today())
    if table.missing:
        _missing_columns(checker, table)
        out = table.frame
    elif table.frame.empty:
        checker.errors.add(-1, "", Message("the file has a header row but no data rows"))
        out = table.frame
    else:
        _control_characters(checker, table.plain)
        if table.kind == "camps":
            out = _check_camps(checker, boundaries)
        elif table.kind == "clinics":
            out = _check_clinics(checker, boundaries)
        else:
            out = _check_rota(checker, known or Known())
    notes = checker.finished_notes()
    return Checked(table.kind, out, table.first_row, checker.errors, checker.warnings, notes, table.file_rows)
