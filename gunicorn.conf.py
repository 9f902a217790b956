"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py eleven_tutors.wsgi`.

Read from the environment (listed in `.env.example`): `PORT`, `WEB_CONCURRENCY`,
`GUNICORN_TIMEOUT`. Options on the command line win over this file (the tests bind to
127.0.0.1 with `--bind`).
"""

import multiprocessing
import os


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_int(name: str, default: int) -> int:
    value = env(name)
    return int(value) if value else default


# Behind a load balancer or a reverse proxy: listen on every interface of the container
# or host; the proxy terminates TLS (BEHIND_TLS_PROXY=True in the app's settings).
port = env_int("PORT", 8000)
bind = f"0.0.0.0:{port}"

# Sync workers: the API is database-bound and short; 2 x CPUs + 1 is gunicorn's advice,
# capped so a big host does not open more database connections than PostgreSQL allows
# (each worker keeps one, DATABASE_CONN_MAX_AGE).
workers = env_int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 12))
worker_class = "sync"

# A request that takes longer than this gets its worker killed and replaced (every outside
# call has a shorter timeout of its own: Stripe 20 s, VdoCipher 2 x 10 s).
timeout = env_int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (a deploy, a process manager stop), workers finish the requests in flight
# for up to this long.
graceful_timeout = 30
keepalive = 5
# Replace each worker after about a thousand requests, staggered, so slow leaks never
# build up and not all workers restart at once.
max_requests = 1000
max_requests_jitter = 100

# The heartbeat file lives in memory where there is one (a container's disk may be slow,
# which makes gunicorn believe healthy workers are stuck).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Access lines come from the app (core.middleware: JSON with the request id, status,
# duration and user id), not from gunicorn; gunicorn's own messages are JSON too, on
# stdout like the app's, one object per line.
accesslog = None
errorlog = "-"
loglevel = env("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logging.JSONFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
        # Off: its line has the query string (tokens, emails); the app's line replaces it.
        "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
    "root": {"handlers": [], "level": "WARNING"},
}
