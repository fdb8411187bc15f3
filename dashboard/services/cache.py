"""Results cached per filter set, in each server process, until the data changes.

A cached function's key is its arguments plus the data's version (when data was last loaded), so loading new data
makes every older result unreachable without a restart. Results are copied on the way out: callers may change them.
A table's copy shares its data until someone writes to it (pandas' copy-on-write, always on from pandas 3): a deep
copy of every cached table cost 4 to 8 ms a page at 10,000 camps.

A result asked for while another thread is computing it is waited for, not computed again: a page's parts are
answered in parallel (dashboard/web/parts.py) and several of them start from the same tables.

With Redis (`share`), the results kept once per data version (`kept=True`: every alert of the data, the camps'
places) are also shared by every process of every host through dogpile.cache: one process builds each under a lock
in Redis while the others wait for it, instead of each computing it after every load.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import inspect
import logging
import threading
from collections import OrderedDict

import pandas as pd

log = logging.getLogger(__name__)

MAX_ENTRIES = 256
_store: OrderedDict = OrderedDict()
_lock = threading.Lock()
_kept: dict = {}  # results of cached(kept=True): one per function, database and arguments, of the latest version
_pending: dict = {}  # key -> Event, set when the thread computing it is done
_shared = None  # a dogpile.cache region on Redis (share), or None


def _version(engine) -> object:
    raise RuntimeError("the results cache needs to know the data's version: call services.cache.configure first")


def share(redis_url: str, namespace: str = "mmc") -> None:
    """Share the kept results through the Redis at `redis_url` (none: each process keeps its own)."""
    global _shared
    if not redis_url:
        _shared = None
        return
    from dogpile.cache import make_region

    _shared = make_region(key_mangler=lambda key: f"{namespace}:kept:{key}").configure(
        "dogpile.cache.redis",
        arguments={
            "url": redis_url,
            "distributed_lock": True,  # one builder in the whole fleet
            "thread_local_lock": False,  # (a lock taken in one thread may be released in another)
            "lock_timeout": 900,  # a builder that died frees the lock after this long
            "redis_expiration_time": 2 * 86400,  # older data versions' results leave Redis by themselves
        },
    )


def _build(key: tuple, build, shared: bool):
    """`build()`, or when `shared` and Redis is there, the result another process built for the same key (waiting for
    it while it is built)."""
    if not shared or _shared is None:
        return build()
    import redis

    name = hashlib.sha256(repr(key).encode()).hexdigest()
    failed: list[BaseException] = []

    def guarded():
        try:
            return build()
        except Exception as exc:  # the function's own error: raised below as it is, never cached
            failed.append(exc)
            raise

    try:
        return _shared.get_or_create(name, guarded)
    except redis.RedisError as exc:
        if failed:
            raise failed[0] from None
        log.warning("shared results unavailable (%s): computed here", exc)
        return build()


def configure(version) -> None:
    """Tell the cache how to read a database's data version (data.version.data_version): given, so that the cache
    knows nothing of the database, and the database nothing of the cache."""
    global _version
    _version = version


def cached(function=None, *, kept: bool = False):
    """Cache `function(engine, *args)` by the engine's URL, the data version and the (hashable) arguments, as bound
    to its parameters with their defaults: f(e, x) and f(e, x, default) share one entry.

    `kept=True` is for the few results computed once per data version for every request (not per filter set):
    they are kept until the data changes instead of making way for the latest filter sets' results."""
    if function is None:
        return functools.partial(cached, kept=kept)
    signature = inspect.signature(function)

    @functools.wraps(function)
    def wrapper(engine, *args, **kwargs):
        bound = signature.bind(engine, *args, **kwargs)
        bound.apply_defaults()
        try:
            arguments = (bound.args[1:], tuple(bound.kwargs.items()))
            key = (function.__qualname__, str(engine.url), _version(engine), arguments)
            hash(key)
        except TypeError:  # an unhashable argument (a DataFrame): compute without the cache
            return function(engine, *args, **kwargs)
        with _lock:
            if key in _kept:
                return _copy(_kept[key])
            if key in _store:
                _store.move_to_end(key)
                return _copy(_store[key])
            done = _pending.get(key)
            if done is None:
                done = _pending[key] = threading.Event()
                computing = True
            else:
                computing = False
        if not computing:
            done.wait()
            with _lock:
                if key in _store or key in _kept:
                    return _copy(_store[key] if key in _store else _kept[key])
            return function(engine, *args, **kwargs)  # the other thread failed: its error is ours to meet too
        try:
            result = _build(key, lambda: function(engine, *args, **kwargs), shared=kept)
            with _lock:
                if kept:
                    for older in [k for k in _kept if k[:2] == key[:2] and k[2] != key[2]]:
                        del _kept[older]  # an earlier data version's
                    _kept[key] = result
                else:
                    _store[key] = result
                    while len(_store) > MAX_ENTRIES:
                        _store.popitem(last=False)
        finally:
            with _lock:
                del _pending[key]
            done.set()
        return _copy(result)

    return wrapper


def _copy(result):
    if isinstance(result, (pd.DataFrame, pd.Series)):
        return result.copy(deep=False)  # a write to it copies what it changes, never the cached table
    return copy.deepcopy(result)


def clear() -> None:
    with _lock:
        _store.clear()
        _kept.clear()
