"""Results cached per filter set, in each server process, until the data changes.

A cached function's key is its arguments plus the data's version (when data was last loaded), so loading new data
makes every older result unreachable without a restart. Results are copied on the way out: callers may change them.
A table's copy shares its data until someone writes to it (pandas' copy-on-write, always on from pandas 3): a deep
copy of every cached table cost 4 to 8 ms a page at 10,000 camps.

A result asked for while another thread is computing it is waited for, not computed again: a page's parts are
answered in parallel (dashboard/web/parts.py) and several of them start from the same tables.
"""

from __future__ import annotations

import copy
import functools
import inspect
import threading
from collections import OrderedDict

import pandas as pd

MAX_ENTRIES = 256
_store: OrderedDict = OrderedDict()
_lock = threading.Lock()
_kept: dict = {}  # results of cached(kept=True): one per function, database and arguments, of the latest version
_pending: dict = {}  # key -> Event, set when the thread computing it is done


def _version(engine) -> object:
    raise RuntimeError("the results cache needs to know the data's version: call services.cache.configure first")


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
            result = function(engine, *args, **kwargs)
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
