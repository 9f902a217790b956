"""`/api/courses/reviews/`: every route with its permission matrix (anonymous, user,
enrolled student, refunded student, other tutor, course tutor, admin), bad inputs, the
Review shape and the list's query budget."""

import pytest
from django.core.cache import cache

from conftest import client_for
from courses.models import Course, Review
from courses.services.reviews import review_create, reviews_set_hidden
from courses.tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    ReviewFactory,
)
from users.tests.factories import AdminFactory, StudentFactory, TutorFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/courses/reviews/"
REVIEW_FIELDS = {
    "id",
    "course",
    "author",
    "rating",
    "text",
    "reply",
    "is_edited",
    "created_at",
    "updated_at",
}


@pytest.fixture
def people(course, course_tutor, other_tutor):
    """One caller per row of the permission matrix, around the `course` fixture."""
    enrolled = EnrollmentFactory(course=course).user
    refunded = EnrollmentFactory(course=course, is_active=False).user
    return {
        "anonymous": None,
        "user": UserFactory(),
        "enrolled": enrolled,
        "refunded": refunded,
        "other_tutor": other_tutor,
        "course_tutor": course_tutor,
        "admin": AdminFactory(),
    }


def _detail(review) -> str:
    return f"{URL}{review.pk}/"


def _review(course, rating=4, **kwargs) -> Review:
    author = kwargs.pop("author", None) or EnrollmentFactory(course=course).user
    return review_create(author=author, course=course, rating=rating, **kwargs)


# --- create -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, None),
        ("user", 403, "enrollment_required"),
        ("enrolled", 201, None),
        ("refunded", 403, "enrollment_required"),
        ("other_tutor", 403, "enrollment_required"),
        ("course_tutor", 403, "own_course"),
        ("admin", 403, "enrollment_required"),
    ],
)
def test_create_permission_matrix(people, course, who, status, code):
    response = client_for(people[who]).post(
        URL, {"course": str(course.pk), "rating": 5, "text": "Great"}, format="json"
    )

    assert response.status_code == status, response.content
    if code:
        assert response.json()["code"] == code
    if status == 201:
        body = response.json()
        assert set(body) == REVIEW_FIELDS
        assert body["course"] == str(course.pk) and body["rating"] == 5
        assert body["author"]["id"] == str(people[who].pk)
        assert set(body["author"]) == {"id", "first_name", "last_name", "avatar"}
        assert body["reply"] is None and body["is_edited"] is False
        assert Course.objects.get(pk=course.pk).reviews_count == 1
    else:
        assert not Review.objects.exists()


def test_create_needs_a_verified_email(course):
    student = EnrollmentFactory(course=course, user=StudentFactory(is_email_verified=False)).user

    response = client_for(student).post(URL, {"course": str(course.pk), "rating": 5})

    assert response.status_code == 403 and response.json()["code"] == "email_not_verified"


def test_a_second_review_is_409_already_reviewed(people, course):
    client = client_for(people["enrolled"])
    assert client.post(URL, {"course": str(course.pk), "rating": 5}).status_code == 201

    response = client.post(URL, {"course": str(course.pk), "rating": 1})

    assert response.status_code == 409 and response.json()["code"] == "already_reviewed"
    assert Review.objects.get().rating == 5


def test_text_is_optional_stripped_and_html_kept(people, course):
    client = client_for(people["enrolled"])

    response = client.post(
        URL, {"course": str(course.pk), "rating": 3, "text": "  <b>bold</b>\r\nline  "}
    )

    assert response.status_code == 201
    assert response.json()["text"] == "<b>bold</b>\nline"


@pytest.mark.parametrize("text", [None, "", "   "])
def test_empty_or_null_text_is_stored_as_empty(people, course, text):
    response = client_for(people["enrolled"]).post(
        URL, {"course": str(course.pk), "rating": 3, "text": text}, format="json"
    )

    assert response.status_code == 201 and response.json()["text"] == ""


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"rating": 5}, "course"),
        ({"course": "not-a-uuid", "rating": 5}, "course"),
        ({"course": "00000000-0000-0000-0000-000000000000", "rating": 5}, "course"),
        ({"rating": None}, "rating"),
        ({}, "rating"),
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": 4.5}, "rating"),
        ({"rating": "1e0"}, "rating"),
        ({"rating": "9" * 40}, "rating"),
        ({"rating": True}, "rating"),
        ({"rating": [5]}, "rating"),
        ({"rating": 5, "text": "x" * 5001}, "text"),
        ({"rating": 5, "text": "bad\x00byte"}, "text"),
        ({"rating": 5, "text": "bell\x07"}, "text"),
        ({"rating": 5, "text": 42}, "text"),
        ({"rating": 5, "text": {"a": 1}}, "text"),
    ],
)
def test_create_bad_input_is_400_on_the_field(people, course, payload, field):
    body = {**({} if field == "course" else {"course": str(course.pk)}), **payload}

    response = client_for(people["enrolled"]).post(URL, body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()


def test_create_on_a_draft_the_caller_cannot_see_is_400_on_course(draft):
    student = StudentFactory()

    response = client_for(student).post(URL, {"course": str(draft.pk), "rating": 5})

    assert response.status_code == 400 and "course" in response.json()


def test_an_enrolled_student_may_review_a_draft(draft):
    student = EnrollmentFactory(course=draft).user

    response = client_for(student).post(URL, {"course": str(draft.pk), "rating": 5})

    assert response.status_code == 201


def test_a_text_of_5000_characters_is_fine(people, course):
    response = client_for(people["enrolled"]).post(
        URL, {"course": str(course.pk), "rating": 5, "text": "é" * 5000}, format="json"
    )

    assert response.status_code == 201


def test_posting_is_throttled_per_user(settings, course):
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "reviews": "2/min",
        },
    }
    courses = [CourseFactory() for _ in range(3)]
    student = StudentFactory()
    for each in courses:
        EnrollmentFactory(course=each, user=student)
    client = client_for(student)

    statuses = [client.post(URL, {"course": str(c.pk), "rating": 5}).status_code for c in courses]

    assert statuses == [201, 201, 429]
    # reads are not counted
    assert client.get(URL, {"course": str(courses[0].pk)}).status_code == 200


# --- list and retrieve --------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["anonymous", "user", "enrolled", "refunded", "other_tutor", "course_tutor", "admin"]
)
def test_anyone_reads_the_reviews_of_a_published_course(people, course, who):
    review = _review(course)

    listing = client_for(people[who]).get(URL, {"course": course.slug})
    detail = client_for(people[who]).get(_detail(review))

    assert listing.status_code == 200 and listing.json()["count"] == 1
    assert detail.status_code == 200 and detail.json()["id"] == str(review.pk)


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("anonymous", False),
        ("user", False),
        ("enrolled", True),
        ("refunded", False),
        ("other_tutor", False),
        ("course_tutor", True),
        ("admin", True),
    ],
)
def test_a_drafts_reviews_follow_the_draft_rule(people, course, who, visible):
    review = _review(course, author=people["enrolled"])
    Course.objects.filter(pk=course.pk).update(is_published=False)

    listing = client_for(people[who]).get(URL, {"course": str(course.pk)})
    detail = client_for(people[who]).get(_detail(review))

    assert listing.status_code == (200 if visible else 404)
    assert detail.status_code == (200 if visible else 404)


def test_list_needs_course():
    response = client_for(None).get(URL)

    assert response.status_code == 400 and "course" in response.json()


@pytest.mark.parametrize("value", ["nope", "00000000-0000-0000-0000-000000000000", "x" * 300])
def test_an_unknown_course_is_404_or_400(value):
    response = client_for(None).get(URL, {"course": value})

    assert response.status_code in (400, 404)


def test_list_is_newest_first_and_filters_by_rating(course):
    old = _review(course, rating=5)
    new = _review(course, rating=2)
    Review.objects.filter(pk=old.pk).update(created_at=new.created_at.replace(year=2020))

    everything = client_for(None).get(URL, {"course": course.slug}).json()
    fives = client_for(None).get(URL, {"course": course.slug, "rating": "5"}).json()
    no_filter = client_for(None).get(URL, {"course": course.slug, "rating": ""}).json()

    assert [r["id"] for r in everything["results"]] == [str(new.pk), str(old.pk)]
    assert [r["id"] for r in fives["results"]] == [str(old.pk)]
    assert no_filter["count"] == 2


@pytest.mark.parametrize("value", ["0", "6", "abc", "1e0", "4.5", "9" * 40])
def test_a_bad_rating_filter_is_400(course, value):
    response = client_for(None).get(URL, {"course": course.slug, "rating": value})

    assert response.status_code == 400 and "rating" in response.json()


def test_hidden_reviews_are_for_admins_only(people, course):
    review = _review(course, author=people["enrolled"])
    reviews_set_hidden(reviews=[review], hidden=True)

    for who in ("anonymous", "enrolled", "course_tutor"):
        client = client_for(people[who])
        assert client.get(URL, {"course": course.slug}).json()["count"] == 0
        assert client.get(_detail(review)).status_code == 404
    admin = client_for(people["admin"])
    assert admin.get(URL, {"course": course.slug}).json()["count"] == 1
    assert admin.get(_detail(review)).status_code == 200


@pytest.mark.parametrize("pk", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_unknown_review_is_404(pk):
    assert client_for(None).get(f"{URL}{pk}/").status_code == 404


@pytest.mark.parametrize("page_size", [5, 50])
def test_the_list_costs_a_fixed_number_of_queries(django_assert_max_num_queries, course, page_size):
    tutor = course.tutors.get()
    for index in range(page_size):
        review = ReviewFactory(course=course, rating=1 + index % 5)
        if index % 2:
            review.reply_text, review.reply_author = "Thanks", tutor
            review.replied_at = review.reply_updated_at = review.created_at
            review.save()
    client = client_for(StudentFactory())

    with django_assert_max_num_queries(4):  # user, course, count, page
        response = client.get(URL, {"course": course.slug, "page_size": page_size})

    assert len(response.json()["results"]) == page_size
    replied = [r for r in response.json()["results"] if r["reply"]]
    assert replied and replied[0]["reply"]["author"]["id"] == str(tutor.pk)


# --- update and delete --------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("user", 403),
        ("enrolled", 200),
        ("refunded", 403),
        ("other_tutor", 403),
        ("course_tutor", 403),
        ("admin", 403),
    ],
)
def test_patch_permission_matrix(people, course, who, status):
    review = _review(course, rating=5, author=people["enrolled"])

    response = client_for(people[who]).patch(
        _detail(review), {"rating": 2, "text": "Meh"}, format="json"
    )

    assert response.status_code == status
    review.refresh_from_db()
    if status == 200:
        assert response.json()["is_edited"] is True and response.json()["rating"] == 2
        assert Course.objects.get(pk=course.pk).rating == 2
    else:
        assert review.rating == 5 and not review.is_edited


def test_a_refunded_author_may_still_edit_and_delete(course):
    enrollment = EnrollmentFactory(course=course)
    review = _review(course, rating=5, author=enrollment.user)
    enrollment.is_active = False
    enrollment.save()
    client = client_for(enrollment.user)

    assert client.patch(_detail(review), {"text": "Later"}, format="json").status_code == 200
    assert client.delete(_detail(review)).status_code == 204
    assert Course.objects.get(pk=course.pk).reviews_count == 0


@pytest.mark.parametrize(
    "payload", [{"rating": 0}, {"rating": "5e0"}, {"text": "x" * 5001}, {"text": "\x1b[31m"}]
)
def test_patch_bad_input_is_400(people, course, payload):
    review = _review(course, author=people["enrolled"])

    response = client_for(people["enrolled"]).patch(_detail(review), payload, format="json")

    assert response.status_code == 400


def test_an_empty_patch_is_a_no_op(people, course):
    review = _review(course, author=people["enrolled"])

    response = client_for(people["enrolled"]).patch(_detail(review), {}, format="json")

    assert response.status_code == 200 and response.json()["is_edited"] is False


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("user", 403),
        ("enrolled", 204),
        ("refunded", 403),
        ("other_tutor", 403),
        ("course_tutor", 403),
        ("admin", 204),
    ],
)
def test_delete_permission_matrix(people, course, who, status):
    review = _review(course, author=people["enrolled"])

    response = client_for(people[who]).delete(_detail(review))

    assert response.status_code == status
    assert Review.objects.filter(pk=review.pk).exists() == (status != 204)
    assert Course.objects.get(pk=course.pk).reviews_count == (0 if status == 204 else 1)


def test_post_on_a_review_is_405(people, course):
    review = _review(course, author=people["enrolled"])

    assert client_for(people["enrolled"]).post(_detail(review), {}).status_code == 405


# --- reply --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("user", 403),
        ("enrolled", 403),
        ("refunded", 403),
        ("other_tutor", 403),
        ("course_tutor", 200),
        ("admin", 200),
    ],
)
def test_reply_permission_matrix(people, course, who, status):
    review = _review(course, author=people["enrolled"])
    client = client_for(people[who])

    posted = client.post(f"{_detail(review)}reply/", {"text": "Thank you!"}, format="json")
    removed = client.delete(f"{_detail(review)}reply/")

    assert posted.status_code == status and removed.status_code == status
    if status == 200:
        reply = posted.json()["reply"]
        assert set(reply) == {"text", "author", "created_at", "updated_at"}
        assert reply["text"] == "Thank you!" and reply["author"]["id"] == str(people[who].pk)
        assert removed.json()["reply"] is None


def test_posting_the_reply_again_replaces_it(people, course):
    review = _review(course, author=people["enrolled"])
    client = client_for(people["course_tutor"])

    first = client.post(f"{_detail(review)}reply/", {"text": "One"}, format="json").json()
    second = client.post(f"{_detail(review)}reply/", {"text": "Two"}, format="json").json()

    assert second["reply"]["text"] == "Two"
    assert second["reply"]["created_at"] == first["reply"]["created_at"]
    assert second["reply"]["updated_at"] >= first["reply"]["updated_at"]
    assert second["is_edited"] is False
    listed = client_for(None).get(URL, {"course": course.slug}).json()["results"][0]
    assert listed["reply"]["text"] == "Two"


@pytest.mark.parametrize("payload", [{}, {"text": ""}, {"text": "   "}, {"text": "x" * 5001}])
def test_a_reply_needs_1_to_5000_characters(people, course, payload):
    review = _review(course, author=people["enrolled"])

    response = client_for(people["course_tutor"]).post(
        f"{_detail(review)}reply/", payload, format="json"
    )

    assert response.status_code == 400 and "text" in response.json()


def test_a_demoted_tutor_may_not_reply(people, course, course_tutor):
    review = _review(course, author=people["enrolled"])
    course_tutor.role = 3
    course_tutor.save()

    response = client_for(course_tutor).post(f"{_detail(review)}reply/", {"text": "Hi"})

    assert response.status_code == 403


def test_the_reply_route_needs_a_uuid():
    response = client_for(TutorFactory()).post(f"{URL}nope/reply/", {"text": "x"})

    assert response.status_code == 404


def test_a_strangers_patch_is_403_before_its_body_is_validated(people, course):
    review = _review(course, author=people["enrolled"])

    response = client_for(people["user"]).patch(_detail(review), {"rating": 0}, format="json")

    assert response.status_code == 403
