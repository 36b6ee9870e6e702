"""The server process: one Python process serves every student, so its per-rerun costs matter.

Streamlit runs a full `gc.collect()` after every script run (its `runner.postScriptGC` option). A
full collection walks every object the garbage collector tracks: with numpy, pandas, Altair and
Streamlit loaded that is about 120,000 objects and 40 to 60 ms here, more than the rest of a
rerun. Those objects live as long as the process, so there is nothing to collect among them.
`freeze_imports()` moves them out of the collector's view once (`gc.freeze`); later collections
walk only what the reruns create. Garbage made later is still collected as before.

The same process keeps the results every session shares: `cached` stores them bounded by entries and by bytes
(below), `cache_report` says what each cache holds.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import pandas as pd

_frozen = False


def freeze_imports() -> None:
    """Collect once, then freeze every object alive now. Call after the imports; later calls do nothing."""
    global _frozen
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True


# ---------------------------------------------------------------------------------------------------------------
# Caches of pure results, shared by every session of the process, bounded by entries and by bytes.
#
# `st.cache_data` bounds a cache by entries only, and a trajectory of 20,000 updates is 1.1 MB: 256 of them made
# a 275 MB run cache. It also pickles every result on the way in and unpickles it on every hit (a copy per
# rerun). Here a result is stored as it is, its arrays made read-only (so no session can change what another
# reads), its size counted in bytes, and the least recently used results leave first once either bound is hit.

_caches: dict[str, BoundedCache] = {}


def fingerprint(value: Any) -> Hashable:
    """A hashable key for a plain argument: numbers, text, None, arrays (by content), tuples, lists, dicts and
    dataclasses of those. Floats go by their exact bits (0.0 and -0.0 differ); anything else raises TypeError."""
    if value is None or isinstance(value, str | bytes):
        return value
    if isinstance(value, bool | int | float | np.generic):
        value = value.item() if isinstance(value, np.generic) else value
        return (type(value).__name__, value.hex() if isinstance(value, float) else value)
    if isinstance(value, np.ndarray):
        data = np.ascontiguousarray(value)
        digest = hashlib.blake2b(data.view(np.uint8).reshape(-1) if data.size else b"", digest_size=16).digest()
        return ("ndarray", data.dtype.str, data.shape, digest)
    if isinstance(value, tuple | list):
        return (type(value).__name__, *map(fingerprint, value))
    if isinstance(value, dict):
        return ("dict", *sorted((str(k), fingerprint(v)) for k, v in value.items()))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__, *(fingerprint(getattr(value, f.name)) for f in dataclasses.fields(value)))
    raise TypeError(f"cannot use a {type(value).__name__} as a cache key")


def size_of(value: Any) -> int:
    """Bytes a result holds: arrays and tables by their buffers, containers by what they hold."""
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, pd.DataFrame | pd.Series):
        return int(np.sum(value.memory_usage(deep=True, index=True)))
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(size_of(k) + size_of(v) for k, v in value.items())
    if isinstance(value, tuple | list):
        return sys.getsizeof(value) + sum(map(size_of, value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sys.getsizeof(value) + sum(size_of(getattr(value, f.name)) for f in dataclasses.fields(value))
    return sys.getsizeof(value)


def _read_only(value: Any) -> Any:
    """Make every array inside `value` read-only (in place) and return it: a shared result cannot be edited."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, dict):
        for v in value.values():
            _read_only(v)
    elif isinstance(value, tuple | list):
        for v in value:
            _read_only(v)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _read_only(getattr(value, f.name))
    return value


class BoundedCache:
    """Results by key, least recently used first out once there are more than `max_entries` or more than
    `max_bytes` bytes. A result larger than `max_bytes` on its own is returned but not kept."""

    def __init__(self, name: str, max_entries: int, max_bytes: int) -> None:
        if max_entries < 1 or max_bytes < 1:
            raise ValueError(f"need max_entries >= 1 and max_bytes >= 1, got {max_entries=}, {max_bytes=}")
        self.name, self.max_entries, self.max_bytes = name, max_entries, max_bytes
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.nbytes = 0
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The result stored under `key`, or `compute()` stored there (outside the lock: others keep reading).
        A table comes back as a copy (pandas has no read-only frames); arrays come back read-only."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
        if found is None:
            value = _read_only(compute())
            self.put(key, value)
        else:
            value = found[0]
        return value.copy() if isinstance(value, pd.DataFrame) else value

    def put(self, key: Hashable, value: Any) -> None:
        size = size_of(value)
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._items:
                self.nbytes -= self._items.pop(key)[1]
            self._items[key] = (value, size)
            self.nbytes += size
            while len(self._items) > self.max_entries or self.nbytes > self.max_bytes:
                self.nbytes -= self._items.popitem(last=False)[1][1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.nbytes = 0


def cached(max_entries: int, max_mb: float) -> Callable[[Callable], Callable]:
    """Cache a pure function's results in a `BoundedCache` named after it (at most `max_entries` results and
    `max_mb` megabytes); the arguments are its key (`fingerprint`). The wrapper's `.cache` is the store."""

    def wrap(fn: Callable) -> Callable:
        name = f"{fn.__module__}.{fn.__qualname__}"
        store = _caches[name] = BoundedCache(name, max_entries, int(max_mb * 2**20))

        @functools.wraps(fn)
        def call(*args, **kwargs):
            return store.get(fingerprint((args, kwargs)), lambda: fn(*args, **kwargs))

        call.cache = store
        return call

    return wrap


def cache_report() -> list[tuple[str, int, int, int]]:
    """(name, entries, bytes held, byte bound) of every cache made by `cached`, largest first."""
    rows = [(c.name, len(c), c.nbytes, c.max_bytes) for c in list(_caches.values())]
    return sorted(rows, key=lambda r: -r[2])


def clear_caches() -> None:
    for c in list(_caches.values()):
        c.clear()
