"""Protection of the public's counts (README, "Who sees what"): each small count of a table rounded to 0 or k by a
keyed hash, so that every public figure is a sum of protected cells."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd


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
