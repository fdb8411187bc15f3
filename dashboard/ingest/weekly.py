"""Weekly surveillance sheets as service records: the layout EWARN-style reporting uses, one row per site, unit and
epidemiological week, either wide (one column per syndrome, optionally per sex and age group: "ARI", "AD <5 F")
or long (a syndrome column and a count column). Each sheet row becomes a record per syndrome (and sex and age group)
kept on the last day of its week (the day its report is complete), so that weekly and monthly figures count it in
full, the latest week reported is in the default view, and no per-day check sees a week's total as one day's. What
a sheet does not give is stored as such: sex and age group as unknown, referrals as 0. Errors name the sheet's own
rows and columns (docs/formats.md, "weekly")."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.domain import aliases
from dashboard.domain.messages import Message
from dashboard.ingest.formats import code_lookup, fold_value, header_key
from dashboard.ingest.read import Raw, Table, unguarded
from dashboard.ingest.validate import _DIGITS, _GROUPED, UNKNOWN, Problems

# The sheet's own columns, in the order they are looked for; the others are syndrome columns or not used.
FIXED = (
    "camp_code",
    "clinic_code",
    "year",
    "week",
    "week_start",
    "syndrome",
    "sex",
    "age_group",
    "consultations",
    "referrals",
)
EXAMPLE = {
    "camp_code": ("IQ0106-0022", "IQ0106-0022"),
    "clinic_code": ("MMC-AN-01", "MMC-AN-01"),
    "year": ("2018", "2018"),
    "week": ("9", "10"),
}


@dataclass
class Reshaped:
    """A weekly sheet as a records table, the problems only the sheet's own columns show, and notes on how it was
    read."""

    table: Table
    errors: Problems = field(default_factory=Problems)
    notes: list[str] = field(default_factory=list)


def template_columns() -> list[tuple[str, str, str]]:
    """The weekly template's layout: the sheet's columns, then one column per syndrome code."""
    from dashboard.domain.reference import SYNDROMES

    fixed = [
        ("camp_code", "camp_code", "#loc+code"),
        ("clinic_code", "clinic_code", "#service+unit+code"),
        ("year", "year", "#date+year"),
        ("week", "week", "#date+week"),
    ]
    return fixed + [(s, s, f"#affected+{s}+num") for s in SYNDROMES]


def template_rows() -> list[dict]:
    """Two weeks of one unit at one camp, the same codes as the other templates."""
    counts = {"ari": ("14", "11"), "awd": ("6", "3"), "scabies": ("2", "0"), "other": ("9", "12")}
    rows = []
    for i in range(2):
        row = {key: values[i] for key, values in EXAMPLE.items()}
        row.update({code: counts.get(code, ("0", "0"))[i] for code, _h, _t in template_columns()[4:]})
        rows.append(row)
    return rows


_SPLIT = re.compile(r"[\s_/(),;:|]+|(?<!\d)-|-(?!\d)")


def syndrome_column(header: str) -> tuple[str, str | None, str | None] | None:
    """(syndrome, sex, age group) a wide sheet's column holds, from its header ("ARI", "AD <5 F", "awd_male_5+"):
    sex and age group are read from the header's end, the rest must be a syndrome's code or label; None when it
    is not a syndrome column."""
    tokens = [t for t in _SPLIT.split(aliases.letters(header).strip()) if t]
    sex = age = None
    sexes, ages, syndromes = code_lookup("sexes"), code_lookup("age_groups"), code_lookup("syndromes")
    for _ in range(2):
        for n in (3, 2, 1):
            if len(tokens) <= n:
                continue
            phrase = " ".join(tokens[-n:])
            if age is None and fold_value("age_groups", phrase) in ages:
                age, tokens = ages[fold_value("age_groups", phrase)], tokens[:-n]
                break
            if sex is None and fold_value("sexes", phrase) in sexes:
                sex, tokens = sexes[fold_value("sexes", phrase)], tokens[:-n]
                break
    syndrome = syndromes.get(fold_value("syndromes", " ".join(tokens)))
    return (syndrome, sex, age) if syndrome else None


def _fixed_columns(header: list[str]) -> dict[str, int]:
    """Which of the sheet's columns are its own (site, unit, week...), by name or by the names of aliases.toml."""
    by_key = {header_key(name): i for i, name in reversed(list(enumerate(header)))}
    found: dict[str, int] = {}
    names = aliases.table().get("columns", {}).get("weekly", {})
    for column in FIXED:
        for key in (header_key(column), *(header_key(a) for a in names.get(column, []))):
            if key in by_key and by_key[key] not in found.values():
                found[column] = by_key[key]
                break
    return found


def first_day_of_week(year: int, week: int, first_day: int) -> dt.date:
    """The first day of epidemiological week `week` of `year`, weeks starting on `first_day` (0 Monday, 6 Sunday):
    week 1 is the one that holds 4 January, as ISO 8601 (first_day 0) and the WHO and CDC epi weeks count them."""
    jan4 = dt.date(year, 1, 4)
    start = jan4 - dt.timedelta(days=(jan4.weekday() - first_day) % 7)
    return start + dt.timedelta(weeks=week - 1)


def _weeks_in(year: int, first_day: int) -> int:
    return (first_day_of_week(year + 1, 1, first_day) - first_day_of_week(year, 1, first_day)).days // 7


def _week_dates(
    cells: pd.DataFrame, found: dict[str, int], first_day: int, today: dt.date, errors: Problems
) -> pd.Series:
    """Each row's week as the YYYY-MM-DD text of its last day (the day its report is complete), from year and week or
    from week_start. A week_start that is not a date is kept as written, for the records' date check to say what it
    looks like; a row whose week cannot be told, or has not ended yet, is an error here and gives no date."""
    if "week_start" in found:
        written = cells["week_start"].str.replace(r"^(\d{4}-\d\d-\d\d)[ T]00:00(:00)?$", r"\1", regex=True)
        starts = pd.to_datetime(written, format="%Y-%m-%d", errors="coerce")
        lasts = starts + pd.Timedelta(days=6)
        dates = written.where(starts.isna(), lasts.dt.strftime("%Y-%m-%d"))
        column = "week_start"
    else:
        dates, lasts = _from_year_and_week(cells, first_day, errors)
        column = "week"
    unfinished = np.flatnonzero((lasts > pd.Timestamp(today)).to_numpy())
    errors.add_rows(
        unfinished,
        column,
        lambda i: Message(
            "the week ending {day} has not ended yet: load it once it has", day=f"{lasts.iat[i]:%Y-%m-%d}"
        ),
    )
    dates.iloc[unfinished] = ""
    return dates


def _from_year_and_week(cells: pd.DataFrame, first_day: int, errors: Problems) -> tuple[pd.Series, pd.Series]:
    year = pd.to_numeric(cells["year"].str.translate(_DIGITS), errors="coerce")
    week = pd.to_numeric(
        cells["week"].str.translate(_DIGITS).str.replace(r"^[Ww](?:eek)?\s*", "", regex=True), errors="coerce"
    )
    bad_year = ~year.between(2000, 2100) | (year != year.round())
    errors.add_values(
        np.flatnonzero(bad_year.to_numpy()),
        "year",
        cells["year"],
        lambda v: Message("'{value}' is not a year: write it as 2018", value=v),
    )
    lasts = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]")
    for i in np.flatnonzero(~bad_year.to_numpy()):
        y, w = int(year.iat[i]), week.iat[i]
        if pd.isna(w) or w != round(w) or not 1 <= w <= _weeks_in(y, first_day):
            errors.add(
                int(i),
                "week",
                Message(
                    "'{value}' is not a week of {year}: use 1 to {last}",
                    value=cells["week"].iat[i],
                    year=y,
                    last=_weeks_in(y, first_day),
                ),
            )
        else:
            lasts.iat[i] = pd.Timestamp(first_day_of_week(y, int(w), first_day) + dt.timedelta(days=6))
    return lasts.dt.strftime("%Y-%m-%d").fillna(""), lasts


DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_WORDS = (  # (the same, as the page says them in the reader's language)
    Message("Monday"),
    Message("Tuesday"),
    Message("Wednesday"),
    Message("Thursday"),
    Message("Friday"),
    Message("Saturday"),
    Message("Sunday"),
)


def _week_start_notes(dates: pd.Series, first_day: int) -> list[Message]:
    """A note when a sheet's weeks start on another day than the dashboard's (WEEK_START): each week's counts would
    fall across two of its weeks."""
    days = pd.to_datetime(dates, format="%Y-%m-%d", errors="coerce").dropna().dt.day_of_week
    if days.empty or (days == first_day).mean() > 0.5:
        return []
    usual = int(days.mode().iloc[0])
    fix = (
        Message(
            "set WEEK_START={setting} so that each week's counts stay in one of its weeks", setting=DAYS[usual].lower()
        )
        if usual in (0, 5, 6)  # the week starts WEEK_START offers
        else Message("give each week's {day} as its week_start, or its year and week", day=DAY_WORDS[first_day])
    )
    return [
        Message(
            "The sheet's weeks start on {day}, the dashboard's on {ours}: {fix}.",
            day=DAY_WORDS[usual],
            ours=DAY_WORDS[first_day],
            fix=fix,
        )
    ]


def _whole_cells(values: pd.Series, column: str, errors: Problems) -> pd.Series:
    """A syndrome column's counts as text of whole numbers: Arabic-Indic digits and thousands separators read;
    anything else an error on the sheet's own column."""
    text = values.str.translate(_DIGITS)
    text = text.where(~text.str.match(_GROUPED), text.str.replace(r"[^\d]", "", regex=True))
    bad = (text != "") & ~text.str.fullmatch(r"\d+")
    errors.add_values(
        np.flatnonzero(bad.to_numpy()),
        column,
        values,
        lambda v: Message(
            "'{value}' is not a count: write a whole number of cases, 0 or more, or leave it empty", value=v
        ),
    )
    return text.where(~bad, "")


def _missing(header: list[str], found: dict[str, int], by_column: dict) -> Message | None:
    """What a sheet lacks to be read, in words, or None."""
    missing: list[Message | str] = [c for c in ("camp_code", "clinic_code") if c not in found]
    if "week_start" not in found and not {"year", "week"} <= set(found):
        missing.append(Message("year and week (or week_start)"))
    if "syndrome" in found and "consultations" not in found:
        missing.append(Message("consultations (or cases)"))
    if "syndrome" not in found and not by_column:
        missing.append(Message("a syndrome column (a syndrome code or label such as ARI or AD) or syndrome and cases"))
    if not missing:
        return None
    has = ", ".join(h for h in header if h)
    if not has:
        return Message("a weekly sheet needs {missing}; this sheet has none", missing=missing)
    return Message("a weekly sheet needs {missing}; this sheet has {found}", missing=missing, found=has)


def _repeated(header: list[str], by_column: dict, errors: Problems) -> None:
    """An error for columns that hold the same syndrome, sex and age group ("AD" and "AWD" are both awd)."""
    held: dict[tuple, list[str]] = {}
    for i, key in by_column.items():
        held.setdefault(key, []).append(header[i])
    for key, headers in held.items():
        if len(headers) > 1:
            what = " ".join(x for x in key if x)
            errors.add(
                -1,
                headers[0],
                Message(
                    "the columns {columns} all hold {what}: keep one, or add a name for one of them to another "
                    "syndrome in ALIASES_FILE",
                    columns=", ".join(repr(h) for h in headers),
                    what=what,
                ),
            )


def _long(cells: pd.DataFrame, dates: pd.Series) -> pd.DataFrame:
    def given(column: str, default: str):
        return cells[column].replace("", default) if column in cells else default

    return pd.DataFrame(
        {
            "date": dates,
            "clinic_code": cells["clinic_code"],
            "camp_code": cells["camp_code"],
            "syndrome": cells["syndrome"],
            "sex": given("sex", UNKNOWN),
            "age_group": given("age_group", UNKNOWN),
            "consultations": cells["consultations"],
            "referrals": given("referrals", "0"),
        }
    )


def _wide(raw: Raw, header, by_column, cells, dates, errors: Problems) -> tuple[pd.DataFrame, np.ndarray]:
    """A record for each filled syndrome cell of a row with a week, in the sheet's order, with the sheet row it came
    from; a row's sex and age group are its columns' (when the sheet has them), else its header's, else unknown."""
    rows = np.arange(len(cells)) + raw.first_row
    row_sex = cells["sex"].replace("", UNKNOWN) if "sex" in cells else pd.Series(UNKNOWN, index=cells.index)
    row_age = cells["age_group"].replace("", UNKNOWN) if "age_group" in cells else pd.Series(UNKNOWN, index=cells.index)
    parts, part_rows = [], []
    for i, (syndrome, sex, age) in by_column.items():
        counts = _whole_cells(raw.body.iloc[:, i].astype(str).str.strip(), header[i], errors)
        keep = ((counts != "") & (dates != "")).to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "date": dates[keep],
                    "clinic_code": cells["clinic_code"][keep],
                    "camp_code": cells["camp_code"][keep],
                    "syndrome": syndrome,
                    "sex": sex or row_sex[keep],
                    "age_group": age or row_age[keep],
                    "consultations": counts[keep],
                    "referrals": "0",
                }
            )
        )
        part_rows.append(rows[keep])
    frame = pd.concat(parts, ignore_index=True)
    file_rows = np.concatenate(part_rows)
    order = np.argsort(file_rows, kind="stable")  # a sheet row's records together, in the sheet's order
    return frame.iloc[order].reset_index(drop=True), file_rows[order]


def reshape(raw: Raw, first_day: int, today: dt.date | None = None) -> Reshaped:
    """A weekly sheet's cells as a records table (see the module's description)."""
    header = [h.strip() for h in raw.header]
    found = _fixed_columns(header)
    cells = pd.DataFrame(
        {name: unguarded(raw.body.iloc[:, i].astype(str).str.strip(), raw.may_be_guarded) for name, i in found.items()}
    )
    errors, notes = Problems(), list(raw.notes)
    candidates = {} if "syndrome" in found else {i: syndrome_column(h) for i, h in enumerate(header)}
    by_column = {i: key for i, key in candidates.items() if key and i not in found.values()}
    lacking = _missing(header, found, by_column)
    if lacking:
        errors.add(-1, "", lacking)
        return Reshaped(Table("records", pd.DataFrame(), raw.first_row, notes, [], header), errors, notes)
    _repeated(header, by_column, errors)
    dates = _week_dates(cells, found, first_day, today or dt.date.today(), errors)
    totals: list[str] = []  # a wide sheet's row totals: not one syndrome's, so not used
    if "syndrome" in found:
        keep = (dates != "") | ("week_start" in found)  # (a row whose year or week is wrong is reported already)
        frame = _long(cells, dates)[keep.to_numpy()].reset_index(drop=True)
        file_rows = (np.arange(len(cells)) + raw.first_row)[keep.to_numpy()]
    else:
        totals = [column for column in ("consultations", "referrals") if found.pop(column, None) is not None]
        frame, file_rows = _wide(raw, header, by_column, cells, dates, errors)
        listing = [
            Message("'{header}' as {column}", header=header[i], column=" ".join(x for x in key if x))
            for i, key in by_column.items()
        ]
        notes.append(Message("Read as a wide weekly sheet, one column per syndrome: {columns}.", columns=listing))
    unused = [h for i, h in enumerate(header) if h and i not in found.values() and i not in by_column]
    if unused:
        notes.append(Message("Columns not used: {columns}.", columns=", ".join(unused)))
    notes.append(Message("Each week is kept on its last day: weekly and monthly figures count it in full."))
    if "week_start" in found:
        notes.extend(_week_start_notes(cells["week_start"], first_day))
    if (frame["sex"] == UNKNOWN).any() or (frame["age_group"] == UNKNOWN).any():
        notes.append(
            Message("Counts the sheet does not split by sex or age group are kept as unknown sex or age group.")
        )
    if "referrals" in totals:
        notes.append(Message("The sheet's referrals are a total for the row, not one syndrome's: none are counted."))
    elif "referrals" not in found:
        notes.append(Message("The sheet gives no referrals: none are counted for these weeks."))
    table = Table("records", frame, raw.first_row, notes, [], header, file_rows)
    return Reshaped(table, errors, notes)
