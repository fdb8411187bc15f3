"""Checking and loading a data page upload as a job, so that the page shows progress and nothing is lost.

The upload and where it stands live in the database (data.uploads), so any server process on any host can answer
the page's poll. Who runs it depends on `REDIS_URL`:

- with Redis, the job goes on an RQ queue and a worker process (`python -m dashboard worker`, on any host) runs it;
  the web host that received the file may restart meanwhile. A running job's worker keeps an "alive" key in Redis;
  every worker looks every few seconds for jobs whose key has expired (their worker was killed) and queues them
  again. A load is recorded with its upload's id under a unique key, so a job run twice loads its file once.
- without Redis (the one-process start), a thread of the web process runs it.

Live progress (rows read or written) is not written to the database, where it would wait on the load's own writes
(SQLite has one writer): it goes to Redis, or to the process's memory.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from dashboard.data import loading, shared, uploads
from dashboard.ingest import pipeline

if TYPE_CHECKING:  # (an engine is only passed through to the data layer)
    from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)
QUEUE = "mmc-loads"
ALIVE_SECONDS = 15  # a running job's worker says it is alive this often at most apart; silent longer, it is dead
BEAT_SECONDS = 3
SWEEP_SECONDS = 5
TIMEOUT_SECONDS = 3600  # the longest a check or load may run (10 million rows load in a few minutes)
_live: dict[str, dict] = {}  # without Redis: progress of the jobs this process runs
_beating: set[str] = set()


class JobError(LookupError):
    """An unknown job, or one that belongs to somebody else."""


class NotChecked(ValueError):
    """Load was asked for a file whose check has not passed: it is never checked again by Load."""


def create(engine: Engine, *, user: str, kind: str, filename: str, data: bytes) -> str:
    """Keep an uploaded file for checking; returns the job's id."""
    job = secrets.token_urlsafe(24)
    uploads.create(engine, job, user=user, kind=kind, filename=Path(filename).name or "upload", data=data)
    return job


def status(engine: Engine, job: str, user: str, redis_url: str = "") -> dict:
    """The job's state for its owner only: phase (queued, running, checked, loaded, failed, or while running the
    step: reading, checking, writing...), done and total rows, outcome, message."""
    found = uploads.get(engine, job) if job else None
    if found is None or found["username"] != user:
        raise JobError("unknown job")
    current = {"kind": found["kind"], "filename": found["filename"], "phase": found["phase"], "done": 0, "total": 0}
    current.update(outcome=found["outcome"], message=found["message"], action=found["action"])
    live = _progress(redis_url, job) if found["phase"] == uploads.RUNNING else None
    if live and live["phase"] != "done":  # (done: the result is being recorded)
        current.update(live)
    return current


def start(
    engine: Engine,
    job: str,
    user: str,
    *,
    load: bool,
    redis_url: str = "",
    max_bytes: int | None = None,
    first_day: int = 0,
) -> None:
    """Queue a check (load=False) or a load (load=True, which checks again first: the database may have changed
    since) of the job's file. Load is refused unless the file's check passed."""
    current = status(engine, job, user, redis_url)
    if load and current["action"] == "load" and current["phase"] != "failed":
        return  # asked twice (a second click, or a request that a proxy sent again to another host): once is enough
    if load and not (current["phase"] == "checked" and (current["outcome"] or {}).get("error_count") == 0):
        raise NotChecked("only a file whose check passed can be loaded")
    uploads.queue(engine, job, "load" if load else "check")
    dispatch(engine, job, redis_url=redis_url, max_bytes=max_bytes, first_day=first_day)


def dispatch(engine: Engine, job: str, *, redis_url: str, max_bytes: int | None, first_day: int) -> None:
    """Have the queued job run: by a worker through Redis, or by a thread of this process."""
    if redis_url:
        import redis
        from rq import Queue

        try:
            Queue(QUEUE, connection=shared.client(redis_url)).enqueue(
                work, job, max_bytes, first_day, job_timeout=TIMEOUT_SECONDS, result_ttl=3600, failure_ttl=86400
            )
        except redis.RedisError as exc:  # said on the page; nothing was checked or written
            log.error("job %s could not be queued: %s", job, exc)
            uploads.finish(engine, job, "failed", message=f"the queue (Redis) could not be reached: {exc}")
        return
    kwargs = {"max_bytes": max_bytes, "first_day": first_day}
    threading.Thread(target=run, args=(engine, job), kwargs=kwargs, daemon=True).start()


def run(engine: Engine, job: str, *, redis_url: str = "", max_bytes: int | None = None, first_day: int = 0) -> None:
    """Claim the queued job and check or load its file; nothing if another runner has it or it is done."""
    action = uploads.claim(engine, job)
    if action is None:
        return
    found = uploads.get(engine, job) or {}
    last = [0.0]
    stop = _keep_alive(redis_url, job)

    def progress(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] > 0.25 or phase == "done":
            _set_progress(redis_url, job, {"phase": phase, "done": done, "total": total})
            last[0] = now

    try:
        earlier = loading.batch_of_job(engine, job) if action == "load" else None
        if earlier is not None:  # loaded by a runner that died before it could say so: loaded once is enough
            outcome = {**(found.get("outcome") or {}), "loaded": True, "added": earlier["added"]}
            outcome["replaced"] = earlier["replaced"]
            uploads.finish(engine, job, "loaded", outcome=outcome)
            return
        result = pipeline.run(
            engine,
            found["kind"],
            uploads.data(engine, job) or b"",
            found["filename"],
            user=found["username"],
            dry_run=action != "load",
            record_refusal=True,
            progress=progress,
            max_bytes=max_bytes,
            first_day=first_day,
            job=job,
        )
    except Exception as exc:  # reported on the page; the transaction was rolled back, so nothing was written
        log.exception("job %s failed", job)
        uploads.finish(engine, job, "failed", message=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    else:
        uploads.finish(engine, job, "loaded" if result.loaded else "checked", outcome=result.to_dict())
    finally:
        stop()
        _clear_progress(redis_url, job)


# -- the worker ------------------------------------------------------------------------------------------------------

_worker: dict = {}  # the worker process's database URL and Redis URL (serve_worker)


def work(job: str, max_bytes: int | None, first_day: int) -> None:
    """A queued job, as a worker runs it (RQ calls this in a child process of the worker)."""
    from dashboard.data import schema

    engine = schema.make_engine(_worker["database_url"])
    try:
        run(engine, job, redis_url=_worker["redis_url"], max_bytes=max_bytes, first_day=first_day)
    finally:
        engine.dispose()


def recover(
    engine: Engine, redis_url: str, *, max_bytes: int | None, first_day: int, grace: float | None = None
) -> list[str]:
    """Queue again the jobs whose worker died while running them (no "alive" key), claimed at least `grace` seconds
    ago (by default ALIVE_SECONDS: a job claimed a moment ago may not have said it is alive yet)."""
    dead = []
    grace = ALIVE_SECONDS if grace is None else grace
    for job in uploads.running(engine, claimed_before=dt.timedelta(seconds=grace)):
        if not shared.client(redis_url).exists(_key(job, "alive")) and uploads.requeue(engine, job):
            log.warning("job %s lost its worker: queued again", job)
            dispatch(engine, job, redis_url=redis_url, max_bytes=max_bytes, first_day=first_day)
            dead.append(job)
    return dead


def serve_worker(database_url: str, redis_url: str, *, max_bytes: int | None, first_day: int, burst: bool = False):
    """Take jobs from the queue until stopped (`burst`: until the queue is empty), queueing again every few seconds
    the jobs of workers that died."""
    from rq import Queue, Worker

    from dashboard.data import schema

    _worker.update(database_url=database_url, redis_url=redis_url)
    engine = schema.make_engine(database_url)
    stopped = threading.Event()

    def sweep() -> None:
        while not stopped.wait(SWEEP_SECONDS):
            try:
                recover(engine, redis_url, max_bytes=max_bytes, first_day=first_day)
            except Exception:  # a database or Redis hiccup: the next sweep tries again
                log.exception("could not look for lost jobs")

    recover(engine, redis_url, max_bytes=max_bytes, first_day=first_day)
    engine.dispose()  # (a child process must not share the parent's connections)
    threading.Thread(target=sweep, daemon=True, name="mmc-sweep").start()
    connection = shared.client(redis_url)
    try:
        Worker([Queue(QUEUE, connection=connection)], connection=connection).work(burst=burst, with_scheduler=False)
    finally:
        stopped.set()


# -- live progress ---------------------------------------------------------------------------------------------------


def _key(job: str, what: str) -> str:
    return f"mmc-job:{job}:{what}"  # (a job's id is random: no two deployments share one)


def _set_progress(redis_url: str, job: str, values: dict) -> None:
    if not redis_url:
        _live[job] = values
        return
    key = _key(job, "progress")
    shared.client(redis_url).pipeline().hset(key, mapping=values).expire(key, 86400).execute()


def _progress(redis_url: str, job: str) -> dict | None:
    if not redis_url:
        return _live.get(job)
    found = shared.client(redis_url).hgetall(_key(job, "progress"))
    if not found:
        return None
    values = {k.decode(): v.decode() for k, v in found.items()}
    return {"phase": values["phase"], "done": int(values["done"]), "total": int(values["total"])}


def _clear_progress(redis_url: str, job: str) -> None:
    if not redis_url:
        _live.pop(job, None)
        return
    shared.client(redis_url).delete(_key(job, "progress"))


def _keep_alive(redis_url: str, job: str):
    """Say every few seconds that this job's runner is alive (in Redis); returns the function that stops it."""
    if not redis_url:
        return lambda: None
    stopped = threading.Event()
    key = _key(job, "alive")
    client = shared.client(redis_url)
    client.set(key, "1", ex=ALIVE_SECONDS)

    def beat() -> None:
        while not stopped.wait(BEAT_SECONDS):
            try:
                client.set(key, "1", ex=ALIVE_SECONDS)
            except Exception:  # Redis away for a moment: the next beat tries again
                log.warning("job %s: could not say it is alive", job)

    threading.Thread(target=beat, daemon=True, name=f"mmc-alive-{job[:8]}").start()

    def stop() -> None:
        stopped.set()
        client.delete(key)

    return stop
