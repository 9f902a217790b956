"""Fixtures for the cache and throttle tests: a real Redis, and one that is down."""

import os
import socket
import uuid

import pytest
from django.core.cache import cache

from core import cache as tolerant_cache
from core.cache import TolerantRedisCache

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_cache(settings):
    if not _redis_answers():
        if os.environ.get("CI"):
            pytest.fail("CI runs on a machine with Redis on 127.0.0.1:6379, and it is down")
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    yield cache
    cache.clear()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(autouse=True)
def _no_outage_left_behind():
    """The outage state is per process: leave none to the next test."""
    yield
    tolerant_cache.outage.down = False
    tolerant_cache.outage.retry_at = 0.0


@pytest.fixture
def down_redis_cache(settings):
    """The production cache backend pointed at a port where nothing listens."""
    location = f"redis://127.0.0.1:{closed_port()}/0"
    return TolerantRedisCache(
        location, {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )
