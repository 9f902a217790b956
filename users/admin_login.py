"""The admin login's rate limit: django-axes, counting admin logins only.

The API's `token/` has its own per-IP throttle (`THROTTLE_AUTH_RATE`, 10/min, 429 with
Retry-After). The admin's login form bypassed it; axes (the maintained library for this)
now records failed admin logins in the database, so every app server sees them, and
refuses a login once `ADMIN_LOGIN_FAILURE_LIMIT` (10) failures came from one client IP,
or were made against one account from any number of IPs, until `ADMIN_LOGIN_COOLOFF_MINUTES`
(15) have passed without another failure. The client IP is the one the API throttles
use (the address `NUM_PROXIES` trusted proxies saw), so a forged X-Forwarded-For does
not start a fresh count.

API logins go through `authenticate()` too, and so through axes' backend, but are
neither counted nor refused here (`AXES_ONLY_ADMIN_SITE` and `AdminOnlyAxesHandler`):
the API keeps its own 401/429 behaviour, and failed API logins cannot lock an admin out
of the admin site.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.http import HttpResponse
from rest_framework.throttling import BaseThrottle

EMAIL_MAX_LENGTH = 254


def client_ip(request) -> str | None:
    """The client IP exactly as the API throttles key it (DRF's `get_ident` with
    NUM_PROXIES); REMOTE_ADDR when that is not an address (axes stores an IP)."""
    ident = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(ident))
    except ValueError:
        return request.META.get("REMOTE_ADDR")


def login_username(request, credentials: dict | None) -> str | None:
    """The account an attempt names, as login matches it: the email whatever its case,
    so `Root@x` and `root@x` count against the same account. Cut to the longest email
    (254): the admin's form does not bound the field, and axes keeps it in a 255-character
    column, so a hostile 10,000-character username was a 500 on PostgreSQL."""
    username = (credentials or {}).get("username")
    if username is None:
        username = request.POST.get("username") if hasattr(request, "POST") else None
    return username.strip().lower()[:EMAIL_MAX_LENGTH] if isinstance(username, str) else None


def locked_out_response(request, original_response=None, credentials=None) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = HttpResponse(
        f"Too many failed logins. Try again in {minutes} minutes.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


class AdminOnlyAxesHandler(AxesDatabaseHandler):
    """Axes' database handler, deaf to logins outside the admin site (the API's)."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is not None and self.is_admin_request(request):
            super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        if request is not None and self.is_admin_request(request):
            super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        if request is not None and self.is_admin_request(request):
            super().user_logged_out(sender, request, user, **kwargs)
