"""The indexes the catalogue's filters and orderings rely on exist and are usable
(EXPLAIN on PostgreSQL; skipped on SQLite)."""

import pytest
from django.db import connection

from courses.models import Course, Lesson
from courses.tests.factories import (
    CourseFactory,
    CoursePartFactory,
    DraftCourseFactory,
    LessonFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only():
    with connection.cursor() as cursor:
        # Few rows in a test database: make the planner show which index it can use.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")


@pytest.mark.parametrize(
    ("ordering", "index"),
    [
        ("-published_at", "course_pub_published_idx"),
        ("price", "course_pub_price_idx"),
        ("title", "course_pub_title_idx"),
        ("-students_count", "course_pub_students_idx"),
        ("-created_at", "course_pub_created_idx"),
    ],
)
def test_catalogue_orderings_use_their_index(ordering, index):
    CourseFactory.create_batch(3)
    DraftCourseFactory.create_batch(20, tutors=[])
    with connection.cursor() as cursor:
        # Fresh statistics, with drafts: whatever earlier tests inserted and rolled back
        # (autovacuum's last ANALYZE) must not decide between two usable indexes.
        cursor.execute("ANALYZE courses_course")

    plan = Course.objects.filter(is_published=True).order_by(ordering, "id")[:100].explain()

    assert index in plan


def test_lessons_of_a_part_use_the_part_order_index():
    part = CoursePartFactory()
    LessonFactory.create_batch(3, part=part)

    plan = Lesson.objects.filter(part=part).order_by("order").explain()

    assert "lesson_part_order_idx" in plan
