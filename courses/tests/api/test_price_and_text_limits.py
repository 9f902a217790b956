"""Prices every currency can charge exactly, and text that fits its column."""

import pytest
from django.test import Client

from courses.models import Category, Course
from courses.tests.factories import CourseFactory, CoursePriceFactory
from users.tests.factories import AdminFactory

pytestmark = pytest.mark.django_db

COURSES = "/api/courses/courses/"


# --- Three-decimal currencies and extra-currency minimums (5) --------------------------


@pytest.mark.parametrize("currency", ["bhd", "jod", "kwd", "omr", "tnd"])
def test_a_three_decimal_price_whose_third_decimal_is_not_0_is_400(make_client, tutor, currency):
    response = make_client(tutor).post(
        COURSES, {"title": "T", "price": "1.255", "currency": currency}, format="json"
    )

    assert response.status_code == 400
    assert "price" in response.json()


def test_a_three_decimal_price_ending_in_0_is_kept_exactly(make_client, tutor):
    response = make_client(tutor).post(
        COURSES, {"title": "T", "price": "1.250", "currency": "kwd"}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["price"] == "1.250"


def test_a_three_decimal_price_is_checked_on_patch_json_and_multipart(make_client, tutor):
    course = CourseFactory(tutors=[tutor], price=2, currency="kwd")
    client = make_client(tutor)
    path = f"{COURSES}{course.slug}/"

    as_json = client.patch(path, {"price": "1.255"}, format="json")
    as_form = client.patch(path, {"price": "1.255"}, format="multipart")

    assert (as_json.status_code, as_form.status_code) == (400, 400)
    assert "price" in as_json.json() and "price" in as_form.json()


def test_a_three_decimal_extra_price_is_checked_in_prices(make_client, tutor):
    client = make_client(tutor)
    prices = [{"currency": "kwd", "price": "3.005"}]

    as_json = client.post(COURSES, {"title": "T", "price": "10", "prices": prices}, format="json")
    as_form = client.post(
        COURSES,
        {"title": "T", "price": "10", "prices": '[{"currency": "kwd", "price": "3.005"}]'},
        format="multipart",
    )

    assert (as_json.status_code, as_form.status_code) == (400, 400)
    assert "prices" in as_json.json() and "prices" in as_form.json()


def test_an_extra_price_of_0_on_a_paid_course_is_400(make_client, tutor):
    response = make_client(tutor).post(
        COURSES,
        {"title": "T", "price": "10", "prices": [{"currency": "eur", "price": "0"}]},
        format="json",
    )

    assert response.status_code == 400
    assert "prices" in response.json()


def test_an_extra_price_under_stripes_minimum_is_400(make_client, tutor):
    response = make_client(tutor).post(
        COURSES,
        {"title": "T", "price": "10", "prices": [{"currency": "eur", "price": "0.10"}]},
        format="json",
    )

    assert response.status_code == 400
    assert "prices" in response.json()


def test_making_a_course_paid_with_a_stored_free_extra_price_is_400(make_client, tutor):
    course = CourseFactory(tutors=[tutor], price=0, currency="usd")
    CoursePriceFactory(course=course, currency="eur", price=0)

    response = make_client(tutor).patch(f"{COURSES}{course.slug}/", {"price": "10"}, format="json")

    assert response.status_code == 400
    assert "prices" in response.json()


def test_a_free_course_may_keep_free_extra_prices(make_client, tutor):
    response = make_client(tutor).post(
        COURSES,
        {"title": "T", "price": "0", "prices": [{"currency": "eur", "price": "0"}]},
        format="json",
    )

    assert response.status_code == 201, response.json()


@pytest.fixture
def staff():
    client = Client()
    client.force_login(AdminFactory(is_superuser=True))
    return client


def _management(prefix: str, total: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


@pytest.mark.parametrize(
    ("price", "currency", "extra_currency", "extra_price"),
    [
        ("1.255", "kwd", "eur", "5.00"),
        ("10.00", "usd", "eur", "0"),
        ("10.00", "usd", "kwd", "1.005"),
    ],
)
def test_the_admin_course_form_applies_the_same_price_rules(
    staff, price, currency, extra_currency, extra_price
):
    response = staff.post(
        "/admin/courses/course/add/",
        {
            "title": "Admin course",
            "slug": "admin-course",
            "price": price,
            "currency": currency,
            **_management("prices", 1),
            "prices-0-currency": extra_currency,
            "prices-0-price": extra_price,
            **_management("parts", 0),
        },
    )

    assert response.status_code == 200  # the form again, with its errors
    assert not Course.objects.filter(slug="admin-course").exists()


# --- Text that fits its column (14) -----------------------------------------------------


def test_a_category_name_of_120_sharp_s_gets_a_slug_that_fits(make_client, admin_user):
    client = make_client(admin_user)

    first = client.post("/api/courses/categories/", {"name": "ß" * 120}, format="json")
    second = client.post("/api/courses/categories/", {"name": "ß" * 119 + "x"}, format="json")

    assert (first.status_code, second.status_code) == (201, 201)
    slug_column = Category._meta.get_field("slug").max_length
    assert all(len(category.slug) <= slug_column for category in Category.objects.all())


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/courses/categories/", {"name": "x" * 121}, "name"),
        (COURSES, {"title": "x" * 201}, "title"),
        ("/api/core/universities/", {"name": "x" * 256, "city": "c", "country": "c"}, "name"),
        ("/api/core/universities/", {"name": "u", "city": "x" * 121, "country": "c"}, "city"),
        ("/api/auth/users/me/", {"first_name": "x" * 151}, "first_name"),
        ("/api/auth/users/me/", {"phone": "1" * 33}, "phone"),
    ],
)
def test_text_longer_than_its_column_is_400_on_the_field(
    make_client, admin_user, path, body, field
):
    method = "patch" if path.endswith("/me/") else "post"

    response = getattr(make_client(admin_user), method)(path, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
