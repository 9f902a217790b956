"""Local media answers at the absolute URLs the API hands out, DEBUG or not."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


@pytest.mark.django_db
def test_uploaded_media_is_served_without_debug(api_client, settings):
    settings.DEBUG = False
    name = default_storage.save("thumbnails/pixel.png", ContentFile(b"\x89PNG fake"))

    response = api_client.get(f"/media/{name}")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG fake"


@pytest.mark.django_db
def test_media_paths_cannot_escape_media_root(api_client):
    for path in ("/media/../manage.py", "/media/%2e%2e/manage.py", "/media//etc/passwd"):
        assert api_client.get(path).status_code in (400, 404)
