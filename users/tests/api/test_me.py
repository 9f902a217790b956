import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from users.tests.conftest import png_upload
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/auth/users/me/"


def test_me_returns_the_callers_user_object(make_client, student):
    # when
    response = make_client(student).get(ME)

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(student.id)
    assert body["role"] == 3 and body["role_name"] == "student"
    assert "bio" not in body and "password" not in body


def test_me_within_a_query_budget(make_client, user, django_assert_max_num_queries):
    client = make_client(user)
    with django_assert_max_num_queries(2):
        assert client.get(ME).status_code == 200


def test_patch_json_updates_the_profile_and_blanks_store_null(make_client):
    # given
    user = UserFactory(username="old", phone="+33 1 23")

    # when: the SPA's profile form sends every field
    response = make_client(user).patch(
        ME,
        {
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": user.email.upper(),
            "phone": "",
            "username": "",
            "avatar": None,
        },
        format="json",
    )

    # then
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Grace", "Hopper")
    assert user.username is None and user.phone is None
    assert user.is_email_verified is True  # same email in another case: no change
    assert response.json()["username"] is None


def test_patch_empty_body_is_a_200_no_op(make_client, user, mailoutbox):
    before = user.updated_at

    response = make_client(user).patch(ME, {}, format="json")

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.updated_at == before
    assert mailoutbox == []


def test_patch_new_email_reverifies_and_sends_a_verification_email(
    make_client, user, mailoutbox, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = make_client(user).patch(ME, {"email": "New@Example.com"}, format="json")

    # then
    assert response.status_code == 200
    assert response.json()["email"] == "new@example.com"
    assert response.json()["is_email_verified"] is False
    assert [message.to for message in mailoutbox] == [["new@example.com"]]


def test_patch_email_taken_by_another_user_in_another_case_is_400(make_client, user):
    UserFactory(email="taken@example.com")

    response = make_client(user).patch(ME, {"email": "TAKEN@example.com"}, format="json")

    assert response.status_code == 400
    assert "email" in response.json()
    user.refresh_from_db()
    assert user.email != "taken@example.com"


def test_patch_username_taken_is_400(make_client, user):
    UserFactory(username="Alice")

    response = make_client(user).patch(ME, {"username": "alice"}, format="json")

    assert response.status_code == 400
    assert "username" in response.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"first_name": ""}, "first_name"),
        ({"last_name": "  "}, "last_name"),
        ({"first_name": None}, "first_name"),
        ({"email": "nope"}, "email"),
        ({"email": ""}, "email"),
        ({"phone": "1" * 33}, "phone"),
        ({"username": ["a"]}, "username"),
        ({"avatar": 12}, "avatar"),
    ],
)
def test_patch_bad_input_is_400_and_changes_nothing(make_client, user, body, field):
    before = (user.first_name, user.last_name, user.email, user.phone, user.username)

    response = make_client(user).patch(ME, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.email, user.phone, user.username) == before


def test_role_and_verification_are_read_only(make_client, user):
    response = make_client(user).patch(
        ME, {"role": 1, "is_email_verified": False, "is_staff": True}, format="json"
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.role == 4 and user.is_email_verified and not user.is_staff


def test_patch_multipart_avatar_is_stored_and_returned_as_an_absolute_url(make_client, user):
    # when
    response = make_client(user).patch(
        ME, {"avatar": png_upload(), "first_name": "Ann", "phone": ""}, format="multipart"
    )

    # then
    assert response.status_code == 200
    avatar = response.json()["avatar"]
    assert avatar.startswith("http://testserver/media/avatars/")
    user.refresh_from_db()
    assert user.first_name == "Ann"
    assert user.avatar.name.startswith("avatars/")


def test_a_new_avatar_replaces_the_old_file(make_client, user, django_capture_on_commit_callbacks):
    client = make_client(user)
    client.patch(ME, {"avatar": png_upload("one.png")}, format="multipart")
    user.refresh_from_db()
    old_name = user.avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        client.patch(ME, {"avatar": png_upload("two.png")}, format="multipart")

    user.refresh_from_db()
    assert user.avatar.name != old_name
    assert not user.avatar.storage.exists(old_name)


def test_avatar_string_is_ignored_and_null_removes_it(make_client, user):
    client = make_client(user)
    url = client.patch(ME, {"avatar": png_upload()}, format="multipart").json()["avatar"]

    kept = client.patch(ME, {"avatar": url}, format="json")
    kept_multipart = client.patch(ME, {"avatar": "", "first_name": "Z"}, format="multipart")
    removed = client.patch(ME, {"avatar": None}, format="json")

    assert kept.json()["avatar"] == url
    assert kept_multipart.json()["avatar"] == url
    assert removed.status_code == 200
    assert removed.json()["avatar"] is None


def _bytes_upload(name, content, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _truncated_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "blue").save(buffer, format="PNG")
    return buffer.getvalue()[:60]


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="GIF")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "upload",
    [
        lambda: _bytes_upload("evil.png", b"this is plain text"),
        lambda: _bytes_upload("cut.png", _truncated_png()),
        lambda: _bytes_upload("anim.gif", _gif(), "image/gif"),
        lambda: _bytes_upload("empty.png", b""),
        lambda: png_upload("huge.png", size=(4097, 10)),
    ],
)
def test_bad_avatar_is_400_on_avatar_and_nothing_changes(make_client, user, upload):
    response = make_client(user).patch(
        ME, {"avatar": upload(), "first_name": "Changed"}, format="multipart"
    )

    assert response.status_code == 400
    assert "avatar" in response.json()
    user.refresh_from_db()
    assert not user.avatar
    assert user.first_name != "Changed"


def test_oversized_avatar_is_400(make_client, user, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 20

    response = make_client(user).patch(ME, {"avatar": png_upload()}, format="multipart")

    assert response.status_code == 400
    assert "avatar" in response.json()


def test_patch_multipart_as_the_spa_form_sends_it(make_client, django_capture_on_commit_callbacks):
    # given
    user = UserFactory(username="old", phone="+33 1 23", is_email_verified=True)

    # when: every field, read-only ones echoed back as strings, a new avatar file
    with django_capture_on_commit_callbacks(execute=True):
        response = make_client(user).patch(
            ME,
            {
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": user.email.upper(),
                "username": "",
                "phone": "",
                "avatar": png_upload(),
                "role": "1",
                "is_email_verified": "false",
            },
            format="multipart",
        )

    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["first_name"], body["last_name"]) == ("Ada", "Lovelace")
    assert body["username"] is None and body["phone"] is None
    assert body["avatar"].startswith("http://testserver/media/avatars/")
    assert body["role"] == 4 and body["is_email_verified"] is True
    user.refresh_from_db()
    assert user.username is None and user.phone is None and user.avatar
