from urllib.parse import parse_qs

import pytest
import responses

from courses.models import Enrollment
from courses.selectors import user_may_watch
from courses.tests.factories import EnrollmentFactory, LessonFactory
from payments.models import Order, Payment, PaymentStatus
from payments.services.refunds import payment_refund
from payments.tests.conftest import STRIPE_BASE, make_event, post_event
from payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db

REFUNDS = f"{STRIPE_BASE}/v1/refunds"


@pytest.fixture
def paid():
    """A completed payment and the active enrollment it bought."""
    payment = PaymentFactory()
    Order.objects.filter(pk=payment.order_id).update(status=PaymentStatus.COMPLETED)
    enrollment = EnrollmentFactory(user=payment.order.user, course=payment.order.course)
    payment.order.course.students_count = 1
    payment.order.course.save()
    return payment, enrollment


def refund_reply(payment):
    return {"id": "re_1", "object": "refund", "status": "succeeded",
            "payment_intent": payment.stripe_payment_intent}  # fmt: skip


def test_refund_calls_stripe_and_revokes_access(make_client, paid, stripe_keys, stripe_http):
    # given a paying student who can watch a paid lesson
    payment, enrollment = paid
    lesson = LessonFactory(part__course=payment.order.course)
    stripe_http.add(responses.POST, REFUNDS, json=refund_reply(payment))
    assert user_may_watch(payment.order.user, lesson)

    # when staff refund it
    payment_refund(payment=payment)

    # then Stripe got one idempotent refund, and the state changed right away
    call = stripe_http.calls[0]
    assert parse_qs(call.request.body)["payment_intent"] == [payment.stripe_payment_intent]
    assert call.request.headers["Idempotency-Key"] == f"refund-{payment.id}"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert Order.objects.get().status == PaymentStatus.REFUNDED
    enrollment.refresh_from_db()
    assert enrollment.is_active is False
    payment.order.course.refresh_from_db()
    assert payment.order.course.students_count == 0
    assert not user_may_watch(payment.order.user, lesson)

    # and the charge.refunded webhook that follows is a no-op
    charge = {"id": "ch", "payment_intent": payment.stripe_payment_intent, "refunded": True}
    response = post_event(make_client(None), make_event("charge.refunded", charge))
    assert response.json()["result"] == "already_refunded"
    assert Enrollment.objects.count() == 1


def test_refund_of_non_completed_payment_is_refused(paid, stripe_keys, stripe_http):
    payment, _ = paid
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.REFUNDED)
    payment.refresh_from_db()

    with pytest.raises(Exception) as excinfo:
        payment_refund(payment=payment)

    assert excinfo.value.code == "payment_not_refundable"
    assert len(stripe_http.calls) == 0


def test_refund_stripe_failure_changes_nothing(paid, stripe_keys, stripe_http):
    payment, enrollment = paid
    stripe_http.add(
        responses.POST, REFUNDS, status=400,
        json={"error": {"type": "invalid_request_error", "message": "already refunded"}},
    )  # fmt: skip

    with pytest.raises(Exception) as excinfo:
        payment_refund(payment=payment)

    assert excinfo.value.code == "payment_service_error"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED
    enrollment.refresh_from_db()
    assert enrollment.is_active


def test_refund_without_key_is_unavailable(paid):
    payment, _ = paid

    with pytest.raises(Exception) as excinfo:
        payment_refund(payment=payment)

    assert excinfo.value.code == "payment_service_unavailable"


def test_admin_refund_action(client, admin_user, paid, stripe_keys, stripe_http):
    # given staff on the payments changelist
    payment, enrollment = paid
    other = PaymentFactory(status=PaymentStatus.PENDING)
    stripe_http.add(responses.POST, REFUNDS, json=refund_reply(payment))
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)

    # when they run the refund action on both
    response = client.post(
        "/admin/payments/payment/",
        {"action": "refund_payments", "_selected_action": [str(payment.id), str(other.id)]},
        follow=True,
    )

    # then only the completed one is refunded
    assert response.status_code == 200
    payment.refresh_from_db()
    other.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert other.status == PaymentStatus.PENDING
    assert len(stripe_http.calls) == 1
    enrollment.refresh_from_db()
    assert not enrollment.is_active


@pytest.mark.parametrize(
    "url",
    [
        "/admin/payments/order/",
        "/admin/payments/order/?q=cs_test&status__exact=pending&currency__exact=usd",
        "/admin/payments/payment/",
        "/admin/payments/stripeevent/",
        "/admin/courses/enrollment/?is_active__exact=1",
    ],
)
def test_admin_pages_load(client, admin_user, paid, url):
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)

    response = client.get(url)

    assert response.status_code == 200


def test_admin_order_page_shows_payments_inline(client, admin_user, paid):
    payment, _ = paid
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)

    response = client.get(f"/admin/payments/order/{payment.order_id}/change/")

    assert response.status_code == 200
    assert payment.stripe_payment_intent in response.content.decode()
