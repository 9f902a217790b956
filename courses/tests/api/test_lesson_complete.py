import pytest

from courses.models import Enrollment, LessonCompletion
from courses.tests.factories import (
    CoursePartFactory,
    DraftCourseFactory,
    EnrollmentFactory,
    LessonFactory,
)

pytestmark = pytest.mark.django_db


def url(lesson) -> str:
    return f"/api/courses/lessons/{lesson.slug}/complete/"


@pytest.fixture
def three_lessons():
    part = CoursePartFactory()
    other_part = CoursePartFactory(course=part.course)
    return [LessonFactory(part=part), LessonFactory(part=part), LessonFactory(part=other_part)]


def test_progress_math_and_completed_at(make_client, student, three_lessons):
    # given a student enrolled in a 3-lesson course
    course = three_lessons[0].part.course
    EnrollmentFactory(user=student, course=course)
    client = make_client(student)

    # when they complete lessons one by one (one twice)
    results = [client.post(url(lesson)).json() for lesson in three_lessons[:2]]
    repeat = client.post(url(three_lessons[1])).json()
    enrollment = Enrollment.objects.get()
    assert enrollment.completed_at is None
    last = client.post(url(three_lessons[2]))

    # then progress goes 33, 67, 67, 100, and the course counts as completed
    assert results == [
        {"is_completed": True, "progress": 33},
        {"is_completed": True, "progress": 67},
    ]
    assert repeat == {"is_completed": True, "progress": 67}
    assert last.status_code == 200
    assert last.json() == {"is_completed": True, "progress": 100}
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
    assert LessonCompletion.objects.count() == 3

    # and unmarking one takes progress and completion back
    undone = client.delete(url(three_lessons[0]))
    assert undone.status_code == 200
    assert undone.json() == {"is_completed": False, "progress": 67}
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None
    assert client.delete(url(three_lessons[0])).json() == {"is_completed": False, "progress": 67}


def test_completions_in_other_courses_do_not_count(make_client, student, three_lessons):
    EnrollmentFactory(user=student, course=three_lessons[0].part.course)
    elsewhere = LessonFactory()
    EnrollmentFactory(user=student, course=elsewhere.part.course)
    client = make_client(student)
    client.post(url(elsewhere))

    response = client.post(url(three_lessons[0]))

    assert response.json()["progress"] == 33


@pytest.mark.parametrize("who", ["user", "course_tutor", "admin", "refunded"])
def test_not_enrolled_is_403(make_client, user, admin_user, three_lessons, who):
    lesson = three_lessons[0]
    course = lesson.part.course
    caller = {"user": user, "course_tutor": course.tutors.first(), "admin": admin_user}.get(who)
    if who == "refunded":
        caller = EnrollmentFactory(course=course, is_active=False).user

    for method in ("post", "delete"):
        response = getattr(make_client(caller), method)(url(lesson))

        assert response.status_code == 403
        assert response.json()["code"] == "enrollment_required"
    assert not LessonCompletion.objects.exists()


def test_anonymous_is_401(api_client, three_lessons):
    assert api_client.post(url(three_lessons[0])).status_code == 401


def test_unknown_or_hidden_draft_lesson_is_404(make_client, student):
    draft_lesson = LessonFactory(part__course=DraftCourseFactory())
    client = make_client(student)

    assert client.post("/api/courses/lessons/no-such-lesson/complete/").status_code == 404
    assert client.post(url(draft_lesson)).status_code == 404
