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
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        count = count_in_window(f"{key}:{window}", self.duration)
        return count is None or count <= self.num_requests

    def wait(self):
        return max(0.0, self.window_ends - self.now)


class AnonRateThrottle(WindowRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserRateThrottle(WindowRateThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
