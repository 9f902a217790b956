"""/api/courses/categories/: public read, admin write."""

import pytest

from courses.models import Category
from courses.tests.factories import CategoryFactory, CourseFactory, DraftCourseFactory

pytestmark = pytest.mark.django_db

LIST = "/api/courses/categories/"


def test_categories_by_name_with_published_courses_count(api_client):
    maths = CategoryFactory(name="Maths")
    CategoryFactory(name="Art")
    CourseFactory(category=maths)
    DraftCourseFactory(category=maths)

    rows = api_client.get(LIST).json()["results"]

    assert [row["name"] for row in rows] == ["Art", "Maths"]
    assert rows[1] == {
        "id": str(maths.id),
        "slug": maths.slug,
        "name": "Maths",
        "description": maths.description,
        "courses_count": 1,
    }


def test_category_detail_by_slug(api_client):
    category = CategoryFactory()

    assert api_client.get(f"{LIST}{category.slug}/").json()["id"] == str(category.id)
    assert api_client.get(f"{LIST}nope/").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("student", 403), ("tutor", 403), ("admin_user", 201)],
)
def test_create_permissions(make_client, request, who, status):
    caller = request.getfixturevalue(who) if who else None

    response = make_client(caller).post(LIST, {"name": "Música y Danza"})

    assert response.status_code == status
    if status == 201:
        assert response.json()["slug"] == "musica-y-danza"
        assert response.json()["courses_count"] == 0


def test_slug_collision_gets_a_suffix(make_client, admin_user):
    CategoryFactory(name="Other", slug="music")

    response = make_client(admin_user).post(LIST, {"name": "Music"})

    assert response.json()["slug"].startswith("music-")


@pytest.mark.parametrize("payload", [{}, {"name": ""}, {"name": "x" * 121}, {"name": "Dup"}])
def test_create_bad_inputs(make_client, admin_user, payload):
    CategoryFactory(name="Dup")

    response = make_client(admin_user).post(LIST, payload)

    assert response.status_code == 400
    assert Category.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("student", 403), ("tutor", 403), ("admin_user", 200)],
)
def test_patch_permissions_and_slug_stays(make_client, request, who, status):
    category = CategoryFactory(name="Old", slug="old")
    caller = request.getfixturevalue(who) if who else None

    response = make_client(caller).patch(f"{LIST}old/", {"name": "New", "description": None})

    assert response.status_code == status
    category.refresh_from_db()
    assert category.slug == "old"
    assert (category.name == "New") is (status == 200)


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("student", 403), ("tutor", 403), ("admin_user", 204)],
)
def test_delete_leaves_courses_without_category(make_client, request, who, status):
    course = CourseFactory()
    caller = request.getfixturevalue(who) if who else None

    response = make_client(caller).delete(f"{LIST}{course.category.slug}/")

    assert response.status_code == status
    course.refresh_from_db()
    assert (course.category is None) is (status == 204)
