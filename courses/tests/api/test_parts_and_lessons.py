"""/api/courses/course-parts/ and /api/courses/lessons/."""

import pytest

from courses.models import CoursePart, Lesson, VideoUpload
from courses.tests.factories import CoursePartFactory, EnrollmentFactory, LessonFactory

pytestmark = pytest.mark.django_db

PARTS = "/api/courses/course-parts/"
LESSONS = "/api/courses/lessons/"


def caller_for(request, who):
    return request.getfixturevalue(who) if who else None


# --- Parts ------------------------------------------------------------------------------


def test_parts_list_needs_a_course(api_client, course):
    assert api_client.get(PARTS).status_code == 400
    assert api_client.get(PARTS, {"course": "nope"}).status_code == 400


def test_parts_list_of_a_published_course(api_client, course):
    CoursePartFactory(course=course, order=0)

    response = api_client.get(PARTS, {"course": str(course.id)})

    rows = response.json()["results"]
    assert response.status_code == 200
    assert [row["order"] for row in rows] == [0, 1]
    assert set(rows[0]) == {"id", "slug", "course", "title", "description", "order"}


@pytest.mark.parametrize(
    ("who", "count"),
    [(None, 0), ("student", 0), ("other_tutor", 0), ("course_tutor", 1), ("admin_user", 1)],
)
def test_parts_of_a_draft_only_for_its_tutors(draft, make_client, request, who, count):
    response = make_client(caller_for(request, who)).get(PARTS, {"course": str(draft.id)})

    assert response.json()["count"] == count


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 404),
        ("student", 404),
        ("other_tutor", 404),
        ("course_tutor", 200),
        ("admin_user", 200),
    ],
)
def test_part_detail_of_a_draft(draft, make_client, request, who, status):
    part = draft.parts.first()

    response = make_client(caller_for(request, who)).get(f"{PARTS}{part.slug}/")

    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("student", 403),
        ("other_tutor", 403),
        ("course_tutor", 201),
        ("admin_user", 201),
    ],
)
def test_part_create_permissions(course, make_client, request, who, status):
    response = make_client(caller_for(request, who)).post(
        PARTS, {"course": str(course.id), "title": "Getting started", "order": 1}
    )

    assert response.status_code == status
    assert CoursePart.objects.filter(title="Getting started").exists() is (status == 201)


def test_part_create_duplicate_order_and_slug_collision(course, make_client, course_tutor):
    client = make_client(course_tutor)

    first = client.post(PARTS, {"course": str(course.id), "title": "Intro", "order": 1})
    second = client.post(PARTS, {"course": str(course.id), "title": "Intro", "order": 1})

    assert first.status_code == second.status_code == 201
    assert first.json()["slug"] == "intro"
    assert second.json()["slug"].startswith("intro-")


def test_part_order_defaults_to_the_end(course, make_client, course_tutor):
    response = make_client(course_tutor).post(PARTS, {"course": str(course.id), "title": "End"})

    assert response.json()["order"] == 2


def test_part_of_another_tutors_draft_is_400_on_course(draft, make_client, other_tutor):
    response = make_client(other_tutor).post(PARTS, {"course": str(draft.id), "title": "X"})

    assert response.status_code == 400
    assert "course" in response.json()


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "X"},
        {"course": "nope", "title": "X"},
        {"course": "COURSE", "title": ""},
        {"course": "COURSE", "title": "X", "order": -1},
        {"course": "COURSE", "title": "X", "order": "first"},
        {"course": "COURSE", "title": "X", "order": 10**12},
    ],
)
def test_part_create_bad_inputs(course, make_client, course_tutor, payload):
    payload = {k: str(course.id) if v == "COURSE" else v for k, v in payload.items()}
    before = CoursePart.objects.count()

    response = make_client(course_tutor).post(PARTS, payload)

    assert response.status_code == 400
    assert CoursePart.objects.count() == before


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("student", 403),
        ("other_tutor", 403),
        ("course_tutor", 200),
        ("admin_user", 200),
    ],
)
def test_part_patch_permissions(course, make_client, request, who, status):
    part = course.parts.first()

    response = make_client(caller_for(request, who)).patch(
        f"{PARTS}{part.slug}/", {"title": "Renamed", "description": None}
    )

    assert response.status_code == status
    part.refresh_from_db()
    assert (part.title == "Renamed") is (status == 200)


def test_part_patch_keeps_slug_and_course(course, draft, make_client, course_tutor):
    part = course.parts.first()

    body = (
        make_client(course_tutor)
        .patch(f"{PARTS}{part.slug}/", {"title": "New", "course": str(draft.id), "order": 7})
        .json()
    )

    assert body["slug"] == part.slug
    assert body["course"] == str(course.id)
    assert body["order"] == 7


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("student", 403),
        ("other_tutor", 403),
        ("course_tutor", 204),
        ("admin_user", 204),
    ],
)
def test_part_delete_cascades_lessons(course, make_client, request, who, status):
    part = course.parts.first()

    response = make_client(caller_for(request, who)).delete(f"{PARTS}{part.slug}/")

    assert response.status_code == status
    assert Lesson.objects.filter(part_id=part.pk).exists() is (status != 204)


def test_part_of_another_tutors_draft_cannot_be_changed(draft, make_client, other_tutor):
    part = draft.parts.first()

    assert make_client(other_tutor).patch(f"{PARTS}{part.slug}/", {"title": "X"}).status_code == 404
    assert make_client(other_tutor).delete(f"{PARTS}{part.slug}/").status_code == 404


# --- Lessons: reads ---------------------------------------------------------------------


def test_lessons_list_needs_a_part(api_client, course):
    assert api_client.get(LESSONS).status_code == 400
    assert api_client.get(LESSONS, {"part": "12"}).status_code == 400


def test_lessons_list_of_a_part(api_client, course):
    part = course.parts.first()

    response = api_client.get(LESSONS, {"part": str(part.id)})

    rows = response.json()["results"]
    assert [row["order"] for row in rows] == [1, 2]
    assert rows[0]["duration"] == "00:01:05"
    assert "video_service_id" not in rows[0]


def test_lessons_list_shows_video_ids_to_the_course_tutor(course, make_client, course_tutor):
    part = course.parts.first()

    rows = make_client(course_tutor).get(LESSONS, {"part": str(part.id)}).json()["results"]

    assert all(row["video_service_id"] for row in rows)


@pytest.mark.parametrize(
    ("who", "count"),
    [(None, 0), ("student", 0), ("other_tutor", 0), ("course_tutor", 1), ("admin_user", 1)],
)
def test_lessons_of_a_draft_only_for_its_tutors(draft, make_client, request, who, count):
    part = draft.parts.first()

    response = make_client(caller_for(request, who)).get(LESSONS, {"part": str(part.id)})

    assert response.json()["count"] == count


def test_lesson_detail_is_public_for_a_published_course(course, api_client):
    lesson = Lesson.objects.filter(part__course=course).order_by("order").first()

    response = api_client.get(f"{LESSONS}{lesson.slug}/")

    body = response.json()
    assert response.status_code == 200
    assert body["part"] == {
        "id": str(lesson.part.id),
        "slug": lesson.part.slug,
        "title": lesson.part.title,
    }
    assert body["course"] == {"id": str(course.id), "slug": course.slug, "title": course.title}
    assert body["has_access"] is True  # a free preview
    assert {"otp", "playbackInfo", "video_error", "description"} <= set(body)
    assert "video_service_id" not in body


@pytest.mark.parametrize(
    ("who", "has_access"),
    [
        (None, False),
        ("student", False),
        ("enrolled", True),
        ("course_tutor", True),
        ("admin_user", True),
    ],
)
def test_lesson_detail_has_access(course, make_client, request, who, has_access):
    if who == "enrolled":
        caller = request.getfixturevalue("student")
        EnrollmentFactory(user=caller, course=course)
    else:
        caller = caller_for(request, who)
    lesson = Lesson.objects.filter(part__course=course, is_free_preview=False).first()

    body = make_client(caller).get(f"{LESSONS}{lesson.slug}/").json()

    assert body["has_access"] is has_access


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 404),
        ("student", 404),
        ("other_tutor", 404),
        ("course_tutor", 200),
        ("admin_user", 200),
    ],
)
def test_lesson_detail_of_a_draft(draft, make_client, request, who, status):
    lesson = Lesson.objects.get(part__course=draft)

    response = make_client(caller_for(request, who)).get(f"{LESSONS}{lesson.slug}/")

    assert response.status_code == status


# --- Lessons: writes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("student", 403),
        ("other_tutor", 403),
        ("course_tutor", 201),
        ("admin_user", 201),
    ],
)
def test_lesson_create_permissions(course, make_client, request, who, status):
    part = course.parts.first()

    response = make_client(caller_for(request, who)).post(
        LESSONS, {"part": str(part.id), "title": "Brand new lesson", "order": 3}
    )

    assert response.status_code == status
    assert Lesson.objects.filter(title="Brand new lesson").exists() is (status == 201)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Introducción", "introducci-n"),
        ("Node.js", "node-js"),
        ("  Hello, World!  ", "hello-world"),
    ],
)
def test_lesson_slug_follows_the_spa_rule(course, make_client, course_tutor, title, slug):
    part = course.parts.first()

    body = make_client(course_tutor).post(LESSONS, {"part": str(part.id), "title": title}).json()

    assert body["slug"] == slug


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        (90, "00:01:30"),
        ("90", "00:01:30"),
        ("01:02:03", "01:02:03"),
        (None, "00:00:00"),
        (12.4, "00:00:12"),
    ],
)
def test_lesson_duration_inputs(course, make_client, course_tutor, duration, expected):
    part = course.parts.first()

    response = make_client(course_tutor).post(
        LESSONS, {"part": str(part.id), "title": "Timed", "duration": duration}
    )

    assert response.status_code == 201
    assert response.json()["duration"] == expected


def test_lesson_optional_text_fields_accept_blank_and_null(course, make_client, course_tutor):
    part = course.parts.first()

    response = make_client(course_tutor).post(
        LESSONS,
        {"part": str(part.id), "title": "T", "description": None, "video_service_id": None},
    )
    blank = make_client(course_tutor).patch(
        f"{LESSONS}{response.json()['slug']}/", {"description": "", "video_service_id": ""}
    )

    assert response.status_code == 201
    assert blank.status_code == 200
    assert blank.json()["has_video"] is False


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "X"},
        {"part": "nope", "title": "X"},
        {"part": "PART", "title": ""},
        {"part": "PART", "title": "X", "duration": "abc"},
        {"part": "PART", "title": "X", "duration": -5},
        {"part": "PART", "title": "X", "duration": "1:99:00"},
        {"part": "PART", "title": "X", "duration": True},
        {"part": "PART", "title": "X", "duration": 10**12},
        {"part": "PART", "title": "X", "duration": "NaN"},
        {"part": "PART", "title": "X", "order": "second"},
        {"part": "PART", "title": "X", "order": -1},
        {"part": "PART", "title": "X", "is_free_preview": "maybe"},
        {"part": "PART", "title": "X", "video_service_id": "v" * 65},
    ],
)
def test_lesson_create_bad_inputs(course, make_client, course_tutor, payload):
    part = course.parts.first()
    payload = {k: str(part.id) if v == "PART" else v for k, v in payload.items()}
    before = Lesson.objects.count()

    response = make_client(course_tutor).post(LESSONS, payload)

    assert response.status_code == 400
    assert Lesson.objects.count() == before


def test_lesson_in_another_tutors_draft_part_is_400(draft, make_client, other_tutor):
    part = draft.parts.first()

    response = make_client(other_tutor).post(LESSONS, {"part": str(part.id), "title": "X"})

    assert response.status_code == 400
    assert "part" in response.json()


def test_rename_rederives_the_lesson_slug(course, make_client, course_tutor):
    lesson = Lesson.objects.filter(part__course=course).first()

    body = make_client(course_tutor).patch(f"{LESSONS}{lesson.slug}/", {"title": "Node.js"}).json()

    assert body["slug"] == "node-js"


def test_lesson_slug_collision_gets_a_suffix(course, make_client, course_tutor):
    LessonFactory(slug="node-js", title="Node.js")
    part = course.parts.first()

    body = (
        make_client(course_tutor).post(LESSONS, {"part": str(part.id), "title": "Node.js"}).json()
    )

    assert body["slug"].startswith("node-js-")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("student", 403),
        ("other_tutor", 403),
        ("course_tutor", 200),
        ("admin_user", 200),
    ],
)
def test_lesson_patch_permissions(course, course_tutor, make_client, request, who, status):
    lesson = Lesson.objects.filter(part__course=course).first()
    VideoUpload.objects.create(video_id="abc", uploaded_by=course_tutor)

    response = make_client(caller_for(request, who)).patch(
        f"{LESSONS}{lesson.slug}/", {"video_service_id": "abc"}
    )

    assert response.status_code == status
    lesson.refresh_from_db()
    assert (lesson.video_service_id == "abc") is (status == 200)


def test_lesson_cannot_move_to_another_tutors_part(course, make_client, course_tutor):
    lesson = Lesson.objects.filter(part__course=course).first()
    foreign = CoursePartFactory()

    response = make_client(course_tutor).patch(
        f"{LESSONS}{lesson.slug}/", {"part": str(foreign.id)}
    )

    assert response.status_code == 403
    lesson.refresh_from_db()
    assert lesson.part.course_id == course.id


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("student", 403),
        ("other_tutor", 403),
        ("course_tutor", 204),
        ("admin_user", 204),
    ],
)
def test_lesson_delete_permissions(course, make_client, request, who, status):
    lesson = Lesson.objects.filter(part__course=course).first()

    response = make_client(caller_for(request, who)).delete(f"{LESSONS}{lesson.slug}/")

    assert response.status_code == status
    assert Lesson.objects.filter(pk=lesson.pk).exists() is (status != 204)


def test_lesson_of_another_tutors_draft_cannot_be_changed(draft, make_client, other_tutor):
    lesson = Lesson.objects.get(part__course=draft)

    assert (
        make_client(other_tutor).patch(f"{LESSONS}{lesson.slug}/", {"title": "X"}).status_code
        == 404
    )
    assert make_client(other_tutor).delete(f"{LESSONS}{lesson.slug}/").status_code == 404
