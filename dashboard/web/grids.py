"""Rows for AG Grid's infinite row model, cut from a table on the server.

The grid asks for a block of rows (start and end) with its column filters and sort order; the server answers with
those rows and how many rows match. A filter change of the coordinators' page then sends the first block of the
gap table rather than every camp (10,000 camps were 1.7 MB in each answer), and exports apply the same filters
and order to the whole table. Plain functions of a DataFrame and the grid's models (as dash-ag-grid sends them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

TEXT_TESTS: dict[str, Callable[[pd.Series, str], pd.Series]] = {
    "contains": lambda s, v: s.str.contains(v, regex=False),
    "notContains": lambda s, v: ~s.str.contains(v, regex=False),
    "equals": lambda s, v: s == v,
    "notEqual": lambda s, v: s != v,
    "startsWith": lambda s, v: s.str.startswith(v),
    "endsWith": lambda s, v: s.str.endswith(v),
}
NUMBER_TESTS: dict[str, Callable[[pd.Series, float, float | None], pd.Series]] = {
    "equals": lambda s, v, _to: s == v,
    "notEqual": lambda s, v, _to: s != v,
    "greaterThan": lambda s, v, _to: s > v,
    "greaterThanOrEqual": lambda s, v, _to: s >= v,
    "lessThan": lambda s, v, _to: s < v,
    "lessThanOrEqual": lambda s, v, _to: s <= v,
    "inRange": lambda s, v, to: (s >= v) & (s <= to),  # AG Grid's default: both ends included
}


class GridRequestError(ValueError):
    """A filter or sort the server cannot apply, naming the column and what was asked."""


def filtered(table: pd.DataFrame, model: dict | None) -> pd.DataFrame:
    """The rows of `table` that pass every column filter of AG Grid's filter model (text and number filters, one
    condition or several joined by AND or OR). Text filters ignore case, as the grid's own do."""
    keep = np.ones(len(table), dtype=bool)
    for column, condition in (model or {}).items():
        if column not in table:
            raise GridRequestError(f"no column {column!r} to filter")
        keep &= _passes(table[column], condition, column)
    return table[keep]


def _passes(values: pd.Series, condition: dict, column: str) -> np.ndarray:
    parts = condition.get("conditions") or [c for c in (condition.get("condition1"), condition.get("condition2")) if c]
    if parts:
        tests = [_passes(values, {"filterType": condition.get("filterType"), **part}, column) for part in parts]
        joined = np.logical_or if condition.get("operator") == "OR" else np.logical_and
        return joined.reduce(tests)
    kind, test = condition.get("filterType"), condition.get("type")
    if test in ("blank", "notBlank"):
        blank = values.isna().to_numpy() | (values.astype(str).str.strip() == "").to_numpy()
        return blank if test == "blank" else ~blank
    if kind == "number" and test in NUMBER_TESTS:
        numbers = pd.to_numeric(values, errors="coerce").astype("float64")
        try:
            low = float(condition["filter"])
            high = float(condition["filterTo"]) if test == "inRange" else None
        except (TypeError, ValueError, KeyError):
            raise GridRequestError(f"column {column!r}: {test} needs a number") from None
        return NUMBER_TESTS[test](numbers, low, high).fillna(False).to_numpy(dtype=bool)
    if kind == "text" and test in TEXT_TESTS:
        wanted = str(condition.get("filter") or "").casefold()
        text = values.astype(object).where(values.notna(), "").map(_text).str.casefold()
        return TEXT_TESTS[test](text, wanted).to_numpy(dtype=bool)
    raise GridRequestError(f"column {column!r}: cannot apply a {kind} filter {test!r}")


def _text(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def ordered(table: pd.DataFrame, model: list[dict] | None, keys: dict[str, Callable] | None = None) -> pd.DataFrame:
    """`table` in the order of AG Grid's sort model (columns in turn, each ascending or descending); text ignores
    case and empty values come first going up, as in the grid. `keys` gives a column's own sort key (a function of
    the table returning a Series). No sort model: the table's own order."""
    if not model:
        return table
    by, ascending, frame = [], [], {}
    for n, item in enumerate(model):
        column, direction = item.get("colId"), item.get("sort")
        if not isinstance(column, str) or column not in table or direction not in ("asc", "desc"):
            raise GridRequestError(f"cannot sort by {column!r} {direction!r}")
        key = (keys or {}).get(column)
        values = key(table) if key else table[column]
        if not key and (values.dtype == object or pd.api.types.is_string_dtype(values)):
            values = values.map(lambda v: None if v is None or v is pd.NA else _text(v).casefold())
        frame[f"k{n}"] = values.to_numpy()
        by.append(f"k{n}")
        ascending.append(direction == "asc")
    order = pd.DataFrame(frame, index=table.index)
    first = "first" if ascending[0] else "last"  # blanks lowest, as the grid has them
    return table.loc[order.sort_values(by, ascending=ascending, na_position=first, kind="stable").index]


def block(table: pd.DataFrame, request: dict | None, default: int = 100) -> pd.DataFrame:
    """The rows from the request's startRow to its endRow (not included)."""
    start = int((request or {}).get("startRow") or 0)
    end = int((request or {}).get("endRow") or start + default)
    return table.iloc[max(start, 0) : max(end, start)]


def records(table: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows as JSON-ready dicts: missing values as None, dates as ISO text."""
    out = {}
    for column in dict.fromkeys(columns):
        values = table[column].astype(object).where(table[column].notna(), None).tolist()
        out[column] = [v.isoformat() if isinstance(v, dt.date) else v for v in values]
    return [dict(zip(out, row, strict=True)) for row in zip(*out.values(), strict=True)] if out else []
