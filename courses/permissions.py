"""Object-level permissions for courses, parts and lessons: the *course tutor* rule
(`courses.selectors.catalogue.user_tutors_course`) as a DRF permission."""

from rest_framework.permissions import BasePermission

from courses.models import Course, CoursePart, Lesson
from courses.selectors.catalogue import user_tutors_course


def course_of(obj) -> Course:
    if isinstance(obj, Course):
        return obj
    if isinstance(obj, CoursePart):
        return obj.course
    if isinstance(obj, Lesson):
        return obj.part.course
    raise TypeError(f"No course for {type(obj).__name__}")


class IsCourseTutor(BasePermission):
    """Changing or deleting a course, part or lesson needs a course tutor of its course.
    Reading is decided by the visibility querysets, not here."""

    def has_object_permission(self, request, view, obj) -> bool:
        return user_tutors_course(request.user, course_of(obj))
