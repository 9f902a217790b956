"""An avatar is stored under a name the server makes (`avatars/<uuid>.<ext>` from the
decoded format), through the API and through the admin alike, so a valid PNG sent as
`x.html` is never served as a page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from users.models import User
from users.tests.conftest import png_upload
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/auth/users/me/"
SERVER_NAME = re.compile(r"avatars/[0-9a-f]{32}\.(jpg|png|webp)")


def assert_served_as_an_image(client, url: str, content_type: str = "image/png") -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_png_named_x_html_is_stored_as_png_and_served_as_an_image(make_client, user):
    upload = png_upload("x.html")
    upload.content_type = "text/html"

    response = make_client(user).patch(ME, {"avatar": upload}, format="multipart")

    assert response.status_code == 200
    user.refresh_from_db()
    assert SERVER_NAME.fullmatch(user.avatar.name)
    assert user.avatar.name.endswith(".png")
    url = response.json()["avatar"]
    assert url == f"http://testserver/media/{user.avatar.name}"
    assert_served_as_an_image(make_client(None), url.removeprefix("http://testserver"))


def test_the_decoded_format_names_the_file_not_the_client(make_client, user):
    from courses.tests.conftest import image_upload

    upload = image_upload(name="photo.png", fmt="JPEG")

    make_client(user).patch(ME, {"avatar": upload}, format="multipart")

    user.refresh_from_db()
    assert SERVER_NAME.fullmatch(user.avatar.name)
    assert user.avatar.name.endswith(".jpg")


def test_a_service_save_without_the_serializer_still_decodes_and_renames():
    user = UserFactory()

    user.avatar.save("../../evil.svg", png_upload("evil.svg"))

    assert SERVER_NAME.fullmatch(user.avatar.name)


# --- the admin -------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    superuser = User.objects.create_superuser(
        email="root@example.com", password="Sup3r-Secret-Phrase!", first_name="R", last_name="T"
    )
    client.force_login(superuser)
    return client


def _change_form(user: User, avatar) -> dict:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "username": "",
        "phone": "",
        "avatar": avatar,
        "bio": "",
        "role": str(user.role),
        "is_email_verified": "on",
        "is_active": "on",
        "onboarding_answer-TOTAL_FORMS": "0",
        "onboarding_answer-INITIAL_FORMS": "0",
        "onboarding_answer-MIN_NUM_FORMS": "0",
        "onboarding_answer-MAX_NUM_FORMS": "1",
    }


def test_the_admin_stores_a_png_named_x_html_under_a_server_name(staff_client):
    user = UserFactory()
    upload = png_upload("x.html")
    upload.content_type = "text/html"

    response = staff_client.post(f"/admin/users/user/{user.pk}/change/", _change_form(user, upload))

    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert SERVER_NAME.fullmatch(user.avatar.name)
    assert user.avatar.name.endswith(".png")
    assert_served_as_an_image(staff_client, user.avatar.url)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("x.html", b"<html><script>alert(1)</script>", content_type="text/html"),
        SimpleUploadedFile("x.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        SimpleUploadedFile("x.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ],
    ids=["html", "svg-as-png", "gif"],
)
def test_the_admin_refuses_what_the_api_refuses(staff_client, upload):
    user = UserFactory()

    response = staff_client.post(f"/admin/users/user/{user.pk}/change/", _change_form(user, upload))

    assert response.status_code == 200
    assert "avatar" in response.context["adminform"].form.errors
    user.refresh_from_db()
    assert not user.avatar


def test_the_admin_refuses_an_image_over_the_size_limit(staff_client, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 50
    user = UserFactory()

    response = staff_client.post(
        f"/admin/users/user/{user.pk}/change/", _change_form(user, png_upload())
    )

    assert response.status_code == 200
    assert "avatar" in response.context["adminform"].form.errors
