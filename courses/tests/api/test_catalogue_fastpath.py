"""Anonymous cache hits answered before DRF (courses/api/fastpath.py): the same status,
body and headers as through DRF, the same rate, the same invalidation; anything else
(a token, a browser, a miss) goes through DRF as before."""

import pytest
from rest_framework.views import APIView

from conftest import client_for
from courses.tests.factories import (
    CategoryFactory,
    CourseFactory,
    CoursePartFactory,
    EnrollmentFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/courses/courses/"


@pytest.fixture
def catalogue():
    category = CategoryFactory(slug="maths")
    course = CourseFactory(slug="algebra", category=category)
    CoursePartFactory(course=course)
    return course


@pytest.fixture
def drf_calls(monkeypatch):
    """How many requests reached DRF's dispatch."""
    calls = []
    dispatch = APIView.dispatch

    def counting(self, request, *args, **kwargs):
        calls.append(request.path)
        return dispatch(self, request, *args, **kwargs)

    monkeypatch.setattr(APIView, "dispatch", counting)
    return calls


def _headers(response) -> dict:
    return {k: v for k, v in response.headers.items() if k.lower() != "x-request-id"}


@pytest.mark.parametrize(
    "path",
    [
        LIST,
        f"{LIST}?page_size=1&ordering=title",
        f"{LIST}algebra/",
        "/api/courses/categories/",
        "/api/courses/categories/maths/",
    ],
)
def test_a_hit_answers_what_drf_answered_without_reaching_it(catalogue, drf_calls, path):
    anon = client_for(None)

    through_drf = anon.get(path, HTTP_ACCEPT="application/json, text/plain, */*")
    hit = anon.get(path, HTTP_ACCEPT="application/json, text/plain, */*")

    assert drf_calls == [path.split("?")[0]]
    assert hit.status_code == through_drf.status_code == 200
    assert hit.content == through_drf.content
    assert _headers(hit) == _headers(through_drf)


@pytest.mark.parametrize(
    ("authorization", "status"),
    [("Bearer not-a-token", 401), ("Bearer", 401), ("Basic abc", 200)],  # Basic: not ours
)
def test_an_authorization_header_is_always_drfs_to_judge(
    catalogue, drf_calls, authorization, status
):
    anon = client_for(None)
    anon.get(LIST)

    response = anon.get(LIST, HTTP_AUTHORIZATION=authorization)

    assert response.status_code == status
    assert len(drf_calls) == 2


def test_a_signed_in_caller_gets_their_own_fields_through_drf(catalogue, drf_calls):
    student = EnrollmentFactory(course=catalogue).user
    client_for(None).get(LIST)

    mine = client_for(student).get(LIST).json()["results"][0]

    assert mine["is_enrolled"] is True
    assert len(drf_calls) == 2


@pytest.mark.parametrize(
    "accept", ["text/html,application/xhtml+xml,*/*;q=0.8", "application/json;q=0.5"]
)
def test_a_browser_or_a_weighted_accept_goes_through_drf(catalogue, drf_calls, accept):
    anon = client_for(None)
    anon.get(LIST)

    response = anon.get(LIST, HTTP_ACCEPT=accept)

    assert len(drf_calls) == 2
    assert response.status_code in (200, 406)


def test_the_anonymous_rate_applies_to_hits(catalogue, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "3/min",
        },
    }
    anon = client_for(None)

    codes = [anon.get(LIST).status_code for _ in range(4)]
    refused = anon.get(LIST)

    assert codes == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0


def test_a_miss_after_the_fast_path_is_counted_once(catalogue, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "4/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    anon = client_for(None)

    codes = [anon.get(f"{LIST}?unique={n}").status_code for n in range(5)]  # all misses

    assert codes == [200, 200, 200, 200, 429]


def test_a_write_is_seen_on_the_next_hit(catalogue, drf_calls):
    anon = client_for(None)
    before = anon.get(LIST).json()["count"]
    anon.get(LIST)

    CourseFactory()
    after = anon.get(LIST).json()["count"]

    assert (before, after) == (1, 2)
    assert len(drf_calls) == 2  # the miss after the write went through DRF again
