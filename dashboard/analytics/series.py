"""Counts by week or month: daily or weekly rows summed by period and by any of their dimensions, with the periods
cut by the period's edges marked."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dashboard.domain.periods import week_of


def by_period(
    daily: pd.DataFrame,
    start: dt.date,
    end: dt.date,
    freq: str = "week",
    dims: tuple[str, ...] = ("governorate",),
    first_day: int = 0,
    values: tuple[str, ...] = ("consultations", "referrals"),
) -> pd.DataFrame:
    """Daily totals summed by week (labelled by its first day, ISO Monday by default) or calendar month (by its first
    day) and by `dims`, with `partial` set for a week or month cut by the period's edges.

    Every (period, dims) combination seen in the data is present for every period, zero when nothing was recorded,
    so a quiet week shows as zero rather than as a line drawn across it.
    """
    label = "week" if freq == "week" else "month"
    columns = [label, *dims, *values, "partial"]
    if daily.empty:
        return pd.DataFrame(columns=columns)
    dates = daily["date"].to_numpy().astype("datetime64[D]")
    if freq == "week":
        periods = pd.date_range(week_of(start, first_day), end, freq="7D")
        first = np.datetime64(periods[0].date(), "D")
        period = (dates - first).astype("int64") // 7
        ends = periods + pd.Timedelta(days=6)
    else:
        periods = pd.date_range(pd.Timestamp(start).to_period("M").to_timestamp(), end, freq="MS")
        months = dates.astype("datetime64[M]").astype("int64")
        period = months - np.datetime64(periods[0].date(), "M").astype("int64")
        ends = periods + pd.offsets.MonthEnd(0)
    # Every period by every combination of the dimensions' values seen, in order: one sum each by position.
    key, size, levels = period, len(periods), []
    for d in dims:
        uniques, codes = np.unique(daily[d].to_numpy(), return_inverse=True)
        levels.append(uniques)
        key, size = key * len(uniques) + codes, size * len(uniques)
    inside = (period >= 0) & (period < len(periods))
    per_period = size // len(periods)  # rows of each period: every combination of the dimensions' values
    out = {label: np.repeat(periods.to_numpy(), per_period)}
    for i, d in enumerate(dims):
        inner = int(np.prod([len(u) for u in levels[i + 1 :]], dtype="int64"))
        out[d] = np.tile(np.repeat(levels[i], inner), size // (len(levels[i]) * inner))
    for v in values:
        weights = daily[v].to_numpy(dtype="float64")[inside]
        out[v] = np.bincount(key[inside], weights, minlength=size).round().astype("int64")
    out["partial"] = np.repeat((periods < pd.Timestamp(start)) | (ends > pd.Timestamp(end)), per_period)
    return pd.DataFrame(out, columns=columns)


def weekly(daily: pd.DataFrame, start: dt.date, end: dt.date, first_day: int = 0) -> pd.DataFrame:
    """Weekly totals by governorate (see by_period)."""
    return by_period(daily, start, end, "week", ("governorate",), first_day)


def by_whole_weeks(
    weekly: pd.DataFrame,
    start: dt.date,
    end: dt.date,
    freq: str = "week",
    dims: tuple[str, ...] = ("governorate",),
    first_day: int = 0,
) -> pd.DataFrame:
    """by_period for weekly rows (`date` each week's first day) over a period of whole weeks: by week, or by month,
    each week counted in the month that holds its fourth day (as ISO 8601 gives a week to the year that holds its
    Thursday) and the month labelled by its first day. A month is partial when some of its weeks are outside the
    period; no week is."""
    if freq == "week":
        return by_period(weekly, start, end, "week", dims, first_day)
    fourth = dt.timedelta(days=3)
    table = by_period(weekly.assign(date=weekly["date"] + fourth), start + fourth, end - fourth, "month", dims)
    if table.empty:
        return table
    months = pd.DatetimeIndex(table["month"].unique())
    first_weeks = pd.DatetimeIndex([week_of(m + fourth, first_day) for m in months])
    next_firsts = pd.DatetimeIndex([week_of(m + pd.offsets.MonthBegin(1) + fourth, first_day) for m in months])
    cut = (first_weeks < pd.Timestamp(start)) | (next_firsts - pd.Timedelta(days=1) > pd.Timestamp(end))
    table["partial"] = table["month"].map(dict(zip(months, cut, strict=True))).astype(bool)
    return table
