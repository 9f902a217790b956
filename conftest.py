"""Fixtures shared by every app's tests."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from users.tests.factories import (
    AdminFactory,
    StudentFactory,
    TutorFactory,
    UserFactory,
)


def pytest_collection_modifyitems(config, items):
    """The one way to mark a PostgreSQL-only test (row locks, real concurrency, EXPLAIN):
    `@pytest.mark.postgres`. On another database such tests are skipped here, and only
    here; CI runs the suite on both."""
    if django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgresql://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # No collectstatic in tests: the admin's pages use plain static URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 at production strength makes every factory user cost ~0.1 s."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_outside_keys(settings):
    """Tests opt in to Stripe and VdoCipher; by default neither is configured."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.STRIPE_API_BASE = "https://stripe.test"
    settings.VIDEO_SERVICE_SECRET_KEY = ""
    settings.VIDEO_SERVICE_API_URL = "https://vdocipher.test/api"
    settings.FRONTEND_URL = "http://frontend.test"
    settings.BACKEND_URL = "http://testserver"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def api_client():
    return APIClient()


def client_for(user) -> APIClient:
    """An APIClient that sends `user`'s access token, as the SPA does."""
    client = APIClient()
    if user is not None:
        token = RefreshToken.for_user(user).access_token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def make_client():
    return client_for


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def student(db):
    return StudentFactory()


@pytest.fixture
def tutor(db):
    return TutorFactory()


@pytest.fixture
def admin_user(db):
    return AdminFactory()
