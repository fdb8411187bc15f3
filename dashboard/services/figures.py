"""The figures each view and each API call shows, built once here so that the page and the API always agree.

Each function reads through the data-access layer, computes with the analytics functions and returns plain data.
Figures are for an `audience` (policy.Audience): a signed-in coordinator's are exact; the public's apply the public
policy to the filters again and count only from `released`, the one protected table of weekly cells, so that every
public count is a sum of its cells (README, "Who sees what").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from dataclasses import replace
from typing import NamedTuple

import numpy as np
import pandas as pd

from dashboard.analytics import completeness as plan
from dashboard.analytics import coverage, geo, population, protection, series, tables
from dashboard.analytics.alerts import AlertRules, detect
from dashboard.data import queries, version
from dashboard.domain import periods, policy
from dashboard.domain.filters import Filters
from dashboard.domain.policy import Audience
from dashboard.services import cache
from dashboard.services.cache import cached

log = logging.getLogger(__name__)
cache.configure(version.data_version)  # every figure below is kept until the data's version changes
COUNTS = ("consultations", "referrals")  # counts of people: the public's come from the protected table
CELL_DIMS = ("governorate", "syndrome")  # a protected cell: one week of one governorate and syndrome

# The gap table's columns: key, header, HXL hashtag. The API, the page's table and its exports share them.
GAP_COLUMNS = [
    ("code", "code", "#loc+code"),
    ("name", "name", "#loc+name"),
    ("governorate", "governorate", "#adm1+code"),
    ("governorate_name", "governorate_name", "#adm1+name"),
    ("population", "population", "#population"),
    ("population_date", "population_date", "#date+population"),
    ("units_served", "units_served", "#org+units"),
    ("visits", "visits", "#indicator+visits+num"),
    ("last_visit", "last_visit", "#date+visit+last"),
    ("days_since_visit", "days_since_visit", "#indicator+days_since_visit+num"),
    ("consultations", "consultations", "#indicator+consultations+num"),
    ("utilisation", "utilisation", "#indicator+utilisation+num"),
    ("nearest_base_km", "nearest_base_km", "#indicator+distance_km+num"),
    ("status", "status", "#status"),
    ("reason", "reason", "#status+reason"),
]


# The alert list's columns (coordinators: the API, its CSV and the trends page's link to it).
ALERT_COLUMNS = [
    ("week", "week", "#date+week"),
    ("code", "code", "#loc+code"),
    ("name", "name", "#loc+name"),
    ("governorate", "governorate", "#adm1+code"),
    ("governorate_name", "governorate_name", "#adm1+name"),
    ("syndrome", "syndrome", "#indicator+syndrome"),
    ("count", "count", "#affected+num"),
    ("baseline", "baseline", "#indicator+baseline+num"),
    ("rule", "rule", "#indicator+rule"),
]


@cached
def camp_activity(engine, f: Filters) -> pd.DataFrame:
    """queries.camps_in_period, cached: several reports and pages start from it."""
    return queries.camps_in_period(engine, f)


@cached
def clinic_activity(engine, f: Filters) -> pd.DataFrame:
    """queries.clinics_in_period, cached."""
    return queries.clinics_in_period(engine, f)


@cached(kept=True)
def camp_places(engine) -> pd.DataFrame:
    """queries.camp_places, cached: every map's camps start from it."""
    return queries.camp_places(engine)


def named(engine, table: pd.DataFrame, column: str = "governorate_name", language: str = "en") -> pd.DataFrame:
    """`table` (a copy) with its governorates' names in `language` (the viewer's) in `column`: added when an answer
    is rendered, never kept in a cached result (the cache is shared by every language)."""
    return table.assign(**{column: table["governorate"].map(queries.governorate_names(engine, language))})


CAMP_NAME_COLUMNS = {"ar": "name_ar", "ckb": "name_ku"}  # a language's own camp names (the camps file's, optional)


def camp_names(engine, language: str = "en") -> pd.Series:
    """Each camp's name in `language`, by camp_id: the camps file's name in that language where it gave one, its
    camp_name otherwise."""
    table = camp_places(engine)
    names = table["name"]
    if column := CAMP_NAME_COLUMNS.get(language):
        names = table[column].where(table[column].notna() & (table[column] != ""), names)
    return pd.Series(names.to_numpy(), index=table["camp_id"].to_numpy())


def camps_named(engine, table: pd.DataFrame, language: str, by: str = "camp_id", column: str = "name") -> pd.DataFrame:
    """`table` with its camps' names (`column`) in `language` (the viewer's), found by their ids (`by`): as
    `named` for governorates, when an answer is rendered, never in a cached result. English: `table` itself."""
    if language not in CAMP_NAME_COLUMNS or table.empty:
        return table
    return table.assign(**{column: table[by].map(camp_names(engine, language)).fillna(table[column])})


def data_token(engine) -> str:
    """A short name for the data's version, for files that browsers may keep until data is loaded again."""
    return hashlib.sha256(repr(version.data_version(engine)).encode()).hexdigest()[:16]


@cached(kept=True)
def population_history(engine) -> population.PopulationIndex:
    """Every camp's population history, sorted once per data version for the questions of every page."""
    return population.PopulationIndex(queries.population_history(engine))


@cached
def camps(
    engine, f: Filters, not_reached_days: int = 14, min_utilisation: float = 1.0, first_day: int = 0
) -> pd.DataFrame:
    """Every camp of the filters with population at the period's end, visits, last visit and coverage status; a camp
    not reached whose planned visits of those days were all missed is "planned but missed" (coordinators: plans are
    theirs; the public's map comes from public_camps)."""
    table = coverage.camp_status(
        camp_activity(engine, f),
        population_history(engine),
        f.start,
        f.end,
        not_reached_days,
        min_utilisation,
    )
    missed = planned_but_missed(engine, f, not_reached_days, first_day)
    if missed:
        flagged = (table["status"] == coverage.NOT_REACHED) & table["camp_id"].isin(missed)
        table["status"] = table["status"].where(~flagged, coverage.MISSED)
    return table


@cached
def planned_but_missed(engine, f: Filters, days: int, first_day: int = 0) -> frozenset[int]:
    """The camps (ids) with visits planned in the `days` days before the period's end, none of them made (weeks
    start on `first_day`)."""
    index = plan_index(engine, first_day) if has_rota(engine) else None
    if index is None or not len(index):
        return frozenset()
    return frozenset(index.camps_all_missed(max(f.start, f.end - dt.timedelta(days=days - 1)), f.end))


@cached(kept=True)
def plan_index(engine, first_day: int) -> plan.PlanIndex | None:
    """Every planned visit of the data matched with every visit, once per data version and week start (the rota's
    rows and the visits from the data's first day to its last); None before any record."""
    whole = queries.data_status(engine).whole
    if whole is None:
        return None
    rota, visits = queries.rota_rows(engine), queries.visit_list(engine, whole)
    by_camp = names_by_id(engine).governorate_by_camp
    return plan.PlanIndex(rota, visits, whole.start, whole.end, first_day, by_camp)


class Names(NamedTuple):
    """Every camp's and unit's code and name by id, and each camp's governorate code in an array indexed by camp
    id. Never changed once read: the results cache hands the same one to every caller (no copy)."""

    camps: pd.DataFrame
    units: pd.DataFrame
    governorate_by_camp: np.ndarray  # a position in `governorates`, by camp id
    governorates: list[str]

    def __deepcopy__(self, memo) -> Names:
        return self


@cached(kept=True)
def names_by_id(engine) -> Names:
    """The camps' and units' names and codes by id (queries.names_by_id): fixed until data is loaded again."""
    camps_, units_ = queries.names_by_id(engine)
    codes, governorates = pd.factorize(camps_["governorate"], sort=True)
    by_camp = np.zeros(int(camps_.index.max()) + 1 if len(camps_) else 0, dtype="int64")
    by_camp[camps_.index.to_numpy("int64")] = codes
    return Names(camps_, units_, by_camp, list(governorates))


@cached
def completeness(engine, f: Filters, settings) -> plan.Summary | None:
    """The plan against what happened for the filters, for coordinators (analytics.completeness.Summary): its
    totals, and its tables (completeness_table) by governorate, month, week, unit and week, the missed visits, the
    silent units and the camps missed two weeks running. None before any record."""
    index = plan_index(engine, settings.first_day)
    if index is None:
        return None
    names = names_by_id(engine)
    chosen = [i for i, code in enumerate(names.governorates) if code in f.governorates] if f.governorates else None
    return plan.Summary(
        index,
        f.start,
        f.end,
        names.governorates,
        chosen,
        _keeper(names.camps, names.units, f),
        settings.report_deadline_days,
        settings.silent_days,
    )


def _keeper(camps_: pd.DataFrame, units_: pd.DataFrame, f: Filters):
    """keep(camp_ids, clinic_ids) for the filters' camp and unit (a mask), or None without either (the governorates
    are the summary's own filter)."""
    if not (f.camp or f.clinic):
        return None
    camp = camps_.index[camps_["code"] == f.camp] if f.camp else None
    camp_id = int(camp[0]) if camp is not None and len(camp) else -1
    unit = units_.index[units_["code"] == f.clinic] if f.clinic else None
    unit_id = int(unit[0]) if unit is not None and len(unit) else -1

    def keep(camp_ids: np.ndarray, clinic_ids: np.ndarray) -> np.ndarray:
        if f.camp and f.clinic:
            return (camp_ids == camp_id) & (clinic_ids == unit_id)
        return camp_ids == camp_id if f.camp else clinic_ids == unit_id

    return keep


# The completeness tables' columns (key, header, HXL hashtag), by what a row is: the API's JSON and CSV and the
# pages share them.
_RATES = [
    ("planned", "planned", "#indicator+visits+planned+num"),
    ("made", "made", "#indicator+visits+made+num"),
    ("missed", "missed", "#indicator+visits+missed+num"),
    ("unplanned", "unplanned", "#indicator+visits+unplanned+num"),
    ("completeness", "completeness", "#indicator+completeness+pct"),
]
_ON_TIME = [
    ("reported", "reported", "#indicator+visits+reported+num"),
    ("on_time", "on_time", "#indicator+visits+ontime+num"),
    ("timeliness", "timeliness", "#indicator+timeliness+pct"),
]
_GOV = [("governorate", "governorate", "#adm1+code"), ("governorate_name", "governorate_name", "#adm1+name")]
_UNIT = [("unit_code", "unit_code", "#service+unit+code"), ("unit_name", "unit_name", "#service+unit+name")]
_CAMP = [("camp_code", "camp_code", "#loc+code"), ("camp_name", "camp_name", "#loc+name")]
COMPLETENESS_COLUMNS = {
    "governorate": [*_GOV, *_RATES, *_ON_TIME],
    "month": [("month", "month", "#date+month"), *_GOV, *_RATES],
    "week": [("week", "week", "#date+week"), *_GOV, *_RATES, *_ON_TIME],
    "unit": [("week", "week", "#date+week"), *_UNIT, *_RATES],
    "misses": [("date", "date", "#date"), *_UNIT, *_CAMP, *_GOV],
    "silent": [
        *_UNIT,
        ("planned", "planned", "#indicator+visits+planned+num"),
        ("last_visit", "last_visit", "#date+visit+last"),
        ("days_silent", "days_silent", "#indicator+days_silent+num"),
    ],
    "running": [
        *_CAMP,
        *_GOV,
        ("first_week", "first_week", "#date+week+start"),
        ("last_week", "last_week", "#date+week+end"),
        ("weeks", "weeks", "#indicator+weeks+num"),
        ("missed", "missed", "#indicator+visits+missed+num"),
    ],
}
PUBLIC_COMPLETENESS_COLUMNS = [
    ("month", "month", "#date+month"),
    *_GOV,
    ("completeness", "completeness", "#indicator+completeness+pct"),
]


def completeness_table(
    engine,
    f: Filters,
    settings,
    by: str,
    rows: int | None = None,
    weeks: int | None = None,
    language: str = "en",
) -> pd.DataFrame:
    """One of the plan's tables (COMPLETENESS_COLUMNS[by]) with the names of its governorates, units and camps: by
    governorate, month or week (of each governorate), unit (and week), the missed visits, the silent units, the
    camps missed weeks running; only its latest `rows` missed visits, or the period's latest `weeks` weeks, when
    given (what a page shows). Its summary is cached, and the table made once in it."""
    keys = [key for key, _header, _tag in COMPLETENESS_COLUMNS[by]]
    found = completeness(engine, f, settings)
    if found is None:
        return pd.DataFrame(columns=keys)
    table = found.table(by, weeks, rows).copy()
    camps_, units_ = names_by_id(engine)[:2]
    if "clinic_id" in table:
        table["unit_code"] = table["clinic_id"].map(units_["code"])
        table["unit_name"] = table["clinic_id"].map(units_["name"])
    if "camp_id" in table:
        table["camp_code"] = table["camp_id"].map(camps_["code"])
        table["camp_name"] = table["camp_id"].map(camp_names(engine, language))
        table["governorate"] = table["camp_id"].map(camps_["governorate"])
    if "governorate" in table:
        table["governorate_name"] = table["governorate"].map(queries.governorate_names(engine, language))
    for column in ("date", "week", "month", "last_visit", "first_week", "last_week"):
        if column in table:
            table[column] = pd.to_datetime(table[column]).dt.date
    return table.reindex(columns=keys).reset_index(drop=True)


@cached
def has_rota(engine) -> bool:
    """Whether a visit plan is loaded (per data version)."""
    return queries.has_rota(engine)


def public_completeness(engine, f: Filters, audience: Audience, settings, language: str = "en") -> pd.DataFrame:
    """`_public_completeness`, its governorates named in `language`."""
    keys = [key for key, _header, _tag in PUBLIC_COMPLETENESS_COLUMNS]
    return named(engine, _public_completeness(engine, f, audience, settings), language=language)[keys]


@cached
def _public_completeness(engine, f: Filters, audience: Audience, settings) -> pd.DataFrame:
    """What the public may know of the plan: the share of planned visits made per governorate and month, nothing by
    unit, camp, week or day (visit schedules are for coordinators), over the public's whole weeks; a month is whole
    weeks too, each in the month of its fourth day (as the public's other monthly figures)."""
    if audience.public:
        f = policy.public_filters(f, audience)
    weeks = completeness_table(engine, replace(f, camp=None, clinic=None), settings, "week")
    month = pd.to_datetime(weeks["week"]) + pd.Timedelta(days=3)
    table = (
        weeks.assign(month=month.dt.to_period("M").dt.start_time.dt.date)
        .groupby(["month", "governorate"], as_index=False)[["planned", "made"]]
        .sum()
    )
    table = table[table["planned"] > 0]
    table["completeness"] = (table["made"] / table["planned"]).round(4)
    keys = [key for key, _header, _tag in PUBLIC_COMPLETENESS_COLUMNS if key != "governorate_name"]
    return table[keys].sort_values(["governorate", "month"]).reset_index(drop=True)


def summary(engine, f: Filters, audience: Audience, not_reached_days: int = 14, language: str = "en") -> dict:
    """`_summary`, its governorates named in `language` (names are never part of a cached result)."""
    found = _summary(engine, f, audience, not_reached_days)
    names = queries.governorate_names(engine, language)
    rows = [{**row, "name": names.get(row["governorate"], row["governorate"])} for row in found["governorates"]]
    return {"totals": found["totals"], "governorates": rows}


@cached
def _summary(engine, f: Filters, audience: Audience, not_reached_days: int = 14) -> dict:
    """Totals and per-governorate figures: consultations, referrals, visits, camps_visited (any visit in the period),
    camps_reached and population_reached (camps reached: coverage.reached, the map's statuses), camps (open at the
    period's end) and active_units.

    For the public, consultations and referrals are sums of the protected cells, and the rest counts activity
    whatever the syndrome (visits with a rare syndrome would count its cases) in whole weeks, with the camps'
    protected populations and the public's statuses. (Cached per filter set and NOT_REACHED_DAYS.)"""
    if audience.public:
        f = policy.public_filters(f, audience)
        activity = replace(f, syndrome=None)
        camp_table = public_camps(engine, f, audience, not_reached_days)
    else:
        activity = f
        camp_table = camps(engine, f, not_reached_days, first_day=audience.first_day)
    totals = coverage.headline(queries.period_totals(engine, activity), camp_table)
    by_gov = queries.totals_by_governorate(engine, activity)
    if audience.public:
        counted = _released_rows(engine, f, audience)
        sums = {c: tables.sum_by(counted["governorate"], counted[c]) for c in COUNTS}
        for c in COUNTS:
            by_gov[c] = [sums[c].get(g, 0) for g in by_gov["governorate"].tolist()]
            totals[c] = int(sum(sums[c].values()))
    coverage_by_gov = coverage.by_governorate(camp_table).set_index("governorate")
    for column in ("camps", "camps_reached", "population_reached"):
        by_gov[column] = [int(coverage_by_gov[column].get(g, 0)) for g in by_gov["governorate"].tolist()]
    rows = [
        {key: (None if pd.isna(v) else v.item() if hasattr(v, "item") else v) for key, v in row.items()}
        for row in by_gov.to_dict("records")
    ]
    return {"totals": totals, "governorates": rows}


def trends(engine, f: Filters, audience: Audience) -> pd.DataFrame:
    """Consultations and referrals per week or month (f.freq) and governorate, with `period` and `partial`."""
    return breakdown(engine, f, audience, ("governorate",))


@cached
def breakdown(engine, f: Filters, audience: Audience, dims: tuple[str, ...]) -> pd.DataFrame:
    """Consultations and referrals per week or month (f.freq) and per each of `dims`, with `period` and `partial`.
    The public's are sums of the protected cells, by whole weeks (and months of whole weeks: by_whole_weeks), and
    only by the cells' own dimensions (governorate, syndrome)."""
    if audience.public:
        if not set(dims) <= set(CELL_DIMS):
            raise ValueError(f"a public breakdown is by {' or '.join(CELL_DIMS)}, not by {', '.join(dims)}")
        f = policy.public_filters(f, audience)
        rows = _released_rows(engine, f, audience).rename(columns={"week": "date"})
        table = series.by_whole_weeks(rows, f.start, f.end, f.freq, dims, audience.first_day)
    elif f.freq == "week":  # summed by week where the data is (by_period then only fills in the quiet weeks)
        daily = queries.weekly_breakdown(engine, f, dims, audience.first_day)
        table = series.by_period(daily, f.start, f.end, f.freq, dims, audience.first_day)
    else:
        daily = queries.daily_breakdown(engine, f, dims)
        table = series.by_period(daily, f.start, f.end, f.freq, dims, audience.first_day)
    return table.rename(columns={"week": "period", "month": "period"})


@cached(kept=True)
def released(engine, audience: Audience) -> pd.DataFrame:
    """The public view's one table of counts, made once per data version: consultations and referrals per week
    (of `audience.first_day`), governorate and syndrome, each cell protected (protection.protect with threshold
    audience.k and this database's own secret key). Every public count is a sum of its rows. (Finer cells, by sex and
    age group too, were four times as many small counts to round: public totals of 100 or more were 1.7% off at the
    95th percentile on the demo data, against 0.5%.)"""
    every = queries.data_status(engine).whole
    columns = ["week", *CELL_DIMS, *COUNTS]
    if every is None or audience.k is None:
        return pd.DataFrame(columns=columns)
    cells = queries.weekly_breakdown(engine, every, CELL_DIMS, audience.first_day).rename(columns={"date": "week"})
    secret = queries.site_key(engine, "release").encode()
    return protection.protect(cells[columns], ("week", *CELL_DIMS), COUNTS, audience.k, secret)


def _released_rows(engine, f: Filters, audience: Audience) -> pd.DataFrame:
    """The protected cells in the filters' weeks, governorates and syndrome."""
    cells = released(engine, audience)
    weeks = cells["week"].to_numpy().astype("datetime64[D]")
    keep = (weeks >= np.datetime64(f.start, "D")) & (weeks <= np.datetime64(f.end, "D"))
    if f.governorates:
        keep &= cells["governorate"].isin(f.governorates).to_numpy()
    if f.syndrome:
        keep &= (cells["syndrome"] == f.syndrome).to_numpy()
    return cells[keep]


@cached(kept=True)
def released_populations(engine, audience: Audience) -> population.PopulationIndex:
    """Every camp's population history for the public: each population from 1 to k-1 rounded to 0 or k, the same
    way for the same camp and number (protection.protect), so that sums of camps give no small camp away."""
    history = queries.population_history(engine)
    if audience.k is None:
        return population.PopulationIndex(history)
    secret = queries.site_key(engine, "release").encode()
    return population.PopulationIndex(
        protection.protect(history, ("camp_id",), ("population",), audience.k, secret, drop_zeros=False)
    )


@cached
def public_camps(engine, f: Filters, audience: Audience, not_reached_days: int = 14) -> pd.DataFrame:
    """The camps as the public may see them: protected populations, and a status of whole weeks that does not depend
    on the syndrome or on the camp's own counts (reached, not reached or closed; under-served is a coordinator's
    judgement on counts that are not public)."""
    f = policy.public_filters(replace(f, syndrome=None), audience)
    return coverage.camp_status(
        camp_activity(engine, f),
        released_populations(engine, audience),
        f.start,
        f.end,
        policy.public_not_reached_days(not_reached_days),
        None,
    )


def camp_table(engine, f: Filters, audience: Audience, settings) -> pd.DataFrame:
    """The camps with their status, for whoever asks: public_camps or, for a coordinator, camps."""
    if audience.public:
        return public_camps(engine, f, audience, settings.not_reached_days)
    return camps(engine, f, settings.not_reached_days, settings.min_utilisation, settings.first_day)


@cached
def rates(engine, f: Filters, audience: Audience) -> pd.DataFrame:
    """Weekly consultations per 1,000 camp residents by governorate: the week's consultations over the population
    of the governorate's camps on the week's last day in the period (docs/formats.md: a camp's population on a day);
    the public's from the protected counts and populations."""
    weekly = breakdown(engine, replace(f, freq="week"), audience, ("governorate",))
    if weekly.empty:
        return weekly.assign(population=[], rate=[])
    if audience.public:
        f = policy.public_filters(f, audience)
        index = released_populations(engine, audience)
    else:
        index = population_history(engine)
    camp_govs = camp_activity(engine, replace(f, syndrome=None)).set_index("camp_id")["governorate"]
    weeks = pd.Series(weekly["period"].unique())
    ends = [min((pd.Timestamp(week) + pd.Timedelta(days=6)).date(), f.end) for week in weeks]
    names = sorted(camp_govs.unique().tolist())
    position = pd.Index(camp_govs.index).get_indexer(index.camps)  # camps outside the filters: none (-1)
    groups = np.where(position >= 0, pd.Index(names).get_indexer(camp_govs.to_numpy()[position]), -1)
    sums = index.totals(ends, groups, len(names))  # weeks by governorates
    totals = pd.DataFrame(
        {
            "period": np.tile(weeks.to_numpy(), len(names)),
            "governorate": np.repeat(names, len(weeks)),
            "population": sums.T.ravel(),
        }
    )
    out = weekly.merge(totals, on=["period", "governorate"], how="left")
    out["rate"] = (out["consultations"] / out["population"] * 1000).where(out["population"] > 0).round(2)
    return out


def comparison(engine, f: Filters, audience: Audience, language: str = "en") -> pd.DataFrame:
    """Consultations by governorate in the period, in the period of the same length just before, and in the same
    period a year earlier (for the public, 52 weeks earlier), each governorate named (`name`)."""
    return named(engine, _comparison(engine, f, audience), "name", language)


@cached
def _comparison(engine, f: Filters, audience: Audience) -> pd.DataFrame:
    if audience.public:
        f = policy.public_filters(f, audience)
    length = f.end - f.start
    spans = {
        "current": f,
        "previous": replace(f, start=f.start - length - dt.timedelta(days=1), end=f.start - dt.timedelta(days=1)),
        "last_year": policy.previous_year(f, audience),
    }
    frames = []
    for name, period in spans.items():
        if audience.public:
            rows = _released_rows(engine, period, audience)
            sums = tables.sum_by(rows["governorate"], rows["consultations"])
            table = pd.DataFrame({"governorate": list(sums), "consultations": list(sums.values())})
        else:
            table = queries.totals_by_governorate(engine, period)[["governorate", "consultations"]]
        frames.append(table.set_index("governorate")["consultations"].rename(name))
    out = pd.concat(frames, axis=1).fillna(0).astype("int64").rename_axis("governorate").reset_index()
    out = out.sort_values("governorate", ignore_index=True)
    out.attrs["periods"] = {name: (p.start, p.end) for name, p in spans.items()}
    return out


def _no_earlier_than_data(engine, day: dt.date) -> dt.date:
    """Weeks before the first record are no data, not zeros: a baseline must not count them."""
    first = queries.data_status(engine).first_date
    return max(day, first) if first else day


@cached
def expected(engine, f: Filters, audience: Audience, history_weeks: int = 8) -> pd.DataFrame:
    """Observed weekly consultations (all the filters select) against what was expected: the mean of the previous
    `history_weeks` weeks, with a band of two standard deviations, as the EWARN dashboard's "expected" line."""
    if audience.public:
        f = policy.public_filters(f, audience)
    lead = dt.timedelta(days=7 * history_weeks + 6)
    wide = replace(f, start=min(f.start, _no_earlier_than_data(engine, f.start - lead)), freq="week")
    columns = ["period", "observed", "expected", "low", "high", "partial"]
    if audience.public:
        wide = policy.public_filters(wide, audience)
        daily = _released_rows(engine, wide, audience).rename(columns={"week": "date"})
    else:
        daily = queries.weekly_breakdown(engine, wide, (), audience.first_day)
    weekly = series.by_period(daily, wide.start, f.end, "week", (), audience.first_day)
    if weekly.empty:
        return pd.DataFrame(columns=columns)
    counts = weekly.set_index("week")["consultations"]
    past = counts.shift(1).rolling(history_weeks, min_periods=history_weeks)
    out = pd.DataFrame({"observed": counts, "expected": past.mean().round(1), "sd": past.std()})
    out["low"] = (out["expected"] - 2 * out["sd"]).clip(lower=0).round(1)
    out["high"] = (out["expected"] + 2 * out["sd"]).round(1)
    first = periods.week_of(f.start, audience.first_day)
    out["partial"] = (out.index < pd.Timestamp(f.start)) | (out.index + pd.Timedelta(days=6) > pd.Timestamp(f.end))
    out = out[out.index >= first].rename_axis("period").reset_index()
    return out[columns]


def alert_rules(settings) -> AlertRules:
    return AlertRules(
        ratio=settings.alert_ratio, baseline_weeks=settings.alert_baseline_weeks, min_count=settings.alert_min_count
    )


def alerts(engine, f: Filters, settings, language: str = "en") -> pd.DataFrame:
    """Alerts in the period (coordinators only): week, camp, governorate (and its name), syndrome, count, baseline and
    rule (`_alerts`)."""
    return camps_named(engine, named(engine, _alerts(engine, f, settings), language=language), language)


@cached
def _alerts(engine, f: Filters, settings) -> pd.DataFrame:
    """The alerts of `alerts`, without the governorates' names.

    A camp's alerts depend only on its own weekly counts, so the alerts of every week, camp and syndrome are found
    once per data version (`_every_alert`) and each request keeps those of its period, governorates and camp. Two
    cases are counted for the request instead: the period's last week when the period ends before that week does
    (its count is of the days in the period), and a chosen unit (its own records only)."""
    rules = alert_rules(settings)
    first, last = (periods.week_of(day, settings.first_day) for day in (f.start, f.end))
    cut = f.end < (last + pd.Timedelta(days=6)).date()
    if f.clinic:
        found = detected_alerts(engine, f, rules, settings.first_day)
    else:
        _warm_alerts_once(engine, rules, settings.first_day)
        every = _every_alert(engine, rules, f.syndrome, settings.first_day)
        found = every[(every["week"] >= first) & ((every["week"] < last) if cut else (every["week"] <= last))]
        if cut:  # the last week's alerts, from its days in the period
            tail = detected_alerts(engine, replace(f, start=max(f.start, last.date())), rules, settings.first_day)
            found = pd.concat([found, tail], ignore_index=True) if not tail.empty else found
    camps = camp_activity(engine, replace(f, syndrome=None, camp=None))  # the governorates' camps
    if f.camp:
        camps = camps[camps["code"] == f.camp]
    found = found.merge(camps[["camp_id", "code", "name", "governorate", "latitude", "longitude"]], on="camp_id")
    return found.sort_values(["week", "rule", "count"], ascending=[False, True, False], ignore_index=True)


@cached(kept=True)
def _every_alert(engine, rules: AlertRules, syndrome: str | None, first_day: int) -> pd.DataFrame:
    """The alerts of every week the data holds, in every camp (for one syndrome, or all of the rules')."""
    whole = queries.data_status(engine).whole
    if whole is None:
        return detect(pd.DataFrame(columns=["week", "camp_id", "syndrome", "consultations"]), rules)
    return detected_alerts(engine, replace(whole, syndrome=syndrome), rules, first_day)


@cached(kept=True)  # once per data version: the cache keeps the answer until the data changes
def _warm_alerts_once(engine, rules: AlertRules, first_day: int) -> bool:
    """On the first request for alerts after a data load, find the other syndromes' alerts in the background, so
    that the next coordinator to choose one does not wait for it."""
    threading.Thread(target=warm_alerts, args=(engine, rules, first_day), daemon=True, name="mmc-alerts").start()
    return True


def warm_alerts(engine, rules: AlertRules, first_day: int) -> None:
    """Find the alerts of every week, camp and syndrome (each syndrome's, and all of them together)."""
    for syndrome in (None, *rules.syndromes):
        try:
            _every_alert(engine, rules, syndrome, first_day)
        except Exception as exc:  # the request that needs it will compute it again and meet the error itself
            log.warning("finding alerts in the background failed: %s", exc)
            return


def detected_alerts(engine, f: Filters, rules: AlertRules, first_day: int) -> pd.DataFrame:
    """Alerts (week, camp_id, syndrome, count, baseline, rule) in the weeks from f.start's to f.end's, counting the
    records the filters select up to f.end, with the weeks before f.start as the first weeks' baseline."""
    lead = dt.timedelta(days=7 * rules.baseline_weeks + 6)
    wide = replace(f, start=_no_earlier_than_data(engine, f.start - lead), freq="week")
    if wide.start > f.end:  # a period before the first record: no week to look at
        return detect(pd.DataFrame(columns=["week", "camp_id", "syndrome", "consultations"]), rules)
    # Weekly sums of the weeks with cases only (detect counts the others as zero): at 10,000 camps the full table of
    # weeks, camps and syndromes would have millions of rows. One syndrome at a time: each is a small part.
    weekly = pd.concat(
        [
            queries.weekly_breakdown(engine, replace(wide, syndrome=s), ("camp_id",), first_day)
            .assign(syndrome=s)
            .rename(columns={"date": "week"})
            for s in ([f.syndrome] if f.syndrome else rules.syndromes)
        ],
        ignore_index=True,
    )
    first, since = (periods.week_of(day, first_day) for day in (f.start, wide.start))
    return detect(weekly, rules, first_week=first, since=since)


@cached(kept=True)
def unit_bases(engine) -> pd.DataFrame:
    """Every unit's base (code, base_latitude, base_longitude): fixed until data is loaded again."""
    whole = queries.data_status(engine).whole
    if whole is None:
        return pd.DataFrame(columns=["code", "base_latitude", "base_longitude"])
    units = queries.clinics_in_period(engine, whole)
    return units[["code", "base_latitude", "base_longitude"]].reset_index(drop=True)


@cached(kept=True)
def nearest_base_km(engine) -> pd.Series:
    """Each camp's distance (km, to 0.1) to the nearest unit's base, by camp id (NaN with no unit): fixed until data
    is loaded again (every camp, every unit's base)."""
    places = camp_places(engine)
    distances = geo.nearest_base_km(places, unit_bases(engine)).round(1)
    return pd.Series(distances, index=places["camp_id"].to_numpy("int64"), dtype="float64")


def gaps(engine, f: Filters, settings, language: str = "en") -> pd.DataFrame:
    """The coordinators' per-camp gap table: population and its date, units that served the camp, visits, last visit,
    days since, consultations, utilisation, distance to the nearest unit base, the governorate's name, and the status
    (whose reason, in words, the renderer adds: words.with_reasons)."""
    return camps_named(engine, named(engine, _gaps(engine, f, settings), language=language), language)


@cached
def _gaps(engine, f: Filters, settings) -> pd.DataFrame:
    table = camps(engine, f, settings.not_reached_days, settings.min_utilisation, settings.first_day)
    table["nearest_base_km"] = table["camp_id"].map(nearest_base_km(engine))
    served = {
        camp: ", ".join(units)
        for camp, units in tables.grouped(queries.camp_units(engine, f), "camp_id", "clinic_name").items()
    }
    table["units_served"] = [served.get(c, "") for c in table["camp_id"].tolist()]
    utilisation = table["utilisation"].to_numpy(dtype="float64", na_value=np.nan).round(2)
    table["utilisation"] = np.where(np.isnan(utilisation), None, utilisation.astype(object))
    return table


def governorate_gaps(
    engine, f: Filters, settings, camp_table: pd.DataFrame | None = None, language: str = "en"
) -> pd.DataFrame:
    """Per governorate (and its `name`): camps, camps not reached and under-served, camp population, the share of it
    reached, active MMCs and people per active MMC. For coordinators."""
    return named(engine, _governorate_gaps(engine, f, settings, camp_table), "name", language)


@cached
def _governorate_gaps(engine, f: Filters, settings, camp_table: pd.DataFrame | None = None) -> pd.DataFrame:
    table = (
        camps(engine, f, settings.not_reached_days, settings.min_utilisation, settings.first_day)
        if camp_table is None
        else camp_table
    )
    mmcs = queries.units_by_governorate(engine, f)
    mmcs = mmcs[mmcs["unit_type"] == "mmc"].set_index("governorate")["units"]
    rows = []
    for gov, group in table[table["status"] != coverage.CLOSED].groupby("governorate"):
        population = int(group["population"].sum())
        reached = int(group.loc[coverage.reached(group), "population"].sum())
        active = int(mmcs.get(gov, 0))
        rows.append(
            {
                "governorate": gov,
                "camps": len(group),
                "not_reached": int(coverage.not_reached(group).sum()),
                "under_served": int((group["status"] == coverage.UNDER_SERVED).sum()),
                "population": population,
                "population_reached": reached,
                "share_reached": round(reached / population, 3) if population else None,
                "active_mmcs": active,
                "people_per_mmc": round(population / active) if active else None,
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "governorate",
            "camps",
            "not_reached",
            "under_served",
            "population",
            "population_reached",
            "share_reached",
            "active_mmcs",
            "people_per_mmc",
        ],
    )
    return out


@cached
def units(engine, f: Filters, audience: Audience) -> pd.DataFrame:
    """Active units counted by governorate and type (in whole weeks for the public): what the public may know about
    units."""
    if audience.public:
        f = policy.public_filters(f, audience)
    return queries.units_by_governorate(engine, f)
