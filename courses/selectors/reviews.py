"""Reads for course reviews: who sees which review, and the tutor's rating totals.

A review is seen by whoever may see its course (`courses_visible_to`: published courses
for everyone, a draft for its course tutors, admins and actively enrolled students);
hidden reviews (`is_hidden`, staff moderation) by admins only, their authors included.
"""

import contextlib
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from courses.models import Course, Review
from courses.selectors.catalogue import courses_visible_to, visible_course


def _is_admin(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_admin)


def reviews_visible_to(user) -> QuerySet[Review]:
    """Reviews the caller may read, author and reply author joined (one query a page)."""
    reviews = Review.objects.filter(visible_course(user, "course")).select_related(
        "author", "reply_author"
    )
    if not _is_admin(user):
        reviews = reviews.filter(is_hidden=False)
    return reviews


def review_course_get(*, user, course: str) -> Course:
    """The course named by `?course=` (id or slug) if the caller may see it; an unknown
    course and a draft the caller may not see are both a 404."""
    lookup = Q(slug=course)
    with contextlib.suppress(ValueError):
        lookup |= Q(pk=UUID(course))
    return get_object_or_404(courses_visible_to(user), lookup)


def review_list(*, user, course: Course, rating: int | None = None) -> QuerySet[Review]:
    """A course's reviews the caller may read, newest first, optionally of one rating."""
    reviews = reviews_visible_to(user).filter(course=course)
    if rating is not None:
        reviews = reviews.filter(rating=rating)
    return reviews.order_by("-created_at", "-pk")


def rating_mean(total: int | None, count: int) -> Decimal | None:
    """The mean of `count` ratings summing to `total`, to one decimal, halves up
    (4.25 -> 4.3), computed in decimals (no float error); None without ratings."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def visible_rating_totals(reviews: QuerySet[Review]) -> tuple[Decimal | None, int]:
    """(mean to one decimal or None, count) of the visible reviews in `reviews`."""
    totals = reviews.filter(is_hidden=False).aggregate(total=Sum("rating"), count=Count("pk"))
    return rating_mean(totals["total"], totals["count"]), totals["count"]


def tutor_rating_totals(*, tutor) -> tuple[Decimal | None, int]:
    """The mean and count of the visible reviews of every course `tutor` tutors."""
    return visible_rating_totals(Review.objects.filter(course__tutors=tutor))
