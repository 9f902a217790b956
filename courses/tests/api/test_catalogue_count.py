"""The catalogue list's count is cached per filter set under the catalogue generation
(courses/api/pagination.py): counted once for all the pages of a filter set, recounted
after any write, never shared between filter sets."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for
from courses.api import pagination
from courses.tests.factories import CategoryFactory, CourseFactory, DraftCourseFactory

pytestmark = pytest.mark.django_db

LIST = "/api/courses/courses/"


def counts(queries) -> int:
    return sum("COUNT(" in q["sql"].upper() for q in queries)


def read(client, query: str) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        body = client.get(f"{LIST}?{query}").json()
    return body, counts(queries)


@pytest.fixture
def catalogue():
    maths = CategoryFactory(slug="maths")
    CourseFactory.create_batch(3, category=maths)
    CourseFactory.create_batch(2)
    DraftCourseFactory()


def test_the_pages_of_one_filter_set_count_once(catalogue):
    anon = client_for(None)

    first, first_counts = read(anon, "page_size=2")
    second, second_counts = read(anon, "page_size=2&page=2")
    reordered, reordered_counts = read(anon, "page_size=3&ordering=title&utm=x")

    assert (first["count"], second["count"], reordered["count"]) == (5, 5, 5)
    assert (first_counts, second_counts, reordered_counts) == (1, 0, 0)


def test_a_write_is_counted_on_the_next_read(catalogue):
    anon = client_for(None)
    read(anon, "page_size=2")

    CourseFactory()
    after, after_counts = read(anon, "page_size=2&page=2")

    assert after["count"] == 6
    assert after_counts == 1


def test_each_filter_set_has_its_own_count(catalogue):
    anon = client_for(None)

    everything, _ = read(anon, "page_size=2")
    maths, maths_counts = read(anon, "page_size=2&category=maths")
    nothing, _ = read(anon, "page_size=2&search=no-such-course")

    assert (everything["count"], maths["count"], nothing["count"]) == (5, 3, 0)
    assert maths_counts == 1


def test_without_the_cache_every_page_counts(catalogue, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    anon = client_for(None)

    pages = [read(anon, f"page_size=2&page={n}") for n in (1, 2, 3)]

    assert [body["count"] for body, _ in pages] == [5, 5, 5]
    assert [n for _, n in pages] == [1, 1, 1]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "&ordering=title",
        "&ordering=-price",
        "&ordering=rating",
        "&ordering=-rating",
        "&ordering=students_count",
        "&category=maths",
        "&search=course",
        "&is_free=true&ordering=-created_at",
    ],
)
def test_pages_read_by_id_are_the_pages_an_offset_reads(query, monkeypatch):
    monkeypatch.setattr(pagination, "WINDOW_FROM", 1)  # every page after the first by id
    maths = CategoryFactory(slug="maths")
    for i in range(7):
        CourseFactory(category=maths if i % 3 else None, price=i % 2, students_count=i % 3)
    anon = client_for(None)

    whole = anon.get(f"{LIST}?page_size=100{query}").json()["results"]
    pages = range(1, 1 + (len(whole) + 2) // 3)
    paged = [
        course
        for page in pages
        for course in anon.get(f"{LIST}?page_size=3&page={page}{query}").json()["results"]
    ]

    with CaptureQueriesContext(connection) as queries:
        anon.get(f"{LIST}?page_size=3&page=2{query}&uncached=1")

    assert len(whole) > 3
    assert paged == whole
    assert any(re.search(r'"id" IN \(SELECT \w+\."id" AS "pk"', q["sql"]) for q in queries)
