"""Object-level permissions for courses, parts and lessons."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

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


class IsCourseTutorOrReadOnly(BasePermission):
    """Reading is decided by the visibility querysets; writing needs the course's tutor."""

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return user_tutors_course(request.user, course_of(obj))


class IsCourseTutor(BasePermission):
    def has_object_permission(self, request, view, obj) -> bool:
        return user_tutors_course(request.user, course_of(obj))
