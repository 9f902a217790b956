"""A JSON body that is not an object is a 400 on every route, never a 500."""

import pytest

from courses.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("body", ["null", "[null, null]", "42", '"text"', "[]"])
def test_non_object_json_bodies_are_400(make_client, tutor, body):
    course = CourseFactory(tutors=[tutor])
    client = make_client(tutor)

    created = client.post("/api/courses/courses/", body, content_type="application/json")
    patched = client.patch(
        f"/api/courses/courses/{course.slug}/", body, content_type="application/json"
    )
    registered = client.post("/api/auth/users/", body, content_type="application/json")

    assert (created.status_code, patched.status_code, registered.status_code) == (400, 400, 400)
    assert created.json()["code"] == "parse_error"


def test_malformed_json_is_400(api_client):
    response = api_client.post("/api/auth/token/", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
