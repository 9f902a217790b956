"""Enrollment reads: whether a caller is enrolled, whether a course has students, and
enrollments with their progress (the writes are `courses.services.enrollment`)."""

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from courses.models import (
    Course,
    Enrollment,
    Lesson,
    LessonCompletion,
)
from courses.selectors.catalogue import courses_for_summary


def user_is_enrolled(user, course: Course) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Enrollment.objects.filter(user=user, course=course, is_active=True).exists()


def progress_percent(completed: int, total: int) -> int:
    """Whole-number percentage of lessons done; 0 for a course without lessons."""
    if total <= 0:
        return 0
    return min(100, round(100 * completed / total))


def course_has_students(course: Course) -> bool:
    """Any enrollment, even a refunded (inactive) one: history hangs on the course, so it
    can only be unpublished, never deleted. Every completed order has enrolled its buyer,
    so this is answered from enrollments (payments' deletion hook checks orders too)."""
    return Enrollment.objects.filter(course=course).exists()


def enrollments_with_progress(*, viewer) -> QuerySet[Enrollment]:
    """Enrollments with `lessons_total` and `lessons_done` annotated (for `progress`) and
    their course ready for the summary shape as `viewer` sees it; a fixed number of
    queries whatever the number of enrollments."""
    totals = (
        Lesson.objects.filter(part__course_id=OuterRef("course_id"))
        .order_by()
        .values("part__course_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    done = (
        LessonCompletion.objects.filter(
            user_id=OuterRef("user_id"), lesson__part__course_id=OuterRef("course_id")
        )
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Enrollment.objects.annotate(
            lessons_total=Coalesce(Subquery(totals, output_field=IntegerField()), Value(0)),
            lessons_done=Coalesce(Subquery(done, output_field=IntegerField()), Value(0)),
        )
        .prefetch_related(
            Prefetch(
                "course",
                queryset=courses_for_summary(courses=Course.objects.all(), user=viewer),
            )
        )
        .order_by("-enrolled_at")
    )


def enrollments_visible_to(user) -> QuerySet[Enrollment]:
    """Every enrollment for admins; otherwise the caller's own (active or not)."""
    enrollments = enrollments_with_progress(viewer=user)
    if user.is_admin:
        return enrollments
    return enrollments.filter(user=user)
