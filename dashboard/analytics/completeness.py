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


def _week_start(day, first_day: int):
    """The first day of each day number's week (weeks start on `first_day`, 0 Monday; day 0 was a Thursday)."""
    return day - ((day + 3) % 7 - first_day) % 7


def _on_time(delay: np.ndarray, deadline_days: int) -> np.ndarray:
    """Which visits were reported within the deadline (delay: days from the visit to its report, -1 not known)."""
    return (delay >= 0) & (delay <= deadline_days)


def planned_visits(rota: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Every visit the rota plans from `start` to `end` (both included): date, clinic_id, camp_id, one row each
    (two rows planning the same visit plan it once). `rota` has clinic_id, camp_id, weekdays (a mask, bit 0 Monday),
    valid_from and valid_to (NaT: open-ended), and may have the unit's active_from and active_to (NaT: not known):
    a unit plans nothing outside them."""
    lo_all = (np.datetime64(start, "D") - _EPOCH).astype("int64")
    hi_all = (np.datetime64(end, "D") - _EPOCH).astype("int64")
    if rota.empty or hi_all < lo_all:
        return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "clinic_id": [], "camp_id": []}).astype(
            {"clinic_id": "int64", "camp_id": "int64"}
        )
    mask = rota["weekdays"].to_numpy(dtype="int64")
    lo = np.maximum(_day_numbers(pd.to_datetime(rota["valid_from"])), lo_all)
    until = pd.to_datetime(rota["valid_to"])
    hi = np.where(until.isna(), hi_all, np.minimum(_day_numbers(until.fillna(pd.Timestamp(end))), hi_all))
    if "active_from" in rota:  # (the unit's own dates, when known)
        began = pd.to_datetime(rota["active_from"])
        lo = np.where(began.isna(), lo, np.maximum(lo, _day_numbers(began.fillna(pd.Timestamp(start)))))
    if "active_to" in rota:
        ended = pd.to_datetime(rota["active_to"])
        hi = np.where(ended.isna(), hi, np.minimum(hi, _day_numbers(ended.fillna(pd.Timestamp(end)))))
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
        week = _week_start(day, first_day)
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


DENSE_GROUPS = 5_000_000  # whole-number keys spanning up to this many values are grouped by counting, not sorting


def _groups(tables: list[pd.DataFrame], by: list[str]) -> tuple[pd.DataFrame, list[np.ndarray]]:
    """The groups of `by` across `tables` in order of their keys, and each table's rows' group numbers: one pass
    over whole numbers (or one sort), not a pandas group-by per table (a year of ten million records is 130,000
    plans and 250,000 visits)."""
    sizes = [len(t) for t in tables]
    columns = {c: np.concatenate([t[c].to_numpy() for t in tables]) for c in by}
    if sum(sizes) and all(np.issubdtype(v.dtype, np.integer) for v in columns.values()):
        lows = {c: int(v.min()) for c, v in columns.items()}
        spans = {c: int(v.max()) - lows[c] + 1 for c, v in columns.items()}
        if np.prod([float(x) for x in spans.values()]) <= DENSE_GROUPS:
            key = np.zeros(sum(sizes), dtype="int64")
            for c in by:
                key = key * spans[c] + (columns[c].astype("int64") - lows[c])
            present = np.flatnonzero(np.bincount(key))
            lookup = np.zeros(int(present[-1]) + 1, dtype="int64")
            lookup[present] = np.arange(len(present))
            values, rest = {}, present
            for c in reversed(by):
                values[c], rest = rest % spans[c] + lows[c], rest // spans[c]
            keys = pd.DataFrame({c: values[c] for c in by})
            return keys, np.split(lookup[key], np.cumsum(sizes)[:-1])
    key = np.zeros(sum(sizes), dtype="int64")
    for c in by:
        codes, found = pd.factorize(columns[c], sort=True)
        key = key * max(len(found), 1) + codes
    _unique, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    keys = pd.DataFrame({c: columns[c][first] for c in by})
    return keys, np.split(inverse.ravel(), np.cumsum(sizes)[:-1])


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """part / whole rounded to 4 places, None where whole is 0."""
    shares = np.round(part / np.maximum(whole, 1), 4).astype(object)
    shares[whole <= 0] = None
    return shares


def rates(matched: pd.DataFrame, unplanned: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per group of `by` (columns both tables carry): planned, made, missed, completeness (made / planned, None
    when nothing was planned) and unplanned visits."""
    keys, (plans, extra) = _groups([matched, unplanned], by)
    n = len(keys)
    planned = np.bincount(plans, minlength=n).astype("int64")
    made = np.bincount(plans, weights=matched["done"].to_numpy(float), minlength=n).astype("int64")
    return keys.assign(
        planned=planned,
        made=made,
        unplanned=np.bincount(extra, minlength=n).astype("int64"),
        missed=planned - made,
        completeness=_share(made, planned),
    )


def timeliness(visits: pd.DataFrame, deadline_days: int, by: list[str]) -> pd.DataFrame:
    """Per group of `by` (visits with date and reported_on, or with the days between them as `delay`, -1 when not
    known): visits whose report day is known, those reported within `deadline_days` days of the visit, and their
    share (None when none is known)."""
    if "delay" in visits:  # days from the visit to its report, -1 when not known
        delay = visits["delay"].to_numpy("int64")
    else:
        delay = (visits["reported_on"] - visits["date"]).dt.days.fillna(-1).to_numpy("int64")
    keys, (rows,) = _groups([visits], by)
    n = len(keys)
    known = np.bincount(rows, weights=delay >= 0, minlength=n).astype("int64")
    on_time = np.bincount(rows, weights=_on_time(delay, deadline_days), minlength=n).astype("int64")
    return keys.assign(reported=known, on_time=on_time, timeliness=_share(on_time, known))


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
    last_week of the latest such run, weeks (its length) and missed (its planned visits), latest run first. The
    plans carry camp_id, done and a date (or their week's first day as `week`, a date or a day number)."""
    columns = ["camp_id", "first_week", "last_week", "weeks", "missed"]
    if matched.empty:
        return pd.DataFrame(columns=columns)
    week = matched["week"] if "week" in matched else periods.week_start(matched["date"], first_day)
    day = week.to_numpy("int64") if pd.api.types.is_integer_dtype(week) else _day_numbers(week)
    camp, done = matched["camp_id"].to_numpy("int64"), matched["done"].to_numpy(bool)
    # each camp's weeks as one whole number, counted from the first week: camp * span + week
    first = int(day.min())
    n = (day - first) // 7
    span = int(n.max()) + 1
    key = camp * span + n
    # the weeks with a miss (few: most planned visits are made), and among them those with nothing made
    missed_keys, missed = np.unique(key[~done], return_counts=True)
    made_keys = key[done]
    if (int(camp.max()) + 1) * span <= DENSE_GROUPS:
        made_week = np.zeros((int(camp.max()) + 1) * span, dtype=bool)
        made_week[made_keys] = True
        all_missed = ~made_week[missed_keys]
    else:
        all_missed = ~np.isin(missed_keys, made_keys)
    keys, missed = missed_keys[all_missed], missed[all_missed]
    if len(keys) == 0:  # misses, but never a whole week of a camp's planned visits
        return pd.DataFrame(columns=columns)
    g_camp, g_week = keys // span, (keys % span) * 7 + first
    follows = np.r_[False, keys[1:] - keys[:-1] == 1] & np.r_[False, g_camp[1:] == g_camp[:-1]]
    first_at = np.flatnonzero(~follows)
    length = np.diff(np.r_[first_at, len(keys)])
    last_at = first_at + length - 1
    found = pd.DataFrame(
        {
            "camp_id": g_camp[first_at],
            "first_week": _dates(g_week[first_at]),
            "last_week": _dates(g_week[last_at]),
            "weeks": length.astype("int64"),
            "missed": (np.add.reduceat(missed, first_at) if len(first_at) else missed[:0]).astype("int64"),
        }
    )
    found = found[found["weeks"] >= weeks].drop_duplicates("camp_id", keep="last")  # (runs are in week order)
    return found.sort_values(["last_week", "weeks"], ascending=False)[columns].reset_index(drop=True)


class PlanIndex:
    """Every planned visit of the data, matched once (per data version and week start) with every visit, kept
    sorted by day with the unplanned visits and every visit's report delay, so that a filter change is slices and
    counts (`Summary`), not a new match of millions of rows; and the counts of each day and governorate added up
    day after day (`daily`), so that a period's totals, or its counts by governorate, week or month, are
    differences of two rows of sums, whatever its length. Planned visits run from the data's first day to its last
    (`as_of`): before the first record nothing was reported yet, after the last nothing is due yet.
    `governorate_by_camp`: each camp's governorate (a position in a list of them), by camp id."""

    def __init__(
        self,
        rota: pd.DataFrame,
        visits: pd.DataFrame,
        first: dt.date,
        as_of: dt.date,
        first_day: int = 0,
        governorate_by_camp: np.ndarray | None = None,
    ):
        self.first_day, self.as_of = first_day, as_of
        planned = planned_visits(rota, first, as_of)
        matched, unplanned = match(planned, visits, first_day)
        delay = (visits["reported_on"] - visits["date"]).dt.days
        tables = (matched, unplanned, visits.reset_index(drop=True))
        camps = max((int(t["camp_id"].max()) + 1 for t in tables if len(t)), default=1)
        gov = np.zeros(camps, dtype="int64")
        if governorate_by_camp is not None:
            gov[: min(camps, len(governorate_by_camp))] = governorate_by_camp[:camps]
        self.governorates = int(gov.max()) + 1 if len(gov) else 1
        self.plans = _columns(matched, gov, first_day, done=matched["done"].to_numpy(bool))
        self.unplanned = _columns(unplanned, gov, first_day)
        self.visits = _columns(visits.reset_index(drop=True), gov, first_day, delay=delay.fillna(-1).to_numpy("int64"))
        # each unit's visit days in order, for its last visit on or before a day (silent units)
        self._unit_days = np.sort(self.visits["clinic_id"] * (1 << 20) + self.visits["day"])
        days = np.concatenate([self.plans["day"], self.visits["day"]])
        self.first_number = int(days.min()) if len(days) else 0
        self.days = int(days.max()) - self.first_number + 1 if len(days) else 0
        self._daily: dict[int, dict[str, np.ndarray]] = {}

    def __deepcopy__(self, memo) -> PlanIndex:
        return self  # never changed once built: the results cache hands the same index to every caller

    def __len__(self) -> int:
        return len(self.plans["day"])

    def daily(self, deadline_days: int) -> dict[str, np.ndarray]:
        """Planned, made, unplanned, seen (visits), reported and on_time counted by day and governorate and added up
        day after day: row i holds the counts of the days before first_number + i (row 0 is zeros), a column per
        governorate. Made once per deadline."""
        if deadline_days not in self._daily:
            cells = (self.days + 1) * self.governorates

            def added_up(rows: dict[str, np.ndarray], weights=None) -> np.ndarray:
                at = (rows["day"] - self.first_number + 1) * self.governorates + rows["governorate"]
                counts = np.bincount(at, weights=weights, minlength=cells).astype("int64")
                return np.cumsum(counts.reshape(self.days + 1, self.governorates), axis=0)

            delay = self.visits["delay"]
            self._daily[deadline_days] = {
                "planned": added_up(self.plans),
                "made": added_up(self.plans, self.plans["done"]),
                "unplanned": added_up(self.unplanned),
                "seen": added_up(self.visits),
                "reported": added_up(self.visits, delay >= 0),
                "on_time": added_up(self.visits, _on_time(delay, deadline_days)),
            }
        return self._daily[deadline_days]

    def last_visit(self, clinic_ids: np.ndarray, day: int) -> np.ndarray:
        """Each unit's last visit day on or before `day`, or -1."""
        keys = self._unit_days
        if not len(keys):
            return np.full(len(clinic_ids), -1)
        at = np.maximum(np.searchsorted(keys, clinic_ids * (1 << 20) + day, side="right") - 1, 0)
        found = (keys[at] >> 20) == clinic_ids
        return np.where(found, keys[at] & ((1 << 20) - 1), -1)

    def camps_all_missed(self, start: dt.date, end: dt.date) -> set[int]:
        """The camps (ids) with visits planned from `start` to `end`, none of them made."""
        lo, hi = np.searchsorted(self.plans["day"], [_day(start), _day(end) + 1])
        camps, done = self.plans["camp_id"][lo:hi], self.plans["done"][lo:hi]
        return set(camps.tolist()) - set(camps[done].tolist())


def _columns(table: pd.DataFrame, gov: np.ndarray, first_day: int, **extra) -> dict[str, np.ndarray]:
    """A table of date, clinic_id and camp_id as arrays sorted by day (day numbers), with each row's week (its first
    day) and governorate (`gov`, by camp id)."""
    day = _day_numbers(table["date"]) if len(table) else np.zeros(0, dtype="int64")
    order = np.argsort(day, kind="stable")
    out = {"day": day[order]}
    out["clinic_id"] = table["clinic_id"].to_numpy("int64")[order]
    out["camp_id"] = table["camp_id"].to_numpy("int64")[order]
    out["week"] = _week_start(out["day"], first_day)
    out["governorate"] = gov[out["camp_id"]]
    for name, values in extra.items():
        out[name] = np.asarray(values)[order]
    return out


def _day(day: dt.date) -> int:
    return int((np.datetime64(day, "D") - _EPOCH).astype("int64"))


GROUPS = {  # the tables of counts a Summary makes, by what their rows are
    "governorate": ["governorate"],
    "month": ["governorate", "month"],
    "week": ["governorate", "week"],
    "unit": ["clinic_id", "week"],
}
_COUNTS = ["planned", "made", "unplanned", "missed", "reported", "on_time"]


class Summary:
    """The plan against what happened from `start` to `end`, read from an index, for the governorates `chosen`
    (positions; None for all) and the rows `keep(camp_ids, clinic_ids)` keeps (a mask; None for all). Without
    `keep`, the totals and the tables by governorate, week and month are differences of the index's daily sums;
    with it (a camp, a unit), and for the other tables, the period's rows are sliced and counted (in whole numbers
    until the result), each table when first asked for (`table(by)`). Never changed once made but for the tables it
    adds: the results cache hands the same summary to every caller."""

    def __init__(
        self,
        index: PlanIndex,
        start: dt.date,
        end: dt.date,
        governorates: list[str],
        chosen: list[int] | None = None,
        keep=None,
        deadline_days: int = 7,
        silent_days: int = 14,
    ):
        self.index, self.deadline_days, self.silent_days = index, deadline_days, silent_days
        self.as_of = min(end, index.as_of)
        self._lo, self._hi, self._end = _day(start), _day(self.as_of), _day(end)
        self._governorates = np.asarray(governorates, dtype=object)
        self._chosen = np.ones(max(index.governorates, len(governorates)), dtype=bool)
        if chosen is not None:
            self._chosen[:] = False
            self._chosen[np.asarray(chosen, dtype="int64")] = True
        self._keep = keep
        self._slices: dict[tuple, dict[str, np.ndarray]] = {}
        self._tables: dict[str, pd.DataFrame] = {}
        if keep is None:
            sums = self._sums(np.array([self._lo, self._hi + 1]))
            seen = self._sums(np.array([self._lo, self._end + 1]))
            total = {m: int(sums[m][0].sum()) for m in ("planned", "made", "unplanned")}
            total |= {m: int(seen[m][0].sum()) for m in ("reported", "on_time")}
        else:
            done, delay = self._rows("plans")["done"], self._rows("seen")["delay"]
            total = {
                "planned": len(done),
                "made": int(done.sum()),
                "unplanned": len(self._rows("extra")["day"]),
                "reported": int((delay >= 0).sum()),
                "on_time": int(_on_time(delay, deadline_days).sum()),
            }
        self.planned, self.made, self.unplanned = total["planned"], total["made"], total["unplanned"]
        self.completeness = round(self.made / self.planned, 4) if self.planned else None
        self.timeliness = round(total["on_time"] / total["reported"], 4) if total["reported"] else None

    def __deepcopy__(self, memo) -> Summary:
        return self

    def __getitem__(self, name: str):
        return getattr(self, name)

    def _sums(self, bounds: np.ndarray) -> dict[str, np.ndarray]:
        """The index's counts between consecutive day numbers of `bounds` (from one, up to the next, not included):
        a row per interval, a column per governorate (those not chosen are zero)."""
        index = self.index
        at = np.clip(bounds - index.first_number, 0, index.days)
        at = np.maximum.accumulate(at)  # (an empty interval where bounds run backwards)
        out = {}
        for name, added in index.daily(self.deadline_days).items():
            counts = added[at[1:]] - added[at[:-1]]
            counts[:, ~self._chosen[: counts.shape[1]]] = 0
            out[name] = counts
        return out

    def _rows(self, name: str, since: int | None = None) -> dict[str, np.ndarray]:
        """A part's rows (plans, extra, seen) of the period, from day `since` when given, that the filters keep."""
        key = (name, since)
        if key not in self._slices:
            columns = {"plans": self.index.plans, "extra": self.index.unplanned, "seen": self.index.visits}[name]
            lo = self._lo if since is None else max(self._lo, since)
            hi = self._end if name == "seen" else self._hi
            a, b = np.searchsorted(columns["day"], [lo, hi + 1])
            rows = {c: values[a:b] for c, values in columns.items()}
            mask = None if self._chosen.all() else self._chosen[rows["governorate"]]
            if self._keep is not None:
                kept = self._keep(rows["camp_id"], rows["clinic_id"])
                mask = kept if mask is None else mask & kept
            self._slices[key] = rows if mask is None else {c: values[mask] for c, values in rows.items()}
        return self._slices[key]

    def _part(self, name: str, columns: list[str], since: int | None = None, mask=None) -> pd.DataFrame:
        rows = self._rows(name, since)
        if "month" in columns and "month" not in rows:  # (months since 1970)
            rows["month"] = (_EPOCH + rows["day"].astype("timedelta64[D]")).astype("datetime64[M]").astype("int64")
        return pd.DataFrame({c: rows[c] if mask is None else rows[c][mask] for c in columns})

    def table(self, by: str, weeks: int | None = None, rows: int | None = None) -> pd.DataFrame:
        """One table: by governorate, month or week (of each governorate), unit (and week), the missed visits, the
        silent units or the camps missed weeks running; dates as datetime64. `weeks`: only the period's latest weeks
        (by week or unit); `rows`: only the first rows, of the missed visits the latest (what a page shows; the latest
        misses made from those rows only)."""
        if rows is not None and by != "misses":  # (the latest misses are made from those rows only)
            return self.table(by, weeks).head(rows)
        key = f"{by}/{weeks}/{rows}"
        if key not in self._tables:
            table = self._make(by, weeks, rows)
            if "governorate" in table:  # (a position in `governorates` until here: whole numbers group fastest)
                table["governorate"] = self._governorates[table["governorate"].to_numpy("int64")]
            self._tables[key] = table
        return self._tables[key]

    def _make(self, by: str, weeks: int | None = None, rows: int | None = None) -> pd.DataFrame:
        since = _week_start(self._hi, self.index.first_day) - 7 * (weeks - 1) if weeks else None
        if by in GROUPS and self._keep is None and by != "unit":
            return _dated(self._counted(by, since))
        if by in GROUPS:
            keys = GROUPS[by]
            out = rates(self._part("plans", [*keys, "done"], since), self._part("extra", keys, since), keys)
            if by in ("governorate", "week"):
                seen = self._part("seen", [*keys, "delay"], since)
                out = out.merge(
                    timeliness(seen, self.deadline_days, keys), on=keys, how="left" if by == "week" else "outer"
                )
            return _dated(_filled(out))
        if by == "misses":
            plans = self._rows("plans")
            missed = ~plans["done"]
            if rows is not None:  # the latest: from the last of them back to the whole day of the rows-th
                at = np.flatnonzero(missed)[-rows:]
                if len(at):
                    missed = missed & (plans["day"] >= plans["day"][at[0]])
            table = self._part("plans", ["day", "clinic_id", "camp_id", "governorate", "week"], mask=missed)
            table = table.sort_values(["day", "clinic_id", "camp_id"], ascending=[False, True, True])
            return _dated(table if rows is None else table.head(rows))
        if by == "silent":
            window = self._part("plans", ["day", "clinic_id", "done"], since=self._hi - self.silent_days + 1)
            units = window["clinic_id"].unique().astype("int64")
            last_days = self.index.last_visit(units, self._hi)
            last_visit = pd.Series(_dates(last_days), index=units, dtype="datetime64[ns]")
            return silent_units(_dated(window), last_visit, self.as_of, self.silent_days)
        if by == "running":
            return missed_running(self._part("plans", ["camp_id", "week", "done"]), self.index.first_day)
        raise ValueError(f"no table {by!r}")

    def _counted(self, by: str, since: int | None) -> pd.DataFrame:
        """A table by governorate, week or month from the index's daily sums: a row for each governorate (and week
        or month) with a planned or unplanned visit in it (by governorate: or any visit)."""
        lo = self._lo if since is None else max(self._lo, since)
        columns = ["governorate", *([] if by == "governorate" else [by]), *_COUNTS[:4], "completeness"]
        if by != "month":
            columns = [*columns, *_COUNTS[4:], "timeliness"]
        if self._hi < lo and by != "governorate":  # (a period after the data's last day: nothing was due)
            return pd.DataFrame(columns=columns)
        if by == "governorate":
            starts = np.array([lo], dtype="int64")
        elif by == "week":
            starts = np.arange(_week_start(lo, self.index.first_day), self._hi + 1, 7, dtype="int64")
        else:
            months = np.arange(_month(lo), _month(self._hi) + 1, dtype="int64")
            starts = (months.astype("datetime64[M]").astype("datetime64[D]") - _EPOCH).astype("int64")
        plans = self._sums(np.r_[lo, starts[1:], self._hi + 1])
        last = self._end + 1 if by == "governorate" else min(self._end + 1, int(starts[-1]) + 7)
        seen = self._sums(np.r_[lo, starts[1:], last])
        shown = plans["planned"] + plans["unplanned"] + (seen["seen"] if by == "governorate" else 0) > 0
        govs, bins = np.nonzero(shown.T)  # (governorate first, then its weeks or months in order)
        out = {"governorate": govs}
        if by != "governorate":
            out[by] = starts[bins] if by == "week" else months[bins]
        planned, made = plans["planned"][bins, govs], plans["made"][bins, govs]
        out |= {
            "planned": planned,
            "made": made,
            "unplanned": plans["unplanned"][bins, govs],
            "missed": planned - made,
            "completeness": _share(made, planned),
        }
        if by != "month":
            reported, on_time = seen["reported"][bins, govs], seen["on_time"][bins, govs]
            out |= {"reported": reported, "on_time": on_time, "timeliness": _share(on_time, reported)}
        return pd.DataFrame(out)[columns]


def _month(day: int) -> int:
    """Months since January 1970 of a day number."""
    return int((_EPOCH + np.timedelta64(day, "D")).astype("datetime64[M]").astype("int64"))


def _filled(table: pd.DataFrame) -> pd.DataFrame:
    """A table of counts whose groups came from several tables: a count a group has none of is 0, not missing (a
    governorate with visits and no plan planned 0; a week of missed plans reported 0), a share None."""
    for column in _COUNTS:
        if column in table:
            table[column] = table[column].fillna(0).astype("int64")
    for column in ("completeness", "timeliness"):
        if column in table:
            table[column] = table[column].astype(object).where(table[column].notna(), None)
    return table


def _dates(days: np.ndarray) -> np.ndarray:
    """Day numbers as datetime64[ns], NaT for -1."""
    out = (_EPOCH + np.maximum(days, 0).astype("timedelta64[D]")).astype("datetime64[ns]")
    return np.where(days >= 0, out, np.datetime64("NaT", "ns"))


def _dated(table: pd.DataFrame) -> pd.DataFrame:
    """A table's whole-number days (day, week) and months (month) as dates (day becomes date)."""
    out = table.copy()
    for column in ("day", "week"):
        if column in out:
            out[column] = _dates(out[column].to_numpy("int64"))
    if "month" in out:
        out["month"] = out["month"].to_numpy("int64").astype("datetime64[M]").astype("datetime64[ns]")
    return out.rename(columns={"day": "date"})
