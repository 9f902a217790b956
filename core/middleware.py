"""Request id and access log: one JSON line per request, and the id echoed to the client.

The id is the client's (or the load balancer's) `X-Request-ID` when it is a sane value
(1 to 128 characters of letters, digits, `-`, `_`, `.`, `:`), else a fresh uuid4 hex; it is
echoed in the response's `X-Request-ID` and carried by every log line of the request
(`core.logging.request_id_var`). The access line has method, path (never the query
string, which may carry a token or an email), status, duration_ms and user_id — no
header, body or token.
"""

import logging
import re
import time
import uuid

from django.utils.functional import empty

from core.logging import request_id_var

logger = logging.getLogger("http.access")

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id_from(value: str | None) -> str:
    if value and _SANE_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def _user_id(request) -> str | None:
    """The authenticated user's id, without forcing a lazy session lookup.

    DRF sets `request.user` on the underlying HttpRequest when it authenticates a JWT;
    Django's AuthenticationMiddleware leaves a lazy object that we only read if
    something (the admin) already evaluated it.
    """
    user = request.__dict__.get("user")
    if user is None:
        return None
    if getattr(user, "_wrapped", None) is empty:
        return None
    if not getattr(user, "is_authenticated", False):
        return None
    return str(user.pk)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            logger.info(
                "http.request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": _user_id(request),
                },
            )
            request_id_var.reset(token)
