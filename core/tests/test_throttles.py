"""The API's default rates (core/throttles.py): fixed-window counters, one round trip."""

import pytest
from django.core.cache import cache

from conftest import client_for
from core.cache import count_in_window, count_in_window_and_get_many
from core.throttles import WindowRateThrottle
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PUBLIC = "/api/courses/categories/"


@pytest.fixture
def rates(settings):
    def set_rates(anon: str, user: str) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                "anon": anon,
                "user": user,
            },
        }

    return set_rates


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request):
    if request.param == "redis":
        return request.getfixturevalue("redis_cache")
    cache.clear()
    return cache


def test_a_counter_counts_within_its_window(any_cache):
    assert [count_in_window("k", 60) for _ in range(3)] == [1, 2, 3]
    assert count_in_window("other", 60) == 1


def test_a_redis_counter_expires_with_its_window_in_one_round_trip(redis_cache):
    client = redis_cache._cache.get_client()
    calls = []
    original = type(client).execute_command

    def spy(self, *args, **kwargs):
        calls.append(args[0])
        return original(self, *args, **kwargs)

    type(client).execute_command = spy
    try:
        count_in_window("k", 60)
    finally:
        type(client).execute_command = original

    assert calls == []  # a pipeline: SET NX EX and INCR go out together
    key = redis_cache.make_and_validate_key("k")
    assert 0 < client.ttl(key) <= 60


def test_a_count_and_a_read_go_together(any_cache):
    any_cache.set("page", (7, b"bytes"))

    first = count_in_window_and_get_many("k", 60, ["page", "missing"])
    second = count_in_window_and_get_many("k", 60, ["page"])

    assert first == (1, {"page": (7, b"bytes")})
    assert second == (2, {"page": (7, b"bytes")})


def test_one_redis_client_serves_every_call(redis_cache):
    assert redis_cache._cache.get_client() is redis_cache._cache.get_client(write=True)


def test_a_down_redis_counts_nothing(down_redis_cache):
    assert down_redis_cache.count_in_window("k", 60) is None
    assert down_redis_cache.count_in_window_and_get_many("k", 60, ["a"]) == (None, {})


def test_anonymous_callers_get_the_anonymous_rate_then_429(api_client, rates, any_cache):
    rates(anon="3/min", user="1/min")

    codes = [api_client.get(PUBLIC).status_code for _ in range(4)]
    refused = api_client.get(PUBLIC)

    assert codes == [200, 200, 200, 429]
    assert refused.json()["code"] == "throttled"
    assert 0 < int(refused.headers["Retry-After"]) <= 60


def test_signed_in_callers_get_the_user_rate_only(rates, any_cache):
    rates(anon="1/min", user="3/min")
    client = client_for(UserFactory())

    codes = [client.get(PUBLIC).status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]


def test_each_user_has_their_own_count(rates, any_cache):
    rates(anon="1/min", user="2/min")
    first, second = client_for(UserFactory()), client_for(UserFactory())

    spent = [first.get(PUBLIC).status_code for _ in range(3)]
    fresh = second.get(PUBLIC).status_code

    assert spent == [200, 200, 429]
    assert fresh == 200


def test_the_next_window_starts_a_new_count(api_client, rates, any_cache, monkeypatch):
    rates(anon="2/min", user="100/min")
    now = [60 * 16_666 + 20.0]  # 20 s into a minute
    monkeypatch.setattr(WindowRateThrottle, "timer", lambda self: now[0])

    spent = [api_client.get(PUBLIC).status_code for _ in range(3)]
    refused = api_client.get(PUBLIC)
    now[0] += 40  # the next minute
    again = api_client.get(PUBLIC)

    assert spent == [200, 200, 429]
    assert refused.headers["Retry-After"] == "40"
    assert again.status_code == 200
