"""Deleting a course while someone may be paying for it: 409 `course_has_open_checkouts`,
from the API and from the admin alike (both go through `course_delete`)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from courses.models import Course
from payments.models import Order, PaymentStatus
from users.tests.factories import AdminFactory, StudentFactory

pytestmark = pytest.mark.django_db


def detail(course) -> str:
    return f"/api/courses/courses/{course.slug}/"


def pending_order(course, *, expires_in: timedelta | None, session: str | None = "cs_open"):
    return Order.objects.create(
        user=StudentFactory(),
        course=course,
        amount=course.price,
        currency=course.currency,
        checkout_session_id=session,
        checkout_attempt=1,
        checkout_expires_at=timezone.now() + expires_in if expires_in is not None else None,
    )


@pytest.fixture
def staff():
    client = Client()
    client.force_login(AdminFactory(is_superuser=True))
    return client


@pytest.mark.parametrize("session", ["cs_open", None])  # None: Stripe is being asked now
def test_delete_during_an_open_checkout_is_409(course, make_client, course_tutor, session):
    # given a buyer whose session can still be paid
    order = pending_order(course, expires_in=timedelta(minutes=20), session=session)

    # when the tutor deletes the course
    response = make_client(course_tutor).delete(detail(course))

    # then it is refused and nothing goes
    assert response.status_code == 409
    assert response.json()["code"] == "course_has_open_checkouts"
    assert Course.objects.filter(pk=course.pk).exists()
    assert Order.objects.filter(pk=order.pk).exists()


def test_delete_after_the_sessions_expired_removes_their_orders(course, make_client, course_tutor):
    pending_order(course, expires_in=timedelta(minutes=-1))
    failed = pending_order(course, expires_in=timedelta(minutes=20))
    Order.objects.filter(pk=failed.pk).update(status=PaymentStatus.FAILED)

    response = make_client(course_tutor).delete(detail(course))

    assert response.status_code == 204
    assert not Order.objects.exists()


def test_admin_delete_during_an_open_checkout_is_refused(course, staff):
    pending_order(course, expires_in=timedelta(minutes=20))
    url = f"/admin/courses/course/{course.pk}/delete/"

    page = staff.get(url)
    response = staff.post(url, {"post": "yes"})

    assert "Someone is paying for this course" in page.content.decode()
    assert response.status_code in (200, 302)
    assert Course.objects.filter(pk=course.pk).exists()


def test_admin_delete_goes_through_the_service(course, staff):
    # given a course whose only order is a lapsed checkout (Django's own delete would
    # stop at the order's protected foreign key)
    pending_order(course, expires_in=timedelta(minutes=-1))
    url = f"/admin/courses/course/{course.pk}/delete/"

    response = staff.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Course.objects.filter(pk=course.pk).exists()
    assert not Order.objects.exists()


def test_admin_bulk_delete_refuses_a_course_with_an_open_checkout(course, staff):
    pending_order(course, expires_in=timedelta(minutes=20))

    response = staff.post(
        "/admin/courses/course/",
        {"action": "delete_selected", "_selected_action": [str(course.pk)], "post": "yes"},
    )

    assert response.status_code in (200, 302)
    assert Course.objects.filter(pk=course.pk).exists()
