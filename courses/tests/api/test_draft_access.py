"""Unpublishing keeps paying students in (issue 11, point 6).

A draft stays visible, watchable, commentable and trackable to the students with an
ACTIVE enrollment, on every route that reads or acts on a course, part or lesson; it is
gone from the catalogue for everyone, and a 404 to everyone else (a refunded student
included). Course tutors and admins see drafts as before.
"""

import pytest

from courses.models import Comment
from courses.tests.factories import (
    CoursePartFactory,
    DraftCourseFactory,
    EnrollmentFactory,
    LessonFactory,
)
from courses.tests.vdocipher_double import BASE, OTP_ANSWER, otp_url, vdocipher_mock
from users.tests.factories import AdminFactory, TutorFactory, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/courses"
KINDS = [
    "anonymous",
    "user",
    "active_student",
    "refunded_student",
    "other_tutor",
    "course_tutor",
    "admin",
]
# Who sees a draft; everyone else gets a 404 (or an empty list).
SEES_DRAFT = {"active_student", "course_tutor", "admin"}


@pytest.fixture
def vdocipher(settings):
    with vdocipher_mock(settings) as mock:
        yield mock


@pytest.fixture
def unpublished():
    """A course that was bought, then unpublished: a free preview and a paid lesson."""
    tutor = TutorFactory()
    course = DraftCourseFactory(tutors=[tutor])
    part = CoursePartFactory(course=course, order=1)
    preview = LessonFactory(part=part, order=1, is_free_preview=True)
    paid = LessonFactory(part=part, order=2, is_free_preview=False)
    return course, part, preview, paid


def caller(kind: str, course):
    if kind == "anonymous":
        return None
    if kind == "user":
        return UserFactory()
    if kind == "active_student":
        return EnrollmentFactory(course=course).user
    if kind == "refunded_student":
        return EnrollmentFactory(course=course, is_active=False).user
    if kind == "other_tutor":
        return TutorFactory()
    if kind == "course_tutor":
        return course.tutors.get()
    if kind == "admin":
        return AdminFactory()
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", KINDS)
def test_draft_reads_are_for_active_students_tutors_and_admins(make_client, unpublished, kind):
    # given
    course, part, preview, paid = unpublished
    client = make_client(caller(kind, course))
    sees = kind in SEES_DRAFT
    expected = 200 if sees else 404

    # when
    detail = client.get(f"{API}/courses/{course.slug}/")
    parts = client.get(f"{API}/course-parts/", {"course": str(course.pk)})
    part_detail = client.get(f"{API}/course-parts/{part.slug}/")
    lessons = client.get(f"{API}/lessons/", {"part": str(part.pk)})
    lesson_detail = client.get(f"{API}/lessons/{paid.slug}/")
    comments = client.get(f"{API}/comments/", {"lesson": paid.slug})

    # then
    assert detail.status_code == expected
    assert part_detail.status_code == expected
    assert lesson_detail.status_code == expected
    assert comments.status_code == expected
    assert parts.status_code == lessons.status_code == 200
    assert [p["id"] for p in parts.json()["results"]] == ([str(part.pk)] if sees else [])
    assert [lesson["slug"] for lesson in lessons.json()["results"]] == (
        [preview.slug, paid.slug] if sees else []
    )
    if sees:
        assert detail.json()["is_published"] is False
        assert lesson_detail.json()["has_access"] is True


@pytest.mark.parametrize("kind", KINDS)
def test_a_draft_is_never_in_the_catalogue(make_client, unpublished, kind):
    course, *_ = unpublished

    response = make_client(caller(kind, course)).get(f"{API}/courses/")

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_active_student_sees_no_video_id_of_the_draft(make_client, unpublished):
    course, _, _, paid = unpublished
    student = caller("active_student", course)

    lesson = make_client(student).get(f"{API}/lessons/{paid.slug}/").json()
    detail = make_client(student).get(f"{API}/courses/{course.slug}/").json()

    assert "video_service_id" not in lesson
    assert all("video_service_id" not in x for p in detail["parts"] for x in p["lessons"])
    assert detail["is_enrolled"] is True


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lesson_kind", ["preview", "paid"])
def test_draft_video_otp(vdocipher, make_client, unpublished, kind, lesson_kind):
    # given
    course, _, preview, paid = unpublished
    lesson = preview if lesson_kind == "preview" else paid
    vdocipher.post(otp_url(lesson.video_service_id), json=OTP_ANSWER)
    client = make_client(caller(kind, course))

    # when
    response = client.post(f"{API}/lessons/{lesson.slug}/video-otp/")

    # then: visibility first (404), so a draft's lessons are no previews for outsiders
    if kind in SEES_DRAFT:
        assert response.status_code == 200
        assert response.json()["otp"] == OTP_ANSWER["otp"]
    else:
        assert response.status_code == 404
        assert not [c for c in vdocipher.calls if c.request.url.startswith(BASE)]


def test_draft_lesson_page_carries_a_playback_otp_for_the_active_student(
    vdocipher, make_client, unpublished
):
    course, _, _, paid = unpublished
    vdocipher.post(otp_url(paid.video_service_id), json=OTP_ANSWER)

    response = make_client(caller("active_student", course)).get(f"{API}/lessons/{paid.slug}/")

    assert response.status_code == 200
    assert response.json()["otp"] == OTP_ANSWER["otp"]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("anonymous", 401),
        ("user", 400),
        ("active_student", 201),
        ("refunded_student", 400),
        ("other_tutor", 400),
        ("course_tutor", 201),
        ("admin", 201),
    ],
)
def test_draft_comment_posting(make_client, unpublished, kind, expected):
    # given: an outsider's `lesson` is a lesson they cannot see (400 on the field)
    course, _, _, paid = unpublished
    client = make_client(caller(kind, course))

    # when
    response = client.post(f"{API}/comments/", {"lesson": str(paid.pk), "text": "hi"})

    # then
    assert response.status_code == expected
    if expected == 400:
        assert "lesson" in response.json()
    assert Comment.objects.exists() is (expected == 201)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("anonymous", 401),
        ("user", 404),
        ("active_student", 200),
        ("refunded_student", 404),
        ("other_tutor", 404),
        ("course_tutor", 403),  # progress is for students, as on a published course
        ("admin", 403),
    ],
)
def test_draft_lesson_progress(make_client, unpublished, kind, expected):
    course, _, preview, paid = unpublished
    client = make_client(caller(kind, course))

    done = client.post(f"{API}/lessons/{paid.slug}/complete/")
    undone = client.delete(f"{API}/lessons/{preview.slug}/complete/")

    assert done.status_code == undone.status_code == expected
    if expected == 200:
        assert done.json() == {"is_completed": True, "progress": 50}
        assert undone.json() == {"is_completed": False, "progress": 50}
    if expected == 403:
        assert done.json()["code"] == "enrollment_required"


@pytest.mark.parametrize("kind", ["active_student", "refunded_student"])
def test_enrollments_list_keeps_the_draft_of_an_active_student(make_client, unpublished, kind):
    course, *_ = unpublished
    student = caller(kind, course)

    response = make_client(student).get(f"{API}/enrollments/")

    assert response.status_code == 200
    listed = [e["course"]["slug"] for e in response.json()["results"]]
    assert listed == ([course.slug] if kind == "active_student" else [])


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("user", 404),
        ("active_student", 200),  # already enrolled: the enrollment back, as ever
        ("refunded_student", 404),  # nobody (re)joins a draft
        ("course_tutor", 404),
        ("admin", 404),
    ],
)
def test_enroll_in_a_free_draft(make_client, kind, expected):
    course = DraftCourseFactory(price=0)
    LessonFactory(part__course=course)
    who = caller(kind, course)

    response = make_client(who).post(f"{API}/courses/{course.slug}/enroll/")

    assert response.status_code == expected
    assert course.enrollments.filter(is_active=True).count() == (
        1 if kind == "active_student" else 0
    )


def test_draft_detail_and_lists_keep_their_query_budget(
    make_client, unpublished, django_assert_max_num_queries
):
    # given: the student's visibility is an EXISTS in the same query, not a query per row
    course, part, *_ = unpublished
    for _ in range(3):
        LessonFactory(part=part)
    client = make_client(caller("active_student", course))
    client.get(f"{API}/courses/{course.slug}/")  # warm the user/session lookups

    # when / then
    with django_assert_max_num_queries(8):
        assert client.get(f"{API}/courses/{course.slug}/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(f"{API}/lessons/", {"part": str(part.pk)}).status_code == 200
