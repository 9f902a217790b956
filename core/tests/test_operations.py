"""Operations: offline API docs, JSON logs with a request id, liveness, admin branding,
and a cache that lets the API answer while Redis is down."""

import ast
import io
import json
import logging
import os
import re
import subprocess
import sys
from urllib.parse import urlparse

import pytest
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.test import Client

from core import cache as tolerant_cache
from core.logging import JSONFormatter
from core.tests.conftest import closed_port

pytestmark = pytest.mark.django_db


# --- Swagger UI without internet ------------------------------------------------------


def _asset_urls(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html) + re.findall(
        r"""["']([^"'\s]+\.(?:js|css|png))["']""", html
    )


def test_docs_page_loads_swagger_ui_from_our_own_static_files(api_client):
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    urls = set(_asset_urls(html))
    assert any(url.endswith("swagger-ui-bundle.js") for url in urls), html
    for url in urls:
        parsed = urlparse(url)
        assert not parsed.scheme and not parsed.netloc, f"{url} is not same-origin"
    static = [url for url in urls if url.startswith("/static/")]
    assert static
    for url in static:
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a static file"


def test_docs_page_names_no_cdn(api_client):
    html = api_client.get("/api/docs/").content.decode()

    assert "cdn." not in html and "jsdelivr" not in html and "unpkg" not in html


# --- Liveness and readiness -----------------------------------------------------------


def test_liveness_answers_without_any_io(api_client, django_assert_num_queries, monkeypatch):
    # given: a cache that would fail if asked, and an expired-looking token
    class NoCache:
        def __getattr__(self, name):
            raise AssertionError("liveness must not touch the cache")

    monkeypatch.setattr("core.selectors.cache", NoCache())

    # when / then: no query, no cache, no token check
    with django_assert_num_queries(0):
        response = api_client.get("/api/core/health/live/", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_liveness_is_never_throttled(api_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "2/min",
        },
    }

    codes = {api_client.get("/api/core/health/live/").status_code for _ in range(5)}

    assert codes == {200}


def _production_setting(name: str) -> object:
    """A setting as a production process behind a TLS proxy computes it."""
    code = f"from eleven_tutors import settings; print(repr(settings.{name}))"
    env = {**os.environ, "BEHIND_TLS_PROXY": "True", "DJANGO_SECRET_KEY": "x" * 50}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    return ast.literal_eval(out.stdout.strip())


def test_health_answers_plain_http_behind_a_tls_proxy(settings):
    # given: the redirect settings of production
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = _production_setting("SECURE_REDIRECT_EXEMPT")
    client = Client()

    # then: both probes answer over plain HTTP, the rest of the API redirects
    assert client.get("/api/core/health/live/").status_code == 200
    assert client.get("/api/core/health/").status_code == 200
    assert client.get("/api/core/universities/").status_code == 301


# --- JSON logs and the request id -----------------------------------------------------


@pytest.fixture
def log_lines():
    """Every line the JSON formatter writes during the test, parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    access = logging.getLogger("http.access")
    access_previous = access.level
    access.setLevel(logging.INFO)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines() if line]

    yield lines
    root.removeHandler(handler)
    root.setLevel(previous)
    access.setLevel(access_previous)


def _access(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "http.access"]


def test_every_request_logs_one_json_access_line(api_client, log_lines, student, make_client):
    # when
    response = make_client(student).get("/api/auth/users/me/?page=1&token=secret-in-query")

    # then
    assert response.status_code == 200
    [line] = _access(log_lines())
    assert line["message"] == "http.request"
    assert line["method"] == "GET"
    assert line["path"] == "/api/auth/users/me/"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["user_id"] == str(student.pk)
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert {"time", "level", "logger"} <= line.keys()


def test_anonymous_requests_log_no_user(api_client, log_lines):
    api_client.get("/api/core/universities/")

    [line] = _access(log_lines())
    assert line["user_id"] is None
    assert line["status"] == 200


def test_secrets_in_the_body_or_headers_never_reach_the_logs(api_client, log_lines, user):
    # given: a login with a password, and a bearer token on another request
    password = "Sup3r-Secret-Passphrase!"
    api_client.post(
        "/api/auth/token/",
        {"email": user.email, "password": password},
        format="json",
    )
    api_client.post(
        "/api/auth/users/",
        {"email": "new@example.com", "password": password, "first_name": "N", "last_name": "U"},
        format="json",
    )
    api_client.get(
        "/api/auth/users/me/?email=someone@example.com",
        HTTP_AUTHORIZATION="Bearer eyJhbGciOiJIUzI1NiJ9.secret-token.sig",
    )
    api_client.get("/api/nowhere/?token=query-secret")

    # then
    text = json.dumps(log_lines())
    assert len(_access(log_lines())) == 4
    for secret in (password, "secret-token", user.email, "new@example.com", "someone@", "query"):
        assert secret not in text


def test_the_request_id_is_taken_from_the_header_and_echoed(api_client):
    response = api_client.get("/api/core/health/live/", HTTP_X_REQUEST_ID="lb-1234.abc:5")

    assert response.headers["X-Request-ID"] == "lb-1234.abc:5"


@pytest.mark.parametrize("sent", ["", "a" * 129, "has space", "<script>", "é"])
def test_an_insane_request_id_is_replaced_by_a_fresh_one(api_client, sent):
    response = api_client.get("/api/core/health/live/", HTTP_X_REQUEST_ID=sent)

    echoed = response.headers["X-Request-ID"]
    assert echoed != sent
    assert re.fullmatch(r"[0-9a-f]{32}", echoed)


def test_without_a_header_each_request_gets_its_own_id(api_client):
    first = api_client.get("/api/core/health/live/").headers["X-Request-ID"]
    second = api_client.get("/api/core/health/live/").headers["X-Request-ID"]

    assert first != second


def test_log_lines_written_during_a_request_carry_its_id(api_client, log_lines, monkeypatch):
    # given: the readiness check logs when the cache fails
    class DownCache:
        def set(self, *args, **kwargs):
            raise ConnectionError("cache is down")

    monkeypatch.setattr("core.selectors.cache", DownCache())

    # when
    response = api_client.get("/api/core/health/", HTTP_X_REQUEST_ID="req-42")

    # then: the error line and the access line share the id
    assert response.status_code == 503
    by_message = {line["message"]: line for line in log_lines()}
    assert by_message["core.health.cache_failed"]["request_id"] == "req-42"
    assert "exc_info" in by_message["core.health.cache_failed"]
    assert by_message["http.request"]["request_id"] == "req-42"


def test_the_formatter_drops_secret_extras():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "event", None, None)
    record.password = "p"
    record.email = "a@b.c"
    record.order_id = "o-1"

    line = json.loads(JSONFormatter().format(record))

    assert line["order_id"] == "o-1"
    assert "password" not in line and "email" not in line


# --- Admin ----------------------------------------------------------------------------


def test_the_admin_is_branded_11tutors(admin_user):
    assert admin.site.site_header == "11Tutors"
    assert admin.site.site_title == "11Tutors"
    assert admin.site.index_title == "11Tutors"

    client = Client()
    client.force_login(admin_user)
    page = client.get("/admin/").content.decode()
    assert "11Tutors" in page
    assert "Django administration" not in page


# --- A cache that tolerates Redis being down ------------------------------------------


def test_a_down_redis_is_a_miss_and_writes_do_nothing(down_redis_cache, caplog):
    caplog.set_level(logging.INFO, logger="core.cache")

    assert down_redis_cache.get("k", "fallback") == "fallback"
    assert down_redis_cache.set("k", 1) is None
    assert down_redis_cache.add("k", 1) is False
    assert down_redis_cache.get_many(["a", "b"]) == {}
    assert down_redis_cache.get_or_set("k", 5) == 5
    with pytest.raises(ValueError):
        down_redis_cache.incr("k")

    # the outage is logged once, not once per call
    warnings = [r for r in caplog.records if r.getMessage() == "core.cache.unavailable"]
    assert len(warnings) == 1


def test_throttles_pass_and_the_api_answers_while_redis_is_down(api_client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    codes = [
        api_client.post("/api/auth/password/reset/", {"email": "a@b.c"}).status_code
        for _ in range(12)
    ]
    health = api_client.get("/api/core/health/")

    assert set(codes) == {202}
    assert health.status_code == 503
    assert health.json()["cache"] == "error"


def test_after_a_failure_redis_is_not_waited_on_again_for_a_moment(down_redis_cache, monkeypatch):
    # given: one failed call
    assert down_redis_cache.get("k") is None
    calls = []
    monkeypatch.setattr(
        "django.core.cache.backends.redis.RedisCache.get",
        lambda *args, **kwargs: calls.append(args),
    )

    # when: more calls within RETRY_SECONDS
    results = [down_redis_cache.get("k", "miss") for _ in range(5)]

    # then: answered from the fallback without touching Redis
    assert results == ["miss"] * 5
    assert calls == []

    # and once the moment has passed, Redis is asked again
    tolerant_cache.outage.retry_at = 0.0
    down_redis_cache.get("k")
    assert len(calls) == 1
