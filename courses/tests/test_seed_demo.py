"""`manage.py seed_demo`: idempotent demo data, and `--scale N` for benchmarks."""

import io

import pytest
from django.core.management import CommandError, call_command

from courses.models import Category, Course, CoursePart, Lesson
from users.models import User

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (User, Category, Course, CoursePart, Lesson))


def test_seed_demo_is_idempotent_and_prints_passwords():
    out = io.StringIO()

    call_command("seed_demo", force=True, stdout=out)
    first = _counts()
    call_command("seed_demo", force=True, stdout=io.StringIO())

    assert _counts() == first
    assert "demo-tutor-2026" in out.getvalue()
    assert User.objects.get(email="ada@demo.11tutors.com").check_password("demo-tutor-2026")
    assert Course.objects.filter(is_published=False).count() == 1
    assert Course.objects.filter(price=0, is_published=True).exists()
    assert Course.objects.filter(price__gt=0, is_published=True).exists()
    assert Lesson.objects.filter(is_free_preview=True).exists()
    assert Lesson.objects.filter(slug="introducci-n").exists()


def test_scale_creates_courses_with_parts_and_lessons_once():
    call_command("seed_demo", force=True, scale=5, stdout=io.StringIO())
    after_first = _counts()
    call_command("seed_demo", force=True, scale=5, stdout=io.StringIO())

    generated = Course.objects.filter(slug__startswith="scale-course-")
    assert generated.count() == 5
    assert CoursePart.objects.filter(course__in=generated).count() == 15
    assert Lesson.objects.filter(part__course__in=generated).count() == 60
    assert all(course.tutors.exists() for course in generated)
    assert _counts() == after_first


def test_seeded_students_are_enrolled_through_the_enrollment_rules():
    call_command("seed_demo", force=True, stdout=io.StringIO())

    student = User.objects.get(email="student1@demo.11tutors.com")
    enrolled = Course.objects.filter(enrollments__user=student, enrollments__is_active=True)
    assert student.role == 3
    assert enrolled.exists()
    assert all(course.students_count >= 1 for course in enrolled)


def test_refuses_without_debug_or_force(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG=True"):
        call_command("seed_demo", stdout=io.StringIO())

    assert not User.objects.filter(is_superuser=True).exists()


def test_runs_with_debug_on(settings):
    settings.DEBUG = True

    call_command("seed_demo", stdout=io.StringIO())

    assert User.objects.filter(email="admin@demo.11tutors.com", is_superuser=True).exists()
