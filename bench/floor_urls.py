"""Bench only: the floor, a minimal Django view answering precomputed bytes of the size
asked (`/floor/?bytes=N`), through the same middleware as the app."""

from functools import lru_cache

from django.http import HttpResponse
from django.urls import path


@lru_cache(maxsize=8)
def _payload(size: int) -> bytes:
    return b'{"x":"' + b"a" * max(0, size - 8) + b'"}'


def floor(request):
    return HttpResponse(
        _payload(int(request.GET.get("bytes", "100"))), content_type="application/json"
    )


urlpatterns = [path("floor/", floor)]
