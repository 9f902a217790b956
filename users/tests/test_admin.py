import pytest

from users.models import User
from users.tests.factories import OnboardingAnswerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    superuser = User.objects.create_superuser(
        email="root@example.com", password="Sup3r-Secret-Phrase!", first_name="R", last_name="T"
    )
    client.force_login(superuser)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/users/user/",
        "/admin/users/user/?q=root&role__exact=1&is_email_verified__exact=1",
        "/admin/users/user/add/",
        "/admin/users/onboardinganswer/",
        "/admin/core/university/?q=oxford",
    ],
)
def test_admin_pages_load(staff_client, url):
    OnboardingAnswerFactory()

    assert staff_client.get(url).status_code == 200


def test_admin_user_change_page_loads(staff_client):
    answer = OnboardingAnswerFactory()

    assert staff_client.get(f"/admin/users/user/{answer.user.pk}/change/").status_code == 200


def test_admin_adds_a_user_by_email(staff_client):
    response = staff_client.post(
        "/admin/users/user/add/",
        {
            "email": "New@Example.com",
            "first_name": "N",
            "last_name": "U",
            "role": 2,
            "usable_password": "true",
            "password1": "Sup3r-Secret-Phrase!",
            "password2": "Sup3r-Secret-Phrase!",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.role == 2
    assert user.check_password("Sup3r-Secret-Phrase!")


def test_admin_refuses_a_duplicate_email_in_another_case(staff_client):
    response = staff_client.post(
        "/admin/users/user/add/",
        {
            "email": "ROOT@example.com",
            "first_name": "N",
            "last_name": "U",
            "role": 4,
            "usable_password": "true",
            "password1": "Sup3r-Secret-Phrase!",
            "password2": "Sup3r-Secret-Phrase!",
        },
    )

    assert response.status_code == 200
    assert User.objects.count() == 1
