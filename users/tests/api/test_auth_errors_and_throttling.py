"""401 vs 403 across accounts routes, and the tight rate of the anonymous auth routes."""

from datetime import timedelta

import pytest
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from users.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _expired_access(user) -> str:
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-timedelta(seconds=1))
    return str(token)


PROTECTED = [
    "/api/auth/users/me/",
    "/api/auth/onboarding-answers/",
    "/api/auth/tutors/me/",
    "/api/users/",
]
PUBLIC = ["/api/tutors/", "/api/core/universities/", "/api/core/health/"]


@pytest.mark.parametrize("path", PROTECTED)
def test_missing_token_on_a_protected_route_is_401(api_client, path):
    response = api_client.get(path)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


BAD_TOKEN_KINDS = [
    "expired",
    "garbage",
    "malformed",
    "revoked",
    "refresh",
    "deleted user",
    "inactive user",
    "no token after the scheme",
]


def _bad_authorization(kind: str) -> str:
    user = UserFactory()
    header = {
        "expired": f"Bearer {_expired_access(user)}",
        "garbage": "Bearer garbage",
        "malformed": "Bearer a.b",
        "revoked": f"Bearer {AccessToken.for_user(user)}",
        "refresh": f"Bearer {RefreshToken.for_user(user)}",
        "deleted user": f"Bearer {AccessToken.for_user(user)}",
        "inactive user": f"Bearer {AccessToken.for_user(user)}",
        "no token after the scheme": "Bearer",
    }[kind]
    if kind == "revoked":
        user.set_password("An0ther-Passphrase!")
        user.save()
    elif kind == "deleted user":
        user.delete()
    elif kind == "inactive user":
        user.is_active = False
        user.save()
    return header


@pytest.mark.parametrize("path", PROTECTED + PUBLIC)
@pytest.mark.parametrize("kind", BAD_TOKEN_KINDS)
def test_bad_tokens_are_401_on_protected_and_public_routes(api_client, path, kind):
    # given
    header = _bad_authorization(kind)

    # when
    response = api_client.get(path, HTTP_AUTHORIZATION=header)

    # then
    assert response.status_code == 401


PUBLIC_POSTS = [
    ("/api/auth/users/", {"email": "new@example.com"}),
    ("/api/auth/verify-email/", {"uid": "x", "token": "y"}),
    ("/api/auth/verify-email/resend/", {"email": "x@example.com"}),
    ("/api/auth/password/reset/", {"email": "x@example.com"}),
    ("/api/auth/password/reset/confirm/", {"uid": "x", "token": "y", "new_password": "z"}),
]


@pytest.mark.parametrize(("path", "body"), PUBLIC_POSTS)
@pytest.mark.parametrize("kind", ["expired", "refresh", "deleted user"])
def test_bad_tokens_are_401_on_public_posts_too(api_client, path, body, kind):
    response = api_client.post(
        path, body, format="json", HTTP_AUTHORIZATION=_bad_authorization(kind)
    )

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_bad_token_on_the_verification_link_is_401(api_client):
    response = api_client.get(
        "/api/auth/verify-email/?uid=x&token=y",
        HTTP_AUTHORIZATION=_bad_authorization("expired"),
    )

    assert response.status_code == 401


def test_token_routes_ignore_a_stale_authorization_header(api_client):
    """The SPA calls `token/refresh/` because its access token expired, and may still send
    it: the token routes read only their body."""
    user = UserFactory()
    stale = _bad_authorization("expired")

    refreshed = api_client.post(
        "/api/auth/token/refresh/",
        {"refresh": str(RefreshToken.for_user(user))},
        format="json",
        HTTP_AUTHORIZATION=stale,
    )
    logged_in = api_client.post(
        "/api/auth/token/",
        {"email": user.email, "password": DEFAULT_PASSWORD},
        format="json",
        HTTP_AUTHORIZATION=stale,
    )

    assert (refreshed.status_code, logged_in.status_code) == (200, 200)


def test_token_of_a_deactivated_user_is_401(make_client):
    user = UserFactory()
    client = make_client(user)
    user.is_active = False
    user.save()

    assert client.get("/api/auth/users/me/").status_code == 401


@pytest.mark.parametrize("path", ["/api/auth/tutors/me/", "/api/users/"])
def test_authenticated_with_the_wrong_role_is_403(make_client, student, path):
    response = make_client(student).get(path)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/auth/token/", {"email": "x@example.com", "password": "wrong"}),
        (
            "/api/auth/users/",
            {"email": "bad", "password": "x", "first_name": "A", "last_name": "B"},
        ),
        ("/api/auth/verify-email/resend/", {"email": "x@example.com"}),
        ("/api/auth/password/reset/", {"email": "x@example.com"}),
    ],
)
def test_anonymous_auth_routes_answer_429_with_retry_after_after_ten_a_minute(
    api_client, path, body
):
    # given
    for _ in range(10):
        assert api_client.post(path, body, format="json").status_code != 429

    # when
    response = api_client.post(path, body, format="json")

    # then
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response.headers["Retry-After"]) > 0


def test_auth_throttle_counts_per_client_ip(api_client):
    body = {"email": "x@example.com"}
    for _ in range(10):
        api_client.post("/api/auth/password/reset/", body, format="json", REMOTE_ADDR="10.0.0.1")

    other = api_client.post(
        "/api/auth/password/reset/", body, format="json", REMOTE_ADDR="10.0.0.2"
    )

    assert other.status_code == 202


def test_successful_logins_are_throttled_too(api_client):
    UserFactory(email="me@example.com")
    body = {"email": "me@example.com", "password": DEFAULT_PASSWORD}
    codes = [
        api_client.post("/api/auth/token/", body, format="json").status_code for _ in range(11)
    ]

    assert codes[:10] == [200] * 10
    assert codes[10] == 429


def test_a_spoofed_forwarded_for_header_does_not_reset_the_auth_throttle(api_client):
    body = {"email": "x@example.com"}
    codes = [
        api_client.post(
            "/api/auth/password/reset/", body, format="json", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}"
        ).status_code
        for n in range(11)
    ]

    assert codes[10] == 429


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "Bearer"])
def test_the_bearer_scheme_is_case_insensitive(api_client, scheme):
    user = UserFactory()

    expired_on_public = api_client.get(
        "/api/tutors/", HTTP_AUTHORIZATION=f"{scheme} {_expired_access(user)}"
    )
    valid_on_me = api_client.get(
        "/api/auth/users/me/", HTTP_AUTHORIZATION=f"{scheme} {AccessToken.for_user(user)}"
    )

    assert expired_on_public.status_code == 401
    assert valid_on_me.status_code == 200


def test_another_scheme_is_served_as_anonymous_on_public_routes(api_client):
    response = api_client.get("/api/tutors/", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")

    assert response.status_code == 200
