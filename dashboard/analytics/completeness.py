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
    out = pd.DataFrame(
        {"date": pd.to_datetime(_EPOCH + day_numbers.astype("timedelta64[D]")), "clinic_id": clinics, "camp_id": camps}
    )
    return out.drop_duplicates().sort_values(["date", *KEYS], ignore_index=True)


def match(planned: pd.DataFrame, visits: pd.DataFrame, first_day: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each planned visit with `done` and, when done, the `visit_date` and `reported_on` of the visit that made it;
    and the visits no plan asked for (unplanned: shown, never counted as misses). Visits are date, clinic_id,
    camp_id, reported_on; weeks start on `first_day` (0 Monday)."""
    plans = planned[["date", *KEYS]].reset_index(drop=True).assign(plan=lambda t: np.arange(len(t)))
    made = visits[["date", *KEYS, "reported_on"]].reset_index(drop=True).assign(visit=lambda t: np.arange(len(t)))
    same_day = plans.merge(made, on=["date", *KEYS])[["plan", "visit"]]
    left_plans = plans[~plans["plan"].isin(same_day["plan"])]
    left_visits = made[~made["visit"].isin(same_day["visit"])]

    def ranked(table: pd.DataFrame) -> pd.DataFrame:
        table = table.assign(week=periods.week_start(table["date"], first_day)).sort_values("date", kind="stable")
        return table.assign(rank=table.groupby([*KEYS, "week"]).cumcount())

    same_week = ranked(left_plans).merge(ranked(left_visits), on=[*KEYS, "week", "rank"])[["plan", "visit"]]
    pairs = pd.concat([same_day, same_week], ignore_index=True)
    by_plan = pd.Series(pairs["visit"].to_numpy(), index=pairs["plan"].to_numpy())
    which = by_plan.reindex(plans["plan"]).to_numpy()
    done = ~np.isnan(which)
    at = np.where(done, which, 0).astype("int64")
    out = plans.drop(columns="plan").assign(done=done)
    if len(made):
        out["visit_date"] = made["date"].to_numpy()[at]
        out["reported_on"] = made["reported_on"].to_numpy()[at]
        out.loc[~done, ["visit_date", "reported_on"]] = pd.NaT
    else:
        out["visit_date"] = out["reported_on"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
    unplanned = made[~made["visit"].isin(pairs["visit"])].drop(columns="visit").reset_index(drop=True)
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
