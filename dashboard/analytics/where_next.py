"""Where the next team should go: greedy maximum coverage of the camp population not reached today.

A stop covers every camp within `radius_km` of it. Candidates are camp positions (a team stops at a camp and serves
the camps around it). Each pick takes the stop that adds the most uncovered population; ties go to the lower index.
Greedy maximum coverage is within 1 - 1/e (about 63%) of the best possible and is what planners can follow by hand.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import shapely

KM_PER_DEGREE = 111.32


@dataclass(frozen=True)
class Pick:
    candidate: int  # index into the candidates
    gain: float  # population newly covered by this stop
    covered: tuple[int, ...]  # indices of the camps it newly covers


def _projected(lat: np.ndarray, lon: np.ndarray, lat0: float) -> np.ndarray:
    """Positions in km on a plane tangent at latitude lat0: exact enough within a country for radii of a few km."""
    return np.column_stack([lon * KM_PER_DEGREE * np.cos(np.radians(lat0)), lat * KM_PER_DEGREE])


def coverage_sets(camp_lat, camp_lon, cand_lat, cand_lon, radius_km: float) -> list[np.ndarray]:
    """For each candidate, the sorted indices of the camps within radius_km."""
    camp_lat, camp_lon = np.asarray(camp_lat, float), np.asarray(camp_lon, float)
    cand_lat, cand_lon = np.asarray(cand_lat, float), np.asarray(cand_lon, float)
    if len(camp_lat) == 0:
        return [np.array([], dtype=int) for _ in range(len(cand_lat))]
    lat0 = float(np.mean(camp_lat))
    tree = shapely.STRtree(shapely.points(_projected(camp_lat, camp_lon, lat0)))
    candidate, camp = tree.query(
        shapely.points(_projected(cand_lat, cand_lon, lat0)), predicate="dwithin", distance=radius_km * (1 + 1e-12)
    )
    order = np.lexsort((camp, candidate))
    candidate, camp = candidate[order], camp[order]
    bounds = np.searchsorted(candidate, np.arange(len(cand_lat) + 1))
    return [camp[bounds[i] : bounds[i + 1]].astype(int) for i in range(len(cand_lat))]


def greedy_max_coverage(sets: list[np.ndarray], weights, k: int) -> list[Pick]:
    """Up to k picks, each the set adding the most uncovered weight (lazy evaluation); stops when nothing is left."""
    weights = np.asarray(weights, float)
    covered = np.zeros(len(weights), dtype=bool)
    heap = [(-float(weights[s].sum()), i) for i, s in enumerate(sets)]
    heapq.heapify(heap)
    picks: list[Pick] = []
    while heap and len(picks) < k:
        negative, i = heapq.heappop(heap)
        fresh = sets[i][~covered[sets[i]]]
        gain = float(weights[fresh].sum())
        if gain <= 0:
            if -negative <= 0:
                break
            continue
        if heap and gain < -heap[0][0] - 1e-9:
            heapq.heappush(heap, (-gain, i))  # stale: its gain shrank since it was queued
            continue
        covered[fresh] = True
        picks.append(Pick(candidate=i, gain=gain, covered=tuple(int(c) for c in fresh)))
    return picks


def where_next(camp_lat, camp_lon, unmet_population, radius_km: float, k: int) -> list[Pick]:
    """The k stops (camp indices) that would cover the most population not reached today within radius_km."""
    if radius_km <= 0:
        raise ValueError(f"radius must be above 0 km, not {radius_km}")
    if k < 1:
        raise ValueError(f"the number of stops must be at least 1, not {k}")
    sets = coverage_sets(camp_lat, camp_lon, camp_lat, camp_lon, radius_km)
    return greedy_max_coverage(sets, unmet_population, k)
