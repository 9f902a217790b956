"""Rules of the catalogue services: slugs, publication, deletion."""

import pytest

from core.exceptions import ServiceError
from courses.exceptions import CourseEmpty, CourseHasStudents
from courses.models import Course
from courses.services.catalogue import (
    course_create,
    course_delete,
    course_part_create,
    course_publish,
    lesson_create,
    lesson_slug_base,
    lesson_unique_slug,
    lesson_update,
    unique_slug,
)
from courses.tests.factories import (
    CourseFactory,
    CoursePartFactory,
    DraftCourseFactory,
    EnrollmentFactory,
    LessonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Introducción", "introducci-n"),
        ("Node.js", "node-js"),
        ("C++ & Rust: 2024!", "c-rust-2024"),
        ("日本語", ""),
        ("--Already-Slugged--", "already-slugged"),
    ],
)
def test_lesson_slug_base_is_the_spa_rule(title, slug):
    assert lesson_slug_base(title) == slug


def test_lesson_slug_suffix_only_when_taken_or_empty():
    LessonFactory(slug="node-js")

    assert lesson_unique_slug(title="Node.js").startswith("node-js-")
    assert lesson_unique_slug(title="日本語").startswith("lesson-")
    assert lesson_unique_slug(title="Fresh title") == "fresh-title"


def test_renamed_lesson_rederives_slug_and_unchanged_keeps_it():
    lesson = LessonFactory(title="Old", slug="old")

    lesson_update(lesson=lesson, data={"title": "Old"})
    assert lesson.slug == "old"
    lesson_update(lesson=lesson, data={"title": "New name"})
    assert lesson.slug == "new-name"


def test_course_slug_uses_python_slugify_and_collides_with_a_suffix(tutor):
    first = course_create(tutor=tutor, title="Introducción a Python")
    second = course_create(tutor=tutor, title="Introducción a Python")

    assert first.slug == "introduccion-a-python"
    assert second.slug.startswith("introduccion-a-python-")
    assert unique_slug(model=Course, text="!!!", fallback="course") == "course"


def test_course_create_refuses_publishing_and_creates_nothing(tutor):
    with pytest.raises(CourseEmpty):
        course_create(tutor=tutor, title="X", is_published=True)

    assert not Course.objects.exists()


def test_publish_empty_course_is_refused():
    course = DraftCourseFactory()
    course_part_create(course=course, title="Empty part")

    with pytest.raises(ServiceError) as error:
        course_publish(course=course)

    assert error.value.code == "course_empty"


def test_publish_with_a_lesson_sets_published_at_once():
    course = DraftCourseFactory()
    lesson_create(part=CoursePartFactory(course=course), title="One")

    course_publish(course=course)
    first = course.published_at
    course_publish(course=course)

    assert course.is_published
    assert course.published_at == first is not None


def test_delete_with_students_is_refused():
    course = CourseFactory()
    EnrollmentFactory(course=course)

    with pytest.raises(CourseHasStudents):
        course_delete(course=course)

    assert Course.objects.filter(pk=course.pk).exists()


def test_category_delete_leaves_its_courses_without_one():
    from courses.services.catalogue import category_delete
    from courses.tests.factories import CategoryFactory

    course = CourseFactory(category=CategoryFactory())

    category_delete(category=course.category)

    course.refresh_from_db()
    assert course.category is None


def test_lesson_slug_assign_keeps_the_slug_unless_the_title_changed():
    from courses.services.catalogue import lesson_slug_assign

    lesson = LessonFactory(title="Old", slug="kept-slug")
    lesson.title = "New title"

    lesson_slug_assign(lesson=lesson, title_changed=False)
    assert lesson.slug == "kept-slug"
    lesson_slug_assign(lesson=lesson, title_changed=True)
    assert lesson.slug == "new-title"
