"""Where next: greedy maximum coverage checked against brute force, and fast enough for 10,000 camps."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest

from dashboard.analytics import where_next


def _brute_sets(lat, lon, radius_km):
    d = np.array(
        [
            [
                where_next.KM_PER_DEGREE
                * np.hypot((lat[i] - lat[j]), (lon[i] - lon[j]) * np.cos(np.radians(np.mean(lat))))
                for j in range(len(lat))
            ]
            for i in range(len(lat))
        ]
    )
    return [np.flatnonzero(row <= radius_km) for row in d]


def _value(sets, weights, chosen):
    covered = set().union(*(set(sets[c].tolist()) for c in chosen)) if chosen else set()
    return float(sum(weights[i] for i in covered))


@pytest.mark.parametrize("seed", range(25))
def test_greedy_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 9))
    lat = 36 + rng.uniform(0, 0.15, n)
    lon = 43 + rng.uniform(0, 0.15, n)
    weights = rng.integers(0, 5000, n).astype(float)
    radius = float(rng.uniform(2, 8))
    sets = where_next.coverage_sets(lat, lon, lat, lon, radius)
    brute = _brute_sets(lat, lon, radius)
    assert [s.tolist() for s in sets] == [s.tolist() for s in brute]
    for k in (1, 2, 3):
        picks = where_next.where_next(lat, lon, weights, radius, k)
        best = max(_value(sets, weights, c) for c in itertools.combinations(range(n), min(k, n)))
        got = sum(p.gain for p in picks)
        assert got == pytest.approx(_value(sets, weights, [p.candidate for p in picks]))
        assert got >= (1 - 1 / np.e) * best - 1e-6
        if k == 1:
            assert got == best
        # Each pick adds the best marginal gain available at its step.
        chosen: list[int] = []
        for pick in picks:
            base = _value(sets, weights, chosen)
            assert pick.gain == pytest.approx(max(_value(sets, weights, [*chosen, c]) - base for c in range(n)))
            chosen.append(pick.candidate)


def test_stops_when_everything_is_covered():
    lat, lon = np.array([36.0, 36.001, 37.0]), np.array([43.0, 43.0, 44.0])
    picks = where_next.where_next(lat, lon, [100, 50, 0], 5, k=3)
    assert len(picks) == 1
    assert picks[0].gain == 150
    assert set(picks[0].covered) == {0, 1}


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="radius"):
        where_next.where_next([36], [43], [1], 0, 1)
    with pytest.raises(ValueError, match="number of stops"):
        where_next.where_next([36], [43], [1], 5, 0)


def test_ten_thousand_camps_in_under_a_second():
    rng = np.random.default_rng(1)
    n = 10_000
    lat, lon = rng.uniform(32, 37.3, n), rng.uniform(39, 46.5, n)
    weights = np.where(rng.random(n) < 0.3, rng.integers(100, 20_000, n), 0)
    started = time.perf_counter()
    picks = where_next.where_next(lat, lon, weights, 5.0, 20)
    elapsed = time.perf_counter() - started
    assert len(picks) == 20
    assert all(a.gain >= b.gain for a, b in itertools.pairwise(picks))
    assert elapsed < 1.0, f"{elapsed:.2f} s"
