"""API tests for `/api/courses/comments/` and `comments/{id}/`."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from courses.models import Comment
from courses.tests.factories import (
    CommentFactory,
    CourseFactory,
    DraftCourseFactory,
    EnrollmentFactory,
    LessonFactory,
)
from users.tests.factories import AdminFactory, StudentFactory, TutorFactory, UserFactory

URL = "/api/courses/comments/"
pytestmark = pytest.mark.django_db


def detail_url(comment) -> str:
    return f"{URL}{comment.pk}/"


@pytest.fixture
def course():
    return CourseFactory()


@pytest.fixture
def lesson(course):
    return LessonFactory(part__course=course)


@pytest.fixture
def course_tutor(course):
    return course.tutors.get()


@pytest.fixture
def enrolled(course):
    return EnrollmentFactory(course=course).user


def people(kind: str, course):
    """A caller of the permission matrix, for `course`."""
    if kind == "anonymous":
        return None
    if kind == "unverified":
        return EnrollmentFactory(course=course, user__is_email_verified=False).user
    if kind == "user":
        return UserFactory()
    if kind == "student":
        return EnrollmentFactory(course=course).user
    if kind == "inactive":
        return EnrollmentFactory(course=course, is_active=False).user
    if kind == "course_tutor":
        return course.tutors.get()
    if kind == "other_tutor":
        return TutorFactory()
    if kind == "admin":
        return AdminFactory()
    raise AssertionError(kind)


def png_avatar() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("a.png", buffer.getvalue(), content_type="image/png")


def at(minutes: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


def make_comment(**kwargs) -> Comment:
    """A comment with a chosen `created_at` (auto_now_add ignores the factory's)."""
    created_at = kwargs.pop("created_at", None)
    comment = CommentFactory(**kwargs)
    if created_at is not None:
        Comment.objects.filter(pk=comment.pk).update(created_at=created_at)
        comment.refresh_from_db()
    return comment


# --- reading --------------------------------------------------------------------------------


def test_list_without_lesson_is_400(api_client):
    response = api_client.get(URL)

    assert response.status_code == 400
    assert "lesson" in response.json()


def test_list_top_level_newest_first_by_id_or_slug(api_client, lesson):
    # given
    old = make_comment(lesson=lesson, created_at=at(30))
    new = make_comment(lesson=lesson, created_at=at(1))
    make_comment(lesson=lesson, parent=old, created_at=at(10))
    make_comment()  # another lesson

    # when
    by_id = api_client.get(URL, {"lesson": str(lesson.pk)})
    by_slug = api_client.get(URL, {"lesson": lesson.slug})

    # then
    assert by_id.status_code == 200
    assert [c["id"] for c in by_id.json()["results"]] == [str(new.pk), str(old.pk)]
    assert by_slug.json()["results"] == by_id.json()["results"]
    assert by_id.json()["results"][1]["replies_count"] == 1


def test_comment_shape(api_client, lesson):
    # given
    author = StudentFactory(avatar=png_avatar())
    comment = make_comment(lesson=lesson, author=author, text="<b>hi</b>")

    # when
    body = api_client.get(detail_url(comment)).json()

    # then
    assert set(body) == {
        "id",
        "lesson",
        "parent",
        "author",
        "text",
        "replies_count",
        "is_edited",
        "created_at",
        "updated_at",
    }
    assert body["lesson"] == str(lesson.pk)
    assert body["parent"] is None
    assert body["text"] == "<b>hi</b>"
    assert body["is_edited"] is False
    assert body["replies_count"] == 0
    assert body["author"]["id"] == str(author.pk)
    assert body["author"]["role"] == 3
    assert body["author"]["role_name"] == "student"
    assert body["author"]["avatar"].startswith("http://testserver/media/avatars/")
    assert set(body["author"]) == {"id", "first_name", "last_name", "avatar", "role", "role_name"}


def test_avatar_is_null_without_one(api_client, lesson):
    comment = make_comment(lesson=lesson)

    body = api_client.get(detail_url(comment)).json()

    assert body["author"]["avatar"] is None


@pytest.mark.parametrize("lesson_param", ["no-such-lesson", "00000000-0000-0000-0000-000000000000"])
def test_list_unknown_lesson_is_404(api_client, lesson_param):
    response = api_client.get(URL, {"lesson": lesson_param})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("anonymous", 404),
        ("user", 404),
        ("student", 200),
        ("inactive", 404),
        ("other_tutor", 404),
        ("course_tutor", 200),
        ("admin", 200),
    ],
)
def test_draft_comments_are_visible_to_its_tutors_admins_and_active_students_only(
    make_client, kind, expected
):
    # given
    draft = DraftCourseFactory()
    lesson = LessonFactory(part__course=draft)
    comment = make_comment(lesson=lesson)
    client = make_client(people(kind, draft))

    # when
    listed = client.get(URL, {"lesson": lesson.slug})
    detail = client.get(detail_url(comment))

    # then
    assert listed.status_code == expected
    assert detail.status_code == expected


def test_replies_oldest_first(api_client, lesson):
    # given
    parent = make_comment(lesson=lesson)
    late = make_comment(lesson=lesson, parent=parent, created_at=at(1))
    early = make_comment(lesson=lesson, parent=parent, created_at=at(20))
    make_comment(lesson=lesson, parent=make_comment(lesson=lesson))

    # when
    with_lesson = api_client.get(URL, {"lesson": str(lesson.pk), "parent": str(parent.pk)})
    parent_only = api_client.get(URL, {"parent": str(parent.pk)})

    # then
    assert with_lesson.status_code == 200
    assert [c["id"] for c in with_lesson.json()["results"]] == [str(early.pk), str(late.pk)]
    assert all(c["parent"] == str(parent.pk) for c in with_lesson.json()["results"])
    assert parent_only.json()["results"] == with_lesson.json()["results"]


def test_replies_of_a_parent_from_another_lesson_is_404(api_client, lesson):
    parent = make_comment()

    response = api_client.get(URL, {"lesson": str(lesson.pk), "parent": str(parent.pk)})

    assert response.status_code == 404


def test_replies_of_a_reply_is_404(api_client, lesson):
    reply = make_comment(lesson=lesson, parent=make_comment(lesson=lesson))

    response = api_client.get(URL, {"parent": str(reply.pk)})

    assert response.status_code == 404


def test_garbage_parent_param_is_400(api_client, lesson):
    response = api_client.get(URL, {"lesson": lesson.slug, "parent": "not-a-uuid"})

    assert response.status_code == 400
    assert "parent" in response.json()


def test_pagination(api_client, lesson):
    # given
    comments = [make_comment(lesson=lesson, created_at=at(n)) for n in range(5)]

    # when
    first = api_client.get(URL, {"lesson": lesson.slug, "page_size": 2})
    last = api_client.get(URL, {"lesson": lesson.slug, "page_size": 2, "page": 3})

    # then
    assert first.json()["count"] == 5
    assert first.json()["next"] is not None
    assert first.json()["previous"] is None
    assert [c["id"] for c in first.json()["results"]] == [str(c.pk) for c in comments[:2]]
    assert [c["id"] for c in last.json()["results"]] == [str(comments[4].pk)]
    assert last.json()["next"] is None


@pytest.mark.parametrize("size", [3, 25])
@pytest.mark.parametrize("kind", ["anonymous", "student", "admin"])
def test_list_query_budget_is_fixed(make_client, django_assert_max_num_queries, course, size, kind):
    # given
    lesson = LessonFactory(part__course=course)
    for _ in range(size):
        parent = make_comment(lesson=lesson, author=StudentFactory(avatar=png_avatar()))
        make_comment(lesson=lesson, parent=parent)
    client = make_client(people(kind, course))

    # when
    # user (auth) + lesson + count + page
    with django_assert_max_num_queries(4):
        response = client.get(URL, {"lesson": str(lesson.pk)})

    # then
    assert response.status_code == 200
    assert len(response.json()["results"]) == size
    assert all(c["replies_count"] == 1 for c in response.json()["results"])


@pytest.mark.parametrize("size", [3, 25])
def test_replies_query_budget_is_fixed(make_client, django_assert_max_num_queries, lesson, size):
    # given
    parent = make_comment(lesson=lesson)
    for _ in range(size):
        make_comment(lesson=lesson, parent=parent)
    client = make_client(StudentFactory())

    # when
    # user + lesson + parent + count + page
    with django_assert_max_num_queries(5):
        response = client.get(URL, {"lesson": str(lesson.pk), "parent": str(parent.pk)})

    # then
    assert len(response.json()["results"]) == size


def test_detail_query_budget(make_client, django_assert_max_num_queries, lesson):
    comment = make_comment(lesson=lesson)
    client = make_client(StudentFactory())

    with django_assert_max_num_queries(2):
        response = client.get(detail_url(comment))

    assert response.status_code == 200


def test_bad_token_is_401_even_on_reads(api_client, lesson):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    response = api_client.get(URL, {"lesson": lesson.slug})

    assert response.status_code == 401


def test_detail_garbage_id_is_404(api_client):
    response = api_client.get(f"{URL}not-a-uuid/")

    assert response.status_code == 404


# --- posting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected", "code"),
    [
        ("anonymous", 401, None),
        ("unverified", 403, "email_not_verified"),
        ("user", 403, "enrollment_required"),
        ("inactive", 403, "enrollment_required"),
        ("other_tutor", 403, "enrollment_required"),
        ("student", 201, None),
        ("course_tutor", 201, None),
        ("admin", 201, None),
    ],
)
def test_post_permission_matrix(make_client, course, lesson, kind, expected, code):
    # given
    caller = people(kind, course)

    # when
    response = make_client(caller).post(URL, {"lesson": str(lesson.pk), "text": "  Hello  "})

    # then
    assert response.status_code == expected
    if code:
        assert response.json()["code"] == code
    if expected == 201:
        body = response.json()
        assert body["text"] == "Hello"
        assert body["author"]["id"] == str(caller.pk)
        assert body["lesson"] == str(lesson.pk)
        assert body["parent"] is None
        assert body["replies_count"] == 0
        assert Comment.objects.filter(pk=body["id"], author=caller).exists()
    else:
        assert not Comment.objects.exists()


def test_post_on_a_draft_lesson_by_an_outsider_is_400_on_lesson(make_client):
    # given: once enrolled (refunded since), and the course went back to draft
    draft = DraftCourseFactory()
    lesson = LessonFactory(part__course=draft)
    student = EnrollmentFactory(course=draft, is_active=False).user

    # when
    response = make_client(student).post(URL, {"lesson": str(lesson.pk), "text": "hi"})

    # then
    assert response.status_code == 400
    assert "lesson" in response.json()


def test_reply(make_client, lesson, enrolled):
    parent = make_comment(lesson=lesson)

    response = make_client(enrolled).post(
        URL, {"lesson": str(lesson.pk), "text": "reply", "parent": str(parent.pk)}
    )

    assert response.status_code == 201
    assert response.json()["parent"] == str(parent.pk)


def test_reply_with_null_parent_is_top_level(make_client, lesson, enrolled):
    response = make_client(enrolled).post(
        URL, {"lesson": str(lesson.pk), "text": "top", "parent": None}
    )

    assert response.status_code == 201
    assert response.json()["parent"] is None


def test_reply_to_a_reply_is_400(make_client, lesson, enrolled):
    reply = make_comment(lesson=lesson, parent=make_comment(lesson=lesson))

    response = make_client(enrolled).post(
        URL, {"lesson": str(lesson.pk), "text": "deep", "parent": str(reply.pk)}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_parent"


def test_reply_to_another_lessons_comment_is_400(make_client, course, lesson, enrolled):
    other = make_comment(lesson=LessonFactory(part__course=course))

    response = make_client(enrolled).post(
        URL, {"lesson": str(lesson.pk), "text": "x", "parent": str(other.pk)}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_parent"


@pytest.mark.parametrize("parent", ["00000000-0000-0000-0000-000000000000", "garbage", 12, []])
def test_reply_to_a_missing_or_malformed_parent_is_400(make_client, lesson, enrolled, parent):
    response = make_client(enrolled).post(
        URL, {"lesson": str(lesson.pk), "text": "x", "parent": parent}
    )

    assert response.status_code == 400
    assert "parent" in response.json()


def test_reply_to_a_hidden_comment_is_400_for_students(make_client, lesson, enrolled):
    hidden = make_comment(lesson=lesson, is_hidden=True)

    response = make_client(enrolled).post(
        URL, {"lesson": str(lesson.pk), "text": "x", "parent": str(hidden.pk)}
    )

    assert response.status_code == 400
    assert "parent" in response.json()


def test_reply_to_a_deleted_comment_is_400(make_client, lesson, enrolled):
    parent = make_comment(lesson=lesson, is_deleted=True)
    make_comment(lesson=lesson, parent=parent)  # keeps the deleted parent visible

    response = make_client(enrolled).post(
        URL, {"lesson": str(lesson.pk), "text": "x", "parent": str(parent.pk)}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_parent"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "x" * 5001,
        "x" * 10_000,
        "nul\x00byte",
        "\x00",
        "bell\x07",
        "esc\x1b[31mred",
        "del\x7f",
        "c1\x85c2",
        123,
        12.5,
        True,
        ["a"],
        {"a": "b"},
        None,
    ],
)
def test_post_hostile_or_wrong_text_is_400(make_client, lesson, enrolled, text):
    response = make_client(enrolled).post(
        URL, {"lesson": str(lesson.pk), "text": text}, format="json"
    )

    assert response.status_code == 400
    assert "text" in response.json()
    assert not Comment.objects.exists()


def test_post_lone_surrogate_is_400(make_client, lesson, enrolled):
    body = '{"lesson": "' + str(lesson.pk) + '", "text": "bad \\ud800 half"}'

    response = make_client(enrolled).post(URL, body, content_type="application/json")

    assert response.status_code == 400
    assert "text" in response.json()


def test_post_missing_text_is_400(make_client, lesson, enrolled):
    response = make_client(enrolled).post(URL, {"lesson": str(lesson.pk)})

    assert response.status_code == 400
    assert "text" in response.json()


@pytest.mark.parametrize(
    "lesson_value", ["garbage", "00000000-0000-0000-0000-000000000000", 42, ["x"], None, ""]
)
def test_post_bad_lesson_is_400(make_client, enrolled, lesson_value):
    response = make_client(enrolled).post(URL, {"lesson": lesson_value, "text": "hi"})

    assert response.status_code == 400
    assert "lesson" in response.json()


def test_post_by_slug_is_400(make_client, lesson, enrolled):
    """The contract's POST takes the lesson's id; slugs are for reading only."""
    response = make_client(enrolled).post(URL, {"lesson": lesson.slug, "text": "hi"})

    assert response.status_code == 400


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '"text"', "null"])
def test_post_malformed_body_is_400(make_client, enrolled, body):
    response = make_client(enrolled).post(URL, body, content_type="application/json")

    assert response.status_code == 400


def test_text_is_stored_and_returned_as_is(make_client, lesson, enrolled):
    # given
    text = "<script>alert(1)</script>\n\tindented & <b>bold</b> 😀 " + "é" * 4900

    # when
    response = make_client(enrolled).post(URL, {"lesson": str(lesson.pk), "text": text})

    # then
    assert response.status_code == 201
    assert response.json()["text"] == text
    assert Comment.objects.get().text == text


def test_text_of_exactly_5000_characters_after_stripping_is_accepted(make_client, lesson, enrolled):
    response = make_client(enrolled).post(
        URL, {"lesson": str(lesson.pk), "text": "  " + "x" * 5000 + "  "}
    )

    assert response.status_code == 201
    assert len(response.json()["text"]) == 5000


def test_windows_line_breaks_become_newlines(make_client, lesson, enrolled):
    response = make_client(enrolled).post(URL, {"lesson": str(lesson.pk), "text": "a\r\nb\rc"})

    assert response.status_code == 201
    assert response.json()["text"] == "a\nb\nc"


def test_post_creation_is_throttled_per_user(make_client, settings, lesson, course):
    # given
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "comments": "2/min",
        },
    }
    flooder = make_client(EnrollmentFactory(course=course).user)
    other = make_client(EnrollmentFactory(course=course).user)
    payload = {"lesson": str(lesson.pk), "text": "spam"}

    # when
    first = [flooder.post(URL, payload).status_code for _ in range(2)]
    reads = [flooder.get(URL, {"lesson": lesson.slug}).status_code for _ in range(3)]
    third = flooder.post(URL, payload)
    someone_else = other.post(URL, payload)

    # then
    assert first == [201, 201]
    assert reads == [200, 200, 200]
    assert third.status_code == 429
    assert "Retry-After" in third.headers
    assert someone_else.status_code == 201
    assert Comment.objects.count() == 3


# --- editing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("anonymous", 401),
        ("student", 403),
        ("course_tutor", 403),
        ("other_tutor", 403),
        ("admin", 403),
    ],
)
def test_patch_is_for_the_author_only(make_client, course, lesson, kind, expected):
    comment = make_comment(lesson=lesson, text="original")

    response = make_client(people(kind, course)).patch(detail_url(comment), {"text": "changed"})

    assert response.status_code == expected
    comment.refresh_from_db()
    assert comment.text == "original"
    assert comment.is_edited is False


def test_author_edits(make_client, lesson, enrolled):
    # given
    comment = make_comment(lesson=lesson, author=enrolled, text="original")
    make_comment(lesson=lesson, parent=comment)

    # when
    response = make_client(enrolled).patch(detail_url(comment), {"text": " changed "})

    # then
    assert response.status_code == 200
    assert response.json()["text"] == "changed"
    assert response.json()["is_edited"] is True
    assert response.json()["replies_count"] == 1
    comment.refresh_from_db()
    assert comment.text == "changed"


def test_empty_patch_is_a_no_op(make_client, lesson, enrolled):
    comment = make_comment(lesson=lesson, author=enrolled, text="original")

    response = make_client(enrolled).patch(detail_url(comment), {})

    assert response.status_code == 200
    assert response.json()["is_edited"] is False


def test_patch_ignores_read_only_fields(make_client, lesson, enrolled):
    comment = make_comment(lesson=lesson, author=enrolled)
    other_lesson = LessonFactory(part__course=lesson.part.course)

    response = make_client(enrolled).patch(
        detail_url(comment), {"lesson": str(other_lesson.pk), "is_edited": False}
    )

    assert response.status_code == 200
    assert response.json()["lesson"] == str(lesson.pk)


@pytest.mark.parametrize("text", ["", " ", "x" * 5001, "\x00", 5, ["a"], None])
def test_patch_bad_text_is_400(make_client, lesson, enrolled, text):
    comment = make_comment(lesson=lesson, author=enrolled, text="original")

    response = make_client(enrolled).patch(detail_url(comment), {"text": text}, format="json")

    assert response.status_code == 400
    assert "text" in response.json()


def test_patch_a_deleted_comment_is_404(make_client, lesson, enrolled):
    comment = make_comment(lesson=lesson, author=enrolled, is_deleted=True)
    make_comment(lesson=lesson, parent=comment)

    response = make_client(enrolled).patch(detail_url(comment), {"text": "back"})

    assert response.status_code == 404


def test_put_is_not_allowed(make_client, lesson, enrolled):
    comment = make_comment(lesson=lesson, author=enrolled)

    response = make_client(enrolled).put(detail_url(comment), {"text": "x"})

    assert response.status_code == 405


# --- deleting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("anonymous", 401),
        ("student", 403),
        ("other_tutor", 403),
        ("course_tutor", 204),
        ("admin", 204),
    ],
)
def test_delete_permission_matrix(make_client, course, lesson, kind, expected):
    comment = make_comment(lesson=lesson)

    response = make_client(people(kind, course)).delete(detail_url(comment))

    assert response.status_code == expected
    comment.refresh_from_db()
    assert comment.is_deleted is (expected == 204)


def test_author_deletes_a_comment_without_replies_and_it_disappears(
    make_client, api_client, lesson, enrolled
):
    # given
    comment = make_comment(lesson=lesson, author=enrolled)

    # when
    response = make_client(enrolled).delete(detail_url(comment))

    # then
    assert response.status_code == 204
    assert api_client.get(URL, {"lesson": lesson.slug}).json()["count"] == 0
    assert api_client.get(detail_url(comment)).status_code == 404
    assert make_client(enrolled).delete(detail_url(comment)).status_code == 404
    comment.refresh_from_db()
    assert comment.deleted_at is not None


def test_deleted_comment_with_replies_shows_as_deleted(make_client, api_client, lesson, enrolled):
    # given
    comment = make_comment(lesson=lesson, author=enrolled, text="secret")
    reply = make_comment(lesson=lesson, parent=comment)

    # when
    make_client(enrolled).delete(detail_url(comment))

    # then
    listed = api_client.get(URL, {"lesson": lesson.slug}).json()["results"]
    assert len(listed) == 1
    assert listed[0]["text"] == ""
    assert listed[0]["author"]["id"] == str(enrolled.pk)
    assert listed[0]["replies_count"] == 1
    replies = api_client.get(URL, {"parent": str(comment.pk)}).json()["results"]
    assert [r["id"] for r in replies] == [str(reply.pk)]


def test_deleted_comment_disappears_once_its_last_reply_is_deleted(
    make_client, api_client, lesson, enrolled
):
    # given
    comment = make_comment(lesson=lesson, is_deleted=True)
    reply = make_comment(lesson=lesson, parent=comment, author=enrolled)

    # when
    make_client(enrolled).delete(detail_url(reply))

    # then
    assert api_client.get(URL, {"lesson": lesson.slug}).json()["count"] == 0
    assert api_client.get(URL, {"parent": str(comment.pk)}).status_code == 404


def test_replies_count_counts_visible_replies_only(api_client, lesson):
    comment = make_comment(lesson=lesson)
    make_comment(lesson=lesson, parent=comment)
    make_comment(lesson=lesson, parent=comment, is_deleted=True)
    make_comment(lesson=lesson, parent=comment, is_hidden=True)

    body = api_client.get(detail_url(comment)).json()

    assert body["replies_count"] == 1


# --- moderation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "sees"),
    [
        ("anonymous", False),
        ("student", False),
        ("course_tutor", False),
        ("admin", True),
    ],
)
def test_hidden_comments_show_to_admins_only(make_client, course, lesson, kind, sees):
    # given
    hidden = make_comment(lesson=lesson, is_hidden=True)
    reply_under_hidden = make_comment(lesson=lesson, parent=hidden)
    shown = make_comment(lesson=lesson)
    hidden_reply = make_comment(lesson=lesson, parent=shown, is_hidden=True)
    client = make_client(people(kind, course))

    # when
    top = client.get(URL, {"lesson": lesson.slug}).json()["results"]
    replies = client.get(URL, {"parent": str(shown.pk)}).json()["results"]

    # then
    assert (str(hidden.pk) in [c["id"] for c in top]) is sees
    assert (str(hidden_reply.pk) in [c["id"] for c in replies]) is sees
    assert next(c for c in top if c["id"] == str(shown.pk))["replies_count"] == (1 if sees else 0)
    assert client.get(detail_url(hidden)).status_code == (200 if sees else 404)
    assert client.get(detail_url(reply_under_hidden)).status_code == (200 if sees else 404)


@pytest.mark.parametrize("params", [{"lesson": "a\x00b"}, {"lesson": ""}, {"lesson": "x" * 500}])
def test_list_hostile_lesson_param_is_400(api_client, params):
    response = api_client.get(URL, params)

    assert response.status_code == 400
    assert "lesson" in response.json()
