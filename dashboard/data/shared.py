"""What the server processes of a deployment share through Redis when `REDIS_URL` is set: one client per URL and
process (redis-py's pool is safe across threads). Without Redis, each process keeps its own (see the callers)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path


@functools.cache
def client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=30)


def prefix(database_url: str) -> str:
    """Keys of one deployment (one database): several deployments may share a Redis, never their state."""
    return "mmc-" + hashlib.sha256(database_url.encode()).hexdigest()[:12]


PACKAGE = Path(__file__).resolve().parent.parent


@functools.cache
def release(package: Path = PACKAGE) -> str:
    """A fingerprint of the running code (its Python files): results kept in Redis are shared by processes of the
    same release only, since a new release may shape them differently (a column added to a kept table, say) while
    the data, and so the results' version, stays the same across a deploy."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]
