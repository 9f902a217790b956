"""Reads for accounts and the public tutor directory.

The directory lists anyone who tutors at least one published course (a tutor whose
courses are all drafts is not listed), and counts published courses only. It never
exposes emails or phones: its serializers do not carry them.
"""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from courses.models import Course, Enrollment
from courses.selectors import courses_for_summary
from users.models import OnboardingAnswer, User


def users_for_admin() -> QuerySet[User]:
    return User.objects.order_by("email")


def onboarding_answers_of(user: User) -> QuerySet[OnboardingAnswer]:
    return OnboardingAnswer.objects.filter(user=user).select_related("university")


def _published_courses_of_tutor() -> QuerySet[Course]:
    return Course.objects.filter(is_published=True, tutors=OuterRef("pk"))


def tutors_public() -> QuerySet[User]:
    """Active users tutoring at least one published course, with `courses_count`
    (published courses), ordered by name."""
    return (
        User.objects.filter(is_active=True)
        .filter(Exists(_published_courses_of_tutor()))
        .annotate(
            courses_count=Count(
                "taught_courses", filter=Q(taught_courses__is_published=True), distinct=True
            )
        )
        .order_by("first_name", "last_name", "id")
    )


def tutor_public_detail_queryset(*, user) -> QuerySet[User]:
    """`tutors_public()` with the published courses prefetched as `published_courses`,
    newest first, ready for the course summary (numbers annotated for the caller `user`)."""
    courses = courses_for_summary(
        courses=Course.objects.filter(is_published=True).order_by("-published_at", "-created_at"),
        user=user,
    )
    return tutors_public().prefetch_related(
        Prefetch("taught_courses", queryset=courses, to_attr="published_courses")
    )


def tutor_own_stats(user: User) -> dict[str, int]:
    """For the tutor's own page: every course they tutor (any state) and the distinct
    students actively enrolled in any of them."""
    return {
        "courses_count": Course.objects.filter(tutors=user).count(),
        "students_count": Enrollment.objects.filter(course__tutors=user, is_active=True)
        .values("user_id")
        .distinct()
        .count(),
    }
