"""The per-process results cache: a caller that changes what it was given does not change what the next one gets."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import create_engine

from dashboard import cache


@pytest.fixture
def counted(monkeypatch):
    """A cached function over a small table, and how often it really ran."""
    monkeypatch.setattr(cache, "_version", lambda engine: 1)
    runs = []

    @cache.cached
    def table(engine, n: int = 3) -> pd.DataFrame:
        runs.append(n)
        return pd.DataFrame({"camp": [f"C{i}" for i in range(n)], "visits": list(range(n)), "tags": [("a",)] * n})

    cache.clear()
    yield table, runs
    cache.clear()


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.__setitem__("visits", 0),
        lambda t: t.loc.__setitem__((0, "visits"), 99),
        lambda t: t.iloc.__setitem__((1, 0), "X"),
        lambda t: t.__setitem__("new", 1),
    ],
)
def test_changing_a_cached_table_leaves_the_next_answer_alone(counted, change):
    table, runs = counted
    engine = create_engine("sqlite://")
    first = table(engine)
    change(first)
    again = table(engine)
    assert runs == [3]  # answered from the cache
    assert again.to_dict("list") == {"camp": ["C0", "C1", "C2"], "visits": [0, 1, 2], "tags": [("a",)] * 3}


def test_same_arguments_with_or_without_their_defaults_share_an_entry(counted):
    table, runs = counted
    engine = create_engine("sqlite://")
    table(engine)
    table(engine, 3)
    table(engine, n=3)
    table(engine, 4)
    assert runs == [3, 4]
