"""Fixtures of the catalogue tests: a small published course and a draft, each with one
tutor, a part and lessons, and tiny valid and invalid images."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from courses.tests.factories import (
    CourseFactory,
    CoursePartFactory,
    DraftCourseFactory,
    LessonFactory,
)
from users.tests.factories import TutorFactory


@pytest.fixture
def course_tutor(db):
    return TutorFactory()


@pytest.fixture
def other_tutor(db):
    return TutorFactory()


@pytest.fixture
def course(course_tutor):
    course = CourseFactory(tutors=[course_tutor])
    part = CoursePartFactory(course=course, order=1)
    LessonFactory(part=part, order=1, duration=65, is_free_preview=True)
    LessonFactory(part=part, order=2, duration=3600)
    return course


@pytest.fixture
def draft(course_tutor):
    draft = DraftCourseFactory(tutors=[course_tutor])
    part = CoursePartFactory(course=draft, order=1)
    LessonFactory(part=part, order=1)
    return draft


def image_bytes(fmt: str = "PNG", size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def image_upload(name: str = "thumb.png", fmt: str = "PNG", size=(8, 8)) -> SimpleUploadedFile:
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(name, image_bytes(fmt, size), content_type=content_type)


@pytest.fixture
def png_upload():
    return image_upload()
