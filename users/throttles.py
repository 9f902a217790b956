"""The tight rate of the anonymous auth routes (login, registration, resend, reset).

Keyed by client IP whoever calls, so a burst of guesses from one address is cut off at
`THROTTLE_AUTH_RATE` (10/min by default) and answered 429 with `Retry-After`. The views
that use it keep DRF's default anon/user throttles as well.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class AuthRateThrottle(SimpleRateThrottle):
    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


AUTH_THROTTLES = [*api_settings.DEFAULT_THROTTLE_CLASSES, AuthRateThrottle]
