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

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
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


class TolerantRedisCache(RedisCache):
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
