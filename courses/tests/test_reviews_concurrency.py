"""Concurrent review writes to one course leave its `rating` and `reviews_count` exact.
Real concurrency needs PostgreSQL (SQLite serializes writers)."""

from decimal import Decimal

import pytest

from core.tests.concurrency import race
from courses.exceptions import AlreadyReviewed
from courses.models import Course, Review
from courses.selectors.reviews import rating_mean
from courses.services.reviews import (
    review_create,
    review_delete,
    review_update,
    reviews_set_hidden,
)
from courses.tests.factories import CourseFactory, EnrollmentFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _expected(course) -> tuple:
    ratings = list(
        Review.objects.filter(course=course, is_hidden=False).values_list("rating", flat=True)
    )
    return rating_mean(sum(ratings), len(ratings)), len(ratings)


def test_concurrent_reviews_of_one_course_leave_the_numbers_exact():
    course = CourseFactory()
    students = [EnrollmentFactory(course=course).user for _ in range(8)]

    outcomes = race(lambda i: review_create(author=students[i], course=course, rating=1 + i % 5), 8)

    assert [kind for kind, _ in outcomes] == ["ok"] * 8
    stored = Course.objects.get(pk=course.pk)
    assert (stored.rating, stored.reviews_count) == _expected(course)
    assert stored.reviews_count == 8 and stored.rating == Decimal("2.6")


def test_concurrent_edits_hides_and_deletes_leave_the_numbers_exact():
    course = CourseFactory()
    reviews = [
        review_create(author=EnrollmentFactory(course=course).user, course=course, rating=5)
        for _ in range(6)
    ]

    def act(i):
        review = reviews[i]
        if i < 2:
            return review_update(review=review, user=review.author, rating=1)
        if i < 4:
            return reviews_set_hidden(reviews=[review], hidden=True)
        return review_delete(review=review, user=review.author)

    outcomes = race(act, 6)

    assert [kind for kind, _ in outcomes] == ["ok"] * 6
    stored = Course.objects.get(pk=course.pk)
    assert (stored.rating, stored.reviews_count) == (Decimal("1.0"), 2) == _expected(course)


def test_two_posts_of_one_author_make_one_review_and_one_409():
    course = CourseFactory()
    student = EnrollmentFactory(course=course).user

    outcomes = race(lambda i: review_create(author=student, course=course, rating=5), 2)

    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"]
    assert isinstance(next(v for k, v in outcomes if k == "error"), AlreadyReviewed)
    assert Course.objects.get(pk=course.pk).reviews_count == 1
