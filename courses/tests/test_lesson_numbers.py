"""A course's stored `lessons_count` and `total_duration` follow every lesson write: the
services, the admin and a shell (model saves and deletes, through courses/signals.py),
cascades, and the queryset writes that send no signal."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

from core.cache import catalogue_generation
from core.tests.concurrency import race
from courses.models import Course, CoursePart, Lesson
from courses.services.catalogue import (
    course_lesson_numbers_refresh,
    course_part_delete,
    lesson_create,
    lesson_delete,
    lesson_update,
)
from courses.services.video import video_durations_sync
from courses.tasks import course_lesson_numbers_recount
from courses.tests.factories import CourseFactory, CoursePartFactory, LessonFactory
from courses.tests.vdocipher_double import vdocipher_mock, video_url

pytestmark = pytest.mark.django_db


def numbers(course) -> tuple[int, int]:
    return Course.objects.values_list("lessons_count", "total_duration").get(pk=course.pk)


def counted(course) -> tuple[int, int]:
    totals = Lesson.objects.filter(part__course=course).aggregate(n=Count("pk"), s=Sum("duration"))
    return totals["n"], totals["s"] or 0


def test_a_new_course_has_no_lessons():
    assert numbers(CourseFactory()) == (0, 0)


def test_the_services_keep_the_numbers():
    part = CoursePartFactory()
    course = part.course

    first = lesson_create(part=part, title="One", duration=60)
    lesson_create(part=part, title="Two", duration=30)
    assert numbers(course) == (2, 90)

    lesson_update(lesson=first, data={"duration": 600})
    assert numbers(course) == (2, 630)

    lesson_delete(lesson=first)
    assert numbers(course) == (1, 30) == counted(course)


def test_a_change_the_numbers_do_not_show_does_not_recount():
    lesson = Lesson.objects.get(pk=LessonFactory().pk)

    with CaptureQueriesContext(connection) as queries:
        lesson_update(lesson=lesson, data={"title": "Renamed", "order": 7})

    assert not [q for q in queries if '"courses_course"' in q["sql"]]
    assert numbers(lesson.part.course) == counted(lesson.part.course)


def test_moving_a_lesson_to_another_course_recounts_both():
    lesson = LessonFactory(duration=100)
    source = lesson.part.course
    target_part = CoursePartFactory()

    lesson_update(lesson=Lesson.objects.get(pk=lesson.pk), data={"part": target_part})

    assert numbers(source) == (0, 0)
    assert numbers(target_part.course) == (1, 100)


def test_model_saves_and_deletes_count_too_as_the_admin_and_a_shell_write():
    part = CoursePartFactory()
    lesson = Lesson(part=part, title="Raw", slug="raw", duration=45)
    lesson.save()
    assert numbers(part.course) == (1, 45)

    lesson.duration = 50
    lesson.save()
    assert numbers(part.course) == (1, 50)

    lesson.delete()
    assert numbers(part.course) == (0, 0)


def test_deleting_a_part_recounts_and_deleting_a_course_just_works():
    keep = LessonFactory(duration=10)
    course = keep.part.course
    doomed = CoursePartFactory(course=course)
    LessonFactory.create_batch(3, part=doomed, duration=20)
    assert numbers(course) == (4, 70)

    course_part_delete(part=doomed)
    assert numbers(course) == (1, 10)

    course.delete()
    assert not Course.objects.filter(pk=course.pk).exists()


def test_a_part_moved_to_another_course_takes_its_lessons_numbers():
    lesson = LessonFactory(duration=5)
    source, target = lesson.part.course, CourseFactory()
    part = CoursePart.objects.get(pk=lesson.part_id)

    part.course = target
    part.save()

    assert numbers(source) == (0, 0)
    assert numbers(target) == (1, 5)


def test_the_duration_sync_recounts_what_its_update_changes(settings):
    lesson = LessonFactory(duration=0, video_service_id="v1")
    with vdocipher_mock(settings) as vdocipher:
        vdocipher.get(video_url("v1"), json={"id": "v1", "length": 93.4, "status": "ready"})
        video_durations_sync()

    assert numbers(lesson.part.course) == (1, 93)


def test_a_recount_repairs_drift():
    lesson = LessonFactory(duration=7)
    Course.objects.filter(pk=lesson.part.course_id).update(lessons_count=99, total_duration=1)

    course_lesson_numbers_refresh(course_ids=[lesson.part.course_id])

    assert numbers(lesson.part.course) == (1, 7)


def test_the_daily_recount_repairs_only_what_is_wrong_and_says_so(caplog):
    right, wrong = LessonFactory(duration=3), LessonFactory(duration=4)
    Course.objects.filter(pk=wrong.part.course_id).update(lessons_count=0, total_duration=0)
    before = catalogue_generation()

    result = course_lesson_numbers_recount.delay().get()

    assert result == {"repaired": 1}
    assert numbers(wrong.part.course) == (1, 4)
    assert numbers(right.part.course) == (1, 3)
    assert catalogue_generation() != before
    assert "courses.lesson_numbers.repaired" in caplog.messages
    assert course_lesson_numbers_recount.delay().get() == {"repaired": 0}


def test_every_queryset_write_of_lessons_recounts():
    """`.update()` and `bulk_create` send no signal: a module that writes lessons that way
    must call `course_lesson_numbers_refresh` (courses/signals.py covers the rest)."""
    writes = re.compile(r"Lesson[\w.()=,\s\"'_]*\.(update|bulk_create|bulk_update)\(")
    missing = []
    for app in ("core", "users", "courses", "payments"):
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            text = path.read_text()
            if writes.search(text) and "course_lesson_numbers_refresh" not in text:
                missing.append(path.name)
    assert missing == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_lessons_added_at_once_are_all_counted():
    part = CoursePartFactory()

    outcomes = race(
        lambda i: lesson_create(part=CoursePart.objects.get(pk=part.pk), title=f"L{i}", duration=i),
        6,
    )

    assert [kind for kind, _ in outcomes] == ["ok"] * 6
    assert numbers(part.course) == (6, 15) == counted(part.course)
