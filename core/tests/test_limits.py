"""The contract's "Limits": each bound is a clear 4xx, decided before the costly work."""

import io
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.limits import json_depth_exceeds, numeric_string_error, search_terms
from courses.tests.factories import CourseFactory, CoursePartFactory, LessonFactory

pytestmark = pytest.mark.django_db


def _deep(levels: int) -> str:
    return '{"title": ' + "[" * levels + "]" * levels + "}"


# --- Request size (12) ------------------------------------------------------------------


class _Unreadable(io.BytesIO):
    """A body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_a_body_over_max_request_bytes_is_413_before_it_is_read(settings):
    settings.MAX_REQUEST_BYTES = 1000
    client = Client(raise_request_exception=False)

    response = client.generic(
        "POST",
        "/api/auth/users/",
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH="100000000",
        **{"wsgi.input": _Unreadable()},
    )

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_the_default_limit_is_6_mb(settings):
    assert settings.MAX_REQUEST_BYTES == 6 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.MAX_REQUEST_BYTES


def test_a_json_body_just_over_the_limit_is_413_and_one_under_is_read(make_client, user, settings):
    settings.MAX_REQUEST_BYTES = 2000
    client = make_client(user)

    over = client.patch(
        "/api/auth/users/me/",
        '{"first_name": "' + "x" * 2000 + '"}',
        content_type="application/json",
    )
    under = client.patch("/api/auth/users/me/", {"first_name": "Ann"}, format="json")

    assert over.status_code == 413
    assert over.json()["code"] == "request_too_large"
    assert under.status_code == 200


def test_a_chunked_body_without_content_length_is_cut_at_the_limit(settings, rf):
    from django.core.exceptions import RequestDataTooBig

    from core.limits import RequestSizeLimitMiddleware

    settings.MAX_REQUEST_BYTES = 1000
    request = rf.post("/api/auth/users/", data=b"", content_type="application/json")
    request.META.pop("CONTENT_LENGTH", None)
    request._stream = io.BytesIO(b"x" * 5000)  # as under ASGI, or a server passing chunks
    middleware = RequestSizeLimitMiddleware(lambda request: request.body)

    with pytest.raises(RequestDataTooBig):
        middleware(request)
    answer = middleware.process_exception(request, RequestDataTooBig())

    assert answer.status_code == 413
    assert b"request_too_large" in answer.content


def test_multipart_to_a_route_that_takes_no_file_is_415(make_client, user, tutor):
    course = CourseFactory(tutors=[tutor])
    part = CoursePartFactory(course=course)
    lesson = LessonFactory(part=part)

    answers = [
        make_client(None).post("/api/auth/users/", {"email": "a@b.test"}, format="multipart"),
        make_client(None).post("/api/auth/token/", {"email": "a@b.test"}, format="multipart"),
        make_client(tutor).patch(
            f"/api/courses/lessons/{lesson.slug}/", {"title": "x"}, format="multipart"
        ),
        make_client(user).post(
            "/api/auth/onboarding-answers/", {"degree": "x"}, format="multipart"
        ),
    ]

    assert [answer.status_code for answer in answers] == [415] * 4
    assert {answer.json()["code"] for answer in answers} == {"unsupported_media_type"}


def test_urlencoded_forms_are_415_too(make_client):
    response = make_client(None).post(
        "/api/auth/token/",
        "email=a%40b.test&password=x",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 415


def test_multipart_stays_on_the_routes_that_take_a_file(make_client, user, tutor):
    course = CourseFactory(tutors=[tutor])

    profile = make_client(user).patch(
        "/api/auth/users/me/", {"first_name": "Ann"}, format="multipart"
    )
    created = make_client(tutor).post("/api/courses/courses/", {"title": "T"}, format="multipart")
    patched = make_client(tutor).patch(
        f"/api/courses/courses/{course.slug}/", {"title": "U"}, format="multipart"
    )

    assert (profile.status_code, created.status_code, patched.status_code) == (200, 201, 200)


# --- JSON depth (10) --------------------------------------------------------------------


def test_json_nested_100000_deep_is_400_parse_error(make_client, tutor):
    response = make_client(tutor).post(
        "/api/courses/courses/", _deep(100_000), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_json_33_deep_is_refused_and_32_accepted(make_client, user):
    client = make_client(user)
    # The body itself is level 1.
    deep = '{"first_name": "Ann", "x": ' + "[" * 32 + "]" * 32 + "}"
    fine = '{"first_name": "Ann", "x": ' + "[" * 31 + "]" * 31 + "}"

    assert (
        client.patch("/api/auth/users/me/", deep, content_type="application/json").status_code
        == 400
    )
    assert (
        client.patch("/api/auth/users/me/", fine, content_type="application/json").status_code
        == 200
    )


def test_brackets_inside_strings_do_not_count():
    assert not json_depth_exceeds('{"a": "' + "[" * 100 + '\\"' + "{" * 100 + '"}')
    assert json_depth_exceeds("[" * 33 + "]" * 33)
    assert not json_depth_exceeds("[" * 32 + "]" * 32)


def test_deep_json_in_the_multipart_prices_string_is_400_parse_error(make_client, tutor):
    response = make_client(tutor).post(
        "/api/courses/courses/",
        {"title": "T", "prices": "[" * 100_000 + "]" * 100_000},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_json_integer_of_100000_digits_is_400_parse_error(make_client, tutor):
    body = '{"title": "T", "price": ' + "9" * 100_000 + "}"

    response = make_client(tutor).post(
        "/api/courses/courses/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


# --- Numeric strings (11) ---------------------------------------------------------------


def test_an_exponent_duration_is_400_in_milliseconds(make_client, tutor):
    course = CourseFactory(tutors=[tutor])
    lesson = LessonFactory(part=CoursePartFactory(course=course))
    started = time.monotonic()

    response = make_client(tutor).patch(
        f"/api/courses/lessons/{lesson.slug}/", {"duration": "1e100000000"}, format="json"
    )

    assert response.status_code == 400
    assert "duration" in response.json()
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("value", ["1e5", "1E+2", "9" * 40, " 1e3 "])
@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/courses/course-parts/", "order"),
        ("/api/courses/courses/", "price"),
    ],
)
def test_exponent_or_overlong_numbers_are_400_on_the_field(make_client, tutor, path, field, value):
    course = CourseFactory(tutors=[tutor])
    body = {"title": "T", "course": str(course.pk), field: value}

    response = make_client(tutor).post(path, body, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_exponent_prices_inside_prices_are_400(make_client, tutor):
    response = make_client(tutor).post(
        "/api/courses/courses/",
        {"title": "T", "price": "10", "prices": [{"currency": "eur", "price": "1e1"}]},
        format="json",
    )

    assert response.status_code == 400
    assert "prices" in response.json()


def test_graduation_year_and_global_rank_refuse_exponents(make_client, user, admin_user):
    onboarding = make_client(user).post(
        "/api/auth/onboarding-answers/", {"graduation_year": "2.02e3"}, format="json"
    )
    university = make_client(admin_user).post(
        "/api/core/universities/",
        {"name": "U", "city": "C", "country": "X", "global_rank": "1e3"},
        format="json",
    )

    assert "graduation_year" in onboarding.json()
    assert university.status_code == 400
    assert "global_rank" in university.json()


@pytest.mark.parametrize("param", ["min_price", "max_price", "page", "page_size"])
@pytest.mark.parametrize("value", ["1e2", "9" * 5000])
def test_query_numbers_in_exponent_or_overlong_are_400_on_the_parameter(api_client, param, value):
    response = api_client.get("/api/courses/courses/", {param: value})

    assert response.status_code == 400
    assert param in response.json()


def test_numeric_string_error_passes_plain_numbers():
    assert numeric_string_error("49.99") is None
    assert numeric_string_error("00:10:00") is None
    assert numeric_string_error(12) is None
    assert numeric_string_error("1e5")
    assert numeric_string_error("1" * 33)


# --- Search (13) ------------------------------------------------------------------------


def test_search_uses_its_first_10_words_and_200_characters():
    assert search_terms(" ".join(f"w{n}" for n in range(1300))) == [f"w{n}" for n in range(10)]
    assert search_terms("x" * 500) == ["x" * 200]


@pytest.mark.parametrize(
    "path",
    ["/api/courses/courses/", "/api/tutors/", "/api/users/", "/api/core/universities/"],
)
def test_every_search_filter_is_bounded(make_client, admin_user, path):
    words = [f"zq{n:04d}x" for n in range(1300)]

    with CaptureQueriesContext(connection) as queries:
        response = make_client(admin_user).get(path, {"search": " ".join(words)})

    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert response.status_code == 200, response.content
    assert "zq0009x" in sql
    assert "zq0010x" not in sql


def test_a_search_past_ten_words_ignores_the_rest(api_client):
    course = CourseFactory(title="Algebra")
    words = ["algebra"] * 10 + ["nomatch"]

    response = api_client.get("/api/courses/courses/", {"search": " ".join(words)})

    assert [item["id"] for item in response.json()["results"]] == [str(course.pk)]


# --- Documentation ----------------------------------------------------------------------


def test_the_schema_documents_413_and_415_on_operations_with_a_body(admin_user, make_client):
    schema = make_client(admin_user).get("/api/schema/?format=json").json()

    create = schema["paths"]["/api/courses/courses/"]["post"]["responses"]
    search = [
        parameter
        for parameter in schema["paths"]["/api/courses/courses/"]["get"]["parameters"]
        if parameter["name"] == "search"
    ]
    assert {"413", "415"} <= set(create)
    assert "first 10 words" in search[0]["description"]
