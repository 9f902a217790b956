"""The review admin: bulk hide and unhide, and deletion, all through the services, so
the course's `rating`/`reviews_count` follow; pages render."""

from decimal import Decimal

import pytest

from courses.models import Course, Review
from courses.services.reviews import review_create
from courses.tests.factories import CourseFactory, EnrollmentFactory

URL = "/admin/courses/review/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, admin_user):
    admin_user.is_superuser = True
    admin_user.save(update_fields=["is_superuser"])
    client.force_login(admin_user)
    return client


def _rate(course, *ratings):
    return [
        review_create(author=EnrollmentFactory(course=course).user, course=course, rating=rating)
        for rating in ratings
    ]


def _numbers(course):
    course = Course.objects.get(pk=course.pk)
    return course.rating, course.reviews_count


def test_bulk_hide_and_unhide_keep_every_course_exact(staff_client):
    one, two = CourseFactory(), CourseFactory()
    low_one, _ = _rate(one, 1, 5)
    low_two, _ = _rate(two, 2, 4)
    selected = [str(low_one.pk), str(low_two.pk)]

    response = staff_client.post(URL, {"action": "hide_reviews", "_selected_action": selected})

    assert response.status_code == 302
    assert Review.objects.filter(is_hidden=True).count() == 2
    assert _numbers(one) == (Decimal("5.0"), 1) and _numbers(two) == (Decimal("4.0"), 1)

    staff_client.post(URL, {"action": "unhide_reviews", "_selected_action": selected})

    assert not Review.objects.filter(is_hidden=True).exists()
    assert _numbers(one) == (Decimal("3.0"), 2) and _numbers(two) == (Decimal("3.0"), 2)


def test_delete_selected_recomputes_the_course(staff_client):
    course = CourseFactory()
    low, _ = _rate(course, 1, 5)

    response = staff_client.post(
        URL, {"action": "delete_selected", "_selected_action": [str(low.pk)], "post": "yes"}
    )

    assert response.status_code == 302
    assert _numbers(course) == (Decimal("5.0"), 1)


def test_delete_one_recomputes_the_course(staff_client):
    course = CourseFactory()
    low, _ = _rate(course, 1, 5)

    response = staff_client.post(f"{URL}{low.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert _numbers(course) == (Decimal("5.0"), 1)


def test_pages_render_and_search(staff_client):
    course = CourseFactory()
    review = _rate(course, 4)[0]
    Review.objects.filter(pk=review.pk).update(text="needle here")

    assert staff_client.get(URL, {"q": "needle"}).context["cl"].result_count == 1
    assert staff_client.get(URL, {"is_hidden__exact": "1"}).status_code == 200
    assert staff_client.get(f"{URL}{review.pk}/change/").status_code == 200
    assert staff_client.get(f"{URL}add/").status_code == 403
