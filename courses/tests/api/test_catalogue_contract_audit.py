"""Contract audit of `/api/courses/` (catalogue, lessons, video, comments): requests made
the way the SPA makes them, checked field by field against API.md."""

import pytest

from courses.models import Lesson
from courses.tests.conftest import image_upload
from courses.tests.factories import (
    CommentFactory,
    CoursePartFactory,
    CoursePriceFactory,
    EnrollmentFactory,
    LessonCompletionFactory,
    LessonFactory,
)
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SUMMARY_FIELDS = {
    "id", "slug", "title", "description", "thumbnail", "price", "currency", "is_free",
    "is_published", "category", "tutors", "parts", "lessons_count", "total_duration",
    "students_count", "rating", "reviews_count", "is_enrolled", "created_at", "updated_at",
    "published_at",
}  # fmt: skip
LESSON_SUMMARY_FIELDS = {
    "id", "slug", "title", "description", "order", "duration", "is_free_preview",
    "has_video", "is_completed",
}  # fmt: skip
LESSON_DETAIL_FIELDS = LESSON_SUMMARY_FIELDS | {
    "part", "course", "has_access", "otp", "playbackInfo", "video_error",
}  # fmt: skip


def _lessons(course) -> list[Lesson]:
    return list(Lesson.objects.filter(part__course=course).order_by("order"))


# --- Course detail ----------------------------------------------------------------------


def test_detail_shape_for_an_anonymous_visitor(course, api_client):
    CoursePriceFactory(course=course, currency="eur")

    body = api_client.get(f"/api/courses/courses/{course.slug}/").json()

    assert set(body) == SUMMARY_FIELDS | {"prices", "progress"}
    assert body["prices"][0] == {"currency": "usd", "price": "49.99"}
    assert body["progress"] is None
    assert body["is_enrolled"] is False
    assert body["total_duration"] == "01:01:05"
    part = body["parts"][0]
    assert set(part) == {"id", "slug", "title", "description", "order", "lessons"}
    assert set(part["lessons"][0]) == LESSON_SUMMARY_FIELDS
    assert [lesson["duration"] for lesson in part["lessons"]] == ["00:01:05", "01:00:00"]


def test_detail_for_an_enrolled_student_has_progress_and_completions(course, student, make_client):
    EnrollmentFactory(user=student, course=course)
    LessonCompletionFactory(user=student, lesson=_lessons(course)[0])

    body = make_client(student).get(f"/api/courses/courses/{course.slug}/").json()

    assert body["is_enrolled"] is True
    assert body["progress"] == 50
    assert [lesson["is_completed"] for lesson in body["parts"][0]["lessons"]] == [True, False]
    assert "video_service_id" not in body["parts"][0]["lessons"][0]


def test_video_service_id_only_for_the_course_tutors_and_admins(
    course, make_client, course_tutor, other_tutor, admin_user, student
):
    lesson = _lessons(course)[0]
    EnrollmentFactory(user=student, course=course)
    for caller, sees in (
        (None, False),
        (student, False),
        (other_tutor, False),
        (course_tutor, True),
        (admin_user, True),
    ):
        client = make_client(caller)
        detail = client.get(f"/api/courses/courses/{course.slug}/").json()
        listed = client.get(f"/api/courses/lessons/?part={lesson.part_id}").json()
        page = client.get(f"/api/courses/lessons/{lesson.slug}/").json()

        for row in (detail["parts"][0]["lessons"][0], listed["results"][0], page):
            assert ("video_service_id" in row) is sees


# --- Lesson detail ----------------------------------------------------------------------


def test_lesson_detail_shape_and_access(course, api_client):
    free, paid = _lessons(course)

    free_body = api_client.get(f"/api/courses/lessons/{free.slug}/").json()
    paid_body = api_client.get(f"/api/courses/lessons/{paid.slug}/").json()

    assert set(free_body) == LESSON_DETAIL_FIELDS
    assert free_body["part"] == {
        "id": str(free.part_id),
        "slug": free.part.slug,
        "title": free.part.title,
    }
    assert free_body["course"] == {"id": str(course.id), "slug": course.slug, "title": course.title}
    assert free_body["has_access"] is True
    assert free_body["otp"] is None and free_body["playbackInfo"] is None
    assert free_body["video_error"] == "video_service_unavailable"
    assert paid_body["has_access"] is False
    assert paid_body["otp"] is None and paid_body["video_error"] is None


def test_draft_is_invisible_everywhere_to_others(
    draft, make_client, student, other_tutor, course_tutor, admin_user
):
    part = draft.parts.get()
    lesson = part.lessons.get()
    paths = [
        f"/api/courses/courses/{draft.slug}/",
        f"/api/courses/course-parts/{part.slug}/",
        f"/api/courses/lessons/{lesson.slug}/",
        f"/api/courses/comments/?lesson={lesson.slug}",
    ]
    for caller in (None, student, other_tutor):
        client = make_client(caller)
        for path in paths:
            assert client.get(path).status_code == 404, (caller, path)
        assert client.get(f"/api/courses/lessons/?part={part.id}").json()["count"] == 0
        assert client.get(f"/api/courses/course-parts/?course={draft.id}").json()["count"] == 0
        assert client.get("/api/courses/courses/").json()["count"] == 0
    for caller in (course_tutor, admin_user):
        client = make_client(caller)
        for path in paths:
            assert client.get(path).status_code == 200, (caller, path)


# --- Lesson writes: duration, slugs, optional fields -------------------------------------


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("01:02:03", "01:02:03"),
        ("75", "00:01:15"),
        (75, "00:01:15"),
        (75.4, "00:01:15"),
        ("0", "00:00:00"),
        (None, "00:00:00"),
        ("", "00:00:00"),
        ("100:00:00", "100:00:00"),
    ],
)
def test_lesson_duration_input_forms(course, course_tutor, make_client, sent, shown):
    part = course.parts.get()

    response = make_client(course_tutor).post(
        "/api/courses/lessons/",
        {"part": str(part.id), "title": "Timed", "duration": sent},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["duration"] == shown


@pytest.mark.parametrize(
    "sent", ["abc", -1, "-5", "1e100", True, [], {}, "00:60:00", "NaN", "Infinity", 10**30]
)
def test_lesson_duration_garbage_is_a_400(course, course_tutor, make_client, sent):
    part = course.parts.get()

    response = make_client(course_tutor).post(
        "/api/courses/lessons/",
        {"part": str(part.id), "title": "Timed", "duration": sent},
        format="json",
    )

    assert response.status_code == 400
    assert "duration" in response.json()


def test_lesson_patch_in_multipart_is_415_as_lessons_take_no_file(
    course, course_tutor, make_client
):
    lesson = _lessons(course)[0]

    response = make_client(course_tutor).patch(
        f"/api/courses/lessons/{lesson.slug}/",
        {"duration": "00:10:00", "is_free_preview": "false"},
        format="multipart",
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Introducción", "introducci-n"),
        ("Node.js", "node-js"),
        ("  Hello, World!  ", "hello-world"),
        ("C++ & Go", "c-go"),
        ("Ünïcödé 101", "n-c-d-101"),
    ],
)
def test_lesson_slug_follows_the_spa_rule(course, course_tutor, make_client, title, slug):
    part = course.parts.get()

    response = make_client(course_tutor).post(
        "/api/courses/lessons/", {"part": str(part.id), "title": title}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["slug"] == slug
    assert make_client(None).get(f"/api/courses/lessons/{slug}/").status_code == 200


def test_lesson_slug_without_ascii_gets_a_suffix_and_is_addressable(
    course, course_tutor, make_client
):
    part = course.parts.get()
    client = make_client(course_tutor)

    first = client.post("/api/courses/lessons/", {"part": str(part.id), "title": "日本語"})
    second = client.post("/api/courses/lessons/", {"part": str(part.id), "title": "日本語"})

    assert first.status_code == second.status_code == 201
    assert first.json()["slug"] != second.json()["slug"]
    assert client.get(f"/api/courses/lessons/{first.json()['slug']}/").status_code == 200


def test_renaming_a_lesson_rederives_its_slug(course, course_tutor, make_client):
    lesson = _lessons(course)[0]
    client = make_client(course_tutor)

    response = client.patch(f"/api/courses/lessons/{lesson.slug}/", {"title": "Node.js Intro"})

    assert response.status_code == 200
    assert response.json()["slug"] == "node-js-intro"
    assert client.get(f"/api/courses/lessons/{lesson.slug}/").status_code == 404
    assert client.get("/api/courses/lessons/node-js-intro/").status_code == 200


def test_optional_text_fields_accept_empty_and_null(course, course_tutor, make_client):
    lesson = _lessons(course)[0]
    part = lesson.part
    client = make_client(course_tutor)

    for value in ("", None):
        assert (
            client.patch(
                f"/api/courses/lessons/{lesson.slug}/",
                {"description": value, "video_service_id": value},
                format="json",
            ).status_code
            == 200
        )
        assert (
            client.patch(
                f"/api/courses/course-parts/{part.slug}/", {"description": value}, format="json"
            ).status_code
            == 200
        )
        assert (
            client.patch(
                f"/api/courses/courses/{course.slug}/", {"description": value}, format="json"
            ).status_code
            == 200
        )
    lesson.refresh_from_db()
    assert lesson.video_service_id == "" and lesson.description == ""


def test_empty_patches_are_no_ops(course, course_tutor, make_client):
    lesson = _lessons(course)[0]
    client = make_client(course_tutor)

    for path in (
        f"/api/courses/courses/{course.slug}/",
        f"/api/courses/course-parts/{lesson.part.slug}/",
        f"/api/courses/lessons/{lesson.slug}/",
    ):
        assert client.patch(path, {}, format="json").status_code == 200
    # Multipart only where a file is taken (the contract's Limits).
    assert (
        client.patch(f"/api/courses/courses/{course.slug}/", {}, format="multipart").status_code
        == 200
    )


# --- Multipart course PATCH, the SPA's way ----------------------------------------------


def test_multipart_course_patch_as_the_spa_sends_it(course, course_tutor, make_client):
    client = make_client(course_tutor)

    response = client.patch(
        f"/api/courses/courses/{course.slug}/",
        {
            "title": "Renamed",
            "description": "New text",
            "category": "",
            "price": "19.99",
            "currency": "usd",
            "is_published": "false",
            "thumbnail": image_upload(),
        },
        format="multipart",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["slug"] == course.slug
    assert body["category"] is None
    assert body["is_published"] is False
    assert body["price"] == "19.99"
    assert body["thumbnail"].startswith("http://testserver/media/")

    again = client.patch(
        f"/api/courses/courses/{course.slug}/", {"is_published": "true"}, format="multipart"
    )
    assert again.status_code == 200
    assert again.json()["is_published"] is True
    assert again.json()["thumbnail"] == body["thumbnail"]
    listed = make_client(None).get("/api/courses/courses/").json()["results"][0]
    assert listed["thumbnail"] == body["thumbnail"]


def test_multipart_course_create_with_prices(course_tutor, make_client):
    response = make_client(course_tutor).post(
        "/api/courses/courses/",
        {
            "title": "New",
            "description": "",
            "category": "",
            "price": "10.00",
            "currency": "eur",
            "is_published": "false",
            "prices": '[{"currency": "usd", "price": "12.00"}]',
            "thumbnail": image_upload(),
        },
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["prices"] == [
        {"currency": "eur", "price": "10.00"},
        {"currency": "usd", "price": "12.00"},
    ]
    assert body["progress"] is None
    assert body["thumbnail"].startswith("http://testserver/media/")


# --- Hostile inputs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/courses/courses/?category=%00",
        "/api/courses/courses/?tutor=nope",
        "/api/courses/courses/?min_price=abc",
        "/api/courses/courses/?max_price=1e999",
        "/api/courses/courses/?is_free=maybe",
        "/api/courses/courses/?ordering=-nope,%00",
        "/api/courses/courses/?search=%F0%9F%98%80%00",
        "/api/courses/courses/?page=abc",
        "/api/courses/courses/?page_size=-1",
        "/api/courses/courses/?page_size=99999999999999999999",
        "/api/courses/courses/%C3%A9t%C3%A9/",
        "/api/courses/lessons/?part=",
        "/api/courses/lessons/?part=%00",
        "/api/courses/course-parts/?course=123",
        "/api/courses/comments/?lesson=%00",
        "/api/courses/comments/?lesson=x&parent=zzz",
        "/api/courses/comments/not-a-uuid/",
        "/api/courses/categories/%00/",
    ],
)
def test_garbage_never_500s(course, api_client, path):
    response = api_client.get(path)

    assert response.status_code < 500


def test_hostile_writes_are_4xx(course, course_tutor, make_client):
    client = make_client(course_tutor)
    part = course.parts.get()
    lesson = _lessons(course)[0]
    bodies = [
        ("/api/courses/courses/", "post", {"title": ["x"]}),
        ("/api/courses/courses/", "post", {"title": "x", "price": "1e400"}),
        ("/api/courses/courses/", "post", {"title": "x", "prices": "nope"}),
        ("/api/courses/courses/", "post", {"title": "x", "prices": [1, 2]}),
        ("/api/courses/courses/", "post", {"title": "x", "category": "nope"}),
        ("/api/courses/courses/", "post", {"title": "x", "thumbnail": "not a file"}),
        (f"/api/courses/courses/{course.slug}/", "patch", {"is_published": "perhaps"}),
        (f"/api/courses/courses/{course.slug}/", "patch", {"currency": "xxx"}),
        ("/api/courses/lessons/", "post", {"part": "nope", "title": "x"}),
        ("/api/courses/lessons/", "post", {"part": str(part.id), "title": "x" * 201}),
        ("/api/courses/lessons/", "post", {"part": str(part.id), "title": "x", "order": -1}),
        ("/api/courses/lessons/", "post", {"part": str(part.id), "title": "x", "order": 10**20}),
        (f"/api/courses/lessons/{lesson.slug}/", "patch", {"part": None}),
        (f"/api/courses/lessons/{lesson.slug}/", "patch", {"title": ""}),
        (f"/api/courses/lessons/{lesson.slug}/", "patch", {"video_service_id": "v" * 65}),
        ("/api/courses/course-parts/", "post", {"course": "nope", "title": "x"}),
        ("/api/courses/comments/", "post", {"lesson": str(lesson.id), "text": ""}),
        ("/api/courses/comments/", "post", {"lesson": str(lesson.id), "text": "x" * 5001}),
        ("/api/courses/comments/", "post", {"lesson": str(lesson.id), "text": 5}),
        ("/api/courses/vdocipher/upload-credentials/", "post", {"title": ["x"]}),
        ("/api/courses/vdocipher/upload-credentials/", "post", {"title": "x", "lesson": "nope"}),
    ]
    for path, method, body in bodies:
        response = getattr(client, method)(path, body, format="json")
        assert 400 <= response.status_code < 500, (path, body, response.status_code)


# --- Comments ----------------------------------------------------------------------------


def test_comment_shape_and_lesson_by_slug(course, student, make_client):
    lesson = _lessons(course)[1]
    EnrollmentFactory(user=student, course=course)
    parent = CommentFactory(lesson=lesson, author=student)
    CommentFactory(lesson=lesson, parent=parent)

    listed = make_client(None).get(f"/api/courses/comments/?lesson={lesson.slug}").json()
    created = make_client(student).post(
        "/api/courses/comments/",
        {"lesson": str(lesson.id), "text": "A reply", "parent": str(parent.id)},
        format="json",
    )

    row = listed["results"][0]
    assert set(row) == {
        "id", "lesson", "parent", "author", "text", "replies_count", "is_edited",
        "created_at", "updated_at",
    }  # fmt: skip
    assert set(row["author"]) == {"id", "first_name", "last_name", "avatar", "role", "role_name"}
    assert row["lesson"] == str(lesson.id)
    assert row["parent"] is None
    assert row["replies_count"] == 1
    assert created.status_code == 201
    assert created.json()["parent"] == str(parent.id)


def test_comment_needs_a_verified_email(course, make_client):
    lesson = _lessons(course)[0]
    unverified = UserFactory(is_email_verified=False)
    EnrollmentFactory(user=unverified, course=course)

    response = make_client(unverified).post(
        "/api/courses/comments/", {"lesson": str(lesson.id), "text": "hi"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"


# --- 401 on a bad token, public routes included -----------------------------------------


def test_a_bad_token_is_401_on_public_catalogue_routes(course, api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer garbage")
    lesson = _lessons(course)[0]

    for path in (
        "/api/courses/categories/",
        "/api/courses/courses/",
        f"/api/courses/courses/{course.slug}/",
        f"/api/courses/lessons/{lesson.slug}/",
        f"/api/courses/comments/?lesson={lesson.slug}",
    ):
        assert api_client.get(path).status_code == 401, path


def test_part_of_other_lesson_order_ties_are_allowed(course, course_tutor, make_client):
    part = CoursePartFactory(course=course, order=1)
    LessonFactory(part=part, order=1)

    response = make_client(course_tutor).post(
        "/api/courses/lessons/", {"part": str(part.id), "title": "Tie", "order": 1}
    )

    assert response.status_code == 201


def test_is_completed_is_false_once_the_enrollment_is_inactive(course, student, make_client):
    lesson = _lessons(course)[0]
    EnrollmentFactory(user=student, course=course, is_active=False)
    LessonCompletionFactory(user=student, lesson=lesson)
    client = make_client(student)

    detail = client.get(f"/api/courses/courses/{course.slug}/").json()
    listed = client.get(f"/api/courses/lessons/?part={lesson.part_id}").json()
    page = client.get(f"/api/courses/lessons/{lesson.slug}/").json()

    assert detail["is_enrolled"] is False and detail["progress"] is None
    assert detail["parts"][0]["lessons"][0]["is_completed"] is False
    assert listed["results"][0]["is_completed"] is False
    assert page["is_completed"] is False


def test_empty_duration_string_means_unknown(course, course_tutor, make_client):
    lesson = _lessons(course)[0]

    response = make_client(course_tutor).patch(
        f"/api/courses/lessons/{lesson.slug}/", {"duration": ""}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["duration"] == "00:00:00"


def test_multipart_patch_echoing_the_current_thumbnail_url_keeps_it(
    course, course_tutor, make_client
):
    client = make_client(course_tutor)
    path = f"/api/courses/courses/{course.slug}/"
    url = client.patch(path, {"thumbnail": image_upload()}, format="multipart").json()["thumbnail"]

    kept = client.patch(path, {"thumbnail": url, "title": "Edited"}, format="multipart")
    other = client.patch(path, {"thumbnail": "http://elsewhere.test/x.png"}, format="multipart")

    assert kept.status_code == 200
    assert kept.json()["thumbnail"] == url
    assert kept.json()["title"] == "Edited"
    assert other.status_code == 400
    assert "thumbnail" in other.json()
