"""Logs as one JSON object per line, each carrying the id of the request it belongs to.

`request_id` lives in a context variable set by `core.middleware.RequestLogMiddleware`,
so every line written while a request is served carries it, whatever logger wrote it.
Extra fields come from `logger.info("event.name", extra={...})`; the formatter adds
nothing from the request itself, so no header, body or token reaches a log line unless
code passes it explicitly (and code never passes tokens, passwords or emails).

Importable without Django set up: gunicorn's own logs use this formatter too.
"""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "taskName"}
)
# Never written, even when passed in `extra` by mistake. `request` is the HttpRequest
# Django attaches to its own error records: its repr carries the query string.
_SECRET_KEYS = frozenset(
    {
        "password",
        "token",
        "access",
        "refresh",
        "authorization",
        "secret",
        "email",
        "cookie",
        "request",
    }
)


class JSONFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message", "request_id", ...extra}` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id is not None:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key in _STANDARD_ATTRIBUTES or key.startswith("_") or key in entry:
                continue
            if key.lower() in _SECRET_KEYS:
                continue
            entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
