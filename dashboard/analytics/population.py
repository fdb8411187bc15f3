"""Camp populations on given days (the formats' population dating): each camp's latest row on or before a day,
else its earliest row after it, answered by binary search over a history sorted once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd


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
        days = day_numbers(days)
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
    days = day_numbers(days)
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


def day_numbers(days: Iterable[dt.date]) -> np.ndarray:
    return np.asarray([np.datetime64(d, "D") for d in days], dtype="datetime64[D]").astype("int64")
