"""Early-warning alerts (EWARN rules used in Iraqi camps) over weekly counts per camp and syndrome.

- Single-case alerts: one suspected measles or acute flaccid paralysis case in a week is an alert. (Suspected cholera
  and viral haemorrhagic fever are single-case alerts too, but the records format carries no code for them.)
- Threshold alerts for acute watery diarrhoea, bloody diarrhoea and acute respiratory infections: a week's count at
  least `ratio` times the mean of the previous `baseline_weeks` weeks, and at least `min_count`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SINGLE_CASE = "single_case"
THRESHOLD = "threshold"


@dataclass(frozen=True)
class AlertRules:
    single_case: tuple[str, ...] = ("suspected_measles", "afp")
    threshold: tuple[str, ...] = ("awd", "bloody_diarrhoea", "ari")
    ratio: float = 2.0
    baseline_weeks: int = 3
    min_count: int = 10

    @property
    def syndromes(self) -> tuple[str, ...]:
        return (*self.single_case, *self.threshold)


COLUMNS = ["week", "camp_id", "syndrome", "count", "baseline", "rule"]


def detect(
    weekly: pd.DataFrame,
    rules: AlertRules,
    first_week: pd.Timestamp | None = None,
    since: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Alerts from weekly counts with columns week, camp_id, syndrome, consultations: one row for each alert with
    the week, camp, syndrome, count, baseline (the mean of the previous weeks; None for single cases) and rule.

    Weeks missing from the input count as zero, from `since` (by default the earliest week given) on. Only weeks from
    `first_week` on are reported; earlier weeks serve as the baseline.
    """
    if weekly.empty:
        return pd.DataFrame(columns=COLUMNS)
    out = []
    single = weekly[weekly["syndrome"].isin(rules.single_case) & (weekly["consultations"] >= 1)]
    out.append(
        pd.DataFrame(
            {
                "week": single["week"],
                "camp_id": single["camp_id"],
                "syndrome": single["syndrome"],
                "count": single["consultations"],
                "baseline": None,
                "rule": SINGLE_CASE,
            }
        )
    )
    threshold = weekly[weekly["syndrome"].isin(rules.threshold)]
    if not threshold.empty:
        # One column per camp and syndrome, one row per week (missing weeks are zeros): every series at once.
        first = threshold["week"].min() if since is None else min(since, threshold["week"].min())
        weeks = pd.date_range(first, threshold["week"].max(), freq="7D")
        row = ((threshold["week"] - first) // pd.Timedelta(days=7)).to_numpy()
        names = np.asarray(rules.threshold, dtype=object)
        syndrome = pd.Index(names).get_indexer(threshold["syndrome"])
        keys, column = np.unique(
            threshold["camp_id"].to_numpy(dtype="int64") * len(names) + syndrome, return_inverse=True
        )
        flat = row * len(keys) + column
        weights = threshold["consultations"].to_numpy(dtype=float)
        counts = np.bincount(flat, weights, minlength=len(weeks) * len(keys)).reshape(len(weeks), len(keys))
        # the mean of the `baseline_weeks` weeks before each week (none for the first ones)
        total = np.vstack([np.zeros((1, len(keys))), np.cumsum(counts, axis=0)])
        baseline = np.full_like(counts, np.nan)
        n = rules.baseline_weeks
        baseline[n:] = (total[n:-1] - total[: -n - 1]) / n
        with np.errstate(invalid="ignore"):
            hit = (counts >= rules.min_count) & ~np.isnan(baseline) & (counts >= rules.ratio * baseline)
        rows, cols = np.nonzero(hit)
        out.append(
            pd.DataFrame(
                {
                    "week": weeks[rows],
                    "camp_id": keys[cols] // len(names),
                    "syndrome": names[keys[cols] % len(names)],
                    "count": counts[rows, cols].astype("int64"),
                    "baseline": baseline[rows, cols].round(1),
                    "rule": THRESHOLD,
                }
            )
        )
    alerts = (
        pd.concat([o for o in out if not o.empty], ignore_index=True)
        if any(not o.empty for o in out)
        else pd.DataFrame(columns=COLUMNS)
    )
    if first_week is not None:
        alerts = alerts[alerts["week"] >= first_week]
    return alerts.sort_values(["week", "camp_id", "syndrome"], ignore_index=True)[COLUMNS]
