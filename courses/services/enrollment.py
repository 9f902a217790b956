"""Enrollment and progress: who may follow a course, and how far they got.

An enrollment is granted (free course, or a paid order Stripe confirmed) and revoked (a
refund); rows are never deleted, only deactivated, so history survives a refund and a
second purchase reactivates the same row. `Course.students_count` (active enrollments)
moves in the same transaction with `F()`, so concurrent grants never lose a count.
Progress is computed from `LessonCompletion` rows, never stored.

`course_enroll` is the one entry point for joining a course by asking (the `enroll/`
route, and checkout for a free course): it alone decides "already enrolled", "free" and
"must be bought". A paid course is joined when Stripe confirms the order
(`enrollment_grant`, from payments' webhook).
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.cache import catalogue_changed
from courses.emails import enrollment_receipt_queue
from courses.exceptions import CourseNotJoinable, EnrollmentRequired, PaymentRequired
from courses.models import Course, Enrollment, Lesson, LessonCompletion
from courses.selectors.enrollment import progress_percent
from users.models import Role, User


def course_enroll(*, user: User, course: Course) -> tuple[Enrollment, bool]:
    """Join `course` by asking; returns `(enrollment, enrolled_now)`.

    - an active enrollment (free or bought, draft or published) is returned as it is
      (`enrolled_now` False);
    - a draft is joined by nobody else: `CourseNotJoinable` (404);
    - a paid course: `PaymentRequired` (402), it is bought through checkout;
    - a free course: `enrollment_grant` (a refunded enrollment is reactivated; a twin
      request that lost the race gets `enrolled_now` False).
    """
    current = Enrollment.objects.filter(user=user, course=course, is_active=True).first()
    if current is not None:
        return current, False
    if not course.is_published:
        raise CourseNotJoinable()
    if not course.is_free:
        raise PaymentRequired()
    return enrollment_grant(user=user, course=course)


@transaction.atomic
def enrollment_grant(
    *,
    user: User,
    course: Course,
    amount: Decimal | None = None,
    currency: str = "",
    send_receipt: bool = True,
) -> tuple[Enrollment, bool]:
    """Give `user` access to `course`; returns `(enrollment, granted_now)`.

    Idempotent: an active enrollment is returned untouched (`granted_now` False). An
    inactive one (refunded earlier) is reactivated. The first enrollment turns a plain
    user (role 4) into a student (3); tutors and admins keep their role. Safe under
    concurrency: the unique (user, course) constraint decides, the loser re-reads.
    A grant queues the enrollment receipt (courses/emails.py) in this transaction; a
    purchase passes the `amount` and `currency` paid, none means free.
    """
    enrollment = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    if enrollment is None:
        try:
            with transaction.atomic():
                enrollment = Enrollment.objects.create(user=user, course=course)
        except IntegrityError:
            enrollment = Enrollment.objects.select_for_update().get(user=user, course=course)
        else:
            _count_student(user=user, course=course, delta=1)
            if send_receipt:
                enrollment_receipt_queue(enrollment=enrollment, amount=amount, currency=currency)
            return enrollment, True
    if enrollment.is_active:
        return enrollment, False
    enrollment.is_active = True
    enrollment.enrolled_at = timezone.now()
    enrollment.save(update_fields=["is_active", "enrolled_at", "updated_at"])
    _count_student(user=user, course=course, delta=1)
    if send_receipt:
        enrollment_receipt_queue(enrollment=enrollment, amount=amount, currency=currency)
    return enrollment, True


@transaction.atomic
def enrollment_revoke(*, enrollment: Enrollment) -> bool:
    """Take access away (a refund). The row stays; returns whether anything changed."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if not enrollment.is_active:
        return False
    enrollment.is_active = False
    enrollment.save(update_fields=["is_active", "updated_at"])
    _count_student(user=enrollment.user, course=enrollment.course, delta=-1)
    return True


def _count_student(*, user: User, course: Course, delta: int) -> None:
    # `students_count` is on every catalogue page; .update() sends no signal.
    catalogue_changed()
    courses = Course.objects.filter(pk=course.pk)
    if delta > 0:
        courses.update(students_count=F("students_count") + delta)
        if user.role == Role.USER:
            User.objects.filter(pk=user.pk, role=Role.USER).update(role=Role.STUDENT)
            user.role = Role.STUDENT
    else:
        courses.filter(students_count__gte=-delta).update(
            students_count=F("students_count") + delta
        )


def _active_enrollment(*, user: User, course: Course) -> Enrollment:
    enrollment = (
        Enrollment.objects.select_for_update()
        .filter(user=user, course=course, is_active=True)
        .first()
    )
    if enrollment is None:
        raise EnrollmentRequired()
    return enrollment


def _progress_after_change(*, user: User, enrollment: Enrollment) -> int:
    """Recompute progress and keep `completed_at` in step with "every lesson done"."""
    course_lessons = Lesson.objects.filter(part__course_id=enrollment.course_id)
    total = course_lessons.count()
    done = LessonCompletion.objects.filter(user=user, lesson__in=course_lessons).count()
    finished = total > 0 and done >= total
    if finished and enrollment.completed_at is None:
        enrollment.completed_at = timezone.now()
        enrollment.save(update_fields=["completed_at", "updated_at"])
    elif not finished and enrollment.completed_at is not None:
        enrollment.completed_at = None
        enrollment.save(update_fields=["completed_at", "updated_at"])
    return progress_percent(done, total)


@transaction.atomic
def lesson_complete(*, user: User, lesson: Lesson) -> dict:
    """Mark a lesson done for an enrolled user; `{is_completed, progress}`. Idempotent.

    Only active enrollments count (a refunded student is 403 `enrollment_required`).
    """
    enrollment = _active_enrollment(user=user, course=lesson.part.course)
    LessonCompletion.objects.get_or_create(user=user, lesson=lesson)
    return {
        "is_completed": True,
        "progress": _progress_after_change(user=user, enrollment=enrollment),
    }


@transaction.atomic
def lesson_uncomplete(*, user: User, lesson: Lesson) -> dict:
    """Unmark a lesson; `completed_at` is cleared again when the course is no longer done."""
    enrollment = _active_enrollment(user=user, course=lesson.part.course)
    LessonCompletion.objects.filter(user=user, lesson=lesson).delete()
    return {
        "is_completed": False,
        "progress": _progress_after_change(user=user, enrollment=enrollment),
    }
