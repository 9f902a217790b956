import re
from urllib.parse import parse_qs, urlparse

import pytest

from users.tests.factories import DEFAULT_PASSWORD, UserFactory
from users.tokens import (
    email_verification_token_generator,
    password_reset_token_generator,
    uid_encode,
)

pytestmark = pytest.mark.django_db

VERIFY = "/api/auth/verify-email/"
RESEND = "/api/auth/verify-email/resend/"
RESET = "/api/auth/password/reset/"
CONFIRM = "/api/auth/password/reset/confirm/"
CHANGE = "/api/auth/password/change/"
STRONG = "Sup3r-Secret-Phrase!"


def _link(body: str) -> str:
    return re.search(r"https?://\S+", body).group(0)


def _verification_params(user) -> dict:
    return {"uid": uid_encode(user), "token": email_verification_token_generator.make_token(user)}


def test_the_emailed_link_verifies_and_redirects_to_the_spa(
    api_client, mailoutbox, django_capture_on_commit_callbacks
):
    # given: a fresh registration and its email
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(
            "/api/auth/users/",
            {"email": "a@example.com", "password": STRONG, "first_name": "A", "last_name": "B"},
            format="json",
        )
    link = urlparse(_link(mailoutbox[0].body))

    # when: the user opens the link
    response = api_client.get(f"{link.path}?{link.query}")

    # then
    assert response.status_code == 302
    assert response["Location"] == "http://frontend.test/login?email_verified=1"
    again = api_client.get(f"{link.path}?{link.query}")
    assert again["Location"] == "http://frontend.test/login?email_verified=0"


@pytest.mark.parametrize(
    "query",
    ["", "?uid=abc&token=def", "?uid=%%%&token=x", "?token=x", "?uid=" + "A" * 200 + "&token=x"],
)
def test_a_bad_link_redirects_with_email_verified_0(api_client, query):
    response = api_client.get(f"{VERIFY}{query}")

    assert response.status_code == 302
    assert response["Location"].endswith("/login?email_verified=0")


def test_post_verify_email(api_client):
    # given
    user = UserFactory(is_email_verified=False)
    params = _verification_params(user)

    # when
    response = api_client.post(VERIFY, params, format="json")
    again = api_client.post(VERIFY, params, format="json")

    # then
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.is_email_verified
    assert again.status_code == 400
    assert again.json()["code"] == "invalid_token"


def test_a_verification_link_for_a_former_email_is_dead(api_client):
    user = UserFactory(is_email_verified=False, email="old@example.com")
    params = _verification_params(user)
    user.email = "new@example.com"
    user.save()

    response = api_client.post(VERIFY, params, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_token"


@pytest.mark.parametrize(
    "body",
    [
        {"uid": "garbage", "token": "garbage"},
        {"uid": "", "token": ""},
        {"uid": "Zm9v", "token": "abc-def"},
    ],
)
def test_post_verify_email_with_garbage_is_400(api_client, body):
    response = api_client.post(VERIFY, body, format="json")

    assert response.status_code == 400
    if body["uid"]:
        assert response.json()["code"] == "invalid_token"


def test_post_verify_email_empty_body_is_400_on_fields(api_client):
    response = api_client.post(VERIFY, {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"uid", "token"}


def test_resend_is_202_whatever_the_email_and_only_mails_unverified_accounts(
    api_client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="unverified@example.com", is_email_verified=False)
    UserFactory(email="verified@example.com", is_email_verified=True)

    with django_capture_on_commit_callbacks(execute=True):
        codes = [
            api_client.post(RESEND, {"email": email}, format="json").status_code
            for email in ["UNVERIFIED@example.com", "verified@example.com", "nobody@example.com"]
        ]

    assert codes == [202, 202, 202]
    assert [message.to for message in mailoutbox] == [["unverified@example.com"]]


@pytest.mark.parametrize("body", [{}, {"email": ""}, {"email": ["a@example.com"]}, {"email": None}])
def test_resend_and_reset_without_an_email_string_are_400(api_client, body):
    assert api_client.post(RESEND, body, format="json").status_code == 400
    assert api_client.post(RESET, body, format="json").status_code == 400


def test_resend_and_reset_with_a_malformed_email_are_202_and_send_nothing(
    api_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        resend = api_client.post(RESEND, {"email": "not-an-email"}, format="json")
        reset = api_client.post(RESET, {"email": "not-an-email"}, format="json")

    assert (resend.status_code, reset.status_code) == (202, 202)
    assert mailoutbox == []


def test_password_reset_flow(api_client, mailoutbox, django_capture_on_commit_callbacks):
    # given
    user = UserFactory(email="forgot@example.com")

    # when: asking for a link, then using it
    with django_capture_on_commit_callbacks(execute=True):
        asked = api_client.post(RESET, {"email": "Forgot@Example.com"}, format="json")
    link = _link(mailoutbox[0].body)
    params = {key: value[0] for key, value in parse_qs(urlparse(link).query).items()}
    confirmed = api_client.post(CONFIRM, {**params, "new_password": STRONG}, format="json")
    reused = api_client.post(CONFIRM, {**params, "new_password": STRONG + "x"}, format="json")

    # then
    assert asked.status_code == 202
    assert link.startswith("http://frontend.test/reset-password?uid=")
    assert confirmed.status_code == 200
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert reused.status_code == 400
    assert reused.json()["code"] == "invalid_token"


def test_password_reset_for_an_unknown_or_inactive_email_is_202_and_sends_nothing(
    api_client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="inactive@example.com", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        unknown = api_client.post(RESET, {"email": "nobody@example.com"}, format="json")
        inactive = api_client.post(RESET, {"email": "inactive@example.com"}, format="json")

    assert (unknown.status_code, inactive.status_code) == (202, 202)
    assert mailoutbox == []


def test_reset_confirm_with_a_weak_password_is_400_on_new_password(api_client, user):
    params = {"uid": uid_encode(user), "token": password_reset_token_generator.make_token(user)}

    response = api_client.post(CONFIRM, {**params, "new_password": "12345678"}, format="json")

    assert response.status_code == 400
    assert "new_password" in response.json()
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


@pytest.mark.parametrize(
    "body",
    [
        {"uid": "garbage", "token": "garbage", "new_password": STRONG},
        {"uid": "", "token": "x", "new_password": STRONG},
        {},
        {"uid": ["x"], "token": 1, "new_password": STRONG},
    ],
)
def test_reset_confirm_bad_input_is_400(api_client, body):
    response = api_client.post(CONFIRM, body, format="json")

    assert response.status_code == 400


def test_reset_confirm_with_a_verification_token_is_invalid(api_client, user):
    params = _verification_params(user)

    response = api_client.post(CONFIRM, {**params, "new_password": STRONG}, format="json")

    assert response.json()["code"] == "invalid_token"


def test_password_change_revokes_old_tokens_and_returns_fresh_ones(make_client, api_client, user):
    # given
    client = make_client(user)

    # when
    response = client.post(
        CHANGE, {"old_password": DEFAULT_PASSWORD, "new_password": STRONG}, format="json"
    )

    # then
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert client.get("/api/auth/users/me/").status_code == 401
    fresh = response.json()["access"]
    assert (
        api_client.get("/api/auth/users/me/", HTTP_AUTHORIZATION=f"Bearer {fresh}").status_code
        == 200
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"old_password": "wrong", "new_password": STRONG}, "old_password"),
        ({"old_password": DEFAULT_PASSWORD, "new_password": "short"}, "new_password"),
        ({"old_password": DEFAULT_PASSWORD}, "new_password"),
        ({}, "old_password"),
    ],
)
def test_password_change_bad_input_is_400_on_the_field(make_client, user, body, field):
    response = make_client(user).post(CHANGE, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_password_change_anonymous_is_401(api_client):
    response = api_client.post(CHANGE, {"old_password": "a", "new_password": "b"}, format="json")

    assert response.status_code == 401
