import pytest

from core.models import University
from core.tests.factories import UniversityFactory
from users.tests.factories import OnboardingAnswerFactory

pytestmark = pytest.mark.django_db

URL = "/api/core/universities/"


@pytest.fixture(autouse=True)
def _no_loaded_universities():
    # The data migration loads real universities; these tests start from none.
    University.objects.all().delete()


def test_list_is_public_ordered_by_name_with_integer_ids(api_client):
    UniversityFactory(name="Zurich U", global_rank=None)
    UniversityFactory(name="Aalto U", global_rank=5)

    response = api_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert [row["name"] for row in body["results"]] == ["Aalto U", "Zurich U"]
    row = body["results"][0]
    assert set(row) == {"id", "name", "city", "country", "global_rank"}
    assert isinstance(row["id"], int)
    assert row["global_rank"] == 5
    assert body["results"][1]["global_rank"] is None


def test_search_by_name_or_city(api_client):
    UniversityFactory(name="University of Oxford", city="Oxford")
    UniversityFactory(name="Imperial College London", city="London")

    by_name = api_client.get(URL, {"search": "imperial"}).json()["results"]
    by_city = api_client.get(URL, {"search": "oxford"}).json()["results"]

    assert [row["name"] for row in by_name] == ["Imperial College London"]
    assert [row["name"] for row in by_city] == ["University of Oxford"]


def test_detail_and_404s(api_client):
    university = UniversityFactory()

    assert api_client.get(f"{URL}{university.id}/").json()["name"] == university.name
    assert api_client.get(f"{URL}999999/").status_code == 404
    assert api_client.get(f"{URL}abc/").status_code == 404
    assert api_client.get(f"{URL}{10**30}/").status_code == 404


def test_garbage_bearer_on_the_public_list_is_401(api_client):
    response = api_client.get(URL, HTTP_AUTHORIZATION="Bearer garbage")

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("who", "code"), [(None, 401), ("user", 403), ("tutor", 403), ("admin_user", 201)]
)
def test_create_permission_matrix(make_client, request, who, code):
    client = make_client(request.getfixturevalue(who) if who else None)

    response = client.post(
        URL, {"name": "New U", "city": "Lyon", "country": "France", "global_rank": 300}
    )

    assert response.status_code == code
    assert University.objects.filter(name="New U").exists() == (code == 201)


def test_admin_patches_and_deletes(make_client, admin_user):
    university = UniversityFactory()
    client = make_client(admin_user)

    patched = client.patch(f"{URL}{university.id}/", {"global_rank": None}, format="json")
    deleted = client.delete(f"{URL}{university.id}/")

    assert patched.status_code == 200 and patched.json()["global_rank"] is None
    assert deleted.status_code == 204
    assert not University.objects.exists()


@pytest.mark.parametrize("who", ["user", "tutor"])
def test_non_admins_cannot_patch_or_delete(make_client, request, who):
    university = UniversityFactory()
    client = make_client(request.getfixturevalue(who))

    assert client.patch(f"{URL}{university.id}/", {"name": "X"}).status_code == 403
    assert client.delete(f"{URL}{university.id}/").status_code == 403
    assert University.objects.filter(name=university.name).exists()


def test_deleting_a_picked_university_is_409(make_client, admin_user):
    answer = OnboardingAnswerFactory()

    response = make_client(admin_user).delete(f"{URL}{answer.university_id}/")

    assert response.status_code == 409
    assert response.json()["code"] == "university_in_use"
    assert University.objects.filter(pk=answer.university_id).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"city": "X", "country": "Y"}, "name"),
        ({"name": "", "city": "X", "country": "Y"}, "name"),
        ({"name": "Dup U", "city": "X", "country": "Y"}, "name"),
        ({"name": "U", "city": "X", "country": "Y", "global_rank": -1}, "global_rank"),
        ({"name": "U", "city": "X", "country": "Y", "global_rank": "first"}, "global_rank"),
        ({"name": "U", "country": "Y"}, "city"),
    ],
)
def test_create_bad_input_is_400(make_client, admin_user, body, field):
    UniversityFactory(name="Dup U")

    response = make_client(admin_user).post(URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("size", [3, 40])
def test_list_query_budget(api_client, django_assert_max_num_queries, size):
    UniversityFactory.create_batch(size)

    with django_assert_max_num_queries(2):
        assert api_client.get(URL).json()["count"] == size


def test_the_data_migration_loaded_real_universities(django_db_blocker):
    # Loaded rows are deleted by the autouse fixture, so re-run the loader here.
    from importlib import import_module

    from django.apps import apps

    migration = import_module("core.migrations.0002_load_universities")
    migration.load(apps, None)
    migration.load(apps, None)  # idempotent

    assert University.objects.count() == len(migration.UNIVERSITIES) >= 30
    oxford = University.objects.get(name="University of Oxford")
    assert (oxford.city, oxford.country) == ("Oxford", "United Kingdom")
    assert oxford.global_rank is not None


@pytest.mark.parametrize(
    ("query", "expected_size"),
    [("", 100), ("?page_size=1000", 100), ("?page_size=101", 100), ("?page_size=7", 7)],
)
def test_lists_page_100_by_default_and_at_most(api_client, query, expected_size):
    UniversityFactory.create_batch(120)

    response = api_client.get(URL + query)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 120
    assert len(body["results"]) == expected_size
    assert body["next"].startswith("http://testserver/api/core/universities/?page=2")
    assert body["previous"] is None


@pytest.mark.parametrize("query", ["?page=abc", "?page=0", "?page=99", "?page_size=abc&page=x"])
def test_a_page_out_of_range_is_404_not_500(api_client, query):
    UniversityFactory()

    response = api_client.get(URL + query)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
