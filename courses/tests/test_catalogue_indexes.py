"""The indexes the catalogue's filters and orderings rely on exist and are usable
(EXPLAIN on PostgreSQL; skipped on SQLite)."""

import pytest
from django.db import connection
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from courses.api.catalogue import CourseViewSet
from courses.api.serializers.summaries import SUMMARY_COLUMNS
from courses.filters import StableOrderingFilter
from courses.models import Course, Lesson
from courses.selectors.catalogue import course_list_rows
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


def catalogue_page(ordering: str):
    """The catalogue list's rows for `?ordering=` as the view builds them (its ordering
    filter appends the `id` tie-breaker and puts unrated courses last), first page."""
    request = Request(APIRequestFactory().get("/api/courses/courses/", {"ordering": ordering}))
    view = CourseViewSet(action="list", request=request, format_kwarg=None)
    rows = StableOrderingFilter().filter_queryset(request, course_list_rows(*SUMMARY_COLUMNS), view)
    return rows[:100]


@pytest.fixture
def catalogue():
    CourseFactory.create_batch(3)
    DraftCourseFactory.create_batch(20, tutors=[])
    with connection.cursor() as cursor:
        # Fresh statistics, with drafts: whatever earlier tests inserted and rolled back
        # (autovacuum's last ANALYZE) must not decide between two usable indexes.
        cursor.execute("ANALYZE courses_course")


@pytest.mark.parametrize(
    ("ordering", "index"),
    [
        ("-published_at", "course_pub_published_id_idx"),
        ("price", "course_pub_price_id_idx"),
        ("title", "course_pub_title_idx"),
        ("-students_count", "course_pub_students_id_idx"),
        ("-created_at", "course_pub_created_idx"),
    ],
)
def test_catalogue_orderings_use_their_index(catalogue, ordering, index):
    plan = Course.objects.filter(is_published=True).order_by(ordering, "id")[:100].explain()

    assert index in plan


@pytest.mark.parametrize(
    ("ordering", "index"),
    [
        ("-published_at", "course_pub_published_id_idx"),
        ("price", "course_pub_price_id_idx"),
        ("students_count", "course_pub_students_id_idx"),
        ("rating", "course_pub_rating_asc_idx"),
        ("-rating", "course_pub_rating_desc_idx"),
    ],
)
def test_catalogue_pages_read_in_index_order_with_no_sort(catalogue, ordering, index):
    # Issue #13 (bench/scale.py): many courses share a price, a students_count or no
    # rating; an index without the tie-breaker made every page sort the whole tie group
    # (20,000 free courses at 100,000), and `-rating` (unrated last) matched no index.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_incremental_sort = off")

    plan = catalogue_page(ordering).explain()

    assert index in plan
    assert "Sort" not in plan


def test_lessons_of_a_part_use_the_part_order_index():
    part = CoursePartFactory()
    LessonFactory.create_batch(3, part=part)

    plan = Lesson.objects.filter(part=part).order_by("order").explain()

    assert "lesson_part_order_idx" in plan
