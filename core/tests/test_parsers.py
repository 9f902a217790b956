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


def test_a_body_over_the_upload_limit_is_413_in_the_contracts_shape(make_client, user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = '{"first_name": "' + "x" * 2048 + '"}'

    patched = make_client(user).patch("/api/auth/users/me/", body, content_type="application/json")
    registered = make_client(None).post("/api/auth/users/", body, content_type="application/json")

    assert (patched.status_code, registered.status_code) == (413, 413)
    assert patched.json()["code"] == "request_too_large"


def test_too_many_multipart_fields_is_400_in_the_contracts_shape(make_client, user, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    fields = {f"field{n}": "x" for n in range(10)}

    response = make_client(user).patch("/api/auth/users/me/", fields, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
