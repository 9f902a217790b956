"""With REDIS_URL set, the cache (and so the throttle counters) live in Redis.

Runs against the real Redis on 127.0.0.1:6379 that this machine kind starts; skipped
on a developer machine without one, but never in CI.
"""

import pytest


@pytest.mark.django_db
def test_auth_throttle_counts_in_redis(api_client, redis_cache):
    # given: ten password-reset requests from one client
    for _ in range(10):
        assert api_client.post("/api/auth/password/reset/", {"email": "a@b.c"}).status_code == 202

    # when
    response = api_client.post("/api/auth/password/reset/", {"email": "a@b.c"})

    # then: the eleventh is refused, and the counter is a Redis key
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    client = redis_cache._cache.get_client()
    assert any(b"throttle_auth" in key for key in client.keys(f"{redis_cache.key_prefix}*"))


@pytest.mark.django_db
def test_health_reports_the_redis_cache(api_client, redis_cache):
    response = api_client.get("/api/core/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
