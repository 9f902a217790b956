"""Reconciliation and expiry (payments/services/reconciliation.py, payments/tasks.py).

A paid session whose webhook never came is fulfilled from Stripe's answer, through the
webhook's own code path, exactly once, also with the webhook racing it (PostgreSQL, a
real worker on Redis db 9).
"""

import json
import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
import responses
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.db import connections
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import OutboundEmail
from core.tests.brokers import celery_broker, redis_broker_url
from courses.models import Enrollment
from payments.models import Order, Payment, PaymentStatus
from payments.tasks import orders_expire, orders_reconcile
from payments.tests.conftest import STRIPE_BASE, make_event, post_event, session_object
from payments.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _session_url(order) -> str:
    return f"{STRIPE_BASE}/v1/checkout/sessions/{order.checkout_session_id}"


def _old_order(minutes: int = 20, **fields) -> Order:
    order = OrderFactory(**fields)
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
    order.refresh_from_db()
    return order


def test_a_paid_session_without_its_webhook_is_fulfilled_once(
    stripe_keys, stripe_http, django_capture_on_commit_callbacks
):
    # given: an order pending for 20 minutes whose session Stripe says is paid
    order = _old_order()
    stripe_http.get(_session_url(order), json=session_object(order))

    # when: the periodic task runs twice
    with django_capture_on_commit_callbacks(execute=True):
        first = orders_reconcile.apply().get()
        second = orders_reconcile.apply().get()

    # then: fulfilled once, as the webhook would (payment, enrollment, receipt)
    assert first == {"fulfilled": 1} and second == {}
    order.refresh_from_db()
    assert order.status == PaymentStatus.COMPLETED and order.paid_at is not None
    assert Payment.objects.filter(order=order, status=PaymentStatus.COMPLETED).count() == 1
    assert Enrollment.objects.filter(user=order.user, course=order.course, is_active=True).exists()
    assert len(stripe_http.calls) == 1
    assert [message.to for message in mail.outbox] == [[order.user.email]]
    assert "Price: 49.99 USD" in mail.outbox[0].body


def test_the_webhook_after_reconciliation_changes_nothing(
    api_client, stripe_keys, stripe_http, django_capture_on_commit_callbacks
):
    order = _old_order()
    stripe_http.get(_session_url(order), json=session_object(order))
    with django_capture_on_commit_callbacks(execute=True):
        orders_reconcile.apply().get()

        response = post_event(
            api_client, make_event("checkout.session.completed", session_object(order))
        )

    assert response.status_code == 200
    assert Payment.objects.filter(order=order).count() == 1
    assert OutboundEmail.objects.filter(purpose="enrollment_receipt").count() == 1


def test_young_orders_are_not_looked_up(stripe_keys, stripe_http, settings):
    settings.STRIPE_RECONCILE_MINUTES = 15
    order = _old_order(minutes=10)

    assert orders_reconcile.apply().get() == {}
    assert len(stripe_http.calls) == 0
    order.refresh_from_db()
    assert order.status == PaymentStatus.PENDING


@pytest.mark.parametrize(
    ("stripe_says", "result", "status"),
    [
        ({"status": "open", "payment_status": "unpaid"}, "still_open", PaymentStatus.PENDING),
        (
            {"status": "complete", "payment_status": "unpaid"},
            "awaiting_payment",
            PaymentStatus.PENDING,
        ),
        ({"status": "expired", "payment_status": "unpaid"}, "failed", PaymentStatus.FAILED),
    ],
)
def test_unpaid_sessions_are_settled_as_their_webhook_would(
    stripe_keys, stripe_http, stripe_says, result, status
):
    order = _old_order()
    stripe_http.get(_session_url(order), json=session_object(order, **stripe_says))

    assert orders_reconcile.apply().get() == {result: 1}
    order.refresh_from_db()
    assert order.status == status
    assert not Enrollment.objects.exists()


def test_a_paid_amount_that_does_not_match_is_flagged_not_fulfilled(stripe_keys, stripe_http):
    order = _old_order()
    stripe_http.get(_session_url(order), json=session_object(order, amount_total=1))

    assert orders_reconcile.apply().get() == {"amount_mismatch": 1}
    order.refresh_from_db()
    assert order.status == PaymentStatus.PENDING and order.needs_review
    # left to staff: the next run does not ask again
    assert orders_reconcile.apply().get() == {}
    assert len(stripe_http.calls) == 1


def test_a_stripe_error_leaves_the_order_for_the_next_run(stripe_keys, stripe_http):
    order = _old_order()
    stripe_http.get(_session_url(order), status=500, json={"error": {"message": "boom"}})

    assert orders_reconcile.apply().get() == {"stripe_error": 1}
    order.refresh_from_db()
    assert order.status == PaymentStatus.PENDING


def test_without_stripe_keys_reconciliation_does_nothing(stripe_http):
    _old_order()

    assert orders_reconcile.apply().get() == {}
    assert len(stripe_http.calls) == 0


def test_orders_whose_session_expired_over_an_hour_ago_fail():
    now = timezone.now()
    expired = OrderFactory(checkout_expires_at=now - timedelta(hours=2))
    just_expired = OrderFactory(checkout_expires_at=now - timedelta(minutes=10))
    open_ = OrderFactory(checkout_expires_at=now + timedelta(minutes=30))
    paid = OrderFactory(
        checkout_expires_at=now - timedelta(hours=2), status=PaymentStatus.COMPLETED
    )

    assert orders_expire.apply().get() == 1
    assert orders_expire.apply().get() == 0

    statuses = {o.pk: o.status for o in Order.objects.all()}
    assert statuses == {
        expired.pk: PaymentStatus.FAILED,
        just_expired.pk: PaymentStatus.PENDING,
        open_.pk: PaymentStatus.PENDING,
        paid.pk: PaymentStatus.COMPLETED,
    }


def test_a_payment_after_expiry_still_completes_the_order(api_client, stripe_keys):
    order = OrderFactory(checkout_expires_at=timezone.now() - timedelta(hours=2))
    orders_expire.apply().get()

    response = post_event(
        api_client, make_event("checkout.session.completed", session_object(order))
    )

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == PaymentStatus.COMPLETED


def test_a_paid_webhook_sends_a_receipt_with_amount_and_currency(
    api_client, stripe_keys, django_capture_on_commit_callbacks
):
    order = OrderFactory(amount=Decimal("19.500"), currency="eur")

    with django_capture_on_commit_callbacks(execute=True):
        post_event(api_client, make_event("checkout.session.completed", session_object(order)))

    assert len(mail.outbox) == 1
    assert "Price: 19.50 EUR" in mail.outbox[0].body
    assert f"/courses/{order.course.slug}" in mail.outbox[0].body


# A real worker, a webhook racing it ---------------------------------------------------


@pytest.fixture
def redis_worker():
    url = redis_broker_url()

    def close_db(**kwargs):
        connections.close_all()  # the worker thread's own connections

    task_postrun.connect(close_db, weak=False)
    try:
        with celery_broker(url) as app, start_worker(app, perform_ping_check=False):
            yield app
    finally:
        task_postrun.disconnect(close_db)


def _wait_for(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_worker_reconciles_once_while_the_webhook_races_it(stripe_keys, redis_worker):
    # given: a paid order whose webhook never came; Stripe's answer to the worker is
    # held until the webhook is on its way, so both settle the same order at once
    order = _old_order()
    looked_up = threading.Event()
    session = session_object(order)

    def stripe_answers(request):
        looked_up.set()
        time.sleep(0.2)
        return 200, {}, json.dumps(session)

    with responses.RequestsMock(assert_all_requests_are_fired=False) as stripe_http:
        stripe_http.add_callback(
            responses.GET,
            _session_url(order),
            callback=stripe_answers,
            content_type="application/json",
        )
        # when: beat's task reaches the worker through Redis, and the webhook arrives
        orders_reconcile.delay()
        assert looked_up.wait(15)
        response = post_event(APIClient(), make_event("checkout.session.completed", session))
        assert response.status_code == 200
        assert _wait_for(
            lambda: OutboundEmail.objects.filter(
                purpose="enrollment_receipt", sent_at__isnull=False
            ).exists()
        )
        time.sleep(0.3)  # let a second (wrong) fulfilment show itself

    # then: one payment, one enrollment, one receipt sent by the worker
    order.refresh_from_db()
    assert order.status == PaymentStatus.COMPLETED
    assert Payment.objects.filter(order=order).count() == 1
    assert Enrollment.objects.filter(user=order.user, course=order.course).count() == 1
    order.course.refresh_from_db()
    assert order.course.students_count == 1
    assert OutboundEmail.objects.filter(purpose="enrollment_receipt").count() == 1
    assert [message.to for message in mail.outbox] == [[order.user.email]]
