"""Video services: who may watch (the entitlement matrix), OTPs, upload credentials and
duration sync, with VdoCipher doubled at the HTTP boundary."""

import logging

import pytest
import requests
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command

from core.exceptions import Forbidden
from courses.exceptions import EnrollmentRequired, NoVideo
from courses.integrations import VideoServiceError, VideoServiceUnavailable
from courses.models import Lesson
from courses.services.video import (
    lesson_playback,
    upload_credentials_issue,
    video_durations_sync,
    video_otp_issue,
)
from courses.tests.factories import (
    CourseFactory,
    CoursePartFactory,
    EnrollmentFactory,
    LessonFactory,
)
from courses.tests.vdocipher_double import (
    BASE,
    OTP_ANSWER,
    UPLOAD_ANSWER,
    otp_url,
    sent_json,
    vdocipher_mock,
    video_url,
    watermark_of,
)
from users.tests.factories import AdminFactory, StudentFactory, TutorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vdocipher(settings):
    with vdocipher_mock(settings) as mock:
        yield mock


def make_viewer(kind: str, course):
    if kind == "anonymous":
        return AnonymousUser()
    if kind == "user":
        return UserFactory()
    if kind == "enrolled":
        return EnrollmentFactory(course=course).user
    if kind == "inactive_enrollment":
        return EnrollmentFactory(course=course, is_active=False).user
    if kind == "enrolled_elsewhere":
        return EnrollmentFactory().user
    if kind == "course_tutor":
        return course.tutors.get()
    if kind == "other_tutor":
        return TutorFactory()
    if kind == "admin":
        return AdminFactory()
    raise AssertionError(kind)


VIEWERS = [
    "anonymous",
    "user",
    "enrolled",
    "inactive_enrollment",
    "enrolled_elsewhere",
    "course_tutor",
    "other_tutor",
    "admin",
]
ENTITLED_TO_PAID = {"enrolled", "course_tutor", "admin"}


@pytest.mark.parametrize("kind", VIEWERS)
@pytest.mark.parametrize("free_preview", [True, False], ids=["free_preview", "paid"])
@pytest.mark.parametrize("with_video", [True, False], ids=["video", "no_video"])
def test_lesson_playback_entitlement_matrix(vdocipher, kind, free_preview, with_video):
    # given
    course = CourseFactory()
    lesson = LessonFactory(
        part=CoursePartFactory(course=course),
        is_free_preview=free_preview,
        video_service_id=("v" * 32) if with_video else "",
    )
    viewer = make_viewer(kind, course)
    vdocipher.post(otp_url("v" * 32), json=OTP_ANSWER)
    may_watch = free_preview or kind in ENTITLED_TO_PAID

    # when
    playback = lesson_playback(lesson=lesson, user=viewer)

    # then
    assert playback["has_access"] is may_watch
    assert playback["video_error"] is None
    if may_watch and with_video:
        assert playback["otp"] == OTP_ANSWER["otp"]
        assert playback["playbackInfo"] == OTP_ANSWER["playbackInfo"]
        assert len(vdocipher.calls) == 1
        body = sent_json(vdocipher.calls[0])
        assert body["ttl"] == 300
        if kind == "anonymous":
            assert body == {"ttl": 300}
        else:
            assert body["userId"] == str(viewer.pk)
            assert watermark_of(body) == [
                {
                    "type": "rtext",
                    "text": viewer.email,
                    "alpha": "0.60",
                    "color": "0xFF0000",
                    "size": "15",
                    "interval": "5000",
                }
            ]
    else:
        assert playback["otp"] is None
        assert playback["playbackInfo"] is None
        assert len(vdocipher.calls) == 0


def test_playback_ttl_comes_from_settings(vdocipher, settings):
    settings.VIDEO_OTP_TTL = 90
    lesson = LessonFactory(is_free_preview=True)
    vdocipher.post(otp_url(lesson.video_service_id), json=OTP_ANSWER)

    lesson_playback(lesson=lesson, user=AnonymousUser())

    assert sent_json(vdocipher.calls[0]) == {"ttl": 90}


def test_each_playback_issues_a_fresh_otp(vdocipher):
    lesson = LessonFactory(is_free_preview=True)
    vdocipher.post(otp_url(lesson.video_service_id), json=OTP_ANSWER)

    lesson_playback(lesson=lesson, user=AnonymousUser())
    lesson_playback(lesson=lesson, user=AnonymousUser())

    assert len(vdocipher.calls) == 2


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500, "json": {"message": "boom"}},
        {"status": 404, "json": {"message": "Video not found"}},
        {"status": 403, "json": {"message": "Invalid secret"}},
        {"body": requests.exceptions.ReadTimeout("slow")},
        {"body": requests.exceptions.ConnectTimeout("no route")},
        {"body": requests.exceptions.ConnectionError("refused")},
        {"body": "<html>oops</html>", "content_type": "text/html"},
    ],
)
def test_playback_survives_vdocipher_failures(vdocipher, caplog, failure):
    # given
    lesson = LessonFactory(is_free_preview=True)
    vdocipher.post(otp_url(lesson.video_service_id), **failure)

    # when
    with caplog.at_level(logging.WARNING, logger="courses.video"):
        playback = lesson_playback(lesson=lesson, user=UserFactory())

    # then
    assert playback == {
        "has_access": True,
        "otp": None,
        "playbackInfo": None,
        "video_error": "video_service_error",
    }
    assert any(r.message == "video.playback.otp_failed" for r in caplog.records)


def test_playback_without_secret_says_unavailable(caplog):
    lesson = LessonFactory(is_free_preview=True)

    with caplog.at_level(logging.WARNING, logger="courses.video"):
        playback = lesson_playback(lesson=lesson, user=AnonymousUser())

    assert playback["has_access"] is True
    assert playback["otp"] is None
    assert playback["video_error"] == "video_service_unavailable"
    assert any(r.message == "video.playback.otp_failed" for r in caplog.records)


def test_playback_without_secret_and_without_video_is_no_error():
    lesson = LessonFactory(is_free_preview=True, video_service_id="")

    assert lesson_playback(lesson=lesson, user=AnonymousUser())["video_error"] is None


def test_playback_with_a_malformed_video_id_is_a_video_error(vdocipher):
    lesson = LessonFactory(is_free_preview=True, video_service_id="../hooks")

    playback = lesson_playback(lesson=lesson, user=AnonymousUser())

    assert playback["video_error"] == "video_service_error"
    assert len(vdocipher.calls) == 0


# video_otp_issue ----------------------------------------------------------------------


def test_otp_issue_for_enrolled_student(vdocipher):
    enrollment = EnrollmentFactory()
    lesson = LessonFactory(part=CoursePartFactory(course=enrollment.course))
    vdocipher.post(otp_url(lesson.video_service_id), json=OTP_ANSWER)

    assert video_otp_issue(lesson=lesson, user=enrollment.user) == OTP_ANSWER


def test_otp_issue_checks_entitlement_before_video(vdocipher):
    lesson = LessonFactory(video_service_id="")

    with pytest.raises(EnrollmentRequired) as exc:
        video_otp_issue(lesson=lesson, user=UserFactory())

    assert exc.value.code == "enrollment_required"
    assert exc.value.status_code == 403


def test_otp_issue_without_video(vdocipher):
    lesson = LessonFactory(is_free_preview=True, video_service_id="")

    with pytest.raises(NoVideo) as exc:
        video_otp_issue(lesson=lesson, user=AnonymousUser())

    assert exc.value.code == "no_video"
    assert exc.value.status_code == 409
    assert len(vdocipher.calls) == 0


def test_otp_issue_raises_vdocipher_failures(vdocipher):
    lesson = LessonFactory(is_free_preview=True)
    vdocipher.post(otp_url(lesson.video_service_id), status=500)

    with pytest.raises(VideoServiceError):
        video_otp_issue(lesson=lesson, user=AnonymousUser())


def test_otp_issue_without_secret():
    lesson = LessonFactory(is_free_preview=True)

    with pytest.raises(VideoServiceUnavailable):
        video_otp_issue(lesson=lesson, user=AnonymousUser())


# upload_credentials_issue -------------------------------------------------------------


def test_upload_credentials_point_the_lesson_at_the_new_video(vdocipher):
    lesson = LessonFactory(duration=321)
    tutor = lesson.part.course.tutors.get()
    vdocipher.put(f"{BASE}/videos", json=UPLOAD_ANSWER)

    answer = upload_credentials_issue(user=tutor, title="Intro", lesson=lesson)

    assert answer == UPLOAD_ANSWER
    lesson.refresh_from_db()
    assert lesson.video_service_id == UPLOAD_ANSWER["videoId"]
    assert lesson.duration == 321


@pytest.mark.parametrize("kind", ["student", "other_tutor"])
def test_upload_credentials_refused_before_calling_vdocipher(vdocipher, kind):
    lesson = LessonFactory()
    user = StudentFactory() if kind == "student" else TutorFactory()

    with pytest.raises(Forbidden):
        upload_credentials_issue(user=user, title="Intro", lesson=lesson)

    assert len(vdocipher.calls) == 0


def test_upload_credentials_failure_leaves_the_lesson_alone(vdocipher):
    lesson = LessonFactory()
    before = lesson.video_service_id
    vdocipher.put(f"{BASE}/videos", status=500)

    with pytest.raises(VideoServiceError):
        upload_credentials_issue(user=AdminFactory(), title="Intro", lesson=lesson)

    lesson.refresh_from_db()
    assert lesson.video_service_id == before


# video_durations_sync -----------------------------------------------------------------


def test_duration_sync_fills_unknown_durations_only(vdocipher):
    # given
    unknown = LessonFactory(duration=0, video_service_id="v1")
    encoding = LessonFactory(duration=0, video_service_id="v2")
    known = LessonFactory(duration=42, video_service_id="v3")
    no_video = LessonFactory(duration=0, video_service_id="")
    vdocipher.get(video_url("v1"), json={"id": "v1", "length": 93.4, "status": "ready"})
    vdocipher.get(video_url("v2"), json={"id": "v2", "length": 0, "status": "Queued"})

    # when
    result = video_durations_sync()

    # then
    assert (result.updated, result.skipped, result.failed) == (1, 1, 0)
    assert Lesson.objects.get(pk=unknown.pk).duration == 93
    assert Lesson.objects.get(pk=encoding.pk).duration == 0
    assert Lesson.objects.get(pk=known.pk).duration == 42
    assert Lesson.objects.get(pk=no_video.pk).duration == 0
    assert sorted(c.request.url for c in vdocipher.calls) == [video_url("v1"), video_url("v2")]


def test_duration_sync_goes_on_after_a_failure(vdocipher):
    LessonFactory(duration=0, video_service_id="v1")
    ok = LessonFactory(duration=0, video_service_id="v2")
    vdocipher.get(video_url("v1"), status=404, json={"message": "not found"})
    vdocipher.get(video_url("v2"), json={"length": "61"})

    result = video_durations_sync()

    assert (result.updated, result.skipped, result.failed) == (1, 0, 1)
    assert Lesson.objects.get(pk=ok.pk).duration == 61


@pytest.mark.parametrize("length", [None, "abc", -5, True, [1], "nan", "inf"])
def test_duration_sync_ignores_unusable_lengths(vdocipher, length):
    lesson = LessonFactory(duration=0, video_service_id="v1")
    vdocipher.get(video_url("v1"), json={"length": length})

    result = video_durations_sync()

    assert result.skipped == 1
    assert Lesson.objects.get(pk=lesson.pk).duration == 0


def test_sync_video_durations_command(vdocipher, capsys):
    lesson = LessonFactory(duration=0, video_service_id="v1")
    vdocipher.get(video_url("v1"), json={"length": 125})

    call_command("sync_video_durations")

    assert Lesson.objects.get(pk=lesson.pk).duration == 125
    assert "updated 1" in capsys.readouterr().out


def test_sync_video_durations_command_fails_when_a_video_fails(vdocipher):
    LessonFactory(duration=0, video_service_id="v1")
    vdocipher.get(video_url("v1"), status=500)

    with pytest.raises(CommandError):
        call_command("sync_video_durations")


def test_sync_video_durations_command_limit(vdocipher):
    LessonFactory(duration=0, video_service_id="v1")
    LessonFactory(duration=0, video_service_id="v2")
    vdocipher.get(video_url("v1"), json={"length": 10})
    vdocipher.get(video_url("v2"), json={"length": 10})

    call_command("sync_video_durations", limit=1)

    assert Lesson.objects.filter(duration=10).count() == 1
    with pytest.raises(CommandError):
        call_command("sync_video_durations", limit=0)


def test_sync_video_durations_command_without_secret():
    LessonFactory(duration=0)

    with pytest.raises(CommandError):
        call_command("sync_video_durations")


def test_duration_sync_can_be_narrowed_to_a_selection(vdocipher):
    chosen = LessonFactory(duration=0, video_service_id="v1")
    LessonFactory(duration=0, video_service_id="v2")
    vdocipher.get(video_url("v1"), json={"length": 30})

    result = video_durations_sync(lessons=Lesson.objects.filter(pk=chosen.pk))

    assert result.updated == 1
    assert [c.request.url for c in vdocipher.calls] == [video_url("v1")]
