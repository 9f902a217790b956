import pytest

from users.models import Role
from users.tests.factories import StudentFactory, TutorFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/users/"


@pytest.mark.parametrize(
    ("who", "code"),
    [("user", 403), ("student", 403), ("tutor", 403), ("admin_user", 200)],
)
def test_users_list_permission_matrix(make_client, request, who, code):
    assert make_client(request.getfixturevalue(who)).get(URL).status_code == code


def test_staff_without_admin_role_is_an_admin(make_client):
    staff = UserFactory(is_staff=True)

    assert make_client(staff).get(URL).status_code == 200


def test_users_list_filters_by_role_and_searches(make_client, admin_user):
    # given
    tutor = TutorFactory(first_name="Marie", last_name="Curie", email="mc@example.com")
    StudentFactory(first_name="Pierre")
    client = make_client(admin_user)

    # when
    tutors = client.get(URL, {"role": 2}).json()
    found = client.get(URL, {"search": "curie"}).json()
    by_email = client.get(URL, {"search": "mc@exa"}).json()

    # then
    assert [row["id"] for row in tutors["results"]] == [str(tutor.id)]
    assert tutors["results"][0]["role_name"] == "tutor"
    assert "is_active" in tutors["results"][0]
    assert [row["id"] for row in found["results"]] == [str(tutor.id)]
    assert by_email["count"] == 1


@pytest.mark.parametrize("role", ["abc", "9", "1.5"])
def test_users_list_bad_role_filter_is_400(make_client, admin_user, role):
    response = make_client(admin_user).get(URL, {"role": role})

    assert response.status_code == 400


def test_admin_sets_role_and_is_active(make_client, admin_user, user):
    # when
    response = make_client(admin_user).patch(
        f"{URL}{user.id}/",
        {"role": Role.TUTOR, "is_active": False, "email": "x@y.z"},
        format="json",
    )

    # then
    assert response.status_code == 200
    assert response.json()["role"] == 2 and response.json()["role_name"] == "tutor"
    user.refresh_from_db()
    assert user.role == Role.TUTOR
    assert user.is_active is False
    assert user.email != "x@y.z"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"role": 7}, "role"), ({"role": "boss"}, "role"), ({"is_active": "maybe"}, "is_active")],
)
def test_admin_patch_bad_values_are_400(make_client, admin_user, user, body, field):
    response = make_client(admin_user).patch(f"{URL}{user.id}/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_admin_user_detail_and_404s(make_client, admin_user, user):
    client = make_client(admin_user)

    assert client.get(f"{URL}{user.id}/").json()["email"] == user.email
    assert client.get(f"{URL}not-a-uuid/").status_code == 404
    assert client.get(f"{URL}00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.put(f"{URL}{user.id}/", {}, format="json").status_code == 405
    assert client.delete(f"{URL}{user.id}/").status_code == 405


def test_non_admin_cannot_patch_a_user(make_client, tutor, user):
    response = make_client(tutor).patch(f"{URL}{user.id}/", {"role": 1}, format="json")

    assert response.status_code == 403
    user.refresh_from_db()
    assert user.role == Role.USER


@pytest.mark.parametrize("size", [3, 30])
def test_users_list_query_budget(make_client, admin_user, django_assert_max_num_queries, size):
    UserFactory.create_batch(size)
    client = make_client(admin_user)

    with django_assert_max_num_queries(3):
        assert client.get(URL).json()["count"] == size + 1


@pytest.mark.parametrize("body", [{"role": Role.STUDENT}, {"is_active": False}])
def test_admin_cannot_demote_or_deactivate_themselves(make_client, admin_user, body):
    response = make_client(admin_user).patch(f"{URL}{admin_user.id}/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "cannot_change_own_access"
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN and admin_user.is_active


def test_admin_may_patch_themselves_without_changing_access(make_client, admin_user):
    response = make_client(admin_user).patch(
        f"{URL}{admin_user.id}/", {"role": Role.ADMIN, "is_active": True}, format="json"
    )

    assert response.status_code == 200
