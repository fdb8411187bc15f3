"""Checking and loading a file in the background while the data page shows progress.

Each job is a folder in UPLOAD_DIR holding the uploaded file and `status.json`; any server process on the machine
can report a job's progress, so the page works behind several gunicorn workers. A job belongs to the user who
uploaded it. Folders older than a day are removed when the next job starts.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from dashboard.ingest import pipeline

if TYPE_CHECKING:  # (an engine is only passed through to the data layer)
    from sqlalchemy.engine import Engine

MAX_AGE_SECONDS = 24 * 3600
JOB_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class JobError(LookupError):
    """An unknown job, or one that belongs to somebody else."""


class NotChecked(ValueError):
    """Load was asked for a file whose check has not passed: it is never checked again by Load."""


def _folder(root: str, job_id: str) -> Path:
    if not JOB_ID.match(job_id or ""):
        raise JobError("unknown job")
    return Path(root) / job_id


def _write(folder: Path, status: dict) -> None:
    temporary = folder / "status.json.tmp"
    temporary.write_text(json.dumps(status, default=str), encoding="utf-8")
    os.replace(temporary, folder / "status.json")  # readers never see half a file


def create(root: str, *, user: str, kind: str, filename: str, data: bytes) -> str:
    """Keep an uploaded file for checking; returns the job's id."""
    base = Path(root)
    base.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in base.iterdir():
        if old.is_dir() and now - old.stat().st_mtime > MAX_AGE_SECONDS:
            shutil.rmtree(old, ignore_errors=True)
    job_id = secrets.token_urlsafe(24)
    folder = base / job_id
    folder.mkdir()
    (folder / "upload").write_bytes(data)
    _write(
        folder,
        {
            "user": user,
            "kind": kind,
            "filename": Path(filename).name,
            "phase": "queued",
            "done": 0,
            "total": 0,
            "started": now,
        },
    )
    return job_id


def status(root: str, job_id: str, user: str) -> dict:
    """The job's status, for its owner only."""
    folder = _folder(root, job_id)
    try:
        current = json.loads((folder / "status.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise JobError("unknown job") from None
    if current.get("user") != user:
        raise JobError("unknown job")
    return current


def start(
    engine: Engine,
    root: str,
    job_id: str,
    user: str,
    *,
    load: bool,
    max_bytes: int | None = None,
    first_day: int = 0,
) -> None:
    """Check (load=False) or load (load=True, which checks again first: the database may have changed since) the
    job's file in a background thread. Load is refused unless the file's check passed."""
    current = status(root, job_id, user)
    if load and not (current.get("phase") == "checked" and (current.get("outcome") or {}).get("error_count") == 0):
        raise NotChecked("only a file whose check passed can be loaded")
    folder = _folder(root, job_id)
    current.update(phase="queued", done=0, total=0, outcome=None, message=None)
    _write(folder, current)
    threading.Thread(target=_run, args=(engine, folder, current, load, max_bytes, first_day), daemon=True).start()


def _run(engine: Engine, folder: Path, current: dict, load: bool, max_bytes: int | None, first_day: int = 0) -> None:
    last = [0.0]

    def progress(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase != current["phase"] or now - last[0] > 0.25:
            current.update(phase=phase, done=done, total=total)
            _write(folder, current)
            last[0] = now

    try:
        outcome = pipeline.run(
            engine,
            current["kind"],
            (folder / "upload").read_bytes(),
            current["filename"],
            user=current["user"],
            dry_run=not load,
            record_refusal=True,
            progress=progress,
            max_bytes=max_bytes,
            first_day=first_day,
        )
    except Exception as exc:  # reported on the page; the transaction was rolled back, so nothing was written
        current.update(phase="failed", message=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    else:
        current.update(phase="loaded" if outcome.loaded else "checked", outcome=outcome.to_dict())
        if outcome.loaded:
            (folder / "upload").unlink(missing_ok=True)
    _write(folder, current)
