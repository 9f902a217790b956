"""Reads for the courses app: who may see which course, and who may watch which lesson.

Visibility: a published course is visible to everyone; a draft only to its tutors and
admins, everywhere (lists, details, parts, lessons, comments). Every lookup of a course,
part or lesson by the API goes through these querysets, so a draft is a 404 to others.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from courses.models import Course, CoursePart, Enrollment, Lesson


def _tutors_course(user, course_ref: str = "pk") -> Exists:
    return Exists(
        Course.tutors.through.objects.filter(course_id=OuterRef(course_ref), user_id=user.pk)
    )


def courses_visible_to(user) -> QuerySet[Course]:
    """Published courses, plus the drafts the caller tutors; every course for admins."""
    courses = Course.objects.all()
    if user is not None and user.is_authenticated:
        if user.is_admin:
            return courses
        return courses.filter(Q(is_published=True) | _tutors_course(user))
    return courses.filter(is_published=True)


def course_parts_visible_to(user) -> QuerySet[CoursePart]:
    return CoursePart.objects.filter(course__in=courses_visible_to(user))


def lessons_visible_to(user) -> QuerySet[Lesson]:
    return Lesson.objects.filter(part__course__in=courses_visible_to(user))


def user_tutors_course(user, course: Course) -> bool:
    """Whether the caller is one of the course's tutors, or an admin.

    Uses `course.tutors` from the prefetch cache when the queryset prefetched it.
    """
    if user is None or not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return any(tutor.pk == user.pk for tutor in course.tutors.all())


def user_is_enrolled(user, course: Course) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Enrollment.objects.filter(user=user, course=course, is_active=True).exists()


def user_may_watch(user, lesson: Lesson) -> bool:
    """Free previews for anyone who may see the course; otherwise enrolled students,
    the course's tutors and admins."""
    course = lesson.part.course
    if lesson.is_free_preview:
        return True
    return user_tutors_course(user, course) or user_is_enrolled(user, course)


def progress_percent(completed: int, total: int) -> int:
    """Whole-number percentage of lessons done; 0 for a course without lessons."""
    if total <= 0:
        return 0
    return min(100, round(100 * completed / total))
