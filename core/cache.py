"""A Redis cache that lets the API keep answering while Redis is down.

The cache holds throttle counters (and, later, cached catalogue pages): both are an
optimisation, not the source of truth. When Redis does not answer, a read is a miss and
a write does nothing, so throttles let requests through and pages are built from the
database. The outage is logged once per process (`core.cache.unavailable`), and its end
once (`core.cache.recovered`); redis-py reconnects on its own, so nothing needs a restart.
After a failure, calls skip Redis for `RETRY_SECONDS` and answer the fallback at once, so
a Redis that hangs (rather than refuses) costs one timeout every few seconds per worker,
not one per cache call.

The readiness check (`GET /api/core/health/`) still reports the cache: it writes a key
and reads it back, which fails while writes are dropped.
"""

import contextlib
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 2.0


class _Outage:
    """Per-process state: whether the last call failed, so each outage logs once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.down = False
        self.retry_at = 0.0

    def skip(self) -> bool:
        """True while Redis failed less than RETRY_SECONDS ago: don't wait on it again."""
        return self.down and time.monotonic() < self.retry_at

    def failed(self, operation: str, exc: Exception) -> None:
        with self._lock:
            self.retry_at = time.monotonic() + RETRY_SECONDS
            if self.down:
                return
            self.down = True
        logger.warning(
            "core.cache.unavailable",
            extra={"operation": operation, "error": type(exc).__name__},
        )

    def succeeded(self) -> None:
        if not self.down:
            return
        with self._lock:
            if not self.down:
                return
            self.down = False
        logger.info("core.cache.recovered")
        # Writes made while Redis was away could not bump the catalogue generation: bump
        # it now so pages cached before the outage are not served again.
        catalogue_changed(now_only=True)


outage = _Outage()


def _tolerant(operation: str, fallback):
    def method(self, *args, **kwargs):
        if outage.skip():
            return fallback(*args, **kwargs) if callable(fallback) else fallback
        try:
            result = getattr(super(TolerantRedisCache, self), operation)(*args, **kwargs)
        except UNAVAILABLE as exc:
            outage.failed(operation, exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback
        outage.succeeded()
        return result

    method.__name__ = operation
    return method


def _get_default(key, default=None, version=None):
    return default


def _get_many_default(keys, version=None):
    return {}


def _set_many_default(data, timeout=None, version=None):
    return list(data)


def _incr_default(key, delta=1, version=None):
    # Django's contract for a missing key; callers of incr already handle it.
    raise ValueError(f"Key '{key}' not found (the cache is unavailable)")


class _SharedClientRedisCacheClient(RedisCacheClient):
    """Django builds a new `redis.Redis` for every cache call, and redis-py 8's
    constructor copies its ~170 response callbacks each time: ~0.25 ms a call, a third of
    a cached catalogue page's whole cost (profiled). A `redis.Redis` is thread-safe (each
    command borrows a connection from the pool), so one per pool serves every call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def count_in_window(self, key, seconds: int) -> int:
        """Add one to the counter `key` (created at 0 with a `seconds` lifetime) and
        return it: SET NX EX and INCR sent together, one round trip, any Redis version."""
        pipe = self.get_client(key, write=True).pipeline(transaction=False)
        pipe.set(key, 0, ex=seconds, nx=True)
        pipe.incr(key)
        return pipe.execute()[1]

    def count_in_window_and_get_many(self, key, seconds: int, keys: list) -> tuple[int, dict]:
        """`count_in_window` and `get_many(keys)` in the same round trip."""
        pipe = self.get_client(key, write=True).pipeline(transaction=False)
        pipe.set(key, 0, ex=seconds, nx=True)
        pipe.incr(key)
        pipe.mget(keys)
        _, count, values = pipe.execute()
        return count, {
            k: self._serializer.loads(v) for k, v in zip(keys, values, strict=True) if v is not None
        }


class _CountingRedisCache(RedisCache):
    """Django's RedisCache with one client per pool and a one-round-trip counter."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClientRedisCacheClient

    def count_in_window(self, key, seconds):
        key = self.make_and_validate_key(key)
        return self._cache.count_in_window(key, seconds)

    def count_in_window_and_get_many(self, key, seconds, keys):
        made = {self.make_and_validate_key(k): k for k in keys}
        count, found = self._cache.count_in_window_and_get_many(
            self.make_and_validate_key(key), seconds, list(made)
        )
        return count, {made[k]: value for k, value in found.items()}


class TolerantRedisCache(_CountingRedisCache):
    get = _tolerant("get", _get_default)
    set = _tolerant("set", None)
    add = _tolerant("add", False)
    touch = _tolerant("touch", False)
    delete = _tolerant("delete", False)
    get_many = _tolerant("get_many", _get_many_default)
    set_many = _tolerant("set_many", _set_many_default)
    delete_many = _tolerant("delete_many", None)
    has_key = _tolerant("has_key", False)
    incr = _tolerant("incr", _incr_default)
    clear = _tolerant("clear", False)
    count_in_window = _tolerant("count_in_window", None)
    count_in_window_and_get_many = _tolerant("count_in_window_and_get_many", (None, {}))


def count_in_window(key: str, seconds: int) -> int | None:
    """How many times `key` was counted in its current window, this call included; the
    counter starts at the first call and lives `seconds`. One Redis round trip; with
    another backend (local memory) an add and an incr. None when the cache cannot say
    (Redis unavailable): callers let the request through."""
    backend = caches["default"]
    if isinstance(backend, TolerantRedisCache):
        return backend.count_in_window(key, seconds)
    backend.add(key, 0, timeout=seconds)
    try:
        return backend.incr(key)
    except ValueError:  # expired between the two calls
        return None


def count_in_window_and_get_many(key: str, seconds: int, keys: list) -> tuple[int | None, dict]:
    """`count_in_window(key, seconds)` and `cache.get_many(keys)`: one Redis round trip
    for both (a cached page and the caller's rate); two calls with another backend."""
    backend = caches["default"]
    if isinstance(backend, TolerantRedisCache):
        return backend.count_in_window_and_get_many(key, seconds, keys)
    return count_in_window(key, seconds), backend.get_many(keys)


# --- The catalogue generation -----------------------------------------------------------
#
# Cached catalogue pages (courses.api.cache) are keyed by one number kept in the same
# shared cache: every write that can change what a catalogue page shows bumps it, so the
# next read on every app server misses and rebuilds from the database. Nothing is deleted
# key by key; old pages just expire (CACHE_TTL_SECONDS). Any app may call
# `catalogue_changed()` (core is the lowest layer); model writes in courses call it from
# signal handlers (courses/signals.py), and each queryset `.update()` that skips signals
# calls it by hand.

GENERATION_KEY = "catalogue:gen"


def _fresh_generation() -> int:
    # Not 1: a generation key lost to eviction must never restart at a number whose pages
    # may still be cached. Microseconds since the epoch only grow and fit Redis' int64.
    return time.time_ns() // 1000


def catalogue_generation() -> int | None:
    """The current generation, or None when the cache is unavailable (then callers
    read straight from the database: pass-through, never stale)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # Missing (never set, evicted) or Redis unavailable: start a fresh number, which
        # is a change too. While Redis is down nothing is served from it anyway, and its
        # recovery bumps again (`_Outage.succeeded`).
        if not cache.add(GENERATION_KEY, _fresh_generation(), timeout=None):
            with contextlib.suppress(ValueError):
                cache.incr(GENERATION_KEY)


def catalogue_changed(*, now_only: bool = False) -> None:
    """Invalidate every cached catalogue page, on every app server.

    Bumps now (so reads later in the same transaction, and tests that never commit, see
    the change) and again after the commit: a reader that cached the pre-commit rows
    under the first bump is superseded by the second. A rolled-back write costs one
    spare miss."""
    _bump()
    if not now_only:
        transaction.on_commit(_bump)


def cache_ttl_seconds() -> int:
    return settings.CACHE_TTL_SECONDS
