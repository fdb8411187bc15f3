"""The per-process results cache: a caller that changes what it was given does not change what the next one gets."""

from __future__ import annotations

import time

import pandas as pd
import pytest
from sqlalchemy import create_engine

from dashboard.services import cache


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


def test_a_result_being_computed_is_waited_for_not_computed_again(monkeypatch):
    """A page's parts ask in parallel for the same tables: the second asker gets the first one's result."""
    import threading
    import time

    monkeypatch.setattr(cache, "_version", lambda engine: 1)
    runs, started = [], threading.Event()

    @cache.cached
    def slow(engine, n: int) -> list:
        runs.append(n)
        started.set()
        time.sleep(0.2)
        return [n]

    cache.clear()
    engine = create_engine("sqlite://")
    answers = []
    first = threading.Thread(target=lambda: answers.append(slow(engine, 1)))
    first.start()
    started.wait(5)
    second = threading.Thread(target=lambda: answers.append(slow(engine, 1)))
    second.start()
    other = slow(engine, 2)  # another key is not held up by it
    first.join(5)
    second.join(5)
    cache.clear()
    assert runs == [1, 2]
    assert answers == [[1], [1]]
    assert other == [2]


def test_when_the_first_asker_fails_the_one_waiting_computes_it_itself(monkeypatch):
    import threading
    import time

    monkeypatch.setattr(cache, "_version", lambda engine: 1)
    runs, started = [], threading.Event()

    @cache.cached
    def flaky(engine) -> str:
        runs.append(1)
        if len(runs) == 1:
            started.set()
            time.sleep(0.2)
            raise RuntimeError("the database went away")
        return "answer"

    cache.clear()
    engine = create_engine("sqlite://")
    errors, answers = [], []

    def ask(out):
        try:
            out.append(flaky(engine))
        except RuntimeError as exc:
            errors.append(str(exc))

    first = threading.Thread(target=ask, args=(answers,))
    first.start()
    started.wait(5)
    ask(answers)
    first.join(5)
    cache.clear()
    assert errors == ["the database went away"]
    assert answers == ["answer"]
    assert len(runs) == 2


def test_results_kept_per_data_version_outlive_many_filter_sets(monkeypatch):
    version = [1]
    monkeypatch.setattr(cache, "_version", lambda engine: version[0])
    runs = []

    @cache.cached(kept=True)
    def every(engine, syndrome=None) -> list:
        runs.append((version[0], syndrome))
        return [syndrome]

    @cache.cached
    def per_filter(engine, n: int) -> int:
        return n

    cache.clear()
    engine = create_engine("sqlite://")
    every(engine, "awd")
    for n in range(cache.MAX_ENTRIES * 2):  # many filter sets later
        per_filter(engine, n)
    assert every(engine, "awd") == ["awd"]
    assert runs == [(1, "awd")]
    version[0] = 2  # new data: computed again, and the old version's result dropped
    assert every(engine, "awd") == ["awd"]
    assert runs == [(1, "awd"), (2, "awd")]
    assert len(cache._kept) == 1
    cache.clear()


def _build_in_a_process(redis_url: str, namespace: str, started, results) -> None:
    """(In a child process: its own memory, as another server process or host.)"""
    import redis

    cache.clear()
    cache.share(redis_url, namespace)
    cache._version = lambda engine: ("v", 7)  # (the data version this process reads)
    counter = redis.Redis.from_url(redis_url)

    @cache.cached(kept=True)
    def every_alert(engine) -> pd.DataFrame:
        counter.incr(f"{namespace}:builds")
        time.sleep(0.5)  # long enough for the other processes to ask meanwhile
        return pd.DataFrame({"alerts": [1, 2, 3]})

    started.wait()
    results.put(every_alert(create_engine("sqlite://")).to_dict("list"))


def test_results_kept_per_data_version_are_built_once_in_the_whole_fleet(redis_url):
    import multiprocessing
    import uuid

    import redis

    namespace = f"test-{uuid.uuid4().hex[:8]}"
    context = multiprocessing.get_context("fork")
    started, results = context.Event(), context.Queue()
    processes = [
        context.Process(target=_build_in_a_process, args=(redis_url, namespace, started, results)) for _ in range(4)
    ]
    for process in processes:
        process.start()
    started.set()
    answers = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(30)
    assert answers == [{"alerts": [1, 2, 3]}] * 4
    assert int(redis.Redis.from_url(redis_url).get(f"{namespace}:builds")) == 1  # one builder, three waited


def test_without_redis_each_process_builds_its_own(monkeypatch):
    cache.share("")
    monkeypatch.setattr(cache, "_version", lambda engine: 1)
    runs = []

    @cache.cached(kept=True)
    def places(engine) -> int:
        runs.append(1)
        return 5

    cache.clear()
    assert places(create_engine("sqlite://")) == 5
    assert places(create_engine("sqlite://")) == 5
    assert runs == [1]


def test_a_new_release_does_not_read_results_an_older_one_kept_in_redis(tmp_path, redis_url, monkeypatch):
    """Kept results are shared by the processes of one release: a deploy that reshapes a kept table (a column added)
    on the same data must not read the old one back from Redis."""
    import uuid

    from dashboard.data import shared

    code = tmp_path / "dashboard"
    (code / "services").mkdir(parents=True)
    (code / "services" / "figures.py").write_text("COLUMNS = ['name']\n")
    before = shared.release(code)
    assert shared.release(code) == before  # the same code: the same release
    (code / "services" / "figures.py").write_text("COLUMNS = ['name', 'name_ar']\n")
    shared.release.cache_clear()
    after = shared.release(code)
    assert after != before
    deployment = f"test-{uuid.uuid4().hex[:8]}"
    built = []

    def kept_table(release):
        cache.clear()
        cache.share(redis_url, f"{deployment}-{release}")
        monkeypatch.setattr(cache, "_version", lambda engine: ("v", 1))  # (the same data before and after the deploy)

        @cache.cached(kept=True)
        def camp_places(engine) -> pd.DataFrame:
            built.append(release)
            return pd.DataFrame({"name": ["A"]} | ({"name_ar": ["أ"]} if release == after else {}))

        return camp_places(create_engine("sqlite://"))

    try:
        assert list(kept_table(before).columns) == ["name"]
        assert list(kept_table(after).columns) == ["name", "name_ar"]  # built again, not the old release's
        assert built == [before, after]
    finally:
        cache.share("")
        cache.clear()
