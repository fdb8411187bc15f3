"""Periods and reporting weeks: the period a link asks for, and the week a day belongs to.

Plain functions over dates; nothing here imports Dash, Flask or the database.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.domain.messages import Message


def parse_period(
    start: str | None, end: str | None, first: dt.date | None, last: dt.date | None, weeks: int = 52
) -> tuple[dt.date, dt.date]:
    """The period a view shows: the URL's start and end (YYYY-MM-DD) when given, else the latest `weeks` whole
    ISO weeks of data (of the calendar up to today before any record is loaded), so the default view never ends on
    a cut week. Raises ValueError naming the parameter when a date is malformed or the range is reversed."""
    if last is None:  # no record loaded yet: the latest whole weeks up to today
        last = dt.date.today()
        first = first or last - dt.timedelta(days=7 * weeks)
    first = first or last

    def parse(name: str, value: str | None) -> dt.date | None:
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            if name == "start":
                raise ValueError(
                    Message("start must be a date as YYYY-MM-DD, not {value}", value=repr(value))
                ) from None
            raise ValueError(Message("end must be a date as YYYY-MM-DD, not {value}", value=repr(value))) from None

    end_d = parse("end", end)
    if end_d is None:
        end_d = last - dt.timedelta(days=(last.isoweekday() % 7))  # the last Sunday on or before the data's end
        if end_d < first:
            end_d = last
    start_d = parse("start", start) or min(max(first, end_d - dt.timedelta(days=7 * weeks - 1)), end_d)
    if start_d > end_d:  # (a message names only what the link said: a default comes from the data's own days)
        raise ValueError(
            Message("start {start} is after end {end}", start=str(start_d), end=str(end_d))
            if end
            else Message("start {start} is after the data ends", start=str(start_d))
        )
    return start_d, end_d


def week_start(dates: pd.Series, first_day: int = 0) -> pd.Series:
    """The first day of each date's week; first_day 0 is Monday (ISO weeks), 6 Sunday."""
    offset = (dates.dt.day_of_week - first_day) % 7
    return (dates - pd.to_timedelta(offset, unit="D")).dt.normalize()


def week_of(day: dt.date, first_day: int = 0) -> pd.Timestamp:
    """The first day of the week that holds `day` (see week_start); one day's, without a Series of it."""
    stamp = pd.Timestamp(day).normalize()
    return stamp - pd.Timedelta(days=(stamp.day_of_week - first_day) % 7)
