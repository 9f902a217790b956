"""`manage.py rename_legacy_media`: files stored under a client's name before the server
named uploads get `<folder>/<uuid>.<ext>`, their rows follow, the old files go."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from courses.models import Course
from courses.tests.conftest import image_bytes
from courses.tests.factories import CourseFactory
from users.models import User
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HTML = b"<html><script>alert(document.cookie)</script></html>"


def _legacy(model, obj, field: str, name: str, content: bytes) -> str:
    stored = default_storage.save(name, ContentFile(content))
    model.objects.filter(pk=obj.pk).update(**{field: stored})
    return stored


def _run(*args) -> str:
    out = io.StringIO()
    call_command("rename_legacy_media", *args, stdout=out)
    return out.getvalue()


def test_valid_images_under_client_names_are_renamed_and_rows_updated():
    user, course = UserFactory(), CourseFactory()
    old_avatar = _legacy(User, user, "avatar", "avatars/x.html", image_bytes("PNG"))
    old_thumb = _legacy(Course, course, "thumbnail", "thumbnails/cover.jpeg", image_bytes("JPEG"))

    output = _run()

    user.refresh_from_db()
    course.refresh_from_db()
    assert re.fullmatch(r"avatars/[0-9a-f]{32}\.png", user.avatar.name)
    assert re.fullmatch(r"thumbnails/[0-9a-f]{32}\.jpg", course.thumbnail.name)
    assert default_storage.open(user.avatar.name).read() == image_bytes("PNG")
    assert not default_storage.exists(old_avatar)
    assert not default_storage.exists(old_thumb)
    assert "Renamed 2" in output


def test_a_second_run_changes_nothing():
    user = UserFactory()
    _legacy(User, user, "avatar", "avatars/x.html", image_bytes("PNG"))
    _run()
    user.refresh_from_db()
    renamed = user.avatar.name

    output = _run()

    user.refresh_from_db()
    assert user.avatar.name == renamed
    assert "Renamed 0" in output and "already server-named 1" in output


def test_dry_run_only_lists():
    user = UserFactory()
    old = _legacy(User, user, "avatar", "avatars/x.html", image_bytes("PNG"))

    output = _run("--dry-run")

    user.refresh_from_db()
    assert user.avatar.name == old
    assert default_storage.exists(old)
    assert "Would rename 1" in output


def test_files_that_are_not_images_are_left_and_served_as_downloads(api_client):
    user = UserFactory()
    old = _legacy(User, user, "avatar", "avatars/x.html", HTML)

    output = _run()

    user.refresh_from_db()
    assert user.avatar.name == old
    assert "not images 1" in output
    served = api_client.get(f"/media/{old}")
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"] == "attachment"


def test_clear_invalid_removes_files_that_are_not_images():
    user = UserFactory()
    old = _legacy(User, user, "avatar", "avatars/x.html", HTML)

    _run("--clear-invalid")

    user.refresh_from_db()
    assert not user.avatar
    assert not default_storage.exists(old)


def test_a_missing_file_is_listed_and_kept():
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(avatar="avatars/gone.png")

    output = _run()

    user.refresh_from_db()
    assert user.avatar.name == "avatars/gone.png"
    assert "missing 1" in output
