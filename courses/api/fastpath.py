"""Anonymous cache hits on the catalogue answered before URL resolution and DRF.

A cached catalogue page is the same bytes for every anonymous caller, so resolving the
URL, wrapping the request for DRF, negotiating, authenticating and throttling it there
cost more than fetching it (measured: a hit through DRF was about half the floor's
speed). `CatalogueHitMiddleware` answers GET on the four cached routes (course list and
detail, category list and detail) itself when all of these hold, and otherwise hands the
request on unchanged:
- no `Authorization` header (a token, valid or not, is DRF's to judge: 401 stays 401);
- an `Accept` DRF would answer with JSON (none, `*/*` or `application/json`, without
  `text/html`: a browser gets DRF's browsable page) and no `format` parameter;
- the anonymous rate allows it, counted on the same counter as DRF's
  (`core.throttles.AnonRateThrottle`) in the same Redis round trip as the page is read;
  a caller over it goes on to DRF, which answers 429 (DRF takes the verdict from the
  request rather than counting it twice, also on a miss);
- the page is cached under the current generation (`courses.api.cache`), so a write is
  seen on the next read exactly as through the view;
- this process has already served that route through DRF once: the `Allow`, `Vary` and
  `Content-Type` that DRF set then are replayed, so both ways answer the same headers
  (the middleware around this one adds the rest to both alike).
"""

import re

from django.http import HttpResponse

from core.cache import count_in_window_and_get_many
from core.throttles import AnonRateThrottle
from courses.api import cache as page_cache
from courses.api.catalogue import SLUG_PATTERN as SLUG  # the routes' own slug rule

ROUTES = (
    (re.compile(r"/api/courses/courses/"), "courses"),
    (re.compile(rf"/api/courses/courses/({SLUG})/"), "course"),
    (re.compile(r"/api/courses/categories/"), "categories"),
    (re.compile(rf"/api/courses/categories/({SLUG})/"), "category"),
)
REPLAYED = ("Allow", "Vary", "Content-Type")


def _route(path: str) -> tuple[str, tuple] | None:
    for pattern, kind in ROUTES:
        match = pattern.fullmatch(path)
        if match:
            return kind, match.groups()
    return None


def _wants_json(accept: str) -> bool:
    accept = accept.replace(" ", "")
    if not accept:
        return True
    if ";" in accept or "text/html" in accept:
        return False
    return any(part in ("*/*", "application/json") for part in accept.split(","))


class CatalogueHitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.headers: dict[str, list[tuple[str, str]]] = {}  # per route, learnt from DRF

    def __call__(self, request):
        route = self._candidate(request)
        if route is not None:
            response = self._hit(request, *route)
            if response is not None:
                return response
        response = self.get_response(request)
        if route is not None and response.status_code == 200:
            kind = route[0]
            self.headers.setdefault(kind, [(h, response[h]) for h in REPLAYED if h in response])
        return response

    @staticmethod
    def _candidate(request) -> tuple[str, tuple] | None:
        meta = request.META
        if (
            request.method != "GET"
            or "HTTP_AUTHORIZATION" in meta
            or "format=" in meta.get("QUERY_STRING", "")
            or not _wants_json(meta.get("HTTP_ACCEPT", ""))
        ):
            return None
        return _route(request.path_info)

    def _hit(self, request, kind: str, parts: tuple) -> HttpResponse | None:
        headers = self.headers.get(kind)
        if headers is None:
            return None
        page = page_cache.page_key(request, kind, *parts)
        throttle = AnonRateThrottle()
        if throttle.rate is None:
            found = None
        else:  # the caller's count and the page in one round trip
            counter, seconds = throttle.window_counter(throttle.anonymous_key(request))
            count, found = count_in_window_and_get_many(
                counter, seconds, page_cache.page_keys(page)
            )
            request.anonymous_rate_counted = throttle  # DRF reuses it, not counts again
            if not throttle.within_rate(count):
                return None
        value = page_cache.cached_bytes(page, found)
        if value is None:
            return None
        response = HttpResponse(value[0] if isinstance(value, tuple) else value)
        for header, content in headers:
            response[header] = content
        return response
