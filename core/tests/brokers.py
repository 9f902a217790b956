"""Running tasks through a real broker in tests (the suite is eager by default).

`celery_broker(url)` points the Celery app at a broker for the length of a block and
switches eager execution off; `redis_broker_url()` is the Redis the integration tests
use (127.0.0.1:6379 db 9, `TEST_CELERY_REDIS_URL` to change it), skipping when it does
not answer, except in CI, where Redis is started and a silent skip would hide a failure.
"""

import os
import socket
from contextlib import contextmanager
from urllib.parse import urlparse

import pytest
from kombu import pools

from eleven_tutors.celery import app

TEST_CELERY_REDIS_URL = os.environ.get("TEST_CELERY_REDIS_URL", "redis://127.0.0.1:6379/9")
# A loopback port nothing listens on: publishing fails at once (Redis is "down").
CLOSED_BROKER_URL = "redis://127.0.0.1:1/9"


def redis_broker_url() -> str:
    """The test Redis, emptied of this suite's queues (only its own database)."""
    url = urlparse(TEST_CELERY_REDIS_URL)
    try:
        with socket.create_connection((url.hostname, url.port or 6379), timeout=0.5):
            pass
    except OSError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI runs with Redis on {url.hostname}:{url.port}, and it is down")
        pytest.skip(f"no Redis on {url.hostname}:{url.port}")
    import redis

    redis.Redis.from_url(TEST_CELERY_REDIS_URL).flushdb()
    return TEST_CELERY_REDIS_URL


def _drop_connections() -> None:
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


@contextmanager
def celery_broker(url: str):
    """Tasks go through the broker at `url` (not eagerly) inside the block."""
    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    _drop_connections()
    app.conf.update(broker_url=url, task_always_eager=False)
    try:
        yield app
    finally:
        _drop_connections()
        app.conf.update(saved)
