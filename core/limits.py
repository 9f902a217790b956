"""Bounds on hostile input: body size, JSON depth, numeric strings, search terms.

Each bound turns what would be a 500, a worker busy for minutes or an unbounded read into
a clear 4xx (the contract's "Limits"):
- a body over `MAX_REQUEST_BYTES` is refused before it is read (`RequestSizeLimitMiddleware`);
- JSON nested deeper than `MAX_JSON_DEPTH` is refused before `json.loads` recurses;
- a number sent as a string is at most `MAX_NUMERIC_STRING_LENGTH` characters and never in
  exponent notation, so `Decimal("1e100000000")` can never become a 100-million-digit int;
- `search` keeps its first `SEARCH_MAX_WORDS` words of its first `SEARCH_MAX_CHARS` characters.
"""

import io
import re

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from rest_framework import serializers
from rest_framework.filters import SearchFilter

MAX_JSON_DEPTH = 32
MAX_NUMERIC_STRING_LENGTH = 32
SEARCH_MAX_WORDS = 10
SEARCH_MAX_CHARS = 200

_EXPONENT = re.compile(r"[eE]\s*[+-]?\s*\d")
FORM_MEDIA_TYPES = frozenset(("multipart/form-data", "application/x-www-form-urlencoded"))
_CONTENT_LENGTH = re.compile(r"\d{1,18}")


# --- JSON depth -------------------------------------------------------------------------


def json_depth_exceeds(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether brackets outside strings nest deeper than `limit`. A linear scan with no
    recursion, run before `json.loads` (whose decoder recurses once per level and raises
    RecursionError around 1,000 levels)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if "[" not in text and "{" not in text:
        return False
    depth = 0
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


# --- Numeric strings --------------------------------------------------------------------


def numeric_string_error(value) -> str | None:
    """Why a string sent for a number is refused before it is parsed, or None.

    Numbers arriving as JSON numbers are already bounded (the JSON parser refuses integers
    of more than 4,300 digits; floats are finite doubles); strings are not."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) > MAX_NUMERIC_STRING_LENGTH:
        return f"Enter a number of at most {MAX_NUMERIC_STRING_LENGTH} characters."
    if _EXPONENT.search(text):
        return "Enter a plain number, not exponent notation."
    return None


# --- Search -----------------------------------------------------------------------------


def search_terms(text: str) -> list[str]:
    """The words `search` uses: the first `SEARCH_MAX_WORDS` of its first
    `SEARCH_MAX_CHARS` characters (each word is one more LIKE over several columns)."""
    text = (text or "")[:SEARCH_MAX_CHARS].replace("\x00", "")
    return text.replace(",", " ").split()[:SEARCH_MAX_WORDS]


class BoundedSearchFilter(SearchFilter):
    """DRF's `search`, cut to the first 10 words and 200 characters."""

    search_description = (
        f"Words to match, all of them; only the first {SEARCH_MAX_WORDS} words of the first "
        f"{SEARCH_MAX_CHARS} characters are used."
    )

    def get_search_terms(self, request):
        return search_terms(request.query_params.get(self.search_param, ""))


# --- Request size -----------------------------------------------------------------------


def request_too_large_response() -> JsonResponse:
    """The same answer as `core.exceptions.RequestTooLarge` gives inside a DRF view."""
    # Imported here: core.exceptions imports DRF's views, whose settings import our parser.
    from core.exceptions import RequestTooLarge

    return JsonResponse(
        {"detail": str(RequestTooLarge.default_detail), "code": RequestTooLarge.default_code},
        status=RequestTooLarge.status_code,
    )


class _CappedStream(io.RawIOBase):
    """A body of unknown length (chunked): reading past `limit` bytes raises."""

    def __init__(self, stream, limit: int):
        self._stream = stream
        self._remaining = limit

    def readable(self) -> bool:
        return True

    def read(self, size=-1):
        want = self._remaining + 1 if size is None or size < 0 else min(size, self._remaining + 1)
        data = self._stream.read(want)
        self._remaining -= len(data)
        if self._remaining < 0:
            raise RequestDataTooBig("The request body is too large.")
        return data

    def readline(self, size=-1):
        want = self._remaining + 1 if size is None or size < 0 else min(size, self._remaining + 1)
        data = self._stream.readline(want)
        self._remaining -= len(data)
        if self._remaining < 0:
            raise RequestDataTooBig("The request body is too large.")
        return data


class RequestSizeLimitMiddleware:
    """413 `request_too_large` for a body over `MAX_REQUEST_BYTES`, decided from
    Content-Length before a byte of the body is read or spooled. A body without a
    Content-Length (chunked) is read through a capped stream that stops at the limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_REQUEST_BYTES
        length = request.META.get("CONTENT_LENGTH", "").strip()
        if _CONTENT_LENGTH.fullmatch(length):
            if int(length) > limit:
                return request_too_large_response()
        elif length.isdigit():  # more digits than any body we would take
            return request_too_large_response()
        elif hasattr(request, "_stream"):
            request._stream = _CappedStream(request._stream, limit)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """415 for a form body (multipart or urlencoded) on a route that takes no file,
        before the body is parsed. An API view opts in with `multipart_actions`: the
        viewset actions (or, for an APIView, the lower-case methods) that take a file."""
        view_class = getattr(view_func, "cls", None)
        if view_class is None or request.content_type not in FORM_MEDIA_TYPES:
            return None
        method = request.method.lower()
        action = getattr(view_func, "actions", {}).get(method, method)
        if action in getattr(view_class, "multipart_actions", ()):
            return None
        return JsonResponse(
            {
                "detail": "This route takes a JSON body; only uploads take multipart.",
                "code": "unsupported_media_type",
            },
            status=415,
        )

    def process_exception(self, request, exception):
        # Django's own views (the admin) reading a body over Django's limits.
        if isinstance(exception, RequestDataTooBig):
            return request_too_large_response()
        return None


# --- Numeric fields ---------------------------------------------------------------------


class _PlainNumberMixin:
    """Refuse an over-long or exponent-notation number string before it is parsed."""

    def to_internal_value(self, data):
        problem = numeric_string_error(data)
        if problem:
            raise serializers.ValidationError(problem, code="invalid")
        return super().to_internal_value(data)


class PlainIntegerField(_PlainNumberMixin, serializers.IntegerField):
    pass


class PlainDecimalField(_PlainNumberMixin, serializers.DecimalField):
    pass


class PlainDecimalFormField(forms.DecimalField):
    """The same rule for query-string filters (django-filter's form fields)."""

    def to_python(self, value):
        problem = numeric_string_error(value)
        if problem:
            raise forms.ValidationError(problem, code="invalid")
        return super().to_python(value)


class PlainNumberFilter(django_filters.NumberFilter):
    field_class = PlainDecimalFormField


# --- OpenAPI ----------------------------------------------------------------------------

LIMIT_RESPONSES = {
    "400": "Validation errors by field; `parse_error` for malformed JSON, JSON nested deeper "
    "than 32 levels or an integer Python refuses to parse (over 4,300 digits).",
    "413": "`request_too_large`: the body is over `MAX_REQUEST_BYTES` (6 MB by default); "
    "refused before it is read.",
    "415": "`unsupported_media_type`: the body is not JSON (multipart only where a file is "
    "taken: course create and PATCH, profile PATCH).",
}


def schema_add_limit_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation that takes a body documents
    the Limits' 400, 413 and 415 (an operation's own description of them is kept)."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            responses = operation.setdefault("responses", {})
            for status_code, description in LIMIT_RESPONSES.items():
                responses.setdefault(status_code, {"description": description})
    return result
