"""A malformed or oversized `uid`/`token` is the same 400 `invalid_token` as a wrong one."""

import pytest

pytestmark = pytest.mark.django_db

VERIFY = "/api/auth/verify-email/"
RESET_CONFIRM = "/api/auth/password/reset/confirm/"
MALFORMED = [
    {"uid": "x" * 200, "token": "t"},
    {"uid": "u", "token": "x" * 200},
    {"uid": "u\x00", "token": "t"},
    {"uid": 12, "token": "t"},
    {"uid": ["u"], "token": {"t": 1}},
]


@pytest.mark.parametrize("body", MALFORMED)
@pytest.mark.parametrize("path", [VERIFY, RESET_CONFIRM])
def test_malformed_uid_or_token_is_400_invalid_token(api_client, path, body):
    response = api_client.post(path, {**body, "new_password": "a-long-new-pass-123"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_token"


def test_the_emailed_link_with_an_oversized_token_redirects_as_invalid(api_client):
    response = api_client.get(VERIFY, {"uid": "u", "token": "x" * 200})

    assert response.status_code == 302
    assert response["Location"].endswith("email_verified=0")
