"""What the server processes of a deployment share through Redis when `REDIS_URL` is set: one client per URL and
process (redis-py's pool is safe across threads). Without Redis, each process keeps its own (see the callers)."""

from __future__ import annotations

import functools
import hashlib


@functools.cache
def client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=30)


def prefix(database_url: str) -> str:
    """Keys of one deployment (one database): several deployments may share a Redis, never their state."""
    return "mmc-" + hashlib.sha256(database_url.encode()).hexdigest()[:12]
