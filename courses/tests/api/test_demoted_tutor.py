"""A demoted tutor is no course tutor (issue 11, point 7).

*Course tutor* is one rule (`courses.selectors.catalogue.user_tutors_course`): in the course's
`tutors` AND of role tutor or admin. An admin who turns a tutor into a student or a user
takes every tutor right away at once (writes, uploads, statistics, dashboard, drafts);
what the person keeps is what their own enrollments give them.
"""

import pytest

from courses.models import Comment, Course, CoursePart, Lesson
from courses.tests.factories import (
    CommentFactory,
    CourseFactory,
    CoursePartFactory,
    DraftCourseFactory,
    EnrollmentFactory,
    LessonFactory,
)
from courses.tests.vdocipher_double import BASE, UPLOAD_ANSWER, vdocipher_mock
from users.models import Role
from users.tests.factories import TutorFactory

pytestmark = pytest.mark.django_db

API = "/api/courses"


@pytest.fixture
def vdocipher(settings):
    with vdocipher_mock(settings) as mock:
        mock.put(f"{BASE}/videos", json=UPLOAD_ANSWER)
        yield mock


def demote(user, role) -> None:
    user.role = role
    user.save(update_fields=["role"])


@pytest.fixture(params=[Role.STUDENT, Role.USER], ids=["to_student", "to_user"])
def demoted(request):
    """A tutor of a published course with a part and a lesson, then demoted."""
    tutor = TutorFactory()
    course = CourseFactory(tutors=[tutor], price=0)
    part = CoursePartFactory(course=course)
    lesson = LessonFactory(part=part)
    demote(tutor, request.param)
    return tutor, course, part, lesson


def write_requests(course, part, lesson):
    return [
        ("patch", f"{API}/courses/{course.slug}/", {"title": "Mine still"}),
        ("delete", f"{API}/courses/{course.slug}/", None),
        ("post", f"{API}/course-parts/", {"course": str(course.pk), "title": "New"}),
        ("patch", f"{API}/course-parts/{part.slug}/", {"title": "Renamed"}),
        ("delete", f"{API}/course-parts/{part.slug}/", None),
        ("post", f"{API}/lessons/", {"part": str(part.pk), "title": "New"}),
        ("patch", f"{API}/lessons/{lesson.slug}/", {"description": "Changed"}),
        ("delete", f"{API}/lessons/{lesson.slug}/", None),
        ("post", f"{API}/vdocipher/upload-credentials/", {"title": "v"}),
        ("post", f"{API}/vdocipher/upload-credentials/", {"title": "v", "lesson": lesson.slug}),
        ("get", f"{API}/courses/{course.slug}/statistics/", None),
        ("get", "/api/auth/tutors/me/", None),
        ("get", "/api/auth/tutors/me/quick_statistics/", None),
        ("get", "/api/auth/tutors/me/courses/", None),
    ]


def test_a_demoted_tutor_can_no_longer_write_or_read_statistics(vdocipher, make_client, demoted):
    # given
    tutor, course, part, lesson = demoted
    client = make_client(tutor)
    before = (course.title, part.title, lesson.description, lesson.video_service_id)

    # when
    answers = {
        (method, url, bool(body and "lesson" in body)): getattr(client, method)(
            url, body, format="json"
        ).status_code
        for method, url, body in write_requests(course, part, lesson)
    }

    # then
    assert set(answers.values()) == {403}, answers
    course.refresh_from_db()
    part.refresh_from_db()
    lesson.refresh_from_db()
    assert (course.title, part.title, lesson.description, lesson.video_service_id) == before
    assert CoursePart.objects.count() == Lesson.objects.count() == Course.objects.count() == 1
    assert not vdocipher.calls  # refused before VdoCipher is asked for anything


def test_the_same_requests_pass_before_the_demotion(vdocipher, make_client):
    # given: the control, so the 403s above come from the demotion alone
    tutor = TutorFactory()
    course = CourseFactory(tutors=[tutor], price=0)
    part = CoursePartFactory(course=course)
    lesson = LessonFactory(part=part)
    client = make_client(tutor)

    # when
    answers = [
        getattr(client, method)(url, body, format="json").status_code
        for method, url, body in write_requests(course, part, lesson)
        if method != "delete"
    ]

    # then
    assert all(code in (200, 201) for code in answers), answers


def test_a_demoted_tutor_no_longer_sees_their_draft_or_its_video_ids(make_client, demoted):
    tutor, _, _, _ = demoted
    draft = DraftCourseFactory(tutors=[tutor])
    lesson = LessonFactory(part__course=draft)
    client = make_client(tutor)

    assert client.get(f"{API}/courses/{draft.slug}/").status_code == 404
    assert client.get(f"{API}/lessons/{lesson.slug}/").status_code == 404
    assert client.get(f"{API}/courses/{draft.slug}/statistics/").status_code == 404
    published = client.get(f"{API}/courses/", {"tutor": str(tutor.pk)}).json()["results"]
    assert len(published) == 1  # still named on the course card (history)


def test_a_demoted_tutor_keeps_what_their_enrollment_gives(make_client, demoted):
    # given: also enrolled in a draft they tutor
    tutor, _, _, _ = demoted
    draft = DraftCourseFactory(tutors=[tutor])
    lesson = LessonFactory(part__course=draft, is_free_preview=False)
    EnrollmentFactory(user=tutor, course=draft)
    client = make_client(tutor)

    # when
    detail = client.get(f"{API}/courses/{draft.slug}/")
    lesson_page = client.get(f"{API}/lessons/{lesson.slug}/")
    done = client.post(f"{API}/lessons/{lesson.slug}/complete/")
    comment = client.post(f"{API}/comments/", {"lesson": str(lesson.pk), "text": "hi"})
    edit = client.patch(f"{API}/courses/{draft.slug}/", {"title": "x"}, format="json")
    stats = client.get(f"{API}/courses/{draft.slug}/statistics/")

    # then: a student's view, no tutor's
    assert detail.status_code == 200
    assert all("video_service_id" not in x for p in detail.json()["parts"] for x in p["lessons"])
    assert lesson_page.status_code == 200
    assert lesson_page.json()["has_access"] is True
    assert "video_service_id" not in lesson_page.json()
    assert done.status_code == 200
    assert comment.status_code == 201
    assert edit.status_code == 403
    assert stats.status_code == 403


def test_a_demoted_tutor_may_not_delete_students_comments(make_client, demoted):
    tutor, _, _, lesson = demoted
    comment = CommentFactory(lesson=lesson)

    response = make_client(tutor).delete(f"{API}/comments/{comment.pk}/")

    assert response.status_code == 403
    assert not Comment.objects.get(pk=comment.pk).is_deleted


def test_a_tutor_promoted_back_gets_everything_back(make_client, demoted):
    tutor, course, _, _ = demoted
    demote(tutor, Role.TUTOR)

    response = make_client(tutor).patch(
        f"{API}/courses/{course.slug}/", {"title": "Back"}, format="json"
    )

    assert response.status_code == 200
