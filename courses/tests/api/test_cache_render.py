"""The catalogue cache renders with orjson (courses/api/cache.py `render`): its bytes are
the ones DRF's JSONRenderer would send, on real pages and on awkward values."""

import uuid
from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.renderers import JSONRenderer

from courses.api.cache import render
from courses.tests.factories import CategoryFactory, CourseFactory, LessonFactory, ReviewFactory

pytestmark = pytest.mark.django_db

AWKWARD = {
    "text": 'é ü 中文 😀 "quoted" back\\slash tab\t newline\n nul\x00 \u2028 \u2029 </script>',
    "numbers": [0, -1, 2**53, 4.5, 0.1, 1.0, 3.25, True, False, None],
    "decimal": Decimal("12.50"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "nested": [{"a": []}, {}, [[]]],
}


def test_awkward_values_render_as_drf_renders_them():
    assert render(AWKWARD) == JSONRenderer().render(AWKWARD)


@pytest.mark.parametrize(
    "path",
    ["/api/courses/courses/", "/api/courses/courses/?page_size=1", "/api/courses/categories/"],
)
def test_pages_render_as_drf_renders_them(api_client, path):
    lesson = LessonFactory(title="Leçon\u2028un", duration=61)
    course = lesson.part.course
    course.category = CategoryFactory(name="Catégorie 😀")
    course.title = "Cours « français » </script>"
    course.save()
    ReviewFactory(course=course, rating=4)
    CourseFactory.create_batch(2)
    cache.clear()

    body = api_client.get(path).content

    assert body == JSONRenderer().render(api_client.get(path).json())
    assert render(api_client.get(path).json()) == body


def test_a_course_detail_renders_as_drf_renders_it(api_client):
    lesson = LessonFactory(title="Leçon\u2029deux")
    path = f"/api/courses/courses/{lesson.part.course.slug}/"

    body = api_client.get(path).content

    assert body == JSONRenderer().render(api_client.get(path).json())
