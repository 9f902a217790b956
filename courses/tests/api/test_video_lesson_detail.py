"""GET lessons/{slug}/ (built by the catalogue): the video side of the lesson page.

A fresh OTP when the caller may watch and the lesson has a video; nulls and
`has_access: false` otherwise; `video_error` when VdoCipher fails (the page still answers
200); a draft's lessons hidden from outsiders; `video_service_id` only for course tutors
and admins."""

import pytest
import requests

from courses.tests.factories import (
    CourseFactory,
    CoursePartFactory,
    DraftCourseFactory,
    EnrollmentFactory,
    LessonFactory,
)
from courses.tests.vdocipher_double import (
    OTP_ANSWER,
    otp_url,
    sent_json,
    vdocipher_mock,
    watermark_of,
)
from users.tests.factories import AdminFactory, TutorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vdocipher(settings):
    with vdocipher_mock(settings) as mock:
        yield mock


def detail_route(lesson) -> str:
    return f"/api/courses/lessons/{lesson.slug}/"


def caller_client(kind, course, api_client, make_client):
    if kind == "anonymous":
        return api_client, None
    user = {
        "user": UserFactory,
        "enrolled": lambda: EnrollmentFactory(course=course).user,
        "inactive": lambda: EnrollmentFactory(course=course, is_active=False).user,
        "course_tutor": lambda: course.tutors.get(),
        "other_tutor": TutorFactory,
        "admin": AdminFactory,
    }[kind]()
    return make_client(user), user


KINDS = ["anonymous", "user", "enrolled", "inactive", "course_tutor", "other_tutor", "admin"]
ENTITLED_TO_PAID = {"enrolled", "course_tutor", "admin"}
SEES_VIDEO_ID = {"course_tutor", "admin"}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("free_preview", [True, False], ids=["free_preview", "paid"])
def test_lesson_page_otp_matrix(vdocipher, api_client, make_client, kind, free_preview):
    # given
    course = CourseFactory()
    lesson = LessonFactory(part=CoursePartFactory(course=course), is_free_preview=free_preview)
    client, user = caller_client(kind, course, api_client, make_client)
    vdocipher.post(otp_url(lesson.video_service_id), json=OTP_ANSWER)
    may_watch = free_preview or kind in ENTITLED_TO_PAID

    # when
    response = client.get(detail_route(lesson))

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["has_access"] is may_watch
    assert body["has_video"] is True
    assert body["video_error"] is None
    if may_watch:
        assert body["otp"] == OTP_ANSWER["otp"]
        assert body["playbackInfo"] == OTP_ANSWER["playbackInfo"]
        sent = sent_json(vdocipher.calls[0])
        assert sent["ttl"] == 300
        if user is not None:
            assert watermark_of(sent)[0]["text"] == user.email
            assert sent["userId"] == str(user.pk)
    else:
        assert body["otp"] is None
        assert body["playbackInfo"] is None
        assert len(vdocipher.calls) == 0
    assert ("video_service_id" in body) is (kind in SEES_VIDEO_ID)
    if kind in SEES_VIDEO_ID:
        assert body["video_service_id"] == lesson.video_service_id
    assert "playback_info" not in body


def test_lesson_without_video_has_null_otp_and_no_error(vdocipher, make_client):
    enrollment = EnrollmentFactory()
    lesson = LessonFactory(part=CoursePartFactory(course=enrollment.course), video_service_id="")

    body = make_client(enrollment.user).get(detail_route(lesson)).json()

    assert body["has_access"] is True
    assert body["has_video"] is False
    assert body["otp"] is None
    assert body["playbackInfo"] is None
    assert body["video_error"] is None
    assert len(vdocipher.calls) == 0


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500, "json": {"message": "boom"}},
        {"status": 404, "json": {"message": "Video not found"}},
        {"body": requests.exceptions.ReadTimeout("slow")},
        {"body": requests.exceptions.ConnectionError("refused")},
        {"body": "<html/>", "content_type": "text/html"},
    ],
)
def test_vdocipher_failure_keeps_the_page_up(vdocipher, api_client, failure):
    lesson = LessonFactory(is_free_preview=True)
    vdocipher.post(otp_url(lesson.video_service_id), **failure)

    response = api_client.get(detail_route(lesson))

    assert response.status_code == 200
    body = response.json()
    assert body["has_access"] is True
    assert body["otp"] is None
    assert body["playbackInfo"] is None
    assert body["video_error"] == "video_service_error"


def test_no_secret_keeps_the_page_up(api_client):
    lesson = LessonFactory(is_free_preview=True)

    response = api_client.get(detail_route(lesson))

    assert response.status_code == 200
    assert response.json()["otp"] is None
    assert response.json()["video_error"] == "video_service_unavailable"


@pytest.mark.parametrize("kind", ["anonymous", "user", "other_tutor", "inactive"])
def test_lesson_of_a_draft_is_404_to_outsiders(vdocipher, api_client, make_client, kind):
    course = DraftCourseFactory()
    lesson = LessonFactory(part=CoursePartFactory(course=course), is_free_preview=True)
    client, _ = caller_client(kind, course, api_client, make_client)

    assert client.get(detail_route(lesson)).status_code == 404
    assert len(vdocipher.calls) == 0


@pytest.mark.parametrize("kind", ["course_tutor", "admin"])
def test_lesson_of_a_draft_for_its_tutors(vdocipher, api_client, make_client, kind):
    course = DraftCourseFactory()
    lesson = LessonFactory(part=CoursePartFactory(course=course))
    client, _ = caller_client(kind, course, api_client, make_client)
    vdocipher.post(otp_url(lesson.video_service_id), json=OTP_ANSWER)

    response = client.get(detail_route(lesson))

    assert response.status_code == 200
    assert response.json()["otp"] == OTP_ANSWER["otp"]
    assert response.json()["video_service_id"] == lesson.video_service_id


def test_bad_token_is_401_on_the_public_lesson_page(api_client):
    lesson = LessonFactory(is_free_preview=True)
    api_client.credentials(HTTP_AUTHORIZATION="Bearer garbage")

    assert api_client.get(detail_route(lesson)).status_code == 401


@pytest.mark.parametrize("tutors, siblings", [(1, 1), (5, 30)])
def test_lesson_page_query_budget(
    vdocipher, make_client, tutors, siblings, django_assert_max_num_queries
):
    # given: the OTP adds no query that grows with the course
    course = CourseFactory(tutors=[TutorFactory() for _ in range(tutors)])
    part = CoursePartFactory(course=course)
    lesson = LessonFactory(part=part)
    LessonFactory.create_batch(siblings, part=part)
    enrollment = EnrollmentFactory(course=course)
    client = make_client(enrollment.user)
    vdocipher.post(otp_url(lesson.video_service_id), json=OTP_ANSWER)

    # when / then
    with django_assert_max_num_queries(5):
        response = client.get(detail_route(lesson))
    assert response.status_code == 200
    assert response.json()["otp"] == OTP_ANSWER["otp"]
