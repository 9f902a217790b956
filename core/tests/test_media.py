"""Local media answers at the absolute URLs the API hands out, DEBUG or not, and nothing
under /media/ can act as a page: image names get their image type, anything else is a
download, every answer is nosniff and sandboxed."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

pytestmark = pytest.mark.django_db

CSP = "default-src 'none'; sandbox"


def assert_never_a_page(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == CSP
    assert "html" not in response["Content-Type"]


def test_uploaded_media_is_served_without_debug(api_client, settings):
    settings.DEBUG = False
    name = default_storage.save("thumbnails/pixel.png", ContentFile(b"\x89PNG fake"))

    response = api_client.get(f"/media/{name}")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG fake"


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("avatars/0123456789abcdef0123456789abcdef.png", "image/png"),
        ("thumbnails/0123456789abcdef0123456789abcdef.jpg", "image/jpeg"),
        ("thumbnails/legacy-name.JPEG", "image/jpeg"),
        ("avatars/0123456789abcdef0123456789abcdef.webp", "image/webp"),
    ],
)
def test_image_names_are_served_inline_with_their_image_type(api_client, name, content_type):
    # The bytes are HTML: only the name decides, and nosniff stops the browser guessing.
    default_storage.save(name, ContentFile(b"<html><script>alert(1)</script></html>"))

    response = api_client.get(f"/media/{name}")

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert not response.get("Content-Disposition", "").startswith("attachment")
    assert_never_a_page(response)


@pytest.mark.parametrize(
    "name",
    [
        "avatars/x.html",
        "avatars/x.htm",
        "thumbnails/logo.svg",
        "thumbnails/page.xhtml",
        "avatars/noextension",
        "avatars/x.html.gz",
        "thumbnails/x.png.html",
    ],
)
def test_legacy_non_image_names_are_downloads(api_client, name):
    default_storage.save(name, ContentFile(b"<html><script>alert(1)</script></html>"))

    response = api_client.get(f"/media/{name}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"
    assert "Content-Encoding" not in response
    assert_never_a_page(response)


@pytest.mark.parametrize(
    "path",
    [
        "/media/../manage.py",
        "/media/%2e%2e/manage.py",
        "/media/..%2f..%2fmanage.py",
        "/media/avatars/..%2f..%2f..%2fetc/passwd",
        "/media//etc/passwd",
        "/media/",
        "/media/avatars/",
        "/media/avatars/missing.png",
    ],
)
def test_media_paths_out_of_media_root_or_missing_are_404(api_client, path):
    default_storage.save("avatars/present.png", ContentFile(b"x"))

    assert api_client.get(path).status_code == 404


def test_every_file_field_of_ours_is_named_by_the_server():
    """A new FileField/ImageField must be an UploadedImageField (or make its own case)."""
    from django.apps import apps
    from django.db import models

    from core.images import UploadedImageField

    ours = {"users", "core", "courses", "payments"}
    file_fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in ours
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField) and not isinstance(field, UploadedImageField)
    ]

    assert file_fields == []
