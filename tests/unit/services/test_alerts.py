"""The alerts a request gets (kept from those found once for the whole data) are the alerts found for that request
alone, on both databases: for any period, governorates, syndrome, camp or unit."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

import pandas as pd
import pytest

from dashboard.data import queries
from dashboard.domain.filters import Filters
from dashboard.ingest import demo
from dashboard.services import cache, figures
from tests.helpers import settings_for

GOVERNORATES = ["IQ-AN", "IQ-BG", "IQ-KI", "IQ-DI", "IQ-AR", "IQ-DA", "IQ-SU"]
SYNDROMES = [None, "awd", "ari", "suspected_measles", "bloody_diarrhoea", "afp"]


@pytest.fixture
def loaded(engine, db_url):
    queries.load_dataset(engine, demo.generate(start=dt.date(2017, 1, 1), end=dt.date(2017, 8, 31)))
    cache.clear()
    yield engine, settings_for(db_url)
    cache.clear()


def _alone(engine, f: Filters, settings) -> pd.DataFrame:
    """The alerts found for the request's own filters (the way they were found before any was kept)."""
    found = figures.detected_alerts(engine, f, figures.alert_rules(settings), settings.first_day)
    camps = queries.camps_in_period(engine, replace(f, syndrome=None, camp=None))
    if f.camp:
        camps = camps[camps["code"] == f.camp]
    return found.merge(camps[["camp_id", "code"]], on="camp_id")


def _key(table: pd.DataFrame) -> list[tuple]:
    return sorted(
        zip(
            pd.to_datetime(table["week"]).dt.date,
            table["code"],
            table["syndrome"],
            table["count"].astype(int),
            table["baseline"].astype(float).fillna(-1),
            table["rule"],
            strict=True,
        )
    )


def test_kept_alerts_are_the_alerts_found_for_each_request(loaded):
    engine, settings = loaded
    rng = random.Random(4)
    camps = queries.camps_in_period(engine, Filters(dt.date(2017, 1, 1), dt.date(2017, 8, 31)))["code"].tolist()
    units = queries.clinics_in_period(engine, Filters(dt.date(2017, 1, 1), dt.date(2017, 8, 31)))["code"].tolist()
    seen = 0
    for n in range(40):
        start = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randint(0, 200))
        end = min(start + dt.timedelta(days=rng.randint(0, 90)), dt.date(2017, 8, 31))
        f = Filters(
            start,
            end,
            governorates=tuple(rng.sample(GOVERNORATES, rng.choice([0, 0, 1, 2]))),
            syndrome=rng.choice(SYNDROMES),
            camp=rng.choice(camps) if n % 7 == 3 else None,
            clinic=rng.choice(units) if n % 9 == 4 else None,
        )
        kept, alone = figures.alerts(engine, f, settings), _alone(engine, f, settings)
        assert _key(kept) == _key(alone), f
        seen += len(kept)
    assert seen > 100  # the demo's outbreaks and measles cases give alerts to compare


def test_a_period_that_ends_mid_week_counts_that_week_to_its_end(loaded):
    engine, settings = loaded
    every = figures.alerts(engine, Filters(dt.date(2017, 1, 1), dt.date(2017, 8, 31)), settings)
    week = every[every["rule"] == "threshold"]["week"].iloc[0].date()  # a week with a threshold alert
    whole = figures.alerts(engine, Filters(week - dt.timedelta(days=28), week + dt.timedelta(days=6)), settings)
    cut = figures.alerts(engine, Filters(week - dt.timedelta(days=28), week), settings)  # its first day only
    in_week = whole[whole["week"].dt.date == week]
    assert not in_week.empty
    counted = cut[cut["week"].dt.date == week]
    # the cut week's counts are of its first day: never more, and not the whole week's
    assert _key(counted) != _key(in_week)
    assert set(counted["count"]) <= set(range(0, int(in_week["count"].max()) + 1))
