"""Video reads: who may watch a lesson, and which VdoCipher video a course may use
(the operations are `courses.services.video`)."""

from courses.models import (
    Course,
    Lesson,
    VideoUpload,
)
from courses.selectors.catalogue import user_tutors_course
from courses.selectors.enrollment import user_is_enrolled


def user_may_watch(user, lesson: Lesson) -> bool:
    """Free previews for anyone who may see the course; otherwise enrolled students,
    the course's tutors and admins."""
    course = lesson.part.course
    if lesson.is_free_preview:
        return True
    return user_tutors_course(user, course) or user_is_enrolled(user, course)


def video_id_usable_on_course(*, user, course: Course, video_id: str) -> bool:
    """Whether `user` may put the VdoCipher video `video_id` on a lesson of `course`.

    Yes for "" (no video), for admins, for a video one of the course's tutors uploaded
    (recorded by `upload_credentials_issue`) and for a video already on a lesson of the
    same course (moving or reusing it). Anything else would let a tutor show another
    course's paid video, e.g. on a free preview. The caller decides that an unchanged
    value on an existing lesson needs no check (videos set before uploads were recorded
    stay where they are). Two indexed `EXISTS` queries at most.
    """
    if not video_id:
        return True
    if user is not None and user.is_authenticated and user.is_admin:
        return True
    uploaded_here = VideoUpload.objects.filter(
        video_id=video_id, uploaded_by__taught_courses=course
    ).exists()
    return (
        uploaded_here
        or Lesson.objects.filter(part__course=course, video_service_id=video_id).exists()
    )
