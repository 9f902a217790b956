"""POST lessons/{slug}/video-otp/ and POST vdocipher/upload-credentials/: permission
matrices, the contract's error codes, and VdoCipher doubled at the HTTP boundary."""

import pytest
import requests

from courses.models import Lesson
from courses.tests.factories import (
    CourseFactory,
    CoursePartFactory,
    DraftCourseFactory,
    EnrollmentFactory,
    LessonFactory,
)
from courses.tests.vdocipher_double import (
    BASE,
    OTP_ANSWER,
    SECRET,
    UPLOAD_ANSWER,
    otp_url,
    sent_json,
    vdocipher_mock,
    watermark_of,
)
from users.tests.factories import AdminFactory, StudentFactory, TutorFactory, UserFactory

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/api/courses/vdocipher/upload-credentials/"


@pytest.fixture
def vdocipher(settings):
    with vdocipher_mock(settings) as mock:
        yield mock


def otp_route(lesson) -> str:
    return f"/api/courses/lessons/{lesson.slug}/video-otp/"


def paid_lesson(**kwargs) -> Lesson:
    return LessonFactory(is_free_preview=False, **kwargs)


# video-otp ----------------------------------------------------------------------------


def test_enrolled_student_gets_a_fresh_watermarked_otp(vdocipher, make_client):
    # given
    enrollment = EnrollmentFactory()
    lesson = paid_lesson(part=CoursePartFactory(course=enrollment.course))
    vdocipher.post(otp_url(lesson.video_service_id), json=OTP_ANSWER)

    # when
    response = make_client(enrollment.user).post(otp_route(lesson))

    # then
    assert response.status_code == 200
    assert response.json() == {"otp": OTP_ANSWER["otp"], "playbackInfo": OTP_ANSWER["playbackInfo"]}
    request = vdocipher.calls[0].request
    assert request.url == f"{BASE}/videos/{lesson.video_service_id}/otp"
    assert request.headers["Authorization"] == f"Apisecret {SECRET}"
    body = sent_json(vdocipher.calls[0])
    assert body["ttl"] == 300
    assert body["userId"] == str(enrollment.user.pk)
    assert watermark_of(body)[0]["text"] == enrollment.user.email
    assert watermark_of(body)[0]["type"] == "rtext"


def test_anonymous_free_preview_gets_an_otp_without_watermark(vdocipher, api_client):
    lesson = LessonFactory(is_free_preview=True)
    vdocipher.post(otp_url(lesson.video_service_id), json=OTP_ANSWER)

    response = api_client.post(otp_route(lesson))

    assert response.status_code == 200
    assert sent_json(vdocipher.calls[0]) == {"ttl": 300}


def test_anonymous_on_paid_lesson_is_401(vdocipher, api_client):
    lesson = paid_lesson()

    response = api_client.post(otp_route(lesson))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert len(vdocipher.calls) == 0


def test_anonymous_on_paid_lesson_without_video_is_401_not_409(api_client):
    lesson = paid_lesson(video_service_id="")

    assert api_client.post(otp_route(lesson)).status_code == 401


@pytest.mark.parametrize("kind", ["user", "student_elsewhere", "inactive", "other_tutor"])
def test_not_entitled_is_403_enrollment_required(vdocipher, make_client, kind):
    # given
    lesson = paid_lesson()
    course = lesson.part.course
    caller = {
        "user": UserFactory,
        "student_elsewhere": lambda: EnrollmentFactory().user,
        "inactive": lambda: EnrollmentFactory(course=course, is_active=False).user,
        "other_tutor": TutorFactory,
    }[kind]()

    # when
    response = make_client(caller).post(otp_route(lesson))

    # then
    assert response.status_code == 403
    assert response.json()["code"] == "enrollment_required"
    assert len(vdocipher.calls) == 0


@pytest.mark.parametrize("kind", ["course_tutor", "admin", "enrolled"])
def test_entitled_callers_get_an_otp(vdocipher, make_client, kind):
    lesson = paid_lesson()
    course = lesson.part.course
    caller = {
        "course_tutor": lambda: course.tutors.get(),
        "admin": AdminFactory,
        "enrolled": lambda: EnrollmentFactory(course=course).user,
    }[kind]()
    vdocipher.post(otp_url(lesson.video_service_id), json=OTP_ANSWER)

    response = make_client(caller).post(otp_route(lesson))

    assert response.status_code == 200
    assert response.json()["otp"] == OTP_ANSWER["otp"]


def test_lesson_without_video_is_409(vdocipher, make_client):
    lesson = paid_lesson(video_service_id="")

    response = make_client(lesson.part.course.tutors.get()).post(otp_route(lesson))

    assert response.status_code == 409
    assert response.json()["code"] == "no_video"
    assert len(vdocipher.calls) == 0


def test_not_entitled_and_no_video_is_403_first(make_client):
    lesson = paid_lesson(video_service_id="")

    response = make_client(UserFactory()).post(otp_route(lesson))

    assert response.json()["code"] == "enrollment_required"


@pytest.mark.parametrize("kind", ["anonymous", "user", "other_tutor", "enrolled_inactive"])
def test_lesson_of_a_draft_is_404_to_outsiders(vdocipher, api_client, make_client, kind):
    # given: even a free preview of a draft stays hidden
    course = DraftCourseFactory()
    lesson = LessonFactory(part=CoursePartFactory(course=course), is_free_preview=True)
    client = {
        "anonymous": lambda: api_client,
        "user": lambda: make_client(UserFactory()),
        "other_tutor": lambda: make_client(TutorFactory()),
        "enrolled_inactive": lambda: make_client(
            EnrollmentFactory(course=course, is_active=False).user
        ),
    }[kind]()

    response = client.post(otp_route(lesson))

    assert response.status_code == 404
    assert len(vdocipher.calls) == 0


@pytest.mark.parametrize("kind", ["course_tutor", "admin"])
def test_lesson_of_a_draft_works_for_its_tutors_and_admins(vdocipher, make_client, kind):
    course = DraftCourseFactory()
    lesson = LessonFactory(part=CoursePartFactory(course=course))
    caller = course.tutors.get() if kind == "course_tutor" else AdminFactory()
    vdocipher.post(otp_url(lesson.video_service_id), json=OTP_ANSWER)

    assert make_client(caller).post(otp_route(lesson)).status_code == 200


def test_unknown_lesson_is_404(make_client, user):
    response = make_client(user).post("/api/courses/lessons/no-such-lesson/video-otp/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "failure, attempts",
    [
        ({"status": 500, "json": {"message": "boom"}}, 2),
        ({"status": 502, "body": "<html>bad gateway</html>"}, 2),
        ({"status": 404, "json": {"message": "Video not found"}}, 1),
        ({"status": 403, "json": {"message": "Invalid api secret"}}, 1),
        ({"status": 400, "json": {"message": "bad ttl"}}, 1),
        ({"body": requests.exceptions.ReadTimeout("slow")}, 2),
        ({"body": requests.exceptions.ConnectTimeout("no route")}, 2),
        ({"body": requests.exceptions.ConnectionError("refused")}, 2),
        ({"body": "not json", "content_type": "text/plain"}, 1),
        ({"json": {"unexpected": True}}, 1),
    ],
)
def test_vdocipher_failures_are_502(vdocipher, api_client, failure, attempts):
    lesson = LessonFactory(is_free_preview=True)
    vdocipher.post(otp_url(lesson.video_service_id), **failure)

    response = api_client.post(otp_route(lesson))

    assert response.status_code == 502
    assert response.json()["code"] == "video_service_error"
    assert len(vdocipher.calls) == attempts


def test_no_secret_is_503(api_client):
    lesson = LessonFactory(is_free_preview=True)

    response = api_client.post(otp_route(lesson))

    assert response.status_code == 503
    assert response.json()["code"] == "video_service_unavailable"


def test_bad_token_is_401_even_on_a_free_preview(api_client):
    lesson = LessonFactory(is_free_preview=True)
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert api_client.post(otp_route(lesson)).status_code == 401


def test_get_is_not_allowed(make_client, user):
    lesson = LessonFactory(is_free_preview=True)

    assert make_client(user).get(otp_route(lesson)).status_code == 405


@pytest.mark.parametrize("tutors, enrolled", [(1, 1), (6, 20)])
def test_video_otp_query_budget(
    vdocipher, make_client, tutors, enrolled, django_assert_max_num_queries
):
    # given
    course = CourseFactory(tutors=[TutorFactory() for _ in range(tutors)])
    lesson = paid_lesson(part=CoursePartFactory(course=course))
    for _ in range(enrolled):
        EnrollmentFactory(course=course)
    caller = EnrollmentFactory(course=course).user
    client = make_client(caller)
    vdocipher.post(otp_url(lesson.video_service_id), json=OTP_ANSWER)

    # when / then: user, lesson with part and course, its tutors, the enrollment
    with django_assert_max_num_queries(4):
        response = client.post(otp_route(lesson))
    assert response.status_code == 200


# upload-credentials -------------------------------------------------------------------


def test_tutor_gets_vdocipher_upload_credentials_verbatim(vdocipher, make_client, tutor):
    # given
    vdocipher.put(f"{BASE}/videos", json=UPLOAD_ANSWER)

    # when
    response = make_client(tutor).post(UPLOAD_URL, {"title": "Intro", "folderId": "f" * 32})

    # then
    assert response.status_code == 200
    assert response.json() == UPLOAD_ANSWER
    request = vdocipher.calls[0].request
    assert request.method == "PUT"
    assert request.url == f"{BASE}/videos?title=Intro&folderId={'f' * 32}"
    assert request.headers["Authorization"] == f"Apisecret {SECRET}"


@pytest.mark.parametrize("extra", [{}, {"folderId": ""}, {"folderId": None, "lesson": None}])
def test_optional_fields_may_be_absent_blank_or_null(vdocipher, make_client, tutor, extra):
    vdocipher.put(f"{BASE}/videos", json=UPLOAD_ANSWER)

    response = make_client(tutor).post(UPLOAD_URL, {"title": "Intro", **extra})

    assert response.status_code == 200
    assert vdocipher.calls[0].request.url == f"{BASE}/videos?title=Intro"


@pytest.mark.parametrize("kind", ["course_tutor", "admin"])
def test_with_lesson_the_lesson_points_at_the_new_video(vdocipher, make_client, kind):
    # given
    lesson = LessonFactory()
    caller = lesson.part.course.tutors.get() if kind == "course_tutor" else AdminFactory()
    vdocipher.put(f"{BASE}/videos", json=UPLOAD_ANSWER)

    # when
    response = make_client(caller).post(UPLOAD_URL, {"title": "Intro", "lesson": lesson.slug})

    # then
    assert response.status_code == 200
    lesson.refresh_from_db()
    assert lesson.video_service_id == UPLOAD_ANSWER["videoId"]


def test_draft_course_tutor_may_attach(vdocipher, make_client):
    course = DraftCourseFactory()
    lesson = LessonFactory(part=CoursePartFactory(course=course), video_service_id="")
    vdocipher.put(f"{BASE}/videos", json=UPLOAD_ANSWER)

    response = make_client(course.tutors.get()).post(
        UPLOAD_URL, {"title": "Intro", "lesson": lesson.slug}
    )

    assert response.status_code == 200
    lesson.refresh_from_db()
    assert lesson.has_video


def test_another_tutors_lesson_is_403_and_calls_nobody(vdocipher, make_client, tutor):
    lesson = LessonFactory()
    before = lesson.video_service_id

    response = make_client(tutor).post(UPLOAD_URL, {"title": "Intro", "lesson": lesson.slug})

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert len(vdocipher.calls) == 0
    lesson.refresh_from_db()
    assert lesson.video_service_id == before


def test_another_tutors_draft_lesson_is_404(vdocipher, make_client, tutor):
    lesson = LessonFactory(part=CoursePartFactory(course=DraftCourseFactory()))

    response = make_client(tutor).post(UPLOAD_URL, {"title": "Intro", "lesson": lesson.slug})

    assert response.status_code == 404
    assert len(vdocipher.calls) == 0


def test_unknown_lesson_is_404_and_calls_nobody(vdocipher, make_client, tutor):
    response = make_client(tutor).post(UPLOAD_URL, {"title": "Intro", "lesson": "nope"})

    assert response.status_code == 404
    assert len(vdocipher.calls) == 0


@pytest.mark.parametrize("kind", ["user", "student"])
def test_not_a_tutor_is_403(vdocipher, make_client, kind):
    caller = UserFactory() if kind == "user" else StudentFactory()

    response = make_client(caller).post(UPLOAD_URL, {"title": "Intro"})

    assert response.status_code == 403
    assert len(vdocipher.calls) == 0


def test_enrolled_student_may_not_upload_to_the_lesson(vdocipher, make_client):
    enrollment = EnrollmentFactory()
    lesson = LessonFactory(part=CoursePartFactory(course=enrollment.course))

    response = make_client(enrollment.user).post(
        UPLOAD_URL, {"title": "Intro", "lesson": lesson.slug}
    )

    assert response.status_code == 403


def test_anonymous_is_401(vdocipher, api_client):
    response = api_client.post(UPLOAD_URL, {"title": "Intro"})

    assert response.status_code == 401
    assert len(vdocipher.calls) == 0


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": None}, "title"),
        ({"title": "x" * 256}, "title"),
        ({"title": "Intro", "folderId": "../etc"}, "folderId"),
        ({"title": "Intro", "folderId": "a" * 65}, "folderId"),
        ({"title": "Intro", "lesson": "x" * 300}, "lesson"),
        ({"title": ["a", "b"]}, "title"),
    ],
)
def test_bad_input_is_400_before_calling_vdocipher(vdocipher, make_client, tutor, body, field):
    response = make_client(tutor).post(UPLOAD_URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert len(vdocipher.calls) == 0


def test_malformed_json_is_400(vdocipher, make_client, tutor):
    response = make_client(tutor).post(
        UPLOAD_URL, data="{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert len(vdocipher.calls) == 0


def test_validation_comes_before_the_missing_secret(make_client, tutor):
    assert make_client(tutor).post(UPLOAD_URL, {}).status_code == 400


def test_upload_without_secret_is_503(make_client, tutor):
    response = make_client(tutor).post(UPLOAD_URL, {"title": "Intro"})

    assert response.status_code == 503
    assert response.json()["code"] == "video_service_unavailable"


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500, "json": {"message": "boom"}},
        {"status": 401, "json": {"message": "bad secret"}},
        {"body": requests.exceptions.ReadTimeout("slow")},
        {"body": requests.exceptions.ConnectionError("reset")},
        {"body": "<html/>", "content_type": "text/html"},
        {"json": {"clientPayload": {}}},
    ],
)
def test_upload_vdocipher_failure_is_502_and_lesson_unchanged(vdocipher, make_client, failure):
    lesson = LessonFactory()
    before = lesson.video_service_id
    vdocipher.put(f"{BASE}/videos", **failure)

    response = make_client(lesson.part.course.tutors.get()).post(
        UPLOAD_URL, {"title": "Intro", "lesson": lesson.slug}
    )

    assert response.status_code == 502
    assert response.json()["code"] == "video_service_error"
    assert len(vdocipher.calls) == 1
    lesson.refresh_from_db()
    assert lesson.video_service_id == before


@pytest.mark.parametrize("raw", ["null", "[]", '["title"]', '"Intro"', "42"])
def test_a_body_that_is_not_an_object_is_400(vdocipher, make_client, tutor, raw):
    response = make_client(tutor).post(UPLOAD_URL, data=raw, content_type="application/json")

    assert response.status_code == 400
    assert len(vdocipher.calls) == 0


@pytest.mark.parametrize("raw", ["null", "[]", "{not json"])
def test_video_otp_ignores_any_body(vdocipher, api_client, raw):
    lesson = LessonFactory(is_free_preview=True)
    vdocipher.post(otp_url(lesson.video_service_id), json=OTP_ANSWER)

    response = api_client.post(otp_route(lesson), data=raw, content_type="application/json")

    assert response.status_code == 200
