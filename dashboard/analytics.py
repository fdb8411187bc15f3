"""Analytics as plain functions over plain data: periods, populations, coverage status, suppression, GeoJSON.

Definitions follow ../shared/domain/formats.md. Nothing here imports Dash or touches the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

NOT_REACHED = "not_reached"
UNDER_SERVED = "under_served"
REACHED = "reached"
CLOSED = "closed"
STATUSES = (REACHED, UNDER_SERVED, NOT_REACHED, CLOSED)


def parse_period(
    start: str | None, end: str | None, first: dt.date | None, last: dt.date | None, weeks: int = 52
) -> tuple[dt.date, dt.date]:
    """The period a view shows: the URL's start and end (YYYY-MM-DD) when given, else the latest `weeks` whole
    ISO weeks of data, so the default view never ends on a cut week. Raises ValueError naming the parameter when a
    date is malformed or the range is reversed."""
    last = last or dt.date.today()
    first = first or last

    def parse(name: str, value: str | None) -> dt.date | None:
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{name} must be a date as YYYY-MM-DD, not {value!r}") from None

    end_d = parse("end", end)
    if end_d is None:
        end_d = last - dt.timedelta(days=(last.isoweekday() % 7))  # the last Sunday on or before the data's end
        if end_d < first:
            end_d = last
    start_d = parse("start", start) or min(max(first, end_d - dt.timedelta(days=7 * weeks - 1)), end_d)
    if start_d > end_d:  # (a message names only what the link said: a default comes from the data's own days)
        raise ValueError(f"start {start_d} is after end {end_d}" if end else f"start {start_d} is after the data ends")
    return start_d, end_d


def population_at(history: pd.DataFrame | PopulationIndex, day: dt.date) -> pd.DataFrame:
    """Each camp's population at `day`: the row with the latest population_date on or before it, else the earliest
    row after it. Returns camp_id, population, population_date (a date)."""
    out = populations_at(history, [day]).drop(columns="day")
    out["population_date"] = out["population_date"].to_numpy().astype("datetime64[D]").astype(object)
    return out


class PopulationIndex:
    """A population history (camp_id, population_date, population) sorted once by camp and date, so that each
    question about populations on given days is a binary search (populations_at)."""

    def __init__(self, history: pd.DataFrame):
        camp = history["camp_id"].to_numpy(dtype="int64")
        dated = history["population_date"]
        if pd.api.types.is_datetime64_any_dtype(dated):
            date = dated.to_numpy().astype("datetime64[D]").astype("int64")
        else:
            date = np.asarray(dated.tolist(), dtype="datetime64[D]").astype("int64")
        order = np.lexsort((date, camp))
        camp, date = camp[order], date[order]
        self.population = history["population"].to_numpy(dtype="int64")[order]
        self.date = date
        self.camps, self.first, counts = np.unique(camp, return_index=True, return_counts=True)
        self.base = int(date.min()) if len(date) else 0
        self.span = int(date.max()) - self.base + 2 if len(date) else 2  # a day offset always below it
        self.key = np.repeat(np.arange(len(self.camps), dtype="int64"), counts) * self.span + (date - self.base)
        self._changes: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # for totals(), made on first use

    @classmethod
    def of(cls, history: pd.DataFrame | PopulationIndex) -> PopulationIndex:
        """`history` itself when it is an index already, else its index."""
        return history if isinstance(history, cls) else cls(history)

    def __len__(self) -> int:
        return len(self.date)

    def __deepcopy__(self, memo) -> PopulationIndex:
        return self  # its content never changes once built: the results cache hands the same index to every caller

    def rows_at(self, days: np.ndarray) -> np.ndarray:
        """For each day (a day number) and each camp (in `camps` order), the row that gives its population then:
        an array of len(days) by len(camps)."""
        n = len(self.camps)
        rank = np.arange(n, dtype="int64")[None, :]
        offset = np.clip(days[:, None] - self.base, -1, self.span - 1)  # before every row: -1; after: past them
        pos = np.searchsorted(self.key, (rank * self.span + offset).ravel(), side="right").reshape(len(days), n) - 1
        return np.where(pos >= self.first[None, :], pos, self.first[None, :])  # before its first row: the earliest

    def totals(self, days: Iterable[dt.date], groups: np.ndarray, n_groups: int) -> np.ndarray:
        """The population of each group of camps on each of `days`: an array of len(days) by n_groups. `groups`
        gives each camp's group (in `camps` order; -1 for none). A camp's population on a day is its first row's
        plus every later change up to that day, so the sums need one pass over the changes, not one search per
        camp and day."""
        days = _day_numbers(days)
        out = np.zeros((len(days), n_groups), dtype="int64")
        if not len(self) or not len(days):
            return out
        if self._changes is None:  # every later row's change from the one before, in date order: made once, kept
            later = np.ones(len(self.date), dtype=bool)
            later[self.first] = False
            order = np.argsort(self.date, kind="stable")
            order = order[later[order]]
            camp = np.repeat(np.arange(len(self.camps)), np.diff(np.append(self.first, len(self.date))))
            self._changes = (camp[order], self.date[order], np.diff(self.population, prepend=0)[order])
        camp, date, change = self._changes
        valid = groups >= 0
        base = np.bincount(groups[valid], weights=self.population[self.first][valid], minlength=n_groups)
        group = groups[camp]
        for g in range(n_groups):
            mine = np.flatnonzero(group == g)  # the group's changes, in date order
            steps = np.concatenate([[0], np.cumsum(change[mine])])
            out[:, g] = base[g] + steps[np.searchsorted(date[mine], days, side="right")]
        return out


def populations_at(history: pd.DataFrame | PopulationIndex, days: Iterable[dt.date]) -> pd.DataFrame:
    """population_at for each of `days` at once: day, camp_id, population, population_date (timestamps), as one
    block of rows per day, each block with every camp in the same order. Every camp's rows are found by binary
    search, so a year of weeks for 10,000 camps takes milliseconds (give a PopulationIndex to ask many times)."""
    days = _day_numbers(days)
    columns = ["day", "camp_id", "population", "population_date"]
    index = PopulationIndex.of(history)
    if not len(index) or not len(days):
        return pd.DataFrame(columns=columns)
    row = index.rows_at(days).ravel()
    wanted = np.repeat(days, len(index.camps))
    return pd.DataFrame(
        {
            "day": pd.to_datetime(wanted.astype("datetime64[D]")),
            "camp_id": np.tile(index.camps, len(days)),
            "population": index.population[row],
            "population_date": pd.to_datetime(index.date[row].astype("datetime64[D]")),
        }
    )


def _day_numbers(days: Iterable[dt.date]) -> np.ndarray:
    return np.asarray([np.datetime64(d, "D") for d in days], dtype="datetime64[D]").astype("int64")


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
        rows = index.rows_at(_day_numbers([end]))[0]
        at = np.minimum(np.searchsorted(index.camps, ids), len(index.camps) - 1)
        found = index.camps[at] == ids
        population = np.where(found, index.population[rows[at]], 0)
        dated = np.where(found, index.date[rows[at]].astype("datetime64[D]").astype(object), None)
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


def sum_by(keys: pd.Series, values: pd.Series, where=None) -> dict:
    """{key: sum of its values, as a whole number} over the rows where `where` is true (every row if None), as a
    group-by gives it: a 10,000-camp table summed without pandas' group machinery, which costs more than the sums."""
    keep = slice(None) if where is None else np.asarray(where, dtype=bool)
    codes, uniques = pd.factorize(keys.to_numpy()[keep])
    weights = np.nan_to_num(values.to_numpy(dtype="float64", na_value=np.nan)[keep])
    known = codes >= 0
    sums = np.bincount(codes[known], weights=weights[known], minlength=len(uniques))
    return dict(zip(uniques.tolist(), np.rint(sums).astype("int64").tolist(), strict=True))


def headline(totals: dict, camps: pd.DataFrame) -> dict:
    """The headline figures: the period totals plus people reached (population at period end of reached camps) and
    the number of camps that were open or visited (closed camps are not counted as missed)."""
    visited = camps["visits"].to_numpy() > 0
    open_or_visited = int(((camps["status"].to_numpy() != CLOSED) | visited).sum()) if "status" in camps else len(camps)
    reached = np.nansum(camps["population"].to_numpy(dtype="float64")[visited])
    return {**totals, "population_reached": int(reached), "camps": open_or_visited}


def week_start(dates: pd.Series, first_day: int = 0) -> pd.Series:
    """The first day of each date's week; first_day 0 is Monday (ISO weeks), 6 Sunday."""
    offset = (dates.dt.day_of_week - first_day) % 7
    return (dates - pd.to_timedelta(offset, unit="D")).dt.normalize()


def week_of(day: dt.date, first_day: int = 0) -> pd.Timestamp:
    """The first day of the week that holds `day` (see week_start); one day's, without a Series of it."""
    day = pd.Timestamp(day).normalize()
    return day - pd.Timedelta(days=(day.day_of_week - first_day) % 7)


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


def protect(
    cells: pd.DataFrame, keys: Sequence[str], values: Sequence[str], k: int, secret: bytes, drop_zeros: bool = True
) -> pd.DataFrame:
    """A table for the public: each value from 1 to k-1 rounded to 0 or k, larger values and zeros left as they are.

    A small value v becomes k with probability v/k, else 0 (unbiased: sums of many cells stay right on average). The
    draw is fixed by a keyed hash (BLAKE2b with `secret`) of the cell's key columns and its values, one draw for all
    of a row's values (so that referrals never exceed consultations): the same cell with the same values is always
    rounded the same way, so asking again, or asking the same cell as part of other sums, gives nothing new, and
    without the secret nobody can tell how a cell was rounded. Rows whose values are all 0 once rounded are dropped
    (unless `drop_zeros` is False), so that a cell's presence says nothing of a small count either.

    Every public count is a sum of the cells of one such table: differences of public answers are sums of rounded
    cells, and no combination of them gives a small count exactly."""
    table = cells.reset_index(drop=True)
    matrix = np.column_stack([table[v].to_numpy(dtype="int64") for v in values]) if len(table) else np.zeros((0, 0))
    small = ((matrix > 0) & (matrix < k)).any(axis=1) if len(table) else np.zeros(0, dtype=bool)
    rows = np.flatnonzero(small)
    if len(rows):
        key_columns = [table[c].to_numpy()[rows].tolist() for c in keys]
        value_columns = matrix[rows].tolist()
        draws = np.empty(len(rows))
        for i, (key, counts) in enumerate(zip(zip(*key_columns, strict=True), value_columns, strict=True)):
            text = "|".join(map(_key_text, (*key, *counts))).encode()
            draws[i] = int.from_bytes(hashlib.blake2b(text, key=secret, digest_size=8).digest(), "big") / 2.0**64
        part = matrix[rows]
        rounded = np.where((part > 0) & (part < k), np.where(draws[:, None] * k < part, k, 0), part)
        matrix = matrix.copy()
        matrix[rows] = rounded
    out = table.copy()
    for j, v in enumerate(values):
        out[v] = matrix[:, j] if len(table) else np.zeros(0, dtype="int64")
    if not drop_zeros or not len(table):
        return out
    return out[(matrix > 0).any(axis=1)].reset_index(drop=True)


def _key_text(value) -> str:
    """A key column's value as the hash reads it: dates by day, whatever type holds them."""
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return str(value.astype("datetime64[D]"))
    return str(value)


# -- GeoJSON for the map ---------------------------------------------------------------------------------------------


def governorate_features(boundaries: dict, values: dict[str, dict], names: dict[str, str]) -> dict:
    """The boundary collection with each governorate's figures and a tooltip; programme governorates flagged."""
    features = []
    for feature in boundaries["features"]:
        iso = feature["properties"]["iso"]
        props = {"iso": iso, "name": names.get(iso, feature["properties"]["name_en"]), **values.get(iso, {})}
        props["programme"] = iso in values
        features.append({"type": "Feature", "properties": props, "geometry": feature["geometry"]})
    return {"type": "FeatureCollection", "features": features}


POSITION_SCALE = 1000  # camp positions go to the map in thousandths of a degree (about 110 m)


def camp_places(places: pd.DataFrame) -> dict:
    """Every camp's fixed map data (camp_id, longitude, latitude, name; ordered by camp_id) as columns, the smallest
    form that crosses a slow connection: ids as the first id and then differences, positions in thousandths of a
    degree, names. Sent once per data version as a file browsers keep (dashboard/places.py)."""
    ids = places["camp_id"].astype("int64").to_numpy()
    return {
        "id": np.diff(ids, prepend=0).tolist(),
        "x": (places["longitude"].astype(float) * POSITION_SCALE).round().astype("int64").tolist(),
        "y": (places["latitude"].astype(float) * POSITION_SCALE).round().astype("int64").tolist(),
        "n": places["name"].tolist(),
        "scale": POSITION_SCALE,
    }


def camp_columns(camps: pd.DataFrame, place_ids: np.ndarray, places_url: str) -> dict:
    """What a map shows of `camps` beyond their places (camp_places, served at `places_url`, whose ids are
    `place_ids`): each camp as its position among the places (first, then differences), its status as a position
    in `states`, and its population (on a public map, the public camp table's protected one). assets/map.js
    `campLayer` joins both into point features, sizes the markers by population and builds the tooltips."""
    position = np.searchsorted(place_ids, camps["camp_id"].astype("int64").to_numpy())
    population = camps["population"].fillna(0).astype("int64").clip(lower=0)
    states = sorted(camps["status"].unique())
    return {
        "places": places_url,
        "i": np.diff(position, prepend=0).tolist(),
        "states": states,
        "s": np.searchsorted(states, camps["status"].to_numpy()).tolist(),
        "p": population.tolist(),
    }


def label_point(geometry: dict) -> tuple[float, float]:
    """A point (lon, lat) inside a polygon, for placing a label or a count on it."""
    import shapely.geometry

    point = shapely.geometry.shape(geometry).representative_point()
    return round(point.x, 4), round(point.y, 4)


def clinic_workload(clinics: pd.DataFrame) -> pd.DataFrame:
    """Consultations per clinician per visit day for MMCs (formats.md); None for ambulances or without visits."""
    out = clinics.copy()
    denominator = out["clinicians"] * out["visit_days"]
    out["per_clinician_day"] = [
        round(c / d, 1) if t == "mmc" and d > 0 else None
        for c, d, t in zip(out["consultations"], denominator, out["unit_type"], strict=True)
    ]
    return out


def monthly(daily: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Monthly totals by governorate (see by_period)."""
    return by_period(daily, start, end, "month", ("governorate",))


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km; arrays broadcast."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(x, dtype=float)) for x in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 6371.0088 * 2 * np.arcsin(np.sqrt(a))


def nearest_base_km(camps: pd.DataFrame, clinics: pd.DataFrame) -> np.ndarray:
    """For each camp, the distance in km to the nearest unit base (NaN when there is no unit): the nearest by the
    straight line through the Earth (a k-d tree), which is the nearest by great circle too."""
    from scipy.spatial import cKDTree

    if clinics.empty or camps.empty:
        return np.full(len(camps), np.nan)

    def unit_vectors(lat, lon):
        lat, lon = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
        return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])

    chord, _ = cKDTree(unit_vectors(clinics["base_latitude"], clinics["base_longitude"])).query(
        unit_vectors(camps["latitude"], camps["longitude"])
    )
    return 6371.0088 * 2 * np.arcsin(np.clip(chord / 2, 0, 1))


def grouped(frame: pd.DataFrame, key: str, value: str) -> dict:
    """{key: [values, in order]} from a frame, split from the sorted columns in one pass (no group iteration)."""
    ordered = frame.sort_values([key, value], kind="stable")
    keys, starts = np.unique(ordered[key].to_numpy(), return_index=True)
    values = ordered[value].tolist()
    ends = [*starts[1:].tolist(), len(values)] if len(values) else []
    return {k: values[a:b] for k, a, b in zip(keys.tolist(), starts.tolist(), ends, strict=True)}


def status_reasons(
    status: Iterable[str],
    days_since_visit: Iterable,
    utilisation: Iterable,
    not_reached_days: int,
    min_utilisation: float,
) -> list[str]:
    """Why each camp of a table has its status, in words a coordinator can act on (each wording translated once,
    and each sentence written once: camps share their numbers of days and their rates)."""
    from dashboard.i18n import _

    closed = _("Closed: no population at the period's end")
    never = _("Never visited")
    not_reached = _("No visit for {days} days (more than {limit})")
    under = _("{u:.2f} consultations per person per year, below {limit:g}")
    reached = _("Visited {days} days before the period's end")
    written: dict[tuple, str] = {}

    def sentence(s, days, u) -> str:
        missing = days is None or days is pd.NA or days != days  # (NaN is not equal to itself)
        if s == CLOSED:
            return closed
        if s == NOT_REACHED:
            return never if missing else not_reached.format(days=int(days), limit=not_reached_days)
        if s == UNDER_SERVED:
            return under.format(u=u, limit=min_utilisation)
        return reached.format(days=int(days))

    out = []
    # plain Python values: a pandas Series yields numpy scalars, each slow to test and to format
    columns = (list(c.tolist() if hasattr(c, "tolist") else c) for c in (status, days_since_visit, utilisation))
    for key in zip(*columns, strict=True):
        try:
            out.append(written[key])
        except KeyError:
            out.append(written.setdefault(key, sentence(*key)))
        except TypeError:  # (pd.NA cannot be a key: it is no number to share)
            out.append(sentence(*key))
    return out


def _nice(value: float) -> float:
    """`value` to two significant digits, for a class break that reads well in a legend."""
    if value <= 0:
        return 0.0
    return float(round(value, 1 - int(np.floor(np.log10(value)))))


def classify(values: dict[str, float | None], k: int = 4) -> tuple[list[float], dict[str, int | None]]:
    """Class breaks for a choropleth and each key's class (0 to k-1; None for a missing value).

    Breaks are rounded quantiles of the values, so each class holds about as many governorates; with few distinct
    values there are fewer classes. A value equal to a break falls in the class above it.
    """
    present = sorted(v for v in values.values() if v is not None and not pd.isna(v))
    if not present:
        return [], {key: None for key in values}
    raw = np.quantile(present, np.linspace(0, 1, k + 1)[1:-1]) if len(present) > 1 else []
    breaks = sorted({_nice(b) for b in raw if present[0] < _nice(b) <= present[-1]})
    classes = {
        key: (None if v is None or pd.isna(v) else int(np.searchsorted(breaks, v, side="right")))
        for key, v in values.items()
    }
    return breaks, classes
