"""Coverage: each camp's population at the period's end, utilisation, days since its last visit and status, the
headline figures, and units' workload. Statuses are codes; words for them are the renderer's."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dashboard.analytics.population import PopulationIndex, day_numbers

NOT_REACHED = "not_reached"


MISSED = "missed"  # not reached, and every visit planned in those days was missed (services.figures.camps)


UNDER_SERVED = "under_served"


REACHED = "reached"


CLOSED = "closed"


def utilisation(consultations, population, days: int):
    """Consultations per person per year: for one camp (None when its population is 0), or for arrays of camps
    (NaN where the population is 0)."""
    if np.ndim(population) == 0:
        return consultations / population * 365 / days if population else None
    population = np.asarray(population, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(population > 0, np.asarray(consultations, dtype=float) / population * 365 / days, np.nan)


def camp_status(
    camps: pd.DataFrame,
    history: pd.DataFrame | PopulationIndex,
    start: dt.date,
    end: dt.date,
    not_reached_days: int = 14,
    min_utilisation: float | None = 1.0,
) -> pd.DataFrame:
    """Camps with population at the period's end, utilisation, days since last visit and coverage status.

    not reached: no visit within `not_reached_days` days before the end (more days since the last visit); under-served:
    utilisation below the standard (never, when `min_utilisation` is None: the public map, whose camps' own counts
    are not public); reached: otherwise; closed: nobody lives there at the period's end (a closed camp is not a gap).
    """
    days = (end - start).days + 1
    index = PopulationIndex.of(history)
    out = camps.copy(deep=False)  # (copy-on-write: the caller's table is not changed)
    ids = out["camp_id"].to_numpy(dtype="int64")
    population, dated = np.zeros(len(out), dtype="int64"), np.full(len(out), None, dtype=object)
    if len(index) and len(ids):  # each camp's row of the history at the period's end, looked up by position
        rows = index.rows_at(day_numbers([end]))[0]
        at = np.minimum(np.searchsorted(index.camps, ids), len(index.camps) - 1)
        found = index.camps[at] == ids
        population = np.where(found, index.population[rows[at]], 0)
        dated = index.date[rows[at]].astype("datetime64[D]").astype(object)
        dated[~found] = None
    out["population"], out["population_date"] = population, dated
    last = pd.to_datetime(out["last_visit"]).to_numpy().astype("datetime64[D]")
    never = np.isnat(last)
    since = np.where(never, 0, (np.datetime64(end, "D") - last).astype("int64"))
    out["days_since_visit"] = pd.arrays.IntegerArray(since, never)  # Int64, missing for a camp never visited
    rate = utilisation(out["consultations"].to_numpy(), population, days)
    out["utilisation"] = np.where(np.isnan(rate), None, rate.astype(object))
    not_reached = never | (since > not_reached_days)
    under = rate < min_utilisation if min_utilisation is not None else np.zeros(len(out), dtype=bool)
    closed = population == 0
    out["status"] = np.where(closed, CLOSED, np.where(not_reached, NOT_REACHED, np.where(under, UNDER_SERVED, REACHED)))
    return out


def not_reached(camps: pd.DataFrame) -> np.ndarray:
    """Which camps are not reached, whether or not their planned visits were missed."""
    return np.isin(camps["status"].to_numpy(), (NOT_REACHED, MISSED))


def reached(camps: pd.DataFrame) -> np.ndarray:
    """Which camps are reached: visited in the last days of the period that the status looks back over (reached or
    under-served). The one meaning of "reached" in every figure, card, map and table; "visited" is any visit in the
    period."""
    return np.isin(camps["status"].to_numpy(), (REACHED, UNDER_SERVED))


def headline(totals: dict, camps: pd.DataFrame) -> dict:
    """The headline figures: the period totals (with camps_visited: camps with a visit in the period) plus the camps
    reached and the people living in them (population at the period's end), out of the camps open at its end."""
    hit = reached(camps)
    population = camps["population"].to_numpy(dtype="float64")
    return {
        **totals,
        "camps_reached": int(hit.sum()),
        "population_reached": int(np.nansum(population[hit])),
        "camps": int((camps["status"].to_numpy() != CLOSED).sum()),
    }


def by_governorate(camps: pd.DataFrame) -> pd.DataFrame:
    """Per governorate: camps open at the period's end, camps reached and the people living in them (see reached)."""
    hit = reached(camps)
    frame = pd.DataFrame(
        {
            "governorate": camps["governorate"].to_numpy(),
            "camps": (camps["status"].to_numpy() != CLOSED).astype("int64"),
            "camps_reached": hit.astype("int64"),
            "population_reached": np.where(hit, np.nan_to_num(camps["population"].to_numpy(dtype="float64")), 0),
        }
    )
    out = frame.groupby("governorate", as_index=False).sum()
    out["population_reached"] = out["population_reached"].astype("int64")
    return out


def clinic_workload(clinics: pd.DataFrame) -> pd.DataFrame:
    """Consultations per clinician per visit day for MMCs (docs/formats.md); None for ambulances or without visits."""
    out = clinics.copy()
    denominator = out["clinicians"] * out["visit_days"]
    out["per_clinician_day"] = [
        round(c / d, 1) if t == "mmc" and d > 0 else None
        for c, d, t in zip(out["consultations"], denominator, out["unit_type"], strict=True)
    ]
    return out
