from decimal import Decimal

import pytest

from courses.models import Enrollment
from courses.tests.factories import (
    CourseFactory,
    DraftCourseFactory,
    EnrollmentFactory,
    LessonCompletionFactory,
    LessonFactory,
)
from payments.tests.conftest import WEBHOOK_SECRET, make_event, post_event, session_object
from payments.tests.factories import OrderFactory
from users.models import Role
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def enroll_url(course) -> str:
    return f"/api/courses/courses/{course.slug}/enroll/"


def test_enroll_in_free_course(make_client, user):
    # given a free course and a plain user
    course = CourseFactory(price=Decimal("0"))

    # when
    response = make_client(user).post(enroll_url(course))

    # then 201 with the enrollment, the user a student, the course counted
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "course", "enrolled_at", "progress", "completed_at"}
    assert body["course"]["slug"] == course.slug
    assert body["course"]["is_enrolled"] is True
    assert body["progress"] == 0
    user.refresh_from_db()
    assert user.role == Role.STUDENT
    course.refresh_from_db()
    assert course.students_count == 1


def test_enroll_twice_is_200(make_client, user):
    course = CourseFactory(price=Decimal("0"))
    client = make_client(user)
    first = client.post(enroll_url(course))

    second = client.post(enroll_url(course))

    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert Enrollment.objects.count() == 1


def test_enroll_in_paid_course_is_402(make_client, user):
    course = CourseFactory(price=Decimal("10"))

    response = make_client(user).post(enroll_url(course))

    assert response.status_code == 402
    assert response.json()["code"] == "payment_required"
    assert not Enrollment.objects.exists()


def test_enroll_in_bought_course_is_200(make_client, student):
    course = CourseFactory(price=Decimal("10"))
    EnrollmentFactory(user=student, course=course)

    assert make_client(student).post(enroll_url(course)).status_code == 200


@pytest.mark.parametrize("kind", ["draft", "unknown"])
def test_enroll_draft_or_unknown_is_404(make_client, tutor, kind):
    course = DraftCourseFactory(price=Decimal("0"), tutors=[tutor])
    path = enroll_url(course) if kind == "draft" else "/api/courses/courses/nope/enroll/"

    assert make_client(tutor).post(path).status_code == 404


def test_enroll_anonymous_is_401(api_client):
    assert api_client.post(enroll_url(CourseFactory(price=0))).status_code == 401


def test_enrollments_list_is_own_active_with_progress(make_client, student):
    # given two active enrollments (one half done), one refunded, and someone else's
    course = CourseFactory()
    lessons = [LessonFactory(part__course=course) for _ in range(2)]
    mine = EnrollmentFactory(user=student, course=course)
    LessonCompletionFactory(user=student, lesson=lessons[0])
    LessonCompletionFactory(lesson=lessons[1])  # another user's completion
    other_active = EnrollmentFactory(user=student)
    EnrollmentFactory(user=student, is_active=False)
    EnrollmentFactory()

    # when
    response = make_client(student).get("/api/courses/enrollments/")

    # then
    assert response.status_code == 200
    results = {row["id"]: row for row in response.json()["results"]}
    assert set(results) == {str(mine.id), str(other_active.id)}
    assert results[str(mine.id)]["progress"] == 50
    assert results[str(other_active.id)]["progress"] == 0
    assert results[str(mine.id)]["course"]["lessons_count"] == 2


@pytest.mark.parametrize(("who", "code"), [("owner", 200), ("admin", 200), ("other", 404)])
def test_enrollment_detail_privacy(make_client, admin_user, who, code):
    enrollment = EnrollmentFactory()
    caller = {"owner": enrollment.user, "admin": admin_user, "other": UserFactory()}[who]

    response = make_client(caller).get(f"/api/courses/enrollments/{enrollment.id}/")

    assert response.status_code == code


def test_enrollment_detail_bad_id_is_404(make_client, student):
    assert make_client(student).get("/api/courses/enrollments/nope/").status_code == 404


def test_enrollments_anonymous_is_401(api_client):
    assert api_client.get("/api/courses/enrollments/").status_code == 401


@pytest.mark.parametrize("size", [1, 8])
def test_enrollments_list_query_budget(make_client, student, django_assert_max_num_queries, size):
    for _ in range(size):
        course = CourseFactory()
        LessonCompletionFactory(user=student, lesson=LessonFactory(part__course=course))
        EnrollmentFactory(user=student, course=course)
    client = make_client(student)

    with django_assert_max_num_queries(8):
        response = client.get("/api/courses/enrollments/")

    assert response.json()["count"] == size
    assert all(row["progress"] == 100 for row in response.json()["results"])


def test_refund_webhook_removes_video_access_on_lesson_page(make_client, settings):
    # given a student who bought a course through Stripe
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    order = OrderFactory()
    lesson = LessonFactory(part__course=order.course)
    post_event(make_client(None), make_event("checkout.session.completed", session_object(order)))
    client = make_client(order.user)
    assert client.get(f"/api/courses/lessons/{lesson.slug}/").json()["has_access"] is True

    # when Stripe reports the charge refunded
    charge = {"id": "ch_1", "payment_intent": f"pi_{order.id.hex}", "refunded": True}
    post_event(make_client(None), make_event("charge.refunded", charge))

    # then the lesson page no longer grants the video, and the course shows unenrolled
    lesson_page = client.get(f"/api/courses/lessons/{lesson.slug}/").json()
    assert lesson_page["has_access"] is False
    assert lesson_page["otp"] is None
    assert client.get(f"/api/courses/courses/{order.course.slug}/").json()["is_enrolled"] is False
    assert client.get("/api/courses/enrollments/").json()["count"] == 0
