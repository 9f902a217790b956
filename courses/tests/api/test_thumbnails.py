"""Course thumbnails: validated by decoding, stored through the default storage (local
media or R2 through the S3 API), the old file deleted when replaced."""

import io
import re
import socket
import struct
import zlib

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer

from courses.models import Course
from courses.tests.conftest import image_bytes, image_upload

pytestmark = pytest.mark.django_db


def detail(course) -> str:
    return f"/api/courses/courses/{course.slug}/"


def _png_with_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width`x`height` (a decompression bomb's shape)."""
    data = bytearray(image_bytes("PNG", (1, 1)))
    ihdr = 8 + 8  # signature, then length and type of the IHDR chunk
    data[ihdr : ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr - 4 : ihdr + 13]))
    data[ihdr + 13 : ihdr + 17] = struct.pack(">I", crc)
    return bytes(data)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_thumbnail_upload_gives_an_absolute_url(course, make_client, course_tutor, fmt):
    upload = image_upload(name=f"t.{fmt.lower()}", fmt=fmt)

    response = make_client(course_tutor).patch(
        detail(course), {"thumbnail": upload}, format="multipart"
    )

    assert response.status_code == 200
    assert response.json()["thumbnail"].startswith("http://testserver/media/thumbnails/")
    course.refresh_from_db()
    assert default_storage.exists(course.thumbnail.name)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("t.png", b"just some text, renamed", content_type="image/png"),
        SimpleUploadedFile("t.png", image_bytes("PNG", (64, 64))[:60], content_type="image/png"),
        SimpleUploadedFile("t.gif", image_bytes("GIF"), content_type="image/gif"),
        SimpleUploadedFile("t.png", _png_with_size(30000, 30000), content_type="image/png"),
        SimpleUploadedFile("t.png", _png_with_size(5000, 10), content_type="image/png"),
    ],
    ids=["text", "truncated", "gif", "bomb", "too-wide"],
)
def test_bad_thumbnails_are_400_on_the_field(course, make_client, course_tutor, upload):
    response = make_client(course_tutor).patch(
        detail(course), {"thumbnail": upload, "title": "Changed"}, format="multipart"
    )

    assert response.status_code == 400
    assert "thumbnail" in response.json()
    course.refresh_from_db()
    assert course.title != "Changed"
    assert not course.thumbnail


def test_too_large_thumbnail_is_400(course, make_client, course_tutor, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 50

    response = make_client(course_tutor).patch(
        detail(course), {"thumbnail": image_upload(size=(64, 64))}, format="multipart"
    )

    assert response.status_code == 400
    assert "thumbnail" in response.json()


def test_replacing_and_clearing_deletes_the_old_file(
    course, make_client, course_tutor, django_capture_on_commit_callbacks
):
    client = make_client(course_tutor)
    with django_capture_on_commit_callbacks(execute=True):
        client.patch(detail(course), {"thumbnail": image_upload()}, format="multipart")
    first = Course.objects.get(pk=course.pk).thumbnail.name

    with django_capture_on_commit_callbacks(execute=True):
        client.patch(detail(course), {"thumbnail": image_upload()}, format="multipart")
    second = Course.objects.get(pk=course.pk).thumbnail.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(detail(course), {"thumbnail": ""}, format="multipart")

    assert first != second
    assert not default_storage.exists(first)
    assert not default_storage.exists(second)
    assert response.json()["thumbnail"] is None


# --- R2 (S3 API) against a real S3-compatible server ----------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def s3_server():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def r2_storage(settings, s3_server, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    bucket = "eleven-media"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "access_key": "testing",
                "secret_key": "testing",
                "bucket_name": bucket,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "signature_version": "s3v4",
                "default_acl": None,
                "querystring_auth": False,
                "file_overwrite": False,
                "custom_domain": "media.11tutors.test",
                "url_protocol": "https:",
            },
        },
    }
    return client, bucket


def _keys(client, bucket) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])}


def test_r2_upload_url_and_replacement(
    course, make_client, course_tutor, r2_storage, django_capture_on_commit_callbacks
):
    client, bucket = r2_storage
    api = make_client(course_tutor)

    with django_capture_on_commit_callbacks(execute=True):
        first = api.patch(detail(course), {"thumbnail": image_upload()}, format="multipart")
    first_key = Course.objects.get(pk=course.pk).thumbnail.name
    with django_capture_on_commit_callbacks(execute=True):
        second = api.patch(detail(course), {"thumbnail": image_upload()}, format="multipart")
    second_key = Course.objects.get(pk=course.pk).thumbnail.name

    assert first.status_code == second.status_code == 200
    assert first.json()["thumbnail"] == f"https://media.11tutors.test/{first_key}"
    assert second.json()["thumbnail"] == f"https://media.11tutors.test/{second_key}"
    assert _keys(client, bucket) == {second_key}
    body = client.get_object(Bucket=bucket, Key=second_key)["Body"].read()
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    assert io.BytesIO(body).getbuffer().nbytes > 0


def test_r2_stores_the_decoded_content_type_under_a_server_name(
    course, make_client, course_tutor, r2_storage
):
    client, bucket = r2_storage
    upload = image_upload(name="x.html", fmt="WEBP")
    upload.content_type = "text/html"

    response = make_client(course_tutor).patch(
        detail(course), {"thumbnail": upload}, format="multipart"
    )

    assert response.status_code == 200
    key = Course.objects.get(pk=course.pk).thumbnail.name
    assert re.fullmatch(r"thumbnails/[0-9a-f]{32}\.webp", key)
    assert client.head_object(Bucket=bucket, Key=key)["ContentType"] == "image/webp"


# --- Server-made names: no upload is ever stored or served as a page -------------------


@pytest.mark.parametrize("client_name", ["x.html", "x.svg", "x", "../../x.png", "x.png.html"])
def test_thumbnail_is_named_by_the_server_and_served_as_an_image(
    course, make_client, course_tutor, client_name
):
    upload = image_upload(name=client_name, fmt="PNG")
    upload.content_type = "text/html"

    response = make_client(course_tutor).patch(
        detail(course), {"thumbnail": upload}, format="multipart"
    )

    assert response.status_code == 200
    name = Course.objects.get(pk=course.pk).thumbnail.name
    assert re.fullmatch(r"thumbnails/[0-9a-f]{32}\.png", name)
    served = make_client(None).get(f"/media/{name}")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_course_create_names_the_thumbnail_from_its_decode(make_client, course_tutor):
    upload = image_upload(name="cover.png", fmt="JPEG")

    response = make_client(course_tutor).post(
        "/api/courses/courses/", {"title": "Named", "thumbnail": upload}, format="multipart"
    )

    assert response.status_code == 201, response.json()
    name = Course.objects.get(slug=response.json()["slug"]).thumbnail.name
    assert re.fullmatch(r"thumbnails/[0-9a-f]{32}\.jpg", name)
