"""The data's version, and what is read once per request or once per version.

The version changes whenever data is loaded (any import, the demo, its removal), so anything derived from the data
can be kept until it changes: the results cache (services.cache, which is given `data_version`), the in-memory
totals (data.columns) and the data's status (`per_version` below).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from contextvars import ContextVar

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from dashboard.data.models import ImportBatch

# What one web request has already asked of the database about the data as a whole (its version, its status, the
# governorate names): a page asks each about ten times. None outside a request: every call asks the database.
_request_memo: ContextVar[dict | None] = ContextVar("mmc_request_memo", default=None)


def begin_request() -> None:
    """From here until end_request, the data's version, status and governorate names are read once (the factory
    calls both around each web request: one answer sees one version of the data)."""
    _request_memo.set({})


def end_request() -> None:
    _request_memo.set(None)


def once_per_request(engine: Engine, name: str, read: Callable[[Engine], object]):
    """`read(engine)`, asked once per web request (every time outside one)."""
    memo = _request_memo.get()
    if memo is None:
        return read(engine)
    key = (name, str(engine.url))
    if key not in memo:
        memo[key] = read(engine)
    return memo[key]


def data_version(engine: Engine) -> tuple:
    """What changes whenever data is loaded: the newest loaded import batch and its time (a refused file changes
    nothing, and leaves every cached figure in place), as this process answers from it: just after a load, the
    version it holds in memory until it has read the new one (data.columns.serving)."""
    return once_per_request(engine, "version", _served_version)


def _served_version(engine: Engine) -> tuple:
    from dashboard.data import columns

    return columns.serving(engine, _read_data_version(engine))


def _read_data_version(engine: Engine) -> tuple:
    with engine.connect() as conn:
        row = conn.execute(
            select(func.max(ImportBatch.id), func.max(ImportBatch.created_at)).where(ImportBatch.status == "loaded")
        ).one()
    return tuple(row)


def per_version(read: Callable[[Engine], object]):
    """`read(engine)` kept for each database until its data's version changes."""
    kept: dict[str, tuple[tuple, object]] = {}
    lock = threading.Lock()

    @functools.wraps(read)
    def wrapper(engine: Engine):
        key, version = str(engine.url), data_version(engine)
        with lock:
            found = kept.get(key)
        if found is not None and found[0] == version:
            return found[1]
        value = read(engine)
        with lock:
            kept[key] = (version, value)
        return value

    return wrapper
