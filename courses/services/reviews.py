"""Writes for course reviews, and the course aggregates they keep exact.

Who writes:
- a review: a user with an active enrollment in the course and a verified email, who is
  not one of the course's tutors (`course.tutors`, whatever their role now); one per
  author and course (409 `already_reviewed`, also when two posts race: the unique
  constraint decides);
- editing (`rating`, `text`) is the author's alone, deleting the author's or an admin's;
  neither re-checks the enrollment, so a refunded student still owns (and may edit or
  delete) the review they wrote while enrolled;
- the reply: a *course tutor* (`user_tutors_course`), one per review, replaced by posting
  again; hiding: staff, in the admin.

`Course.rating` / `Course.reviews_count` are recomputed from the visible reviews in the
same transaction as every write, after taking the course row's lock
(`select_for_update`) first: concurrent writes to one course queue on that lock, and
each recompute reads every write committed before it (READ COMMITTED takes a new snapshot
per statement), so the stored numbers are always exact, never a lost update. The lock is
taken before the review row is touched, so two writers always lock in the same order.
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.cache import catalogue_changed
from core.exceptions import Forbidden
from courses.exceptions import (
    AlreadyReviewed,
    EmailNotVerified,
    EnrollmentRequired,
    OwnCourseReview,
)
from courses.models import Course, Review
from courses.selectors.catalogue import user_tutors_course
from courses.selectors.enrollment import user_is_enrolled
from courses.selectors.reviews import visible_rating_totals


def _course_lock(course_id) -> None:
    Course.objects.select_for_update().filter(pk=course_id).values_list("pk").first()


def course_rating_recompute(*, course_id) -> None:
    """Store the course's mean rating and count of visible reviews. Call inside the
    transaction of the review write, after `_course_lock` (the services do)."""
    rating, count = visible_rating_totals(Review.objects.filter(course_id=course_id))
    # .update(): the course itself did not change, so its `updated_at` stays.
    Course.objects.filter(pk=course_id).update(rating=rating, reviews_count=count)
    catalogue_changed()  # .update() sends no signal


def review_may_post(*, user, course: Course) -> None:
    """Raise unless `user` may review `course`: not one of its tutors (403 `own_course`),
    a verified email (403 `email_not_verified`), an active enrollment (403
    `enrollment_required`)."""
    if any(tutor.pk == user.pk for tutor in course.tutors.all()):
        raise OwnCourseReview()
    if not user.is_email_verified:
        raise EmailNotVerified("Verify your email address to review a course.")
    if not user_is_enrolled(user, course):
        raise EnrollmentRequired("Only students enrolled in the course may review it.")


@transaction.atomic
def review_create(*, author, course: Course, rating: int, text: str = "") -> Review:
    """Review `course`. A second review by the same author (hidden or not) is 409
    `already_reviewed`, whether it is seen before the insert or by the constraint."""
    review_may_post(user=author, course=course)
    _course_lock(course.pk)
    if Review.objects.filter(course=course, author=author).exists():
        raise AlreadyReviewed()
    try:
        with transaction.atomic():
            review = Review.objects.create(
                course=course, author=author, rating=rating, text=text or ""
            )
    except IntegrityError as exc:
        raise AlreadyReviewed() from exc
    course_rating_recompute(course_id=course.pk)
    return review


@transaction.atomic
def review_update(*, review: Review, user, rating: int | None = None, text: str | None = None):
    """Change the author's own review; `is_edited` becomes true when something changes.
    No enrollment check: a review stays its author's after a refund."""
    if review.author_id != user.pk:
        raise Forbidden("Only the author may edit a review.")
    changes = {}
    if rating is not None and rating != review.rating:
        changes["rating"] = rating
    if text is not None and text != review.text:
        changes["text"] = text
    if not changes:
        return review
    _course_lock(review.course_id)
    for field, value in changes.items():
        setattr(review, field, value)
    review.is_edited = True
    review.save(update_fields=[*changes, "is_edited", "updated_at"])
    if "rating" in changes:
        course_rating_recompute(course_id=review.course_id)
    return review


@transaction.atomic
def review_delete(*, review: Review, user) -> None:
    """Delete a review for good: its author or an admin."""
    if review.author_id != user.pk and not user.is_admin:
        raise Forbidden("Only the author and admins may delete a review.")
    _course_lock(review.course_id)
    review.delete()
    course_rating_recompute(course_id=review.course_id)


@transaction.atomic
def review_reply_set(*, review: Review, user, text: str) -> Review:
    """Post or replace the review's one public reply: a course tutor (or an admin).
    `replied_at` is the first reply's time; `reply_updated_at` moves on every post."""
    if not user_tutors_course(user, review.course):
        raise Forbidden("Only the course's tutors may reply to its reviews.")
    now = timezone.now()
    review.reply_text = text
    review.reply_author = user
    review.replied_at = review.replied_at or now
    review.reply_updated_at = now
    review.save(update_fields=["reply_text", "reply_author", "replied_at", "reply_updated_at"])
    return review


@transaction.atomic
def review_reply_delete(*, review: Review, user) -> Review:
    """Remove the reply (a no-op without one): a course tutor (or an admin)."""
    if not user_tutors_course(user, review.course):
        raise Forbidden("Only the course's tutors may remove a reply.")
    review.reply_text = ""
    review.reply_author = None
    review.replied_at = None
    review.reply_updated_at = None
    review.save(update_fields=["reply_text", "reply_author", "replied_at", "reply_updated_at"])
    return review


@transaction.atomic
def reviews_set_hidden(*, reviews: Iterable[Review], hidden: bool) -> int:
    """Hide or unhide reviews (staff moderation, the admin's bulk actions) and recompute
    each affected course under its lock, courses locked in id order (no deadlock between
    two bulk actions). Returns how many reviews changed."""
    ids = [review.pk for review in reviews]
    course_ids = sorted(
        set(Review.objects.filter(pk__in=ids).values_list("course_id", flat=True)), key=str
    )
    changed = 0
    for course_id in course_ids:
        _course_lock(course_id)
        changed += (
            Review.objects.filter(pk__in=ids, course_id=course_id)
            .exclude(is_hidden=hidden)
            .update(is_hidden=hidden)
        )
        course_rating_recompute(course_id=course_id)
    return changed


@transaction.atomic
def reviews_delete(*, reviews: Iterable[Review]) -> None:
    """Delete reviews as staff (the admin's delete), recomputing their courses."""
    ids = [review.pk for review in reviews]
    course_ids = sorted(
        set(Review.objects.filter(pk__in=ids).values_list("course_id", flat=True)), key=str
    )
    for course_id in course_ids:
        _course_lock(course_id)
        Review.objects.filter(pk__in=ids, course_id=course_id).delete()
        course_rating_recompute(course_id=course_id)
