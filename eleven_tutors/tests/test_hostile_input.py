"""No route answers 500 to a hostile body: a walk of the whole URLconf.

Every route (path parameters filled with real objects' slugs and ids), with every method it
allows, as an anonymous client and as an admin, gets: JSON nested 100,000 deep, a
100,000-digit integer, exponent and over-long number strings in every numeric field, NUL
bytes and over-long text in every text field, a Content-Length over the limit (413), a
multipart body (415 where no file is taken) and hostile query strings. The contract's
Limits define 413, 415 and 400 `parse_error`; everything else only has to be a 4xx (or the
503 of an outside service that is not configured in tests).
"""

import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.throttling import SimpleRateThrottle

from core.models import University
from core.throttles import WindowRateThrottle
from courses.tests.factories import (
    CategoryFactory,
    CommentFactory,
    CourseFactory,
    CoursePartFactory,
    EnrollmentFactory,
    LessonFactory,
    ReviewFactory,
)
from payments.tests.factories import OrderFactory
from users.tests.factories import AdminFactory, StudentFactory, TutorFactory

pytestmark = pytest.mark.django_db

HUGE = "1e100000000"
LONG_NUMBER = "9" * 5000
NUMERIC_FIELDS = (
    "price", "duration", "order", "page", "page_size", "graduation_year", "global_rank",
    "rating", "min_price", "max_price", "role", "id", "university", "progress",
)  # fmt: skip
TEXT_FIELDS = (
    "title", "name", "description", "text", "email", "password", "first_name", "last_name",
    "username", "phone", "bio", "city", "country", "interests", "degree", "uid", "token",
    "new_password", "old_password", "refresh", "currency", "course", "course_id", "part",
    "lesson", "parent", "category", "video_service_id", "slug", "search",
)  # fmt: skip


def _deep_json(levels: int = 100_000) -> str:
    return '{"prices": ' + "[" * levels + "]" * levels + "}"


BODIES = {
    "deep_json": _deep_json(),
    "huge_integer": '{"price": ' + "9" * 100_000 + ', "order": ' + "9" * 100_000 + "}",
    "exponent_numbers": {
        **{field: HUGE for field in NUMERIC_FIELDS},
        "prices": [{"currency": "usd", "price": HUGE}],
    },
    "long_numbers": {
        **{field: LONG_NUMBER for field in NUMERIC_FIELDS},
        "prices": f'[{{"currency": "eur", "price": "{LONG_NUMBER}"}}]',
    },
    "json_float_overflow": '{"price": 1e400, "duration": 1e400, "order": -1e400, "rating": 1e400}',
    "nul_bytes": {field: "a\x00b" for field in TEXT_FIELDS},
    "long_text": {field: "ß" * 20_000 for field in TEXT_FIELDS},
    "wrong_types": {
        field: [{"a": None}] for field in (*TEXT_FIELDS, *NUMERIC_FIELDS, "prices", "tutors")
    },
}
QUERY = {
    "search": " ".join(f"w{n}" for n in range(1300)) + "\x00",
    "page": HUGE,
    "page_size": LONG_NUMBER,
    "min_price": HUGE,
    "max_price": "-" + LONG_NUMBER,
    "category": "\x00" * 300,
    "tutor": "x" * 300,
    "course": "\x00",
    "lesson": "ß" * 300,
    "parent": "\x00",
    "part": "1e5",
    "rating": HUGE,
    "is_free": "\x00",
    "ordering": ",".join(["-price"] * 500),
    "role": LONG_NUMBER,
    "uid": "x" * 300,
    "token": "\x00",
    "currency": "\x00",
}
GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)|<(?:(?P<conv>\w+):)?(?P<name2>\w+)>")


def _routes(resolver=None, prefix=""):
    """(path template, view) for every route, with the regex/converter syntax kept."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + pattern)
        elif isinstance(entry, URLPattern):
            yield prefix + pattern, entry.callback


def _path(template: str, values: dict) -> str:
    def fill(match):
        name = match.group("name") or match.group("name2")
        prefix = template[: match.start()]
        return values(name, prefix)

    path = GROUP.sub(fill, template)
    path = path.replace("^", "").replace("$", "").replace("/?", "/").replace("\\", "")
    return "/" + path.lstrip("/")


def _methods(view) -> list[str]:
    view_class = getattr(view, "cls", None)
    if view_class is None:
        return ["get", "post"]
    actions = getattr(view, "actions", None)
    if actions:
        methods = list(actions)
    else:
        methods = [m for m in view_class.http_method_names if hasattr(view_class, m)]
    # Deletes last, so the objects other methods address still exist.
    return sorted((m for m in methods if m not in ("options", "head")), key=lambda m: m == "delete")


def _takes_files(view, method: str) -> bool:
    view_class = getattr(view, "cls", None)
    action = getattr(view, "actions", {}).get(method, method)
    return action in getattr(view_class, "multipart_actions", ())


@pytest.fixture
def world(db):
    """One of everything a path parameter can name."""
    admin = AdminFactory(is_superuser=True)
    tutor = TutorFactory()
    student = StudentFactory()
    course = CourseFactory(tutors=[tutor], category=CategoryFactory())
    part = CoursePartFactory(course=course)
    lesson = LessonFactory(part=part, is_free_preview=True)
    enrollment = EnrollmentFactory(user=student, course=course)
    comment = CommentFactory(lesson=lesson, author=student)
    review = ReviewFactory(course=course, author=student)
    order = OrderFactory(user=student, course=course)
    university = University.objects.create(name="Uni", city="City", country="Country")
    return {
        "admin": admin,
        "courses": course.slug,
        "lessons": lesson.slug,
        "course-parts": part.slug,
        "categories": course.category.slug,
        "users": str(student.pk),
        "tutors": str(tutor.pk),
        "universities": str(university.pk),
        "comments": str(comment.pk),
        "reviews": str(review.pk),
        "enrollments": str(enrollment.pk),
        "orders": str(order.pk),
        "checkout": order.checkout_session_id,
    }


def _values(world):
    def value(name: str, prefix: str) -> str:
        if name == "path":
            return "thumbnails/x.png"
        if name == "checkout_session_id":
            return world["checkout"]
        if name == "object_id":
            return str(world["admin"].pk)
        if name in ("app_label",):
            return "courses"
        if name in ("model_name",):
            return "course"
        if name in ("url", "content_type_id"):
            return "1"
        for key in ("courses", "lessons", "course-parts", "categories", "users", "tutors",
                    "universities", "comments", "reviews", "enrollments", "orders"):  # fmt: skip
            if prefix.rstrip("/").endswith(key):
                return world[key]
        return "x"

    return value


@pytest.fixture(autouse=True)
def _webhook_secret(settings):
    """With a secret the webhook reads its body (and answers 400 to a bad signature)."""
    settings.STRIPE_WEBHOOK_SECRET = "whsec_hostile_input_test"


@pytest.fixture(autouse=True)
def _no_throttles(monkeypatch):
    """Throttled routes would answer 429 before they read the body under test."""
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)
    monkeypatch.setattr(WindowRateThrottle, "allow_request", lambda self, request, view: True)


def _clients(world):
    anonymous = Client(raise_request_exception=False)
    admin = Client(raise_request_exception=False)
    admin.force_login(world["admin"])
    from rest_framework_simplejwt.tokens import RefreshToken

    token = RefreshToken.for_user(world["admin"]).access_token
    return {
        "anonymous": (anonymous, {}),
        "admin": (admin, {"HTTP_AUTHORIZATION": f"Bearer {token}"}),
    }


def _api_routes(world, *, docs: bool = True):
    values = _values(world)
    for template, view in _routes():
        if template.startswith("admin/"):
            continue  # the admin: see test_the_admin_survives_hostile_bodies
        if not docs and template.startswith(("api/schema", "api/docs")):
            continue  # read no body, and the schema takes a second to build
        yield _path(template, values), view


def _requests(world, *, docs: bool = False):
    """(method, path, view) for every route and method; every DELETE after the rest, so
    the objects the other requests name still exist."""
    requests = [
        (method, path, view)
        for path, view in _api_routes(world, docs=docs)
        for method in _methods(view)
    ]
    return sorted(requests, key=lambda request: request[0] == "delete")


def _problem(response) -> bool:
    return response.status_code >= 500 and response.status_code not in (502, 503)


@pytest.mark.parametrize("who", ["anonymous", "admin"])
@pytest.mark.parametrize("body_kind", sorted(BODIES))
def test_no_route_answers_500_to_a_hostile_json_body(world, who, body_kind):
    client, headers = _clients(world)[who]
    body = BODIES[body_kind]
    failures = []

    for method, path, _view in _requests(world):
        response = client.generic(
            method.upper(),
            path,
            body if isinstance(body, str) else json.dumps(body),
            content_type="application/json",
            **headers,
        )
        if _problem(response):
            failures.append((method, path, response.status_code))
        elif body_kind in ("deep_json", "huge_integer") and response.status_code == 400:
            code = (
                response.json().get("code")
                if response["Content-Type"].startswith("application/json")
                else None
            )
            if code not in ("parse_error", "invalid_signature", "invalid_payload", None):
                failures.append((method, path, code))

    assert failures == []


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_no_route_answers_500_to_hostile_query_strings(world, who):
    client, headers = _clients(world)[who]
    failures = []

    for method, path, _view in _requests(world, docs=True):
        response = getattr(client, method)(
            path + "?" + "&".join(f"{k}={v}" for k, v in QUERY.items()), **headers
        ) if method in ("get", "delete") else None  # fmt: skip
        if response is not None and _problem(response):
            failures.append((method, path, response.status_code))

    assert failures == []


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_every_route_refuses_a_body_over_the_limit_with_413(world, who, settings):
    settings.MAX_REQUEST_BYTES = 1024
    client, headers = _clients(world)[who]
    failures = []

    for method, path, _view in _requests(world):
        response = client.generic(
            method.upper(),
            path,
            b"x" * 2048,
            content_type="multipart/form-data; boundary=x",
            **headers,
        )
        if response.status_code != 413:
            failures.append((method, path, response.status_code))

    assert failures == []


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_multipart_is_415_except_where_a_file_is_taken(world, who):
    client, headers = _clients(world)[who]
    form = {
        **{field: HUGE for field in NUMERIC_FIELDS},
        **{field: "a\x00b" for field in TEXT_FIELDS},
        "prices": _deep_json(10_000),
        "thumbnail": "x" * 1000,
        "avatar": "x" * 1000,
    }
    failures = []

    for method, path, view in _requests(world):
        if getattr(view, "cls", None) is None or method == "get":
            continue  # Django's own views (media) and GETs read no body
        response = client.generic(
            method.upper(),
            path,
            _encode_multipart(form),
            content_type="multipart/form-data; boundary=BoUnDaRy",
            **headers,
        )
        wrong = not _takes_files(view, method) and response.status_code != 415
        if _problem(response) or wrong:
            failures.append((method, path, response.status_code))

    assert failures == []


def _encode_multipart(form: dict) -> bytes:
    from django.test.client import encode_multipart

    return encode_multipart("BoUnDaRy", form)


def test_the_admin_survives_hostile_bodies(world):
    client = Client(raise_request_exception=False)
    client.force_login(world["admin"])
    values = _values(world)
    failures = []

    for template, _view in _routes():
        if not template.startswith("admin/") or "logout" in template:
            continue
        path = _path(template, values)
        for body in (BODIES["nul_bytes"], BODIES["exponent_numbers"], BODIES["long_text"]):
            form = {key: value for key, value in body.items() if isinstance(value, str)}
            response = client.post(path, form)
            if response.status_code >= 500:
                failures.append((path, response.status_code))

    assert failures == []
