"""Video writes and operations for lessons (VdoCipher): OTPs, upload credentials,
duration sync.

Who may watch a lesson is `courses.selectors.video.user_may_watch`: a free preview, anyone who
may see the course; otherwise enrolled students (active enrollment), the course's tutors
and admins. Watching needs an OTP from VdoCipher, issued fresh for every view (never
cached: it lives `VIDEO_OTP_TTL` seconds), watermarked with a signed-in viewer's email so
a leaked recording can be traced, and tagged with their user id.

- `lesson_playback` is what the lesson page shows: it never fails because of VdoCipher
  (the page still answers, with `otp` null and `video_error` saying why).
- `video_otp_issue` is the player's refresh: there VdoCipher's failures are errors.
- `upload_credentials_issue` lets a tutor upload straight to VdoCipher.
- `video_durations_sync` fills unknown lesson durations from VdoCipher.

Calls to VdoCipher are never made inside a database transaction: a slow answer must not
hold locks.
"""

import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.cache import catalogue_changed
from core.exceptions import Forbidden
from courses.exceptions import EnrollmentRequired, NoVideo
from courses.integrations import VdoCipherClient, VideoServiceError, VideoServiceUnavailable
from courses.models import Lesson, VideoUpload
from courses.selectors.catalogue import user_has_tutor_role, user_tutors_course
from courses.selectors.video import user_may_watch
from courses.services.catalogue import course_lesson_numbers_refresh

# The logger keeps the name it had before this module moved: log filters rely on it.
logger = logging.getLogger("courses.video")

# VdoCipher's moving text watermark; `text` is filled in with the viewer's email.
WATERMARK = {"alpha": "0.60", "color": "0xFF0000", "size": "15", "interval": "5000"}


def _otp_request(*, lesson: Lesson, user) -> dict[str, str]:
    """Ask VdoCipher for an OTP for this viewer; raises the client's exceptions."""
    client = VdoCipherClient.from_settings()
    annotate = user_id = None
    if user is not None and user.is_authenticated:
        # A string holding JSON: VdoCipher wants the array encoded twice.
        annotate = json.dumps([{"type": "rtext", "text": user.email, **WATERMARK}])
        user_id = str(user.pk)  # a UUID: 36 chars of [0-9a-f-], within VdoCipher's limit
    return client.otp_create(
        video_id=lesson.video_service_id,
        ttl=settings.VIDEO_OTP_TTL,
        annotate=annotate,
        user_id=user_id,
    )


def lesson_playback(*, lesson: Lesson, user) -> dict:
    """`{has_access, otp, playbackInfo, video_error}` for the lesson detail route.

    `otp`/`playbackInfo` are a fresh OTP when the caller may watch and the lesson has a
    video. When VdoCipher fails or is not configured they are null and `video_error` is
    `video_service_error` or `video_service_unavailable` (logged): the page still loads.
    `lesson.part.course` should be loaded (and its tutors prefetched) by the caller.
    """
    result = {
        "has_access": user_may_watch(user, lesson),
        "otp": None,
        "playbackInfo": None,
        "video_error": None,
    }
    if not (result["has_access"] and lesson.has_video):
        return result
    try:
        result.update(_otp_request(lesson=lesson, user=user))
    except (VideoServiceError, VideoServiceUnavailable) as exc:
        result["video_error"] = exc.code
        logger.warning(
            "video.playback.otp_failed",
            extra={
                "lesson_id": str(lesson.pk),
                "video_id": lesson.video_service_id,
                "code": exc.code,
                "upstream_status": getattr(exc, "upstream_status", None),
            },
        )
    return result


def video_otp_issue(*, lesson: Lesson, user) -> dict[str, str]:
    """A fresh `{otp, playbackInfo}` for a player whose first OTP expired.

    Raises `EnrollmentRequired` (403) when the caller may not watch (the view answers 401
    to an anonymous caller first), `NoVideo` (409) when the lesson has no video, then
    `VideoServiceUnavailable` (503) or `VideoServiceError` (502). Checked in that order,
    so nobody learns whether a paid lesson has a video without the right to watch it.
    """
    if not user_may_watch(user, lesson):
        raise EnrollmentRequired("Enroll in the course to watch this lesson.")
    if not lesson.has_video:
        raise NoVideo()
    return _otp_request(lesson=lesson, user=user)


@transaction.atomic
def lesson_video_attach(*, lesson: Lesson, video_id: str) -> Lesson:
    """Point the lesson at a VdoCipher video. Its `duration` is left alone: the SPA may
    have set it from the file, and `video_durations_sync` fills it when it is 0."""
    lesson.video_service_id = video_id
    lesson.save(update_fields=["video_service_id", "updated_at"])
    return lesson


def upload_credentials_issue(
    *, user, title: str, folder_id: str | None = None, lesson: Lesson | None = None
) -> dict:
    """VdoCipher's upload credentials (`{clientPayload, videoId}`), verbatim.

    Tutors and admins only; with `lesson`, only for a course the caller tutors, and the
    lesson points at the new video as soon as VdoCipher answers (the upload itself goes
    from the browser straight to VdoCipher). Every check is made before VdoCipher is
    called, so a refused request creates no video there. Calling twice makes two videos;
    the lesson keeps the last. Each video is recorded with its uploader (`VideoUpload`),
    which is what lets the caller's courses use it on their lessons later.
    """
    if not user_has_tutor_role(user):
        raise Forbidden("Only tutors may upload videos.")
    if lesson is not None and not user_tutors_course(user, lesson.part.course):
        raise Forbidden("You do not tutor this lesson's course.")
    credentials = VdoCipherClient.from_settings().upload_credentials_create(
        title=title, folder_id=folder_id
    )
    with transaction.atomic():
        video_upload_record(video_id=credentials["videoId"], user=user)
        if lesson is not None:
            lesson_video_attach(lesson=lesson, video_id=credentials["videoId"])
    logger.info(
        "video.upload_credentials.issued",
        extra={
            "user_id": str(user.pk),
            "video_id": credentials["videoId"],
            "lesson_id": str(lesson.pk) if lesson is not None else None,
        },
    )
    return credentials


def video_upload_record(*, video_id: str, user) -> VideoUpload:
    """Record that `user` asked for the video `video_id`. VdoCipher makes a new id for
    every call; should one come back twice, the first uploader stays."""
    upload, _ = VideoUpload.objects.get_or_create(video_id=video_id, defaults={"uploaded_by": user})
    return upload


@dataclass
class DurationSyncResult:
    updated: int = 0
    skipped: int = 0  # VdoCipher does not know the length yet (still encoding)
    failed: int = 0  # VdoCipher failed for that video; it is tried again next run


def _length_seconds(value) -> int:
    """VdoCipher's `length` as whole seconds; 0 when missing or not a positive number."""
    if isinstance(value, bool):
        return 0
    try:
        seconds = round(float(value))
    except (TypeError, ValueError, OverflowError):
        return 0
    return seconds if seconds > 0 else 0


def video_durations_sync(
    *, lessons: QuerySet[Lesson] | None = None, limit: int | None = None
) -> DurationSyncResult:
    """Fill `duration` from VdoCipher's `length` for lessons with a video and duration 0.

    `lessons` narrows the run (an admin action passes its selection); by default, all.

    Safe to run any time and repeatedly: only lessons still at 0 are written (a duration
    a tutor set meanwhile wins), one short write per lesson, never inside a transaction
    around the HTTP calls. Raises `VideoServiceUnavailable` when no secret is set.
    """
    client = VdoCipherClient.from_settings()
    pending = (
        (Lesson.objects.all() if lessons is None else lessons)
        .filter(duration=0)
        .exclude(video_service_id="")
        .order_by("created_at")
    )
    if limit is not None:
        pending = pending[:limit]
    result = DurationSyncResult()
    for lesson_id, video_id in list(pending.values_list("pk", "video_service_id")):
        try:
            video = client.video_get(video_id=video_id)
        except VideoServiceError as exc:
            result.failed += 1
            logger.warning(
                "video.duration_sync.failed",
                extra={"lesson_id": str(lesson_id), "video_id": video_id, "code": exc.code},
            )
            continue
        seconds = _length_seconds(video.get("length"))
        if not seconds:
            result.skipped += 1
            continue
        with transaction.atomic():
            changed = Lesson.objects.filter(pk=lesson_id, duration=0).update(
                duration=seconds, updated_at=timezone.now()
            )
            if changed:  # .update() sends no signal: `total_duration` moved
                course_lesson_numbers_refresh(
                    course_ids=Lesson.objects.filter(pk=lesson_id).values_list(
                        "part__course_id", flat=True
                    )
                )
                catalogue_changed()
        result.updated += changed
    logger.info("video.duration_sync.done", extra=vars(result))
    return result
