"""One definition per word: for random filter sets, as the public and as a coordinator, on SQLite and PostgreSQL, the
overview's "Camps reached x / y" and "People reached" cards, the map's camp statuses, `/api/v1/camps` and
`/api/v1/summary` (totals and per governorate) all count the same camps, asked for the way a browser asks."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import replace
from urllib.parse import urlencode

import numpy as np
import pytest

from dashboard.ingest import demo
from dashboard.web import ids
from tests.helpers import add_coordinator, client_with_csrf, make_app, page_content, sign_in

GOVERNORATES = ["IQ-AN", "IQ-BG", "IQ-KI", "IQ-DI", "IQ-AR", "IQ-DA", "IQ-SU"]
REACHED = {"reached", "under_served"}


def _filter_sets(n: int) -> list[dict]:
    """Random periods inside the demo's span (some running past its end), governorates and syndromes."""
    rng = np.random.default_rng(19)
    sets: list[dict] = [{"start": "2018-10-01", "end": "2018-12-31"}]
    for _ in range(n - 1):
        start = dt.date(2018, 10, 1) + dt.timedelta(days=int(rng.integers(0, 80)))
        end = start + dt.timedelta(days=int(rng.integers(0, 60)))
        query: dict = {"start": start.isoformat(), "end": min(end, dt.date(2018, 12, 31)).isoformat()}
        if rng.random() < 0.6:
            query["governorate"] = sorted(rng.choice(GOVERNORATES, size=int(rng.integers(1, 3)), replace=False))
        if rng.random() < 0.4:
            query["syndrome"] = str(rng.choice(["ari", "awd", "scabies"]))
        sets.append(query)
    return sets


def _node(tree, wanted_id):
    """The component (as the page's JSON) with `wanted_id`."""
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == wanted_id:
            return tree
        tree = list(tree.get("props", {}).values()) if "props" in tree else list(tree.values())
    if isinstance(tree, list):
        for item in tree:
            if (found := _node(item, wanted_id)) is not None:
                return found
    return None


def _strings(tree) -> list[str]:
    """The text a reader sees in a component of the page's JSON: its children's strings, in order."""
    if isinstance(tree, str):
        return [tree]
    if isinstance(tree, dict):
        return _strings(tree.get("props", {}).get("children"))
    if isinstance(tree, list):
        return [s for v in tree for s in _strings(v)]
    return []


def _map_statuses(tree) -> Counter:
    """The statuses of the camps the overview's map draws (geo.camp_columns: `states` and each camp's `s`)."""
    if isinstance(tree, dict):
        if "states" in tree and "s" in tree and "places" in tree:
            return Counter(tree["states"][i] for i in tree["s"])
        for value in tree.values():
            if found := _map_statuses(value):
                return found
    if isinstance(tree, list):
        for value in tree:
            if found := _map_statuses(value):
                return found
    return Counter()


def _dataset() -> demo.Dataset:
    """Three months of demo data, plus one visit in early October to a camp the demo never visits (open all the
    period): visited in a period that holds 3 October, but not reached in one that ends weeks later."""
    data = demo.generate(start=dt.date(2018, 10, 1), end=dt.date(2018, 12, 31))
    chunks = list(data.records)
    visited = set().union(*(set(chunk["camp_code"]) for chunk in chunks))
    latest = data.populations.sort_values("population_date").groupby("camp_code")["population"].last()
    quiet = sorted(set(latest[latest > 0].index) - visited)[0]
    early = chunks[0].head(1).assign(date=dt.date(2018, 10, 3), camp_code=quiet)
    return replace(data, records=iter([*chunks, early]))


@pytest.fixture
def clients(db_url):
    app = make_app(db_url, _dataset())
    add_coordinator(app.server.config["MMC_ENGINE"])
    coordinator = client_with_csrf(app)
    assert sign_in(coordinator).status_code == 303
    return {"public": app.server.test_client(), "coordinator": coordinator}


@pytest.mark.parametrize("audience", ["public", "coordinator"])
def test_the_card_the_map_and_the_api_count_the_same_camps(clients, audience):
    client = clients[audience]
    told_apart = 0  # filter sets where "visited in the period" and "reached" differ: the test can tell them apart
    for query in _filter_sets(6):
        search = urlencode(query, doseq=True)
        page = json.loads(page_content(client, "/", "?" + search))["response"]["_pages_content"]["children"]
        cards = _strings(_node(page, ids.OVERVIEW_FIGURES))
        shown = dict(zip(cards[::3], cards[1::3], strict=False))
        camps = client.get(f"/api/v1/camps?{search}").get_json()["features"]
        summary = client.get(f"/api/v1/summary?{search}").get_json()
        totals = summary["totals"]
        api_status = Counter(feature["properties"]["status"] for feature in camps)
        reached = sum(api_status[s] for s in REACHED)
        open_camps = sum(n for s, n in api_status.items() if s != "closed")
        population = sum(f["properties"]["population"] or 0 for f in camps if f["properties"]["status"] in REACHED)
        where = f"{audience} {search}"

        assert _map_statuses(page) == api_status, where
        assert shown["Camps reached"] == f"{reached} / {open_camps}", where
        assert (totals["camps_reached"], totals["camps"]) == (reached, open_camps), where
        assert shown["People reached"] == f"{population:,}" == f"{totals['population_reached']:,}", where
        assert totals["camps_reached"] <= totals["camps"], where
        assert re.search(
            rf"; {totals['camps_visited']:,} visited at any time in the period$",
            cards[cards.index(shown["Camps reached"]) + 1],
        ), where
        for row in summary["governorates"]:
            in_gov = [f["properties"] for f in camps if f["properties"]["governorate"] == row["governorate"]]
            assert row["camps_reached"] == sum(p["status"] in REACHED for p in in_gov), where
            assert row["camps"] == sum(p["status"] != "closed" for p in in_gov), where
            assert row["camps_reached"] <= row["camps"], where
        told_apart += totals["camps_visited"] != totals["camps_reached"]
    assert told_apart
