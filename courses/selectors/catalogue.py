"""Catalogue reads: who may see which course, part and lesson, who is a *course
tutor*, the catalogue's list and detail querysets, categories and the tutor directory.

Visibility: a published course is visible to everyone; a draft (an unpublished course)
to its course tutors, admins and the students with an active enrollment in it (unpublishing
keeps paying students in; it only takes the course out of the catalogue), everywhere
(details, parts, lessons, video, comments, progress). Every lookup of a course, part or
lesson by the API goes through these querysets, so a draft is a 404 to everyone else,
refunded (inactive) students included.

*Course tutor*, the one rule for writing to a course and reading its statistics: in the
course's `tutors` AND of role tutor or admin (`User.is_tutor`), or an admin. A tutor an
admin demoted to student or user keeps the M2M row (history, the course card) but loses
every tutor right at once; what they keep is what their enrollments give them.
"""

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)

from courses.models import (
    Category,
    Course,
    CoursePart,
    CoursePrice,
    Enrollment,
    Lesson,
    LessonCompletion,
)
from users.models import User


def user_has_tutor_role(user) -> bool:
    """Role tutor or admin (`is_staff` included): the half of *course tutor* that a
    demotion takes away."""
    return bool(user is not None and user.is_authenticated and user.is_tutor)


def _tutors_course(user, course_ref: str = "pk") -> Exists:
    return Exists(
        Course.tutors.through.objects.filter(course_id=OuterRef(course_ref), user_id=user.pk)
    )


def _actively_enrolled(user, course_ref: str = "pk") -> Exists:
    return Exists(
        Enrollment.objects.filter(course_id=OuterRef(course_ref), user_id=user.pk, is_active=True)
    )


def visible_course(user, path: str = "") -> Q:
    """Who sees which course, as a filter on the course at `path` from the filtered model
    ("" on a course, "course" on a part or review, "part__course" on a lesson,
    "lesson__part__course" on a comment): published courses, plus the drafts the caller
    tutors (as a course tutor: role tutor) or is actively enrolled in; every course for
    admins. A condition on each row's own course (two correlated `EXISTS` for drafts),
    never `IN (every visible course)`: PostgreSQL built that set over the whole
    catalogue for a single lesson (2.5 ms at 1,000 courses, growing with the catalogue)."""
    prefix = f"{path}__" if path else ""
    published = Q(**{f"{prefix}is_published": True})
    if user is None or not user.is_authenticated:
        return published
    if user.is_admin:
        return Q()
    course_ref = f"{path}_id" if path else "pk"
    visible = published | _actively_enrolled(user, course_ref)
    if user_has_tutor_role(user):
        visible |= _tutors_course(user, course_ref)
    return visible


def courses_visible_to(user) -> QuerySet[Course]:
    return Course.objects.filter(visible_course(user))


def course_parts_visible_to(user) -> QuerySet[CoursePart]:
    return CoursePart.objects.filter(visible_course(user, "course"))


def lessons_visible_to(user) -> QuerySet[Lesson]:
    return Lesson.objects.filter(visible_course(user, "part__course"))


def user_tutors_course(user, course: Course) -> bool:
    """Whether the caller is a *course tutor*: one of the course's tutors with the role
    tutor (or admin), or an admin. A demoted tutor (now a student or user) is not.

    Uses `course.tutors` from the prefetch cache when the queryset prefetched it.
    """
    if not user_has_tutor_role(user):
        return False
    if user.is_admin:
        return True
    return any(tutor.pk == user.pk for tutor in course.tutors.all())


# --- Catalogue reads ------------------------------------------------------------------
#
# The list and detail routes run a fixed number of queries whatever the page size or the
# number of tutors, parts and lessons: per-course numbers are columns of the course
# (lessons counted on every lesson write), the caller's enrollment a correlated subquery
# (no JOIN fan-out, no per-row query) and nested objects come from prefetches.


def _is_enrolled_expression(user):
    if user is None or not user.is_authenticated:
        return Value(False, output_field=BooleanField())
    return Exists(
        Enrollment.objects.filter(course_id=OuterRef("pk"), user_id=user.pk, is_active=True)
    )


def _annotate_course_numbers(courses: QuerySet[Course], user) -> QuerySet[Course]:
    return courses.select_related("category").annotate(is_enrolled=_is_enrolled_expression(user))


def _tutors_prefetch() -> Prefetch:
    return Prefetch("tutors", queryset=User.objects.order_by("last_name", "first_name", "id"))


def courses_for_summary(*, courses: QuerySet[Course], user) -> QuerySet[Course]:
    """`courses` ready for `CourseSummarySerializer` in a fixed number of queries: the
    caller's `is_enrolled` annotated, category joined, tutors and parts prefetched. For
    any route that lists course summaries."""
    return _annotate_course_numbers(courses, user).prefetch_related(
        _tutors_prefetch(),
        Prefetch("parts", queryset=CoursePart.objects.order_by("order", "created_at")),
    )


def course_list(*, user) -> QuerySet[Course]:
    """The public catalogue: published courses only (drafts live in the tutor dashboard)."""
    return courses_for_summary(courses=Course.objects.filter(is_published=True), user=user)


def course_list_rows(*columns: str) -> QuerySet:
    """The public catalogue as plain rows of `columns`: the lean read path of a list page
    (courses/api/serializers/summaries.py, which adds the per-course lesson numbers for
    the page's courses only). Filters, search and ordering apply as on `course_list`."""
    return Course.objects.filter(is_published=True).values(*columns)


def lessons_with_completion(user) -> QuerySet[Lesson]:
    """Lessons annotated with `is_completed` for the caller: "false unless enrolled and
    done", so false when anonymous, and false again once the enrollment is no longer
    active (a refund), whatever completions are kept for a later re-enrollment."""
    if user is None or not user.is_authenticated:
        expression = Value(False, output_field=BooleanField())
    else:
        expression = Exists(
            LessonCompletion.objects.filter(lesson_id=OuterRef("pk"), user_id=user.pk)
        ) & Exists(
            Enrollment.objects.filter(
                course_id=OuterRef("part__course_id"), user_id=user.pk, is_active=True
            )
        )
    return Lesson.objects.annotate(is_completed=expression).order_by("order", "created_at")


def course_detail_queryset(*, user) -> QuerySet[Course]:
    """Courses the caller may see, each ready for the detail shape: parts with their
    lessons (with the caller's completions), tutors and extra prices prefetched."""
    parts = CoursePart.objects.order_by("order", "created_at").prefetch_related(
        Prefetch("lessons", queryset=lessons_with_completion(user))
    )
    return _annotate_course_numbers(courses_visible_to(user), user).prefetch_related(
        _tutors_prefetch(),
        Prefetch("parts", queryset=parts),
        Prefetch("prices", queryset=CoursePrice.objects.order_by("currency")),
    )


def category_list() -> QuerySet[Category]:
    """Categories by name, each with the number of its published courses."""
    return Category.objects.annotate(
        courses_count=Count("courses", filter=Q(courses__is_published=True))
    ).order_by("name")


def course_parts_for(*, user) -> QuerySet[CoursePart]:
    return course_parts_visible_to(user).select_related("course").order_by("order", "created_at")


def lessons_for(*, user) -> QuerySet[Lesson]:
    """Lessons the caller may see, with completion and the course (for permissions).
    The course's tutors are prefetched for callers with the tutor role only: whether
    anyone else is a course tutor is known without them (`user_tutors_course`)."""
    lessons = (
        lessons_with_completion(user)
        .filter(visible_course(user, "part__course"))
        .select_related("part__course")
    )
    if user_has_tutor_role(user):
        lessons = lessons.prefetch_related(_course_tutors_prefetch())
    return lessons


def _course_tutors_prefetch() -> Prefetch:
    return Prefetch("part__course__tutors", queryset=User.objects.only("id"))


# --- Tutor directory ------------------------------------------------------------------
#
# The public directory lists anyone who tutors at least one published course (a tutor
# whose courses are all drafts is not listed), and counts published courses only. It never
# exposes emails or phones: its serializers do not carry them.


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


# A tutor's own numbers have one definition each, used by `tutors/me/` here and by the
# dashboard in payments (which adds the money).


def courses_of_tutor(tutor: User) -> QuerySet[Course]:
    """The courses of a tutor: every course they tutor, in any state (drafts included)."""
    return Course.objects.filter(tutors=tutor)


def enrollments_in_courses_of_tutor(tutor: User) -> QuerySet[Enrollment]:
    """Every enrollment, active or not, in any course of the tutor."""
    return Enrollment.objects.filter(course__tutors=tutor)


def tutor_active_students_count(tutor: User) -> int:
    """The active students of a tutor: distinct users with an active enrollment in any
    course of the tutor (one query)."""
    return (
        enrollments_in_courses_of_tutor(tutor)
        .filter(is_active=True)
        .values("user_id")
        .distinct()
        .count()
    )


def tutor_own_stats(user: User) -> dict[str, int]:
    """For the tutor's own page: their courses and their active students."""
    return {
        "courses_count": courses_of_tutor(user).count(),
        "students_count": tutor_active_students_count(user),
    }
