"""Files given on the data page, kept in the database so that any server process, on any host, and any queue worker
can read them and say where their check or load stands (ingest.jobs runs them)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine

from dashboard.data.models import Upload

RUNNING = "running"
FINISHED = ("checked", "loaded", "failed")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create(engine: Engine, job: str, *, user: str, kind: str, filename: str, data: bytes, keep_days: int = 1) -> None:
    """Keep a new upload (and forget those older than `keep_days`, loaded or not)."""
    now = _now()
    with engine.begin() as conn:
        conn.execute(delete(Upload).where(Upload.created_at < now - dt.timedelta(days=keep_days)))
        conn.execute(
            insert(Upload),
            dict(
                id=job,
                username=user[:64],
                kind=kind,
                filename=filename[:255],
                data=data,
                action="check",
                phase="queued",
                attempts=0,
                created_at=now,
                updated_at=now,
            ),
        )


def get(engine: Engine, job: str) -> dict | None:
    """An upload's state (not its file): user, kind, filename, action, phase, attempts, outcome, message."""
    columns = [c for c in Upload.__table__.c if c.name != "data"]
    with engine.connect() as conn:
        row = conn.execute(select(*columns).where(Upload.id == job)).mappings().one_or_none()
    if row is None:
        return None
    found = dict(row)
    found["outcome"] = json.loads(found["outcome"]) if found["outcome"] else None
    return found


def data(engine: Engine, job: str) -> bytes | None:
    with engine.connect() as conn:
        return conn.scalar(select(Upload.data).where(Upload.id == job))


def queue(engine: Engine, job: str, action: str) -> None:
    """Ask for the upload to be checked or loaded (again): it waits for a runner to claim it. A load keeps the
    check's outcome until its own replaces it; `attempts` counts the runs of this action."""
    values: dict = dict(action=action, phase="queued", attempts=0, message=None, updated_at=_now())
    if action == "check":
        values["outcome"] = None
    with engine.begin() as conn:
        conn.execute(update(Upload).where(Upload.id == job).values(**values))


def claim(engine: Engine, job: str) -> str | None:
    """Take a queued upload for running it: its action (check or load), or None when it is not waiting (another
    runner took it, or it is done). One runner wins, whatever the number of workers asking at once."""
    with engine.begin() as conn:
        taken = conn.execute(
            update(Upload)
            .where(Upload.id == job, Upload.phase == "queued")
            .values(phase=RUNNING, attempts=Upload.attempts + 1, updated_at=_now())
        ).rowcount
        return conn.scalar(select(Upload.action).where(Upload.id == job)) if taken else None


def finish(engine: Engine, job: str, phase: str, *, outcome: dict | None = None, message: str | None = None) -> None:
    """Record how the check or load ended; a loaded upload's file is no longer kept."""
    values: dict = dict(phase=phase, outcome=json.dumps(outcome, default=str) if outcome else None, updated_at=_now())
    values["message"] = message[:500] if message else None
    if phase == "loaded":
        values["data"] = None
    with engine.begin() as conn:
        conn.execute(update(Upload).where(Upload.id == job).values(**values))


def running(engine: Engine, claimed_before: dt.timedelta = dt.timedelta(0)) -> list[str]:
    """Uploads a runner claimed at least `claimed_before` ago and has not finished (oldest first)."""
    since = _now() - claimed_before
    with engine.connect() as conn:
        found = select(Upload.id).where(Upload.phase == RUNNING, Upload.updated_at <= since)
        return list(conn.scalars(found.order_by(Upload.updated_at)))


def requeue(engine: Engine, job: str) -> bool:
    """Put back in the queue an upload whose runner died (its worker was killed): True if it was still running."""
    with engine.begin() as conn:
        changed = conn.execute(
            update(Upload).where(Upload.id == job, Upload.phase == RUNNING).values(phase="queued", updated_at=_now())
        ).rowcount
    return bool(changed)
