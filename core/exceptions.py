"""Domain errors and the one handler that turns every error into the contract's shapes.

Services raise `ServiceError` subclasses with a `code`; views never build error bodies.
Request-level errors come out as `{"detail", "code"}`, validation errors as DRF's
`{"field": [...]}`.
"""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class ServiceError(Exception):
    """An error a service raises; the API answers `status_code` with `{detail, code}`."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"
    default_detail = "The request could not be completed."

    def __init__(self, detail: str | None = None, *, code: str | None = None, status_code=None):
        self.detail = detail or self.default_detail
        if code:
            self.code = code
        if status_code:
            self.status_code = status_code
        super().__init__(self.detail)


class InvalidInput(ServiceError):
    """400 in DRF's validation shape, `{field: [messages]}`: input that only a service can
    judge (an email already taken, a password the validators refuse)."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("Invalid input.", code="invalid")


class Conflict(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class Forbidden(ServiceError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"


class NotFound(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class ServiceUnavailable(ServiceError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "service_unavailable"


class BadGateway(ServiceError):
    status_code = status.HTTP_502_BAD_GATEWAY
    code = "bad_gateway"


class RequestTooLarge(exceptions.APIException):
    """Over `MAX_REQUEST_BYTES`: from the middleware in `core.limits` before the body is
    read, or from here when Django's own upload limits trip inside a view."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


def exception_handler(exc, context):
    if isinstance(exc, InvalidInput):
        return Response(exc.errors, status=exc.status_code)
    if isinstance(exc, ServiceError):
        return Response({"detail": exc.detail, "code": exc.code}, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        # Django's own answer is an HTML 400 page; the SPA reads `{detail, code}`.
        exc = RequestTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        # Too many multipart fields or files: a malformed request, in the contract's shape.
        exc = exceptions.ParseError(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(response.data, list):
            response.data = {"non_field_errors": response.data}
        return response
    if (
        isinstance(response.data, dict)
        and "detail" in response.data
        and "code" not in response.data
    ):
        codes = exc.get_codes()
        response.data["code"] = codes if isinstance(codes, str) else exc.default_code
    return response
