"""The admin login is rate-limited per client IP and per account (django-axes), like
the API's `token/`, and says so; the API's own login is not counted by it."""

import pytest
from django.test import Client

from users.models import User

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "Sup3r-Secret-Phrase!"


@pytest.fixture
def admin_user():
    return User.objects.create_superuser(
        email="root@example.com", password=PASSWORD, first_name="R", last_name="T"
    )


def admin_login(email: str, password: str, ip: str = "203.0.113.7", **headers):
    return Client(REMOTE_ADDR=ip, **headers).post(
        LOGIN, {"username": email, "password": password, "next": "/admin/"}
    )


def test_the_login_page_says_it_is_rate_limited():
    response = Client().get(LOGIN)

    assert response.status_code == 200
    assert b"rate-limited" in response.content
    assert b'name="password"' in response.content


def test_a_good_login_works(admin_user):
    response = admin_login("root@example.com", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_eleventh_failed_login_from_one_ip_is_refused(admin_user):
    failures = [admin_login(f"nobody{i}@example.com", "wrong").status_code for i in range(10)]

    refused = admin_login("root@example.com", PASSWORD)

    # The form again with its error, until the tenth failure locks the address.
    assert failures == [200] * 9 + [429]
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert admin_login("root@example.com", PASSWORD, ip="198.51.100.1").status_code == 302


def test_failures_spread_over_ips_against_one_account_are_refused(admin_user):
    for i in range(10):
        # The account in any case is the same account.
        email = "Root@Example.com" if i % 2 else "root@example.com"
        expected = 429 if i == 9 else 200
        assert admin_login(email, "wrong", ip=f"198.51.100.{i + 1}").status_code == expected

    refused = admin_login("root@example.com", PASSWORD, ip="192.0.2.200")

    assert refused.status_code == 429


def test_a_forged_x_forwarded_for_does_not_start_a_fresh_count(admin_user):
    for i in range(10):
        admin_login(f"n{i}@example.com", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")

    refused = admin_login("other@example.com", "wrong", HTTP_X_FORWARDED_FOR="10.9.9.9, 192.0.2.1")

    assert refused.status_code == 429


def test_behind_one_proxy_the_address_it_saw_is_the_client(admin_user, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = "10.0.0.1"
    for i in range(10):
        admin_login(
            f"n{i}@example.com", "wrong", ip=proxy, HTTP_X_FORWARDED_FOR=f"1.1.1.{i}, 203.0.113.9"
        )

    same_client = admin_login(
        "x@example.com", "wrong", ip=proxy, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.9"
    )
    other_client = admin_login(
        "root@example.com", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.10"
    )

    assert same_client.status_code == 429
    assert other_client.status_code == 302


def test_a_good_login_resets_the_count(admin_user):
    for i in range(9):
        admin_login(f"n{i}@example.com", "wrong")
    assert admin_login("root@example.com", PASSWORD).status_code == 302

    for i in range(9):
        assert admin_login(f"m{i}@example.com", "wrong").status_code == 200


def test_failed_api_logins_neither_count_nor_lock_the_admin(admin_user, api_client):
    for i in range(12):
        response = api_client.post(
            "/api/auth/token/",
            {"email": "root@example.com", "password": "wrong"},
            REMOTE_ADDR=f"198.51.100.{i + 1}",
        )
        assert response.status_code == 401

    assert admin_login("root@example.com", PASSWORD).status_code == 302


def test_an_admin_lockout_leaves_the_api_login_alone(admin_user, api_client):
    for i in range(11):
        admin_login("root@example.com", "wrong", ip=f"198.51.100.{i + 1}")

    response = api_client.post(
        "/api/auth/token/", {"email": "root@example.com", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "access" in response.json()


def test_a_huge_username_is_a_failed_login_not_a_server_error(client):
    # given a 10,000-character username (axes keeps usernames in a 255-character column)
    huge = "a" * 10_000

    # when it is posted to the admin login
    response = client.post("/admin/login/", {"username": huge, "password": "x"})

    # then the form answers (no 500), and the attempt counts against the cut name
    assert response.status_code == 200
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get().username == "a" * 254
