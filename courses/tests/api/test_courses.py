"""GET/POST /api/courses/courses/ and GET/PATCH/DELETE /api/courses/courses/{slug}/."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import Course, CoursePrice, Enrollment, Lesson
from courses.tests.factories import (
    CategoryFactory,
    CourseFactory,
    CoursePartFactory,
    CoursePriceFactory,
    DraftCourseFactory,
    EnrollmentFactory,
    LessonCompletionFactory,
    LessonFactory,
)
from payments.models import Order, PaymentStatus
from users.tests.factories import StudentFactory, TutorFactory

pytestmark = pytest.mark.django_db

LIST = "/api/courses/courses/"


def detail(course) -> str:
    return f"/api/courses/courses/{course.slug}/"


def slugs(response) -> list[str]:
    return [row["slug"] for row in response.json()["results"]]


# --- List -------------------------------------------------------------------------------


def test_list_shows_published_courses_only_to_everyone(
    course, draft, make_client, course_tutor, admin_user
):
    for caller in (None, course_tutor, admin_user):
        response = make_client(caller).get(LIST)

        assert response.status_code == 200
        assert slugs(response) == [course.slug]


def test_list_summary_has_the_contract_fields(course, api_client):
    response = api_client.get(LIST)

    row = response.json()["results"][0]
    assert set(row) == {
        "id", "slug", "title", "description", "thumbnail", "price", "currency", "is_free",
        "is_published", "category", "tutors", "parts", "lessons_count", "total_duration",
        "students_count", "rating", "reviews_count", "is_enrolled", "created_at", "updated_at",
        "published_at",
    }  # fmt: skip
    assert row["price"] == "49.99"
    assert row["is_free"] is False
    assert row["lessons_count"] == 2
    assert row["total_duration"] == "01:01:05"
    assert set(row["category"]) == {"id", "slug", "name"}
    assert set(row["tutors"][0]) == {"id", "first_name", "last_name", "avatar"}
    assert set(row["parts"][0]) == {"id", "slug", "title", "order"}
    assert row["is_enrolled"] is False


def test_list_is_enrolled_for_an_active_enrollment_only(course, make_client):
    enrolled, refunded = StudentFactory(), StudentFactory()
    EnrollmentFactory(user=enrolled, course=course)
    EnrollmentFactory(user=refunded, course=course, is_active=False)

    assert make_client(enrolled).get(LIST).json()["results"][0]["is_enrolled"] is True
    assert make_client(refunded).get(LIST).json()["results"][0]["is_enrolled"] is False


def test_price_is_formatted_for_its_currency(api_client):
    CourseFactory(price=Decimal("5000"), currency="jpy", slug="yen")
    CourseFactory(price=Decimal("1.25"), currency="kwd", slug="dinar")
    CourseFactory(price=Decimal("0"), slug="free")

    rows = {row["slug"]: row for row in api_client.get(LIST).json()["results"]}

    assert rows["yen"]["price"] == "5000"
    assert rows["dinar"]["price"] == "1.250"
    assert rows["free"]["price"] == "0.00"
    assert rows["free"]["is_free"] is True


def test_filter_by_category_id_or_slug(api_client):
    wanted = CourseFactory()
    CourseFactory()

    by_id = api_client.get(LIST, {"category": str(wanted.category_id)})
    by_slug = api_client.get(LIST, {"category": wanted.category.slug})
    unknown = api_client.get(LIST, {"category": "no-such-category"})

    assert slugs(by_id) == [wanted.slug]
    assert slugs(by_slug) == [wanted.slug]
    assert unknown.status_code == 200
    assert slugs(unknown) == []


def test_filter_by_tutor(api_client):
    tutor = TutorFactory()
    wanted = CourseFactory(tutors=[tutor, TutorFactory()])
    CourseFactory()

    response = api_client.get(LIST, {"tutor": str(tutor.id)})

    assert slugs(response) == [wanted.slug]


def test_filter_is_free_and_prices(api_client):
    free = CourseFactory(price=0)
    cheap = CourseFactory(price=Decimal("10"))
    dear = CourseFactory(price=Decimal("100"))

    assert slugs(api_client.get(LIST, {"is_free": "true"})) == [free.slug]
    assert set(slugs(api_client.get(LIST, {"is_free": "false"}))) == {cheap.slug, dear.slug}
    assert set(slugs(api_client.get(LIST, {"min_price": "10"}))) == {cheap.slug, dear.slug}
    assert set(slugs(api_client.get(LIST, {"max_price": "10"}))) == {free.slug, cheap.slug}
    assert slugs(api_client.get(LIST, {"min_price": "5", "max_price": "50"})) == [cheap.slug]


@pytest.mark.parametrize(
    "params",
    [
        {"tutor": "not-a-uuid"},
        {"min_price": "abc"},
        {"min_price": "-1"},
        {"max_price": "1e400"},
        {"max_price": "99999999999999"},
        {"min_price": "NaN"},
        {"is_free": "perhaps"},
        {"page": "0"},
        {"page": "abc"},
    ],
)
def test_bad_filter_values_are_4xx(api_client, course, params):
    response = api_client.get(LIST, params)

    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    ("term", "field"),
    [
        ("Quantum", "title"),
        ("entanglement", "description"),
        ("Zebedee", "tutor first name"),
        ("Quackenbush", "tutor last name"),
        ("Astrophysics", "category name"),
    ],
)
def test_search_covers_title_description_tutor_names_and_category(api_client, term, field):
    wanted = CourseFactory(
        title="Quantum basics",
        description="All about entanglement.",
        category=CategoryFactory(name="Astrophysics"),
        tutors=[
            TutorFactory(first_name="Zebedee", last_name="Quackenbush"),
            TutorFactory(first_name="Zebedee", last_name="Other"),
        ],
    )
    CourseFactory(title="Cooking")

    response = api_client.get(LIST, {"search": term})

    assert slugs(response) == [wanted.slug], field


def test_search_does_not_find_drafts(api_client):
    DraftCourseFactory(title="Secret quantum")

    assert slugs(api_client.get(LIST, {"search": "quantum"})) == []


@pytest.mark.parametrize(
    ("ordering", "key"),
    [
        ("price", lambda c: c.price),
        ("-price", lambda c: -c.price),
        ("title", lambda c: c.title),
        ("students_count", lambda c: c.students_count),
        ("-students_count", lambda c: -c.students_count),
        ("created_at", lambda c: c.created_at),
        ("published_at", lambda c: c.published_at),
        ("-published_at", lambda c: -c.published_at.timestamp()),
    ],
)
def test_ordering(api_client, ordering, key):
    now = timezone.now()
    courses = [
        CourseFactory(
            title=title,
            price=Decimal(price),
            students_count=students,
            published_at=now - timedelta(days=days),
        )
        for title, price, students, days in [
            ("Beta", "20", 5, 3),
            ("Alpha", "30", 1, 1),
            ("Gamma", "10", 9, 2),
        ]
    ]

    response = api_client.get(LIST, {"ordering": ordering})

    assert slugs(response) == [c.slug for c in sorted(courses, key=key)]


def test_default_ordering_is_newest_publication_first(api_client):
    now = timezone.now()
    old = CourseFactory(published_at=now - timedelta(days=5))
    new = CourseFactory(published_at=now)

    assert slugs(api_client.get(LIST)) == [new.slug, old.slug]


def test_unknown_ordering_is_ignored(api_client, course):
    response = api_client.get(LIST, {"ordering": "password"})

    assert response.status_code == 200


def test_bad_token_is_401_even_on_the_public_list(api_client, course):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert api_client.get(LIST).status_code == 401


def _make_courses(n: int) -> None:
    for _ in range(n):
        course = CourseFactory(tutors=[TutorFactory(), TutorFactory()])
        CoursePriceFactory(course=course)
        for order in range(2):
            part = CoursePartFactory(course=course, order=order)
            LessonFactory.create_batch(2, part=part)


@pytest.mark.parametrize("n", [2, 12])
@pytest.mark.parametrize("signed_in", [False, True])
def test_list_query_budget(make_client, django_assert_max_num_queries, n, signed_in):
    _make_courses(n)
    student = StudentFactory()
    EnrollmentFactory(user=student, course=Course.objects.first())
    client = make_client(student if signed_in else None)

    with django_assert_max_num_queries(6):
        response = client.get(LIST)

    assert response.json()["count"] == n


# --- Detail -----------------------------------------------------------------------------


def test_detail_has_nested_parts_lessons_prices_and_progress(course, api_client):
    CoursePriceFactory(course=course, currency="eur", price=Decimal("45"))

    response = api_client.get(detail(course))

    body = response.json()
    assert response.status_code == 200
    assert body["prices"] == [
        {"currency": "usd", "price": "49.99"},
        {"currency": "eur", "price": "45.00"},
    ]
    assert body["progress"] is None
    part = body["parts"][0]
    assert set(part) == {"id", "slug", "title", "description", "order", "lessons"}
    assert [lesson["order"] for lesson in part["lessons"]] == [1, 2]
    lesson = part["lessons"][0]
    assert set(lesson) == {
        "id", "slug", "title", "description", "order", "duration", "is_free_preview",
        "has_video", "is_completed",
    }  # fmt: skip
    assert lesson["duration"] == "00:01:05"


def test_detail_progress_and_completion_for_an_enrolled_student(course, make_client):
    student = StudentFactory()
    EnrollmentFactory(user=student, course=course)
    first = Lesson.objects.filter(part__course=course).order_by("order").first()
    LessonCompletionFactory(user=student, lesson=first)

    body = make_client(student).get(detail(course)).json()

    assert body["is_enrolled"] is True
    assert body["progress"] == 50
    assert [x["is_completed"] for x in body["parts"][0]["lessons"]] == [True, False]


@pytest.mark.parametrize("who", ["course_tutor", "admin_user"])
def test_video_ids_are_shown_to_course_tutors_and_admins(course, make_client, request, who):
    body = make_client(request.getfixturevalue(who)).get(detail(course)).json()

    assert all("video_service_id" in x for x in body["parts"][0]["lessons"])


@pytest.mark.parametrize("who", [None, "student", "other_tutor", "user"])
def test_video_ids_are_hidden_from_everyone_else(course, make_client, request, who):
    caller = request.getfixturevalue(who) if who else None
    EnrollmentFactory(user=StudentFactory(), course=course)

    body = make_client(caller).get(detail(course)).json()

    assert not any("video_service_id" in x for x in body["parts"][0]["lessons"])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 404),
        ("student", 404),
        ("other_tutor", 404),
        ("course_tutor", 200),
        ("admin_user", 200),
    ],
)
def test_draft_detail_is_404_except_for_its_tutors_and_admins(
    draft, make_client, request, who, status
):
    caller = request.getfixturevalue(who) if who else None

    assert make_client(caller).get(detail(draft)).status_code == status


def test_unknown_course_is_404(api_client, db):
    response = api_client.get("/api/courses/courses/nope/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("n", [1, 6])
@pytest.mark.parametrize("signed_in", [False, True])
def test_detail_query_budget(make_client, django_assert_max_num_queries, n, signed_in):
    course = CourseFactory(tutors=TutorFactory.create_batch(n))
    CoursePriceFactory(course=course)
    for order in range(n):
        part = CoursePartFactory(course=course, order=order)
        LessonFactory.create_batch(n, part=part)
    student = StudentFactory()
    EnrollmentFactory(user=student, course=course)
    client = make_client(student if signed_in else None)

    with django_assert_max_num_queries(8):
        response = client.get(detail(course))

    assert response.json()["lessons_count"] == n * n


# --- Create -----------------------------------------------------------------------------


def test_tutor_creates_a_course_and_becomes_its_tutor(make_client, course_tutor):
    category = CategoryFactory()

    response = make_client(course_tutor).post(
        LIST,
        {
            "title": "Node.js for everyone",
            "description": "Hi",
            "category": str(category.id),
            "price": "19.99",
            "currency": "EUR",
            "prices": [{"currency": "usd", "price": "21.00"}],
        },
    )

    body = response.json()
    assert response.status_code == 201
    assert body["slug"] == "node-js-for-everyone"
    assert body["tutors"][0]["id"] == str(course_tutor.id)
    assert body["currency"] == "eur"
    assert body["prices"] == [
        {"currency": "eur", "price": "19.99"},
        {"currency": "usd", "price": "21.00"},
    ]
    assert body["is_published"] is False


def test_same_title_gets_a_suffixed_slug(make_client, course_tutor):
    client = make_client(course_tutor)

    first = client.post(LIST, {"title": "Algebra"}).json()["slug"]
    second = client.post(LIST, {"title": "Algebra"}).json()["slug"]

    assert first == "algebra"
    assert second.startswith("algebra-")
    assert second != first


def test_publishing_a_new_course_is_course_empty(make_client, course_tutor):
    response = make_client(course_tutor).post(LIST, {"title": "Empty", "is_published": True})

    assert response.status_code == 400
    assert response.json()["code"] == "course_empty"
    assert not Course.objects.filter(title="Empty").exists()


@pytest.mark.parametrize(
    ("who", "status"), [(None, 401), ("user", 403), ("student", 403), ("admin_user", 201)]
)
def test_create_permissions(make_client, request, who, status):
    caller = request.getfixturevalue(who) if who else None

    assert make_client(caller).post(LIST, {"title": "X"}).status_code == status


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": ""}, "title"),
        ({}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "X", "category": "00000000-0000-0000-0000-000000000000"}, "category"),
        ({"title": "X", "category": "nope"}, "category"),
        ({"title": "X", "price": "-1"}, "price"),
        ({"title": "X", "price": "abc"}, "price"),
        ({"title": "X", "price": "100000000"}, "price"),
        ({"title": "X", "price": "NaN"}, "price"),
        ({"title": "X", "price": "0.10"}, "price"),
        ({"title": "X", "price": "10.005"}, "price"),
        ({"title": "X", "price": "10.5", "currency": "jpy"}, "price"),
        ({"title": "X", "currency": "xyz"}, "currency"),
        ({"title": "X", "is_published": "maybe"}, "is_published"),
        ({"title": "X", "prices": [{"currency": "xyz", "price": "1"}]}, "prices"),
        ({"title": "X", "prices": [{"currency": "eur", "price": "-1"}]}, "prices"),
        ({"title": "X", "prices": "not json"}, "prices"),
        (
            {
                "title": "X",
                "prices": [{"currency": "eur", "price": 5}, {"currency": "eur", "price": 6}],
            },
            "prices",
        ),
        ({"title": "X", "thumbnail": "not a file"}, "thumbnail"),
    ],
)
def test_create_bad_inputs_are_400_on_the_field(make_client, course_tutor, payload, field):
    response = make_client(course_tutor).post(LIST, payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert Course.objects.count() == 0


def test_only_admins_choose_tutors_on_create(make_client, course_tutor, other_tutor):
    response = make_client(course_tutor).post(LIST, {"title": "X", "tutors": [str(other_tutor.id)]})

    assert response.status_code == 403
    assert Course.objects.count() == 0


def test_multipart_create_with_thumbnail_and_prices_as_json(make_client, course_tutor, png_upload):
    response = make_client(course_tutor).post(
        LIST,
        {
            "title": "Pictures",
            "price": "10",
            "thumbnail": png_upload,
            "prices": '[{"currency": "gbp", "price": "8"}]',
        },
        format="multipart",
    )

    body = response.json()
    assert response.status_code == 201
    assert body["thumbnail"].startswith("http://testserver/media/thumbnails/")
    assert body["prices"][1] == {"currency": "gbp", "price": "8.00"}


# --- Update -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("student", 403),
        ("other_tutor", 403),
        ("course_tutor", 200),
        ("admin_user", 200),
    ],
)
def test_patch_permissions(course, make_client, request, who, status):
    caller = request.getfixturevalue(who) if who else None

    response = make_client(caller).patch(detail(course), {"title": "Renamed"})

    assert response.status_code == status
    course.refresh_from_db()
    assert (course.title == "Renamed") is (status == 200)


@pytest.mark.parametrize(("who", "status"), [("other_tutor", 404), ("student", 404)])
def test_patch_someone_elses_draft_is_404(draft, make_client, request, who, status):
    response = make_client(request.getfixturevalue(who)).patch(detail(draft), {"title": "X"})

    assert response.status_code == status


def test_renaming_keeps_the_slug(course, make_client, course_tutor):
    old_slug = course.slug

    body = make_client(course_tutor).patch(detail(course), {"title": "Brand new"}).json()

    assert body["slug"] == old_slug
    assert body["title"] == "Brand new"


def test_empty_patch_is_a_noop(course, make_client, course_tutor):
    response = make_client(course_tutor).patch(detail(course), {})

    assert response.status_code == 200
    assert response.json()["title"] == course.title


def test_publishing_needs_a_lesson(make_client, course_tutor):
    empty = DraftCourseFactory(tutors=[course_tutor])
    CoursePartFactory(course=empty)

    response = make_client(course_tutor).patch(detail(empty), {"is_published": True})

    assert response.status_code == 400
    assert response.json()["code"] == "course_empty"
    empty.refresh_from_db()
    assert empty.is_published is False


def test_first_publish_sets_published_at_and_keeps_it(draft, make_client, course_tutor):
    client = make_client(course_tutor)

    first = client.patch(detail(draft), {"is_published": "true"}, format="multipart").json()
    client.patch(detail(draft), {"is_published": False})
    again = client.patch(detail(draft), {"is_published": True}).json()

    assert first["is_published"] is True
    assert first["published_at"] is not None
    assert again["published_at"] == first["published_at"]


def test_multipart_category_blank_means_none(course, make_client, course_tutor):
    response = make_client(course_tutor).patch(detail(course), {"category": ""}, format="multipart")

    assert response.status_code == 200
    assert response.json()["category"] is None


def test_admin_sets_tutors(course, make_client, admin_user, other_tutor):
    response = make_client(admin_user).patch(detail(course), {"tutors": [str(other_tutor.id)]})

    assert response.status_code == 200
    assert [t["id"] for t in response.json()["tutors"]] == [str(other_tutor.id)]


def test_tutor_cannot_change_tutors(course, make_client, course_tutor, other_tutor):
    response = make_client(course_tutor).patch(
        detail(course), {"tutors": [str(other_tutor.id)], "title": "Changed"}
    )

    assert response.status_code == 403
    course.refresh_from_db()
    assert course.title != "Changed"
    assert list(course.tutors.all()) == [course_tutor]


def test_tutor_may_echo_the_same_tutors_back(course, make_client, course_tutor):
    # given: an edit form that sends the whole course back, tutors unchanged
    body = {"tutors": [str(course_tutor.id)], "title": "Changed"}

    # when
    response = make_client(course_tutor).patch(detail(course), body)

    # then
    assert response.status_code == 200
    course.refresh_from_db()
    assert course.title == "Changed"
    assert list(course.tutors.all()) == [course_tutor]


@pytest.mark.parametrize(
    "tutors", [[], ["not-a-uuid"], ["00000000-0000-0000-0000-000000000000"], "student"]
)
def test_admin_bad_tutors_are_400(course, make_client, admin_user, student, tutors):
    if tutors == "student":
        tutors = [str(student.id)]

    response = make_client(admin_user).patch(detail(course), {"tutors": tutors})

    assert response.status_code == 400
    assert "tutors" in response.json()


def test_patch_replaces_extra_prices(course, make_client, course_tutor):
    CoursePriceFactory(course=course, currency="eur")

    body = (
        make_client(course_tutor)
        .patch(
            detail(course),
            {"prices": [{"currency": "usd", "price": "49.99"}, {"currency": "gbp", "price": "40"}]},
        )
        .json()
    )

    assert body["prices"] == [
        {"currency": "usd", "price": "49.99"},
        {"currency": "gbp", "price": "40.00"},
    ]


@pytest.mark.parametrize(
    "payload",
    [
        {"price": "-5"},
        {"price": "abc"},
        {"price": "1000000000"},
        {"currency": "zzz"},
        {"currency": "jpy"},  # 49.99 is not a whole number of yen
        {"category": "00000000-0000-0000-0000-000000000000"},
        {"title": ""},
        {"title": None},
        {"is_published": "sometimes"},
    ],
)
def test_patch_bad_inputs_change_nothing(course, make_client, course_tutor, payload):
    before = Course.objects.values().get(pk=course.pk)

    response = make_client(course_tutor).patch(detail(course), payload)

    assert response.status_code == 400
    assert Course.objects.values().get(pk=course.pk) == before


def test_put_is_not_allowed(course, make_client, course_tutor):
    response = make_client(course_tutor).put(detail(course), {"title": "X"})

    assert response.status_code == 405


# --- Delete -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("student", 403),
        ("other_tutor", 403),
        ("course_tutor", 204),
        ("admin_user", 204),
    ],
)
def test_delete_permissions(course, make_client, request, who, status):
    caller = request.getfixturevalue(who) if who else None

    response = make_client(caller).delete(detail(course))

    assert response.status_code == status
    assert Course.objects.filter(pk=course.pk).exists() is (status != 204)


def test_delete_cascades_parts_and_lessons(course, make_client, course_tutor):
    make_client(course_tutor).delete(detail(course))

    assert not Lesson.objects.filter(part__course_id=course.pk).exists()


@pytest.mark.parametrize("is_active", [True, False])
def test_delete_with_an_enrollment_is_409(course, make_client, course_tutor, is_active):
    EnrollmentFactory(course=course, is_active=is_active)

    response = make_client(course_tutor).delete(detail(course))

    assert response.status_code == 409
    assert response.json()["code"] == "course_has_students"
    assert Course.objects.filter(pk=course.pk).exists()


def test_delete_with_a_completed_order_is_409(course, make_client, course_tutor, student):
    Order.objects.create(
        user=student, course=course, amount=course.price, currency="usd",
        status=PaymentStatus.COMPLETED,
    )  # fmt: skip

    response = make_client(course_tutor).delete(detail(course))

    assert response.status_code == 409
    assert response.json()["code"] == "course_has_students"


def test_delete_with_only_a_pending_order_removes_it(course, make_client, course_tutor, student):
    Order.objects.create(user=student, course=course, amount=course.price, currency="usd")

    response = make_client(course_tutor).delete(detail(course))

    assert response.status_code == 204
    assert not Order.objects.exists()
    assert not Enrollment.objects.exists()
    assert not CoursePrice.objects.exists()


@pytest.mark.parametrize(
    "params",
    [{"search": "a\x00b"}, {"category": "x\x00"}, {"search": "\x00"}, {"ordering": "\x00"}],
)
def test_nul_characters_in_query_params_are_not_a_500(api_client, course, params):
    response = api_client.get(LIST, params)

    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "path",
    [
        "/api/courses/courses/a%00b/",
        "/api/courses/lessons/%C3%A9/",
        "/api/courses/course-parts/x%00/",
        "/api/courses/categories/%00/",
    ],
)
def test_odd_slugs_are_404(api_client, db, path):
    assert api_client.get(path).status_code == 404
