"""The enrollment receipt (courses/emails.py): queued with the grant, sent after commit,
plain text and HTML with the same content, once per activation."""

from decimal import Decimal

import pytest
from django.core import mail

from core.models import OutboundEmail
from courses.services.enrollment import enrollment_grant, enrollment_revoke
from courses.tests.factories import CourseFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_enrolling_in_a_free_course_sends_a_free_receipt(
    make_client, user, django_capture_on_commit_callbacks
):
    # given
    course = CourseFactory(price=Decimal("0"), title="Linear Algebra & You", slug="linear")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = make_client(user).post(f"/api/courses/courses/{course.slug}/enroll/")

    # then: one receipt, "free", linking to the course in the SPA, in both parts
    assert response.status_code == 201
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    html = message.alternatives[0].content
    for part in (message.body, html):
        assert "Price: free" in part
        assert "http://frontend.test/courses/linear" in part
    assert "Linear Algebra & You" in message.body
    assert "Linear Algebra &amp; You" in html


def test_a_purchase_receipt_carries_amount_and_currency(user, django_capture_on_commit_callbacks):
    course = CourseFactory(price=Decimal("5000"), currency="jpy")

    with django_capture_on_commit_callbacks(execute=True):
        enrollment_grant(user=user, course=course, amount=Decimal("5000.000"), currency="jpy")

    message = mail.outbox[0]
    assert "Price: 5000 JPY" in message.body
    assert "Price: 5000 JPY" in message.alternatives[0].content


def test_an_existing_enrollment_sends_no_second_receipt(user, django_capture_on_commit_callbacks):
    enrollment = EnrollmentFactory(user=user)

    with django_capture_on_commit_callbacks(execute=True):
        _, granted_now = enrollment_grant(user=user, course=enrollment.course)

    assert granted_now is False
    assert mail.outbox == [] and not OutboundEmail.objects.exists()


def test_a_reactivated_enrollment_gets_its_own_receipt(user, django_capture_on_commit_callbacks):
    course = CourseFactory(price=Decimal("0"))
    with django_capture_on_commit_callbacks(execute=True):
        enrollment, _ = enrollment_grant(user=user, course=course)
    enrollment_revoke(enrollment=enrollment)

    with django_capture_on_commit_callbacks(execute=True):
        enrollment_grant(user=user, course=course)

    assert len(mail.outbox) == 2
    assert OutboundEmail.objects.filter(purpose="enrollment_receipt").count() == 2


def test_a_grant_without_receipt_queues_nothing(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_grant(user=user, course=CourseFactory(), send_receipt=False)

    assert not OutboundEmail.objects.exists()
