"""Who may ask for what: the one rule every page, part, download, chart and API route applies to a request's filters.

A signed-in coordinator asks for any period and may choose one unit or one camp, and sees every count. Anybody else
is the public, and gets what the public view promises (README, "Who sees what"):
- no unit and no camp filter: unit detail and a camp's own figures are for coordinators;
- whole weeks only: a public period is widened to the whole weeks (`WEEK_START`) that hold its first and last day, so
  that no public answer speaks of a day, and every public count is a sum of the weekly cells of one protected table
  (`analytics.protection.protect`), whatever the period, governorates, syndrome or breakdown asked for;
- counts from that table only, in which each cell from 1 to k-1 is rounded to 0 or k.

Plain functions over plain data: nothing here imports Dash, Flask or the database.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

from dashboard.domain import periods
from dashboard.domain.filters import Filters

COORDINATOR_PARAMETERS = ("clinic", "camp")


@dataclass(frozen=True)
class Audience:
    """Whom figures are made for. `k` None: a signed-in coordinator, who sees every count; else the public, whose counts
    come from the protected table with threshold k. `first_day` is the reporting week's first day (0 Monday)."""

    k: int | None
    first_day: int = 0

    @property
    def public(self) -> bool:
        return self.k is not None


@dataclass(frozen=True)
class Adjustment:
    """A change the policy made to what a link asked for, as a code (words are the page's to choose):
    `coordinators_only` (the parameter was dropped) or `whole_weeks` (the period was widened to the weeks that hold
    its first and last day, which the filters now say; the days asked for are not repeated: a default one may be a
    record's own day)."""

    parameter: str
    code: str


def public_query(query: dict) -> tuple[dict, list[Adjustment]]:
    """A link's query without the parameters only coordinators may use, and which of them were dropped."""
    dropped = [Adjustment(name, "coordinators_only") for name in COORDINATOR_PARAMETERS if query.get(name)]
    return {key: value for key, value in query.items() if key not in COORDINATOR_PARAMETERS}, dropped


def whole_weeks(start: dt.date, end: dt.date, first_day: int = 0) -> tuple[dt.date, dt.date]:
    """The smallest period of whole weeks (starting on `first_day`) that holds start to end."""
    first = periods.week_of(start, first_day).date()
    last = periods.week_of(end, first_day).date() + dt.timedelta(days=6)
    return first, last


def for_audience(f: Filters, audience: Audience) -> tuple[Filters, list[Adjustment]]:
    """The filters `audience` may use: unchanged for a coordinator; for the public, no unit or camp and whole weeks.
    Applying it twice changes nothing more."""
    if not audience.public:
        return f, []
    adjustments = [Adjustment(name, "coordinators_only") for name in COORDINATOR_PARAMETERS if getattr(f, name)]
    start, end = whole_weeks(f.start, f.end, audience.first_day)
    if (start, end) != (f.start, f.end):
        adjustments.append(Adjustment("period", "whole_weeks"))
    return replace(f, start=start, end=end, clinic=None, camp=None), adjustments


def public_filters(f: Filters, audience: Audience) -> Filters:
    """for_audience without the record of what changed: what every public report applies to its filters again, so
    that a caller who forgot to never gets more than the public may see."""
    return for_audience(f, audience)[0]


def public_not_reached_days(not_reached_days: int) -> int:
    """The days since a camp's last visit beyond which the public map calls it not reached: a public "reached" looks
    back over whole weeks, as many as `NOT_REACHED_DAYS` rounds up to (14: a visit in the period's last two weeks,
    13 days since at most; a coordinator's 14 days count one day more)."""
    return 7 * max(1, math.ceil(not_reached_days / 7)) - 1


def previous_year(f: Filters, audience: Audience) -> Filters:
    """The same period a year earlier: for the public 52 weeks earlier, so that it is whole weeks too; for
    coordinators the same calendar days."""
    if audience.public:
        shift = dt.timedelta(weeks=52)
        return replace(f, start=f.start - shift, end=f.end - shift)
    return replace(f, start=_year_before(f.start), end=_year_before(f.end))


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
