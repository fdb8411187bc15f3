"""Checks and loads of data page uploads as jobs: on the Redis queue, run by a worker process, on SQLite and
PostgreSQL; a job whose worker died is queued again and its file is loaded once."""

from __future__ import annotations

import pytest
from rq import Queue

from dashboard.data import loading, shared, uploads
from dashboard.ingest import jobs

CAMPS = (
    "camp_code,camp_name,governorate,latitude,longitude,population,population_date\n"
    "Q1,Camp Q,Kirkuk,35.4,44.3,700,2017-01-01\n"
)


@pytest.fixture
def queue(redis_url):
    """The loads' queue on the test Redis, empty before and after."""
    found = Queue(jobs.QUEUE, connection=shared.client(redis_url))
    found.empty()
    yield found
    found.empty()


def _work(db_url, redis_url):
    """What `python -m dashboard worker --burst` does: run the queued jobs in a worker, then stop."""
    jobs.serve_worker(db_url, redis_url, max_bytes=None, first_day=0, burst=True)


def _loaded(engine, filename="camps.csv"):
    return [b for b in loading.history(engine) if b["source"] == filename and b["status"] == "loaded"]


def test_check_then_load_on_the_queue_by_a_worker(engine, db_url, redis_url, queue):
    job = jobs.create(engine, user="carol", kind="camps", filename="camps.csv", data=CAMPS.encode())
    jobs.start(engine, job, "carol", load=False, redis_url=redis_url)
    assert jobs.status(engine, job, "carol", redis_url)["phase"] == "queued"  # the web process ran nothing itself
    assert queue.count == 1
    _work(db_url, redis_url)
    checked = jobs.status(engine, job, "carol", redis_url)
    assert (checked["phase"], checked["outcome"]["rows"], checked["outcome"]["error_count"]) == ("checked", 1, 0)
    assert loading.count_rows(engine)["camps"] == 0  # a check writes nothing
    jobs.start(engine, job, "carol", load=True, redis_url=redis_url)
    _work(db_url, redis_url)
    loaded = jobs.status(engine, job, "carol", redis_url)
    assert loaded["phase"] == "loaded"
    assert loaded["outcome"]["added"] == 1
    assert loading.count_rows(engine)["camps"] == 1
    assert uploads.data(engine, job) is None  # the file is not kept once loaded
    with pytest.raises(jobs.JobError):
        jobs.status(engine, job, "mallory", redis_url)


def test_a_job_whose_worker_died_is_queued_again_and_its_file_loaded_once(engine, db_url, redis_url, queue):
    job = jobs.create(engine, user="carol", kind="camps", filename="camps.csv", data=CAMPS.encode())
    jobs.run(engine, job)  # checked (in this process)
    uploads.queue(engine, job, "load")
    assert uploads.claim(engine, job) == "load"  # a worker took it...
    assert uploads.claim(engine, job) is None  # (and no other can)
    # ...and was killed before it said it was alive: the sweep of any worker queues it again
    assert jobs.recover(engine, redis_url, max_bytes=None, first_day=0) == []  # (not yet: it may be starting)
    assert jobs.recover(engine, redis_url, max_bytes=None, first_day=0, grace=0) == [job]
    assert jobs.status(engine, job, "carol", redis_url)["phase"] == "queued"
    _work(db_url, redis_url)
    assert jobs.status(engine, job, "carol", redis_url)["phase"] == "loaded"
    # A runner that loaded it but died before saying so: the job runs again and finds its batch, loading nothing
    uploads.queue(engine, job, "load")
    jobs.run(engine, job)
    again = jobs.status(engine, job, "carol")
    assert again["phase"] == "loaded"
    assert again["outcome"]["added"] == 1
    assert len(_loaded(engine)) == 1
    assert loading.count_rows(engine)["camps"] == 1


def test_a_running_job_that_says_it_is_alive_is_left_to_its_worker(engine, redis_url, queue):
    job = jobs.create(engine, user="carol", kind="camps", filename="camps.csv", data=CAMPS.encode())
    assert uploads.claim(engine, job) == "check"
    stop = jobs._keep_alive(redis_url, job)
    try:
        assert jobs.recover(engine, redis_url, max_bytes=None, first_day=0, grace=0) == []
    finally:
        stop()
    assert queue.count == 0


def test_progress_of_a_running_job_is_read_from_redis_by_any_process(engine, redis_url):
    job = jobs.create(engine, user="carol", kind="records", filename="r.csv", data=b"x")
    uploads.claim(engine, job)
    jobs._set_progress(redis_url, job, {"phase": "writing", "done": 500, "total": 2000})
    current = jobs.status(engine, job, "carol", redis_url)
    assert (current["phase"], current["done"], current["total"]) == ("writing", 500, 2000)
    jobs._clear_progress(redis_url, job)
    assert jobs.status(engine, job, "carol", redis_url)["phase"] == "running"


def test_the_same_upload_cannot_be_recorded_as_loaded_twice(engine):
    from dashboard.ingest import pipeline, read, validate

    first = pipeline.run(engine, "camps", CAMPS.encode(), "camps.csv", user="carol", job="J" * 32)
    assert first.loaded
    with pytest.raises(Exception, match=r"(?i)unique"):
        loading.load(
            engine,
            validate.check(read.read_table(CAMPS.encode(), "camps.csv", "camps")),
            source="camps.csv",
            sha256="x",
            created_by="carol",
            job="J" * 32,
        )
    assert len(_loaded(engine)) == 1


def test_load_asked_twice_is_queued_once(engine, redis_url, queue):
    """A second click on Load, or the same request sent again by the proxy to another host, queues nothing more."""
    job = jobs.create(engine, user="carol", kind="camps", filename="camps.csv", data=CAMPS.encode())
    jobs.run(engine, job)
    jobs.start(engine, job, "carol", load=True, redis_url=redis_url)
    jobs.start(engine, job, "carol", load=True, redis_url=redis_url)
    assert queue.count == 1


def test_a_queue_that_cannot_be_reached_fails_the_job_with_its_reason(engine):
    job = jobs.create(engine, user="carol", kind="camps", filename="camps.csv", data=CAMPS.encode())
    jobs.start(engine, job, "carol", load=False, redis_url="redis://127.0.0.1:1/0")  # (nothing listens there)
    failed = jobs.status(engine, job, "carol")
    assert failed["phase"] == "failed"
    assert "the queue (Redis) could not be reached" in failed["message"]
