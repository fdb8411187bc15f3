"""The visit plan against what happened (docs/formats.md, "Completeness and timeliness"): the visits a rota plans,
which of them were made, the visits nobody planned, how soon visits were reported, the units gone silent and the
camps whose planned visits were all missed two weeks running. Plain functions of tables: ids and day numbers in,
ids and counts out; names and words are the renderer's.

A planned visit is **made** when its unit visited its camp that day, or on another day of the same week that no
other planned visit of the unit to the camp took (a team that went on Thursday instead of Wednesday made its visit;
a weekly sheet's week, dated on its last day, makes one of the week's planned visits). Planned visits after the
data's last day (`as_of`) are not yet due and are left out.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dashboard.domain import periods

KEYS = ["clinic_id", "camp_id"]
_EPOCH = np.datetime64("1970-01-01", "D")


def _days(values) -> np.ndarray:
    return pd.to_datetime(pd.Series(values)).to_numpy().astype("datetime64[D]").astype("int64")


def planned_visits(rota: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Every visit the rota plans from `start` to `end` (both included): date, clinic_id, camp_id, one row each
    (two rows planning the same visit plan it once). `rota` has clinic_id, camp_id, weekdays (a mask, bit 0 Monday),
    valid_from and valid_to (NaT: open-ended)."""
    lo_all = (np.datetime64(start, "D") - _EPOCH).astype("int64")
    hi_all = (np.datetime64(end, "D") - _EPOCH).astype("int64")
    if rota.empty or hi_all < lo_all:
        return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "clinic_id": [], "camp_id": []}).astype(
            {"clinic_id": "int64", "camp_id": "int64"}
        )
    mask = rota["weekdays"].to_numpy(dtype="int64")
    lo = np.maximum(_days(rota["valid_from"]), lo_all)
    until = pd.to_datetime(rota["valid_to"])
    hi = np.where(until.isna(), hi_all, np.minimum(_days(until.fillna(pd.Timestamp(end))), hi_all))
    clinic, camp = rota["clinic_id"].to_numpy("int64"), rota["camp_id"].to_numpy("int64")
    parts = []
    for day in range(7):  # each weekday's visits are a progression of 7 days from the first one in the row's period
        has = ((mask >> day) & 1).astype(bool) & (lo <= hi)
        first = lo[has] + (day - (lo[has] + 3) % 7) % 7  # (day 0, 1970-01-01, was a Thursday: weekday 3)
        count = np.where(first <= hi[has], (hi[has] - first) // 7 + 1, 0)
        row = np.repeat(np.arange(len(first)), count)
        step = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
        parts.append((first[row] + 7 * step, clinic[has][row], camp[has][row]))
    day_numbers, clinics, camps = (np.concatenate(c) for c in zip(*parts, strict=True))
    # one row per visit, in order of day, unit and camp: as whole numbers, sorted and made unique at once
    clinic_span, camp_span = int(clinics.max()) + 1 if len(clinics) else 1, int(camps.max()) + 1 if len(camps) else 1
    key = np.unique((day_numbers * clinic_span + clinics) * camp_span + camps)
    return pd.DataFrame(
        {
            "date": (_EPOCH + (key // (clinic_span * camp_span)).astype("timedelta64[D]")).astype("datetime64[ns]"),
            "clinic_id": key // camp_span % clinic_span,
            "camp_id": key % camp_span,
        }
    )


def _found_in(keys: np.ndarray, among: np.ndarray) -> np.ndarray:
    """For each of `keys`, its position in `among` (whose keys are unique), or -1."""
    order = np.argsort(among, kind="stable")
    ordered = among[order]
    at = np.minimum(np.searchsorted(ordered, keys), max(len(among) - 1, 0))
    hit = (ordered[at] == keys) if len(among) else np.zeros(len(keys), dtype=bool)
    return np.where(hit, order[at] if len(among) else -1, -1)


def _day_numbers(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype("int64")


def match(planned: pd.DataFrame, visits: pd.DataFrame, first_day: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each planned visit with `done` and, when done, the `visit_date` and `reported_on` of the visit that made it;
    and the visits no plan asked for (unplanned: shown, never counted as misses). Visits are date, clinic_id,
    camp_id, reported_on (one a day per unit and camp); weeks start on `first_day` (0 Monday). In whole numbers
    (day numbers and one key per unit and camp), so that a year of ten million records matches in milliseconds."""
    plans = planned[["date", *KEYS]].reset_index(drop=True)
    made = visits[["date", *KEYS, "reported_on"]].drop_duplicates(["date", *KEYS]).reset_index(drop=True)
    width = int(max(plans["camp_id"].max() if len(plans) else 0, made["camp_id"].max() if len(made) else 0)) + 1
    plan_day, visit_day = _day_numbers(plans["date"]), _day_numbers(made["date"])
    plan_pair = plans["clinic_id"].to_numpy("int64") * width + plans["camp_id"].to_numpy("int64")
    visit_pair = made["clinic_id"].to_numpy("int64") * width + made["camp_id"].to_numpy("int64")
    span = 1 << 20  # day numbers (days since 1970) stay below it until the year 4840
    # the same day: a visit of the unit to the camp that day
    which = _found_in(plan_pair * span + plan_day, visit_pair * span + visit_day)
    taken = np.zeros(len(made), dtype=bool)
    taken[which[which >= 0]] = True

    def ranked(pair: np.ndarray, day: np.ndarray, keep: np.ndarray) -> np.ndarray:
        """Keys (pair, week, rank of the day in its pair's week) of the rows kept; -1 for the others."""
        week = day - ((day + 3) % 7 - first_day) % 7  # (day 0 was a Thursday, weekday 3)
        rows = np.flatnonzero(keep)
        order = rows[np.lexsort((day[rows], week[rows], pair[rows]))]
        group = pair[order] * span + week[order]
        first = np.r_[0, np.flatnonzero(group[1:] != group[:-1]) + 1] if len(order) else np.zeros(0, dtype="int64")
        rank = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
        out = np.full(len(pair), -1, dtype="int64")
        out[order] = group * 8 + rank
        return out

    # the same week: the week's plans left, in day order, taken by its visits left, in day order
    left = which < 0
    plan_rank = ranked(plan_pair, plan_day, left)
    visit_rank = ranked(visit_pair, visit_day, ~taken)
    later = _found_in(plan_rank[left], visit_rank[visit_rank >= 0])
    free = np.flatnonzero(visit_rank >= 0)
    which[np.flatnonzero(left)] = np.where(later >= 0, free[np.maximum(later, 0)] if len(free) else -1, -1)
    taken[which[which >= 0]] = True
    done = which >= 0
    at = np.maximum(which, 0)
    out = plans.assign(done=done)
    none = np.datetime64("NaT", "ns")
    out["visit_date"] = np.where(done, made["date"].to_numpy("datetime64[ns]")[at], none) if len(made) else none
    out["reported_on"] = np.where(done, made["reported_on"].to_numpy("datetime64[ns]")[at], none) if len(made) else none
    out[["visit_date", "reported_on"]] = out[["visit_date", "reported_on"]].astype("datetime64[ns]")
    unplanned = made[~taken].reset_index(drop=True)
    return out, unplanned


def rates(matched: pd.DataFrame, unplanned: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per group of `by` (columns both tables carry): planned, made, missed, completeness (made / planned, None
    when nothing was planned) and unplanned visits."""
    groups = matched.groupby(by, sort=True)["done"]
    out = pd.DataFrame({"planned": groups.size(), "made": groups.sum()})
    extra = unplanned.groupby(by).size()
    out = out.join(extra.rename("unplanned"), how="outer").fillna(0).astype("int64").reset_index()
    out["missed"] = out["planned"] - out["made"]
    share = out["made"] / out["planned"].where(out["planned"] > 0)
    out["completeness"] = share.round(4).astype(object).where(share.notna(), None)
    return out


def timeliness(visits: pd.DataFrame, deadline_days: int, by: list[str]) -> pd.DataFrame:
    """Per group of `by`: visits whose report day is known, those reported within `deadline_days` days of the
    visit, and their share (None when none is known)."""
    delay = (visits["reported_on"] - visits["date"]).dt.days
    known = visits.assign(known=delay.notna(), on_time=delay <= deadline_days)
    out = known.groupby(by, sort=True)[["known", "on_time"]].sum().astype("int64").reset_index()
    out = out.rename(columns={"known": "reported"})
    share = out["on_time"] / out["reported"].where(out["reported"] > 0)
    out["timeliness"] = share.round(4).astype(object).where(share.notna(), None)
    return out


def silent_units(matched: pd.DataFrame, last_visit: pd.Series, as_of: dt.date, days: int) -> pd.DataFrame:
    """Units with visits planned in the `days` days up to `as_of` and no visit of any camp in them: clinic_id,
    planned (those days' planned visits), last_visit (before them, or NaT) and days_silent (since the last visit,
    None when never), longest silent first. `last_visit` is each unit's last visit on or before `as_of`, by id."""
    since = pd.Timestamp(as_of) - pd.Timedelta(days=days - 1)
    due = matched[(matched["date"] >= since) & (matched["date"] <= pd.Timestamp(as_of))]
    planned = due.groupby("clinic_id").size()
    last = pd.to_datetime(last_visit.reindex(planned.index))
    quiet = last.isna() | (last < since)
    out = pd.DataFrame(
        {"clinic_id": planned.index[quiet], "planned": planned[quiet].to_numpy(), "last_visit": last[quiet].to_numpy()}
    )
    gap = (pd.Timestamp(as_of) - out["last_visit"]).dt.days
    out["days_silent"] = gap.astype("Int64")
    return out.sort_values("days_silent", ascending=False, na_position="first", ignore_index=True)


def missed_running(matched: pd.DataFrame, first_day: int = 0, weeks: int = 2) -> pd.DataFrame:
    """Camps whose planned visits were all missed in at least `weeks` weeks running: camp_id, first_week and
    last_week of the latest such run, weeks (its length) and missed (its planned visits), latest run first."""
    columns = ["camp_id", "first_week", "last_week", "weeks", "missed"]
    if matched.empty:
        return pd.DataFrame(columns=columns)
    by_week = (
        matched.assign(week=periods.week_start(matched["date"], first_day))
        .groupby(["camp_id", "week"], sort=True)["done"]
        .agg(["size", "sum"])
        .reset_index()
    )
    by_week["missed_all"] = by_week["sum"] == 0
    previous = by_week.groupby("camp_id")["week"].shift()
    follows = (by_week["week"] - previous == pd.Timedelta(days=7)) & by_week["missed_all"].shift(fill_value=False)
    by_week["run"] = (~(follows & by_week["missed_all"])).cumsum()
    runs = (
        by_week[by_week["missed_all"]]
        .groupby("run")
        .agg(
            camp_id=("camp_id", "first"),
            first_week=("week", "min"),
            last_week=("week", "max"),
            weeks=("week", "size"),
            missed=("size", "sum"),
        )
    )
    runs = runs[runs["weeks"] >= weeks].sort_values("last_week").drop_duplicates("camp_id", keep="last")
    return runs.sort_values(["last_week", "weeks"], ascending=False)[columns].reset_index(drop=True)


class PlanIndex:
    """Every planned visit of the data, matched once (per data version and week start) with every visit, kept
    sorted by day with the unplanned visits and every visit's report delay, so that a filter change is slices and
    counts (`summarise`), not a new match of millions of rows. Planned visits run from the data's first day to its
    last (`as_of`): before the first record nothing was reported yet, after the last nothing is due yet."""

    def __init__(self, rota: pd.DataFrame, visits: pd.DataFrame, first: dt.date, as_of: dt.date, first_day: int = 0):
        self.first_day, self.as_of = first_day, as_of
        planned = planned_visits(rota, first, as_of)
        matched, unplanned = match(planned, visits, first_day)
        self.plans = _columns(matched, done=matched["done"].to_numpy(bool))
        self.unplanned = _columns(unplanned)
        delay = (visits["reported_on"] - visits["date"]).dt.days
        self.visits = _columns(visits.reset_index(drop=True), delay=delay.fillna(-1).to_numpy("int64"))
        # each unit's visit days in order, for its last visit on or before a day (silent units)
        self._unit_days = np.sort(self.visits["clinic_id"] * (1 << 20) + self.visits["day"])

    def __deepcopy__(self, memo) -> PlanIndex:
        return self  # never changed once built: the results cache hands the same index to every caller

    def __len__(self) -> int:
        return len(self.plans["day"])

    def last_visit(self, clinic_ids: np.ndarray, day: int) -> np.ndarray:
        """Each unit's last visit day on or before `day`, or -1."""
        keys = self._unit_days
        at = np.searchsorted(keys, clinic_ids * (1 << 20) + day, side="right") - 1
        found = (at >= 0) & (keys[np.maximum(at, 0)] >> 20 == clinic_ids) if len(keys) else np.zeros(0, bool)
        return (
            np.where(found, keys[np.maximum(at, 0)] & ((1 << 20) - 1), -1)
            if len(keys)
            else np.full(len(clinic_ids), -1)
        )


def _columns(table: pd.DataFrame, **extra) -> dict[str, np.ndarray]:
    """A table of date, clinic_id and camp_id as arrays sorted by day (day numbers)."""
    day = _day_numbers(table["date"]) if len(table) else np.zeros(0, dtype="int64")
    order = np.argsort(day, kind="stable")
    out = {"day": day[order]}
    out["clinic_id"] = table["clinic_id"].to_numpy("int64")[order]
    out["camp_id"] = table["camp_id"].to_numpy("int64")[order]
    for name, values in extra.items():
        out[name] = np.asarray(values)[order]
    return out


def _day(day: dt.date) -> int:
    return int((np.datetime64(day, "D") - _EPOCH).astype("int64"))


def _slice(columns: dict[str, np.ndarray], start: int, end: int, keep) -> dict[str, np.ndarray]:
    """The rows from day `start` to `end` that `keep(camp_ids, clinic_ids)` keeps."""
    lo, hi = np.searchsorted(columns["day"], [start, end + 1])
    rows = {name: values[lo:hi] for name, values in columns.items()}
    mask = keep(rows["camp_id"], rows["clinic_id"])
    return rows if mask is None else {name: values[mask] for name, values in rows.items()}


def _frame(rows: dict[str, np.ndarray]) -> pd.DataFrame:
    frame = pd.DataFrame({k: v for k, v in rows.items() if k != "day"})
    frame.insert(0, "date", (_EPOCH + rows["day"].astype("timedelta64[D]")).astype("datetime64[ns]"))
    return frame


def summarise(
    index: PlanIndex,
    start: dt.date,
    end: dt.date,
    governorate_of: pd.Series,
    keep=lambda camps, clinics: None,
    deadline_days: int = 7,
    silent_days: int = 14,
) -> dict:
    """The plan against what happened from `start` to `end` for the visits `keep(camp_ids, clinic_ids)` keeps (a
    mask, or None for all): the totals, the tables by governorate (of the camp, `governorate_of` by camp id), by
    unit and week, by governorate and month or week, the missed visits, the silent units and the camps missed two
    weeks running (the functions above, on the period's rows)."""
    lo, hi = _day(start), _day(min(end, index.as_of))
    plans = _frame(_slice(index.plans, lo, hi, keep))
    extra = _frame(_slice(index.unplanned, lo, hi, keep))
    seen = _frame(_slice(index.visits, lo, _day(end), keep))
    first_day = index.first_day
    gov = governorate_of.to_dict()

    def context(table: pd.DataFrame) -> pd.DataFrame:
        dates = table["date"]
        return table.assign(
            governorate=table["camp_id"].map(gov),
            week=periods.week_start(dates, first_day),
            month=dates.dt.to_period("M").dt.start_time,
        )

    plans, extra = context(plans), context(extra)
    seen = seen.assign(
        governorate=seen["camp_id"].map(gov),
        reported_on=seen["date"] + pd.to_timedelta(np.where(seen["delay"] >= 0, seen["delay"], np.nan), unit="D"),
    )
    seen["week"] = periods.week_start(seen["date"], first_day)
    planned, made = len(plans), int(plans["done"].sum())
    on_time = timeliness(seen.assign(all=1), deadline_days, ["all"])
    as_of = min(end, index.as_of)
    quiet = _silent(index, plans, as_of, silent_days)
    return {
        "as_of": as_of,
        "planned": planned,
        "made": made,
        "unplanned": len(extra),
        "completeness": round(made / planned, 4) if planned else None,
        "timeliness": on_time["timeliness"].iat[0] if len(on_time) else None,
        "by_governorate": rates(plans, extra, ["governorate"]).merge(
            timeliness(seen, deadline_days, ["governorate"]), on="governorate", how="outer"
        ),
        "by_unit_week": rates(plans, extra, ["clinic_id", "week"]),
        "by_governorate_month": rates(plans, extra, ["governorate", "month"]),
        "by_governorate_week": rates(plans, extra, ["governorate", "week"]).merge(
            timeliness(seen, deadline_days, ["governorate", "week"]), on=["governorate", "week"], how="left"
        ),
        "misses": plans.loc[~plans["done"], ["date", "clinic_id", "camp_id", "governorate", "week"]].sort_values(
            ["date", "clinic_id", "camp_id"], ascending=[False, True, True]
        ),
        "silent": quiet,
        "running": missed_running(plans, first_day),
    }


def _silent(index: PlanIndex, plans: pd.DataFrame, as_of: dt.date, days: int) -> pd.DataFrame:
    """silent_units of the period's plans, each unit's last visit read from the index."""
    since = pd.Timestamp(as_of) - pd.Timedelta(days=days - 1)
    units = plans.loc[plans["date"] >= since, "clinic_id"].unique()
    last = index.last_visit(np.asarray(units, dtype="int64"), _day(as_of))
    last_visit = pd.Series(
        np.where(last >= 0, (_EPOCH + np.maximum(last, 0).astype("timedelta64[D]")).astype("datetime64[ns]"), None),
        index=units,
        dtype="datetime64[ns]",
    )
    return silent_units(plans, last_visit, as_of, days)
