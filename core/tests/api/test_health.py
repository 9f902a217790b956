import pytest
from django.db.utils import OperationalError

pytestmark = pytest.mark.django_db

URL = "/api/core/health/"


def test_health_ok(api_client):
    response = api_client.get(URL)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_names_a_failing_cache(api_client, monkeypatch):
    # given: a cache that does not answer (as Redis down would)
    class DownCache:
        def set(self, *args, **kwargs):
            raise ConnectionError("cache is down")

    monkeypatch.setattr("core.selectors.cache", DownCache())

    # when
    response = api_client.get(URL)

    # then
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "error"}


def test_health_names_a_failing_database(api_client, monkeypatch):
    # given: the database refuses every query
    from django.db import connection

    def refuse(*args, **kwargs):
        raise OperationalError("database is down")

    monkeypatch.setattr(connection, "cursor", refuse)

    # when
    response = api_client.get(URL)

    # then
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "cache": "ok"}


def test_health_is_never_throttled(api_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "2/min",
        },
    }

    codes = {api_client.get(URL).status_code for _ in range(5)}

    assert codes == {200}
