"""The API's default rates: per client IP for anonymous callers, per user when signed in.

DRF's own throttles keep a list of every request's timestamp in the window and read and
write it whole on each request: two round trips to Redis and, at the user rate
(3,000/min), a list of thousands of floats pickled both ways. These count instead: one
counter per caller and fixed window, created and incremented in one round trip
(`core.cache.count_in_window`). A fixed window lets a caller spend up to twice the rate
across a window's edge, which is fine for these generous rates; the tight ones (login,
comments, reviews) keep DRF's sliding window. Anonymous callers are counted only by the
anonymous rate, signed-in ones only by the user rate. While Redis is unavailable,
requests pass.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from core.cache import count_in_window


class WindowRateThrottle(SimpleRateThrottle):
    """A fixed-window counter for `scope`'s rate; 429 with `Retry-After` until the
    window ends."""

    def get_rate(self):
        # The live setting (DRF binds THROTTLE_RATES once, at import).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        return key is None or self.counts_within_rate(key)

    def counts_within_rate(self, key: str) -> bool:
        """Count one request for `key` in the current window; whether it is within."""
        return self.within_rate(count_in_window(*self.window_counter(key)))

    def window_counter(self, key: str) -> tuple[str, int]:
        """The counter of `key`'s current window, and its lifetime."""
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        return f"{key}:{window}", self.duration

    def within_rate(self, count: int | None) -> bool:
        self.allowed = count is None or count <= self.num_requests
        return self.allowed

    def wait(self):
        return max(0.0, self.window_ends - self.now)


class AnonRateThrottle(WindowRateThrottle):
    scope = "anon"

    def allow_request(self, request, view):
        # Counted already, before DRF (courses.api.fastpath, which then missed the cache
        # or found the caller over the rate): the same verdict, not a second count.
        counted = getattr(request, "anonymous_rate_counted", None)
        if counted is not None and not (request.user and request.user.is_authenticated):
            self.now, self.window_ends = counted.now, counted.window_ends
            return counted.allowed
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.anonymous_key(request)

    def anonymous_key(self, request) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserRateThrottle(WindowRateThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
