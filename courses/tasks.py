"""Celery tasks of courses: thin wrappers around services, idempotent."""

import logging

from celery import shared_task

from core.tasks import RETRY
from courses.integrations import VideoServiceUnavailable
from courses.services.catalogue import course_lesson_numbers_recount_all
from courses.services.video import video_durations_sync as video_durations_sync_service

logger = logging.getLogger(__name__)


@shared_task(name="courses.tasks.video_durations_sync", **RETRY)
def video_durations_sync() -> dict:
    """Periodic: fill unknown lesson durations from VdoCipher (the same function as
    `manage.py sync_video_durations`). Without a VdoCipher secret it does nothing."""
    try:
        result = video_durations_sync_service()
    except VideoServiceUnavailable:
        logger.info("video.duration_sync.not_configured")
        return {}
    return vars(result)


@shared_task(name="courses.tasks.course_lesson_numbers_recount", **RETRY)
def course_lesson_numbers_recount() -> dict:
    """Daily: every course's stored lesson numbers checked against its lessons."""
    changed = course_lesson_numbers_recount_all()
    if changed:
        logger.warning("courses.lesson_numbers.repaired", extra={"courses": changed})
    return {"repaired": changed}
