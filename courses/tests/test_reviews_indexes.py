"""The review list and its rating filter use their indexes, and so does the catalogue's
`min_rating` (EXPLAIN on PostgreSQL; skipped on SQLite)."""

import pytest
from django.db import connection
from django.db.models import F

from courses.models import Course, Review
from courses.tests.factories import CourseFactory, ReviewFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _planner_shows_indexes():
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")


def test_a_courses_reviews_newest_first_use_their_index():
    course = CourseFactory()
    ReviewFactory.create_batch(3, course=course)

    plan = Review.objects.filter(course=course).order_by("-created_at")[:100].explain()

    assert "review_course_created_idx" in plan


def test_a_courses_reviews_of_one_rating_use_their_index():
    course = CourseFactory()
    ReviewFactory.create_batch(3, course=course)

    plan = Review.objects.filter(course=course, rating=5).order_by("-created_at").explain()

    assert "review_course_rating_idx" in plan


def test_min_rating_by_rating_uses_the_rating_index():
    CourseFactory.create_batch(3)

    plan = (
        Course.objects.filter(is_published=True, rating__gte=4)
        .order_by(F("rating").desc(nulls_last=True), "id")
        .explain()
    )

    assert "course_pub_rating_desc_idx" in plan
