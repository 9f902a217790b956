"""Site-wide error pages: JSON for the API (the SPA and Stripe read bodies), Django's own
HTML pages for the admin and everything else."""

from django.http import JsonResponse
from django.views import defaults

API_PREFIXES = ("/api/", "/webhook")


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIXES)


def page_not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": "Server error.", "code": "server_error"}, status=500)
    return defaults.server_error(request)
