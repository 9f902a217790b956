"""Django's own error pages, in the contract's `{detail, code}` shape under `/api/`.

DRF shapes the errors raised inside its views; these cover what Django answers before
(or outside) a view: an unknown path, a request rejected as suspicious, an unhandled
error. Pages outside `/api/` (the admin) keep Django's HTML.
"""

from django.http import JsonResponse
from django.views import defaults


def _is_api(request) -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/webhook/")


def bad_request(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Bad request.", "code": "bad_request"}, status=400)
    return defaults.bad_request(request, exception)


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": "Server error.", "code": "server_error"}, status=500)
    return defaults.server_error(request)
