import json
import threading
import time
import uuid
from decimal import Decimal

import pytest
from django.db import connections
from rest_framework.test import APIClient

from courses.models import Enrollment
from courses.selectors import user_may_watch
from courses.tests.factories import CourseFactory, EnrollmentFactory, LessonFactory
from payments.models import Order, Payment, PaymentStatus, StripeEvent
from payments.tests.conftest import WEBHOOK_SECRET, make_event, post_event, session_object, sign
from payments.tests.factories import OrderFactory, PaymentFactory
from users.models import Role
from users.tests.factories import TutorFactory, UserFactory

URL = "/api/payments/webhook/"


def completed(order, **overrides):
    return make_event("checkout.session.completed", session_object(order, **overrides))


@pytest.mark.django_db
@pytest.mark.parametrize("path", [URL, "/api/payments/stripe/webhook/", "/webhook/"])
def test_paid_session_completes_order_and_enrolls(api_client, stripe_keys, path):
    # given a pending order of a plain user
    order = OrderFactory(user=UserFactory(role=Role.USER))

    # when Stripe reports the session paid
    response = post_event(api_client, completed(order), path=path)

    # then order completed, one payment, one enrollment, user is a student
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == PaymentStatus.COMPLETED
    assert order.paid_at is not None
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.COMPLETED
    assert payment.amount == order.amount
    assert payment.stripe_payment_intent == f"pi_{order.id.hex}"
    assert Enrollment.objects.get(user=order.user, course=order.course).is_active
    order.user.refresh_from_db()
    assert order.user.role == Role.STUDENT
    order.course.refresh_from_db()
    assert order.course.students_count == 1
    assert StripeEvent.objects.get().result == "fulfilled"


@pytest.mark.django_db
def test_tutor_buyer_keeps_role(api_client, stripe_keys):
    order = OrderFactory(user=TutorFactory())

    post_event(api_client, completed(order))

    order.user.refresh_from_db()
    assert order.user.role == Role.TUTOR


@pytest.mark.django_db
def test_replay_changes_nothing(api_client, stripe_keys):
    # given an event already applied
    order = OrderFactory()
    event = completed(order)
    post_event(api_client, event)

    # when Stripe delivers it again
    response = post_event(api_client, event)

    # then 200 and still one of everything
    assert response.status_code == 200
    assert response.json()["result"] == "duplicate"
    assert Payment.objects.count() == 1
    assert Enrollment.objects.count() == 1
    assert StripeEvent.objects.count() == 1
    order.course.refresh_from_db()
    assert order.course.students_count == 1


@pytest.mark.django_db
def test_second_fulfilling_event_is_noop(api_client, stripe_keys):
    # given a completed order
    order = OrderFactory()
    post_event(api_client, completed(order))

    # when a different event for the same session also says paid
    event = make_event("checkout.session.async_payment_succeeded", session_object(order))
    response = post_event(api_client, event)

    # then nothing more happens
    assert response.status_code == 200
    assert response.json()["result"] == "already_fulfilled"
    assert Payment.objects.count() == 1


@pytest.mark.django_db
def test_unpaid_completion_waits_then_async_success_enrolls(api_client, stripe_keys):
    # given a delayed payment method: completed but unpaid
    order = OrderFactory()
    first = post_event(api_client, completed(order, payment_status="unpaid"))
    order.refresh_from_db()
    assert first.status_code == 200
    assert order.status == PaymentStatus.PENDING
    assert not Enrollment.objects.exists()

    # when the payment succeeds later
    event = make_event("checkout.session.async_payment_succeeded", session_object(order))
    post_event(api_client, event)

    # then
    order.refresh_from_db()
    assert order.status == PaymentStatus.COMPLETED
    assert Enrollment.objects.filter(user=order.user, is_active=True).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "event_type", ["checkout.session.async_payment_failed", "checkout.session.expired"]
)
def test_failed_or_expired_session_fails_order(api_client, stripe_keys, event_type):
    order = OrderFactory()
    session = session_object(order, payment_status="unpaid", status="expired")

    response = post_event(api_client, make_event(event_type, session))

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == PaymentStatus.FAILED
    assert not Enrollment.objects.exists()
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_expiry_after_payment_changes_nothing(api_client, stripe_keys):
    order = OrderFactory()
    post_event(api_client, completed(order))

    post_event(api_client, make_event("checkout.session.expired", session_object(order)))

    order.refresh_from_db()
    assert order.status == PaymentStatus.COMPLETED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [{"amount_total": 100}, {"currency": "eur"}, {"amount_total": None}],
)
def test_amount_or_currency_mismatch_flags_order(api_client, stripe_keys, overrides):
    # given a pending order of 49.99 usd
    order = OrderFactory(amount=Decimal("49.99"), currency="usd")

    # when Stripe reports a different amount or currency
    response = post_event(api_client, completed(order, **overrides))

    # then the order stays pending, flagged, and nobody is enrolled
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == PaymentStatus.PENDING
    assert order.needs_review is True
    assert order.review_reason
    assert not Enrollment.objects.exists()
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_unknown_order_is_200_and_recorded(api_client, stripe_keys):
    order = OrderFactory.build(checkout_session_id="cs_nobody", user=UserFactory())
    session = session_object(order, client_reference_id="not-a-uuid", metadata={})

    response = post_event(api_client, make_event("checkout.session.completed", session))

    assert response.status_code == 200
    assert response.json()["result"] == "order_not_found"
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_order_found_by_session_id_without_reference(api_client, stripe_keys):
    order = OrderFactory()
    session = session_object(order, client_reference_id=None, metadata={})

    post_event(api_client, make_event("checkout.session.completed", session))

    order.refresh_from_db()
    assert order.status == PaymentStatus.COMPLETED


@pytest.mark.django_db
def test_unknown_event_type_is_200(api_client, stripe_keys):
    response = post_event(api_client, make_event("customer.created", {"id": "cus_1"}))

    assert response.status_code == 200
    assert StripeEvent.objects.get().result == "ignored"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "signature",
    [
        "",
        "garbage",
        "t=1,v1=deadbeef",
        sign(b"another body"),
        "SIGN_WITH_WRONG_SECRET",
        "SIGN_TOO_OLD",
    ],
)
def test_bad_signature_is_400_and_changes_nothing(api_client, stripe_keys, signature):
    # given a valid event with a bad signature
    order = OrderFactory()
    event = completed(order)
    body = json.dumps(event).encode()
    if signature == "SIGN_WITH_WRONG_SECRET":
        signature = sign(body, secret="whsec_other")
    elif signature == "SIGN_TOO_OLD":
        signature = sign(body, timestamp=int(time.time()) - 301)

    # when
    response = post_event(api_client, event, signature=signature)

    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    order.refresh_from_db()
    assert order.status == PaymentStatus.PENDING
    assert not StripeEvent.objects.exists()


@pytest.mark.django_db
def test_missing_signature_header_is_400(api_client, stripe_keys):
    response = api_client.post(URL, data=b"{}", content_type="application/json")

    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'{"id": "evt_1"}', b'{"id": 1, "type": "x", "data": {}}', b"\xff"],
)
def test_signed_but_unparsable_body_is_400(api_client, stripe_keys, body):
    response = api_client.post(
        URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body)
    )

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.django_db
def test_no_webhook_secret_is_503(api_client):
    order = OrderFactory()

    response = post_event(api_client, completed(order))

    assert response.status_code == 503
    assert response.json()["code"] == "payment_service_unavailable"
    order.refresh_from_db()
    assert order.status == PaymentStatus.PENDING


@pytest.mark.django_db
def test_bearer_token_is_ignored_on_webhook(make_client, user, stripe_keys):
    order = OrderFactory()
    client = make_client(user)
    client.credentials(HTTP_AUTHORIZATION="Bearer broken")

    response = post_event(client, completed(order))

    assert response.status_code == 200


@pytest.mark.django_db
def test_charge_refunded_revokes_access(api_client, stripe_keys):
    # given a student who paid and can watch
    order = OrderFactory()
    post_event(api_client, completed(order))
    lesson = LessonFactory(part__course=order.course)
    assert user_may_watch(order.user, lesson)

    # when Stripe reports the charge fully refunded
    charge = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": f"pi_{order.id.hex}",
        "refunded": True,
        "amount_refunded": 4999,
    }
    response = post_event(api_client, make_event("charge.refunded", charge))

    # then payment and order refunded, enrollment kept but inactive, no access
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == PaymentStatus.REFUNDED
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded_at is not None
    enrollment = Enrollment.objects.get()
    assert enrollment.is_active is False
    order.course.refresh_from_db()
    assert order.course.students_count == 0
    assert not user_may_watch(order.user, lesson)

    # and a repeat refund event for the same charge changes nothing
    again = make_event("charge.refunded", charge)
    assert post_event(api_client, again).json()["result"] == "already_refunded"


@pytest.mark.django_db
def test_partial_refund_keeps_access(api_client, stripe_keys):
    payment = PaymentFactory()
    EnrollmentFactory(user=payment.order.user, course=payment.order.course)
    charge = {"id": "ch_2", "payment_intent": payment.stripe_payment_intent, "refunded": False}

    post_event(api_client, make_event("charge.refunded", charge))

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.COMPLETED
    assert Enrollment.objects.get().is_active


@pytest.mark.django_db
def test_refund_for_unknown_payment_is_200(api_client, stripe_keys):
    charge = {"id": "ch_3", "payment_intent": "pi_unknown", "refunded": True}

    response = post_event(api_client, make_event("charge.refunded", charge))

    assert response.status_code == 200
    assert response.json()["result"] == "payment_not_found"


@pytest.mark.django_db
def test_rebuying_after_refund_reactivates_enrollment(api_client, stripe_keys):
    # given a refunded purchase
    first = OrderFactory()
    post_event(api_client, completed(first))
    charge = {"id": "ch", "payment_intent": f"pi_{first.id.hex}", "refunded": True}
    post_event(api_client, make_event("charge.refunded", charge))

    # when the same user buys again
    second = OrderFactory(user=first.user, course=first.course)
    post_event(api_client, completed(second))

    # then the same enrollment row is active again
    enrollment = Enrollment.objects.get()
    assert enrollment.is_active
    first.course.refresh_from_db()
    assert first.course.students_count == 1


# --- Real concurrency (PostgreSQL) ----------------------------------------------------


def _deliver_concurrently(bodies_and_signatures, *, threads_per_body: int):
    barrier = threading.Barrier(len(bodies_and_signatures) * threads_per_body)
    statuses: list[int] = []
    lock = threading.Lock()

    def deliver(body, signature):
        try:
            barrier.wait()
            response = APIClient().post(
                URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
            )
            with lock:
                statuses.append(response.status_code)
        finally:
            connections.close_all()

    workers = [
        threading.Thread(target=deliver, args=pair)
        for pair in bodies_and_signatures
        for _ in range(threads_per_body)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return statuses


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twelve_concurrent_deliveries_enroll_once(stripe_keys):
    # given a pending order and one signed event
    course = CourseFactory()
    order = OrderFactory(course=course, user=UserFactory(role=Role.USER))
    body = json.dumps(completed(order)).encode()

    # when 12 threads deliver it at the same moment
    statuses = _deliver_concurrently([(body, sign(body))], threads_per_body=12)

    # then every delivery is answered 200 and the work happened exactly once
    assert statuses == [200] * 12
    assert Payment.objects.filter(status=PaymentStatus.COMPLETED).count() == 1
    assert Enrollment.objects.count() == 1
    assert StripeEvent.objects.count() == 1
    course.refresh_from_db()
    assert course.students_count == 1
    order.refresh_from_db()
    assert order.status == PaymentStatus.COMPLETED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_different_events_for_one_order_concurrently(stripe_keys):
    # given a pending order, its completed and async-succeeded events
    course = CourseFactory()
    order = OrderFactory(course=course)
    one = json.dumps(completed(order)).encode()
    two = json.dumps(
        make_event("checkout.session.async_payment_succeeded", session_object(order))
    ).encode()

    # when both arrive at once, six times each
    statuses = _deliver_concurrently([(one, sign(one)), (two, sign(two))], threads_per_body=6)

    # then one payment, one enrollment
    assert statuses == [200] * 12
    assert Payment.objects.count() == 1
    assert Enrollment.objects.count() == 1
    assert StripeEvent.objects.count() == 2
    course.refresh_from_db()
    assert course.students_count == 1
    assert Order.objects.get().status == PaymentStatus.COMPLETED


def stripe_session_event(order, event_type="checkout.session.completed", **overrides) -> dict:
    """An event exactly as Stripe delivers it, every usual field included."""
    now = int(time.time())
    session = {
        "id": order.checkout_session_id,
        "object": "checkout.session",
        "adaptive_pricing": {"enabled": False},
        "after_expiration": None,
        "allow_promotion_codes": None,
        "amount_subtotal": 4999,
        "amount_total": 4999,
        "automatic_tax": {"enabled": False, "liability": None, "status": None},
        "billing_address_collection": None,
        "cancel_url": "http://localhost:3000/dashboard/payment-cancel?course-slug=x",
        "client_reference_id": str(order.id),
        "client_secret": None,
        "consent": None,
        "created": now - 120,
        "currency": "usd",
        "custom_fields": [],
        "customer": None,
        "customer_creation": "if_required",
        "customer_details": {
            "address": {"city": None, "country": "ES", "line1": None, "postal_code": None},
            "email": order.user.email,
            "name": "José Ñúñez",
            "phone": None,
            "tax_exempt": "none",
            "tax_ids": [],
        },
        "customer_email": order.user.email,
        "expires_at": now + 3000,
        "invoice": None,
        "livemode": False,
        "locale": None,
        "metadata": {
            "order_id": str(order.id),
            "course_id": str(order.course_id),
            "user_id": str(order.user_id),
        },
        "mode": "payment",
        "payment_intent": "pi_3QabcdEFGH1234567890",
        "payment_link": None,
        "payment_method_types": ["card"],
        "payment_status": "paid",
        "shipping_options": [],
        "status": "complete",
        "success_url": "http://localhost:3000/x?session_id={CHECKOUT_SESSION_ID}",
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "ui_mode": "hosted",
        "url": None,
    }
    session.update(overrides)
    return {
        "id": "evt_1QabcdEFGH" + order.id.hex[:12],
        "object": "event",
        "api_version": "2024-06-20",
        "created": now,
        "data": {"object": session},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


def multi_signature(body: bytes, *, age: int = 240) -> str:
    """Stripe's header during a secret roll: several v1 entries (one ours) and a v0."""
    good = sign(body, timestamp=int(time.time()) - age).split(",")
    return ",".join([good[0], "v1=" + "0" * 64, good[1], "v0=" + "1" * 64])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        URL,
        "/api/payments/stripe/webhook/",
        "/webhook/",
        "/webhook",
        "/api/payments/webhook",
        "/api/payments/stripe/webhook",
    ],
)
def test_realistic_event_with_several_signatures_fulfils(api_client, stripe_keys, path):
    # given a pending order and Stripe's full event, pretty-printed as Stripe sends it
    order = OrderFactory()
    body = json.dumps(stripe_session_event(order), indent=2).encode()

    # when delivered 4 minutes after signing, with several v1 entries
    response = api_client.post(
        path,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=multi_signature(body),
    )

    # then
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == PaymentStatus.COMPLETED
    assert Payment.objects.get().stripe_payment_intent == "pi_3QabcdEFGH1234567890"
    assert Enrollment.objects.get(user=order.user, course=order.course).is_active


@pytest.mark.django_db
def test_event_naming_a_missing_order_is_flagged_and_retried(api_client, stripe_keys):
    # given Stripe's event for an order id of ours that does not exist (yet)
    order = OrderFactory()
    missing = uuid.UUID("00000000-0000-0000-0000-0000000000aa")
    event = stripe_session_event(
        order, id="cs_test_not_here", client_reference_id=str(missing), metadata={}
    )
    body = json.dumps(event).encode()

    # when it is delivered
    response = api_client.post(
        "/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body)
    )

    # then it is not answered as handled: 409, kept, flagged for review, nothing changed
    assert response.status_code == 409
    assert response.json()["code"] == "order_not_found"
    record = StripeEvent.objects.get()
    assert (record.needs_review, record.result, record.processed_at) == (
        True,
        "order_missing",
        None,
    )
    order.refresh_from_db()
    assert order.status == PaymentStatus.PENDING

    # and Stripe's retry, once the order exists, is applied (not taken as a duplicate)
    OrderFactory(id=missing, user=order.user, course=order.course, checkout_session_id=None)
    retry = api_client.post(
        "/webhook/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body)
    )
    assert retry.status_code == 200
    assert retry.json()["result"] == "fulfilled"
    record.refresh_from_db()
    assert record.needs_review is False and record.processed_at is not None
    assert Order.objects.get(pk=missing).status == PaymentStatus.COMPLETED


@pytest.mark.django_db
def test_refund_naming_a_missing_order_is_flagged(api_client, stripe_keys):
    charge = {
        "id": "ch_x",
        "object": "charge",
        "payment_intent": "pi_unknown",
        "refunded": True,
        "metadata": {"order_id": "00000000-0000-0000-0000-0000000000bb"},
    }

    response = post_event(api_client, make_event("charge.refunded", charge))

    assert response.status_code == 409
    assert StripeEvent.objects.get().needs_review is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [
        {"metadata": [1], "client_reference_id": None},
        {"metadata": "x", "client_reference_id": 5},
        {"id": {"x": 1}, "client_reference_id": {"a": 1}, "metadata": None},
        {"payment_intent": {"id": "pi_" + "x" * 400}},
        {"payment_intent": ["pi_x"]},
        {"amount_total": "4999", "currency": ["usd"]},
        {"id": "cs_\u0000", "client_reference_id": "\u0000", "customer_email": "a\u0000b"},
    ],
)
def test_odd_signed_session_objects_never_500(api_client, stripe_keys, overrides):
    order = OrderFactory()
    body = json.dumps(stripe_session_event(order, **overrides)).encode()

    response = api_client.post(
        URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body)
    )

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("charge_intent", [["pi_x"], {"id": "pi_x"}, None, 5])
def test_odd_refund_objects_never_500(api_client, stripe_keys, charge_intent):
    event = make_event("charge.refunded", {"payment_intent": charge_intent, "refunded": True})

    response = post_event(api_client, event)

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("event_override", [{"id": "evt_" + "x" * 300}, {"type": "x" * 101}])
def test_oversized_event_id_or_type_is_400(api_client, stripe_keys, event_override):
    event = {**completed(OrderFactory()), **event_override}

    response = post_event(api_client, event)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_payload"
    assert not StripeEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["*/*; q=0.5, application/xml", "application/xml", "text/html"])
def test_any_accept_header_gets_json_and_the_event_applied(api_client, stripe_keys, accept):
    # given Stripe's own Accept header, or a client asking for something we do not render
    order = OrderFactory()
    body = json.dumps(completed(order)).encode()

    # when
    response = api_client.post(
        URL,
        data=body,
        content_type="application/json; charset=utf-8",
        HTTP_STRIPE_SIGNATURE=sign(body),
        HTTP_ACCEPT=accept,
    )

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    order.refresh_from_db()
    assert order.status == PaymentStatus.COMPLETED


MISSING_ORDER = "00000000-0000-0000-0000-0000000000ab"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "status", "body"),
    [
        (
            "no_secret",
            503,
            {"detail": "Webhooks are not configured.", "code": "payment_service_unavailable"},
        ),
        (
            "bad_signature",
            400,
            {"detail": "Invalid Stripe signature or payload.", "code": "invalid_signature"},
        ),
        (
            "not_an_event",
            400,
            {"detail": "Invalid Stripe signature or payload.", "code": "invalid_payload"},
        ),
        (
            "order_missing",
            409,
            {"detail": "This event names an order that does not exist.", "code": "order_not_found"},
        ),
    ],
)
def test_webhook_errors_are_the_handlers_json_whatever_accept(
    api_client, settings, case, status, body
):
    # given a delivery that fails, from a client asking for XML
    settings.STRIPE_WEBHOOK_SECRET = "" if case == "no_secret" else WEBHOOK_SECRET
    event = completed(OrderFactory())
    if case == "not_an_event":
        event = {"id": "evt_1"}
    if case == "order_missing":
        event = make_event(
            "checkout.session.completed",
            {
                **event["data"]["object"],
                "id": "cs_test_not_here",
                "client_reference_id": MISSING_ORDER,
                "metadata": {},
            },
        )
    raw = json.dumps(event).encode()
    signature = sign(raw, secret="whsec_other") if case == "bad_signature" else sign(raw)

    # when
    response = api_client.post(
        URL,
        data=raw,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
        HTTP_ACCEPT="application/xml",
    )

    # then the one error handler answers, in JSON, with the contract's code
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json() == body
    assert StripeEvent.objects.count() == (1 if case == "order_missing" else 0)
