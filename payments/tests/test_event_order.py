"""Stripe delivers events at least once and in any order: whatever order the events of
one order arrive in, the end state is the natural order's (contract, "Ordering and
concurrency"). Also the buyer who pays twice for one course."""

import itertools
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
import responses

from courses.models import Enrollment
from courses.tests.factories import CourseFactory, EnrollmentFactory
from payments.models import Order, Payment, PaymentStatus, StripeEvent
from payments.tests.conftest import STRIPE_BASE, make_event, post_event, session_object
from payments.tests.factories import OrderFactory, PaymentFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REFUNDS = f"{STRIPE_BASE}/v1/refunds"
SESSIONS = f"{STRIPE_BASE}/v1/checkout/sessions"
NATURAL = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.expired",
    "charge.refunded",
)


def event_for(order, event_type: str) -> dict:
    """The event as Stripe sends it for `order`; the charge carries the metadata the
    Checkout Session gave its PaymentIntent."""
    if event_type == "charge.refunded":
        charge = {
            "id": f"ch_{order.id.hex}",
            "object": "charge",
            "amount": 4999,
            "amount_refunded": 4999,
            "currency": "usd",
            "refunded": True,
            "payment_intent": f"pi_{order.id.hex}",
            "metadata": {"order_id": str(order.id)},
        }
        return make_event(event_type, charge)
    if event_type == "checkout.session.expired":
        return make_event(event_type, session_object(order, status="expired"))
    return make_event(event_type, session_object(order))


def end_state(order) -> dict:
    order.refresh_from_db()
    order.course.refresh_from_db()
    payments = Payment.objects.filter(order=order)
    return {
        "order": order.status,
        "payments": sorted(p.status for p in payments),
        "intents": sorted(p.stripe_payment_intent for p in payments),
        "active_enrollments": Enrollment.objects.filter(is_active=True).count(),
        "students_count": order.course.students_count,
        "earnings": sum(
            (p.amount for p in payments if p.status == PaymentStatus.COMPLETED), Decimal(0)
        ),
        "paid": order.paid_at is not None,
    }


def deliver(api_client, event_types) -> dict:
    order = OrderFactory(course=CourseFactory(), user=UserFactory())
    for event_type in event_types:
        response = post_event(api_client, event_for(order, event_type))
        assert response.status_code == 200, (event_type, response.json())
    assert not StripeEvent.objects.filter(needs_review=True).exists()
    return end_state(order)


def test_natural_order_ends_refunded(api_client, stripe_keys):
    assert deliver(api_client, NATURAL) == {
        "order": PaymentStatus.REFUNDED,
        "payments": [PaymentStatus.REFUNDED],
        "intents": [f"pi_{Order.objects.get().id.hex}"],
        "active_enrollments": 0,
        "students_count": 0,
        "earnings": Decimal(0),
        "paid": True,
    }


@pytest.mark.parametrize("event_types", list(itertools.permutations(NATURAL)))
def test_any_order_of_events_ends_as_the_natural_order(api_client, stripe_keys, event_types):
    # given the natural order's end state
    expected = deliver(api_client, NATURAL)
    expected["intents"] = ["pi_"]  # compared without the order-specific part
    Order.objects.all().update(status=PaymentStatus.REFUNDED)  # not anyone's open order

    # when the same four events come in this order for another order
    state = deliver(api_client, event_types)

    # then it ends the same: refunded, nobody enrolled, no earnings
    state["intents"] = [intent[:3] for intent in state["intents"]]
    assert state == expected


def test_completion_after_an_early_refund_enrolls_nobody(api_client, stripe_keys):
    # given a refund that arrived first
    order = OrderFactory()
    post_event(api_client, event_for(order, "charge.refunded"))

    # when the completion follows
    response = post_event(api_client, event_for(order, "checkout.session.completed"))

    # then the order stays refunded
    assert response.json()["result"] == "already_refunded"
    assert not Enrollment.objects.exists()
    order.refresh_from_db()
    assert order.status == PaymentStatus.REFUNDED


def test_charge_found_by_expanded_payment_intent_metadata(api_client, stripe_keys):
    order = OrderFactory()
    charge = {
        "id": "ch_x",
        "refunded": True,
        "payment_intent": {"id": "pi_x", "metadata": {"order_id": str(order.id)}},
    }

    response = post_event(api_client, make_event("charge.refunded", charge))

    assert response.json()["result"] == "refunded_before_completion"
    assert Payment.objects.get().stripe_payment_intent == "pi_x"


# --- Paying twice for one course ------------------------------------------------------


def test_second_paid_order_is_completed_flagged_and_refunded(
    api_client, stripe_keys, stripe_http, django_capture_on_commit_callbacks
):
    # given a buyer with two sessions for one course
    buyer, course = UserFactory(), CourseFactory()
    first = OrderFactory(user=buyer, course=course)
    second = OrderFactory(user=buyer, course=course)
    stripe_http.add(  # the second session is being paid: Stripe will not expire it
        responses.POST,
        f"{SESSIONS}/{second.checkout_session_id}/expire",
        status=400,
        json={"error": {"type": "invalid_request_error", "message": "not open"}},
    )
    stripe_http.add(
        responses.POST, REFUNDS, json={"id": "re_1", "object": "refund", "status": "succeeded"}
    )

    # when both are paid
    with django_capture_on_commit_callbacks(execute=True):
        one = post_event(api_client, event_for(first, "checkout.session.completed"))
    with django_capture_on_commit_callbacks(execute=True):
        two = post_event(api_client, event_for(second, "checkout.session.completed"))

    # then the first enrolls; the second is completed, flagged and refunded at Stripe
    assert (one.json()["result"], two.json()["result"]) == ("fulfilled", "paid_twice")
    refund_calls = [c for c in stripe_http.calls if c.request.url == REFUNDS]
    assert len(refund_calls) == 1
    payment = Payment.objects.get(order=second)
    assert parse_qs(refund_calls[0].request.body)["payment_intent"] == [f"pi_{second.id.hex}"]
    assert refund_calls[0].request.headers["Idempotency-Key"] == f"refund-{payment.id}"
    second.refresh_from_db()
    assert second.needs_review is True
    assert second.status == PaymentStatus.REFUNDED
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    # and the buyer keeps the access the first order pays for
    first.refresh_from_db()
    assert first.status == PaymentStatus.COMPLETED
    assert Enrollment.objects.get().is_active
    course.refresh_from_db()
    assert course.students_count == 1

    # and Stripe's charge.refunded that follows changes nothing
    again = post_event(api_client, event_for(second, "charge.refunded"))
    assert again.json()["result"] == "already_refunded"
    assert Enrollment.objects.get().is_active


def test_failed_duplicate_refund_stays_flagged_for_staff(
    api_client, stripe_keys, stripe_http, django_capture_on_commit_callbacks
):
    buyer, course = UserFactory(), CourseFactory()
    first = OrderFactory(user=buyer, course=course, checkout_session_id=None)
    second = OrderFactory(user=buyer, course=course, checkout_session_id=None)
    post_event(api_client, event_for(first, "checkout.session.completed"))
    stripe_http.add(responses.POST, REFUNDS, status=500, json={"error": {"type": "api_error"}})

    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(api_client, event_for(second, "checkout.session.completed"))

    assert response.status_code == 200
    second.refresh_from_db()
    assert second.status == PaymentStatus.COMPLETED
    assert second.needs_review is True
    assert "refund failed" in second.review_reason


def test_refund_of_one_of_two_paid_orders_keeps_access(api_client, stripe_keys):
    # given a buyer with two completed, paid orders for one course
    buyer, course = UserFactory(), CourseFactory()
    payments = []
    for _ in range(2):
        payment = PaymentFactory(order=OrderFactory(user=buyer, course=course))
        Order.objects.filter(pk=payment.order_id).update(status=PaymentStatus.COMPLETED)
        payments.append(payment)
    EnrollmentFactory(user=buyer, course=course)

    # when one is refunded
    charge = {"id": "ch_1", "refunded": True, "payment_intent": payments[0].stripe_payment_intent}
    post_event(api_client, make_event("charge.refunded", charge))

    # then the other still pays for the access
    assert Enrollment.objects.get().is_active
    # and when the other is refunded too, the access goes
    charge = {"id": "ch_2", "refunded": True, "payment_intent": payments[1].stripe_payment_intent}
    post_event(api_client, make_event("charge.refunded", charge))
    assert not Enrollment.objects.get().is_active


def test_fulfilling_expires_the_buyers_other_open_sessions(
    api_client, stripe_keys, stripe_http, django_capture_on_commit_callbacks
):
    # given a buyer with two open sessions for a course (one in another currency), and
    # someone else's open session for it
    buyer, course = UserFactory(), CourseFactory()
    paid = OrderFactory(user=buyer, course=course)
    other = OrderFactory(user=buyer, course=course, currency="eur")
    stranger = OrderFactory(course=course)
    expire = stripe_http.add(
        responses.POST,
        f"{SESSIONS}/{other.checkout_session_id}/expire",
        json={"id": other.checkout_session_id, "object": "checkout.session", "status": "expired"},
    )

    # when one is paid
    with django_capture_on_commit_callbacks(execute=True):
        post_event(api_client, event_for(paid, "checkout.session.completed"))

    # then the buyer's other session was expired at Stripe (once), and its order failed
    assert expire.call_count == 1
    assert len(stripe_http.calls) == 1
    other.refresh_from_db()
    assert other.status == PaymentStatus.FAILED
    stranger.refresh_from_db()
    assert stranger.status == PaymentStatus.PENDING
