from datetime import timedelta

import pytest
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken

from users.models import Role, User
from users.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REGISTER = "/api/auth/users/"
TOKEN = "/api/auth/token/"
REFRESH = "/api/auth/token/refresh/"
BLACKLIST = "/api/auth/token/blacklist/"
ME = "/api/auth/users/me/"
STRONG = "Sup3r-Secret-Phrase!"


def _register_body(**overrides):
    body = {
        "email": "New.Person@Example.com",
        "password": STRONG,
        "first_name": "Ada",
        "last_name": "Lovelace",
    }
    body.update(overrides)
    return body


def test_register_creates_an_unverified_user_and_sends_the_verification_email(
    api_client, mailoutbox, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(REGISTER, _register_body(), format="json")

    # then
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "new.person@example.com"
    assert body["role"] == Role.USER
    assert body["role_name"] == "user"
    assert body["is_email_verified"] is False
    assert body["username"] is None and body["phone"] is None and body["avatar"] is None
    assert "access" not in body and "password" not in body
    assert set(body) == {
        "id",
        "email",
        "first_name",
        "last_name",
        "username",
        "phone",
        "avatar",
        "role",
        "role_name",
        "is_email_verified",
        "date_joined",
    }
    user = User.objects.get()
    assert user.check_password(STRONG)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.person@example.com"]
    assert "http://testserver/api/auth/verify-email/?uid=" in mailoutbox[0].body


def test_register_duplicate_email_in_another_case_is_400_on_email(api_client):
    # given
    UserFactory(email="taken@example.com")

    # when
    response = api_client.post(REGISTER, _register_body(email="TAKEN@Example.COM"), format="json")

    # then
    assert response.status_code == 400
    assert "email" in response.json()
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password": "123"}, "password"),
        ({"password": "password"}, "password"),
        ({"password": "new.person@example"}, "password"),
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"first_name": ""}, "first_name"),
        ({"first_name": "   "}, "first_name"),
        ({"last_name": ""}, "last_name"),
        ({"last_name": None}, "last_name"),
        ({"first_name": ["a"]}, "first_name"),
        ({"email": {"a": 1}}, "email"),
        ({"first_name": "x" * 151}, "first_name"),
    ],
)
def test_register_bad_input_is_400_on_the_field(api_client, overrides, field):
    # when
    response = api_client.post(REGISTER, _register_body(**overrides), format="json")

    # then
    assert response.status_code == 400
    assert field in response.json()
    assert not User.objects.exists()


def test_register_empty_body_names_every_required_field(api_client):
    response = api_client.post(REGISTER, {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"email", "password", "first_name", "last_name"}


def test_register_malformed_json_is_400(api_client):
    response = api_client.post(REGISTER, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_login_matches_the_email_whatever_its_case(api_client):
    # given
    user = UserFactory(email="someone@example.com", is_email_verified=False)

    # when
    response = api_client.post(
        TOKEN, {"email": "SomeOne@EXAMPLE.com", "password": DEFAULT_PASSWORD}, format="json"
    )

    # then
    assert response.status_code == 200
    tokens = response.json()
    assert set(tokens) == {"access", "refresh"}
    me = api_client.get(ME, HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert me.status_code == 200
    assert me.json()["id"] == str(user.id)


@pytest.mark.parametrize(
    "body",
    [
        {"email": "someone@example.com", "password": "wrong-password"},
        {"email": "nobody@example.com", "password": DEFAULT_PASSWORD},
    ],
)
def test_login_with_wrong_credentials_is_401(api_client, body):
    UserFactory(email="someone@example.com")

    response = api_client.post(TOKEN, body, format="json")

    assert response.status_code == 401


def test_login_of_an_inactive_account_is_401(api_client):
    UserFactory(email="gone@example.com", is_active=False)

    response = api_client.post(
        TOKEN, {"email": "gone@example.com", "password": DEFAULT_PASSWORD}, format="json"
    )

    assert response.status_code == 401


@pytest.mark.parametrize(
    "body", [{}, {"email": "a@example.com"}, {"email": ["x"], "password": "y"}]
)
def test_login_with_missing_or_mistyped_fields_is_400(api_client, body):
    response = api_client.post(TOKEN, body, format="json")

    assert response.status_code == 400


def test_refresh_gives_a_new_access_token_and_no_refresh_when_rotation_is_off(api_client, user):
    refresh = RefreshToken.for_user(user)

    response = api_client.post(REFRESH, {"refresh": str(refresh)}, format="json")

    assert response.status_code == 200
    assert set(response.json()) == {"access"}


@pytest.mark.parametrize("token", ["garbage", "", "a.b.c"])
def test_refresh_with_a_bad_token_is_401_or_400(api_client, token):
    response = api_client.post(REFRESH, {"refresh": token}, format="json")

    assert response.status_code == (400 if token == "" else 401)


def test_refresh_with_an_expired_token_is_401(api_client, user):
    refresh = RefreshToken.for_user(user)
    refresh.set_exp(lifetime=-timedelta(seconds=1))

    response = api_client.post(REFRESH, {"refresh": str(refresh)}, format="json")

    assert response.status_code == 401


def test_refresh_of_a_deleted_user_is_401(api_client):
    user = UserFactory()
    refresh = str(RefreshToken.for_user(user))
    user.delete()

    response = api_client.post(REFRESH, {"refresh": refresh}, format="json")

    assert response.status_code == 401


def test_refresh_of_an_inactive_user_is_401(api_client):
    user = UserFactory()
    refresh = str(RefreshToken.for_user(user))
    user.is_active = False
    user.save()

    response = api_client.post(REFRESH, {"refresh": refresh}, format="json")

    assert response.status_code == 401


def test_refresh_after_a_password_change_is_401(api_client):
    user = UserFactory()
    refresh = str(RefreshToken.for_user(user))
    user.set_password(STRONG)
    user.save()

    response = api_client.post(REFRESH, {"refresh": refresh}, format="json")

    assert response.status_code == 401


def test_refresh_ignores_an_expired_access_token_in_the_header(api_client, user):
    # The SPA refreshes precisely because its access token expired.
    refresh = RefreshToken.for_user(user)
    expired = refresh.access_token
    expired.set_exp(lifetime=-timedelta(seconds=1))

    response = api_client.post(
        REFRESH, {"refresh": str(refresh)}, format="json", HTTP_AUTHORIZATION=f"Bearer {expired}"
    )

    assert response.status_code == 200


def test_refresh_rotates_and_blacklists_when_configured(api_client, user, monkeypatch):
    # given JWT_ROTATE_REFRESH=True
    monkeypatch.setattr(api_settings, "ROTATE_REFRESH_TOKENS", True)
    monkeypatch.setattr(api_settings, "BLACKLIST_AFTER_ROTATION", True)
    refresh = str(RefreshToken.for_user(user))

    # when
    first = api_client.post(REFRESH, {"refresh": refresh}, format="json")
    again = api_client.post(REFRESH, {"refresh": refresh}, format="json")

    # then
    assert first.status_code == 200
    assert set(first.json()) == {"access", "refresh"}
    assert again.status_code == 401


def test_blacklist_logs_out_the_refresh_token(api_client, user):
    # given
    refresh = str(RefreshToken.for_user(user))

    # when
    response = api_client.post(BLACKLIST, {"refresh": refresh}, format="json")

    # then
    assert response.status_code == 200
    assert api_client.post(REFRESH, {"refresh": refresh}, format="json").status_code == 401
    assert api_client.post(BLACKLIST, {"refresh": refresh}, format="json").status_code == 401


def test_blacklist_with_garbage_is_401_and_without_body_400(api_client):
    assert api_client.post(BLACKLIST, {"refresh": "garbage"}, format="json").status_code == 401
    assert api_client.post(BLACKLIST, {}, format="json").status_code == 400
