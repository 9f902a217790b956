"""`manage.py seed_demo`: idempotent demo data, and `--scale N` for benchmarks."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from courses.models import Category, Course, CoursePart, Lesson, Review
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

    call_command("seed_demo", force=True, stdout=io.StringIO())

    assert User.objects.filter(email="admin@demo.11tutors.com", is_superuser=True).exists()


def test_seed_demo_gives_courses_and_accounts_real_generated_images(settings):
    from PIL import Image

    call_command("seed_demo", force=True, stdout=io.StringIO())
    thumbnails = set(Course.objects.values_list("thumbnail", flat=True))
    avatars = set(
        User.objects.filter(email__endswith="@demo.11tutors.com").values_list("avatar", flat=True)
    )

    # every demo course and account has a stored PNG named <folder>/<uuid>.png
    assert "" not in thumbnails and None not in thumbnails
    assert "" not in avatars and None not in avatars
    for name in thumbnails | avatars:
        assert re.fullmatch(r"(thumbnails|avatars)/[0-9a-f]{32}\.png", name), name
        with Image.open(settings.MEDIA_ROOT / name) as image:
            assert image.format == "PNG"
    course = Course.objects.get(slug="python-from-scratch")
    with Image.open(course.thumbnail.path) as image:
        assert image.size == (640, 360)
        assert len(image.getcolors(maxcolors=100_000) or []) > 1  # text was drawn

    # a second run makes no new files
    files = sorted(p.name for p in settings.MEDIA_ROOT.rglob("*.png"))
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert sorted(p.name for p in settings.MEDIA_ROOT.rglob("*.png")) == files
    assert set(Course.objects.values_list("thumbnail", flat=True)) == thumbnails


def test_scale_reuses_a_few_thumbnails_instead_of_one_per_course(settings):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    demo_files = len(list(settings.MEDIA_ROOT.rglob("*.png")))

    call_command("seed_demo", scale=30, force=True, stdout=io.StringIO())
    call_command("seed_demo", scale=40, force=True, stdout=io.StringIO())

    generated = Course.objects.filter(slug__startswith="scale-course-")
    shared = set(generated.values_list("thumbnail", flat=True))
    assert generated.count() == 40
    assert 1 <= len(shared) <= 6 and "" not in shared
    assert len(list(settings.MEDIA_ROOT.rglob("*.png"))) == demo_files + len(shared)
    for name in shared:
        assert (settings.MEDIA_ROOT / name).exists()


def test_seed_demo_adds_reviews_once_and_stores_the_rating():
    call_command("seed_demo", force=True, stdout=io.StringIO())
    call_command("seed_demo", force=True, stdout=io.StringIO())

    course = Course.objects.get(slug="python-from-scratch")
    assert Review.objects.filter(course=course).count() == 2
    assert (course.rating, course.reviews_count) == (Decimal("4.5"), 2)
    assert Review.objects.filter(course=course, replied_at__isnull=False).count() == 1
