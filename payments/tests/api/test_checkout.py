import threading
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
import requests
import responses
from django.db import connections

from courses.models import Enrollment
from courses.tests.factories import (
    CourseFactory,
    CoursePriceFactory,
    DraftCourseFactory,
    EnrollmentFactory,
)
from payments.models import Order, PaymentStatus
from payments.tests.conftest import STRIPE_BASE, checkout_session_reply
from users.models import Role
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/payments/payments/"
SESSIONS = f"{STRIPE_BASE}/v1/checkout/sessions"


def form(call) -> dict:
    return {k: v[0] for k, v in parse_qs(call.request.body).items()}


@pytest.mark.parametrize(
    ("currency", "price", "minor"),
    [("usd", "49.99", "4999"), ("jpy", "5000", "5000"), ("kwd", "12.345", "12340")],
)
def test_checkout_sends_exact_session_request(
    make_client, user, stripe_keys, stripe_http, currency, price, minor
):
    # given a course priced in that currency
    course = CourseFactory(price=Decimal(price), currency=currency, title="Algebra")
    stripe_http.add(responses.POST, SESSIONS, json=checkout_session_reply("cs_test_1"))

    # when the user starts a checkout
    response = make_client(user).post(URL, {"course_id": str(course.id)})

    # then one order is pending and Stripe got exactly our request
    assert response.status_code == 201
    order = Order.objects.get()
    assert response.json() == {
        "checkout_session_id": "cs_test_1",
        "checkout_url": "https://checkout.stripe.com/c/pay/cs_test_1",
        "order_id": str(order.id),
    }
    assert order.status == PaymentStatus.PENDING
    assert order.currency == currency
    call = stripe_http.calls[0]
    sent = form(call)
    assert sent["mode"] == "payment"
    assert sent["line_items[0][quantity]"] == "1"
    assert sent["line_items[0][price_data][currency]"] == currency
    assert sent["line_items[0][price_data][unit_amount]"] == minor
    assert sent["line_items[0][price_data][product_data][name]"] == "Algebra"
    assert sent["success_url"] == (
        f"http://frontend.test/dashboard/payment-success?course-slug={course.slug}"
        "&session_id={CHECKOUT_SESSION_ID}"
    )
    assert sent["cancel_url"] == (
        f"http://frontend.test/dashboard/payment-cancel?course-slug={course.slug}"
    )
    assert sent["client_reference_id"] == str(order.id)
    assert sent["metadata[order_id]"] == str(order.id)
    assert sent["payment_intent_data[metadata][order_id]"] == str(order.id)
    assert sent["customer_email"] == user.email
    assert int(sent["expires_at"]) > 0
    assert call.request.headers["Idempotency-Key"] == f"checkout-{order.id}-1"
    assert call.request.headers["Authorization"] == "Bearer sk_test_123"


def test_checkout_in_other_currency_uses_that_price(make_client, user, stripe_keys, stripe_http):
    # given a usd course with a jpy price
    course = CourseFactory(price=Decimal("49.99"))
    CoursePriceFactory(course=course, currency="jpy", price=Decimal("7500"))
    stripe_http.add(responses.POST, SESSIONS, json=checkout_session_reply())

    # when
    response = make_client(user).post(URL, {"course_id": str(course.id), "currency": "JPY"})

    # then
    assert response.status_code == 201
    assert form(stripe_http.calls[0])["line_items[0][price_data][unit_amount]"] == "7500"
    assert Order.objects.get().amount == Decimal("7500")


def test_repeat_checkout_returns_same_session(make_client, user, stripe_keys, stripe_http):
    # given a first checkout
    course = CourseFactory()
    stripe_http.add(responses.POST, SESSIONS, json=checkout_session_reply("cs_once"))
    client = make_client(user)
    first = client.post(URL, {"course_id": str(course.id)})

    # when asking again
    second = client.post(URL, {"course_id": str(course.id)})

    # then the same order and session, and Stripe was called once
    assert second.status_code == 201
    assert second.json() == first.json()
    assert Order.objects.count() == 1
    assert len(stripe_http.calls) == 1


def test_checkout_after_expired_session_makes_new_order(
    make_client, user, stripe_keys, stripe_http
):
    # given a pending order whose session already lapsed
    course = CourseFactory()
    old = Order.objects.create(
        user=user, course=course, amount=course.price, currency="usd",
        checkout_session_id="cs_old", checkout_expires_at="2020-01-01T00:00:00Z",
    )  # fmt: skip
    stripe_http.add(responses.POST, SESSIONS, json=checkout_session_reply("cs_new"))

    # when
    response = make_client(user).post(URL, {"course_id": str(course.id)})

    # then
    assert response.status_code == 201
    assert response.json()["checkout_session_id"] == "cs_new"
    assert response.json()["order_id"] != str(old.id)


def test_free_course_enrolls_at_once(make_client, user, stripe_keys, stripe_http):
    # given a free course
    course = CourseFactory(price=Decimal("0"))

    # when
    response = make_client(user).post(URL, {"course_id": str(course.id)})

    # then enrolled, no order, no Stripe call, and the user became a student
    assert response.status_code == 200
    assert response.json() == {
        "enrolled": True,
        "checkout_session_id": None,
        "checkout_url": None,
        "order_id": None,
    }
    assert Enrollment.objects.filter(user=user, course=course, is_active=True).exists()
    assert Order.objects.count() == 0
    assert len(stripe_http.calls) == 0
    user.refresh_from_db()
    assert user.role == Role.STUDENT
    course.refresh_from_db()
    assert course.students_count == 1


def test_free_course_works_without_stripe_key(make_client, user):
    course = CourseFactory(price=Decimal("0"))

    response = make_client(user).post(URL, {"course_id": str(course.id)})

    assert response.status_code == 200


def test_already_enrolled_is_409(make_client, student, stripe_keys, stripe_http):
    course = CourseFactory()
    EnrollmentFactory(user=student, course=course)

    response = make_client(student).post(URL, {"course_id": str(course.id)})

    assert response.status_code == 409
    assert response.json()["code"] == "already_enrolled"
    assert Order.objects.count() == 0


def test_refunded_student_may_buy_again(make_client, student, stripe_keys, stripe_http):
    course = CourseFactory()
    EnrollmentFactory(user=student, course=course, is_active=False)
    stripe_http.add(responses.POST, SESSIONS, json=checkout_session_reply())

    response = make_client(student).post(URL, {"course_id": str(course.id)})

    assert response.status_code == 201


@pytest.mark.parametrize("kind", ["draft", "unknown"])
def test_draft_or_unknown_course_is_404(make_client, user, stripe_keys, kind):
    course_id = (
        str(DraftCourseFactory().id) if kind == "draft" else "00000000-0000-0000-0000-000000000000"
    )

    response = make_client(user).post(URL, {"course_id": course_id})

    assert response.status_code == 404
    assert Order.objects.count() == 0


def test_draft_is_404_even_for_its_tutor(make_client, tutor, stripe_keys):
    course = DraftCourseFactory(tutors=[tutor])

    response = make_client(tutor).post(URL, {"course_id": str(course.id)})

    assert response.status_code == 404


@pytest.mark.parametrize("currency", ["eur", "xyz", "a-very-long-nonsense"])
def test_currency_without_price_is_400(make_client, user, stripe_keys, currency):
    course = CourseFactory()

    response = make_client(user).post(URL, {"course_id": str(course.id), "currency": currency})

    assert response.status_code == 400
    assert response.json()["code"] == "currency_not_available"


@pytest.mark.parametrize(
    ("currency", "price"), [("usd", "0.49"), ("jpy", "49"), ("mxn", "9.99"), ("kwd", "0.004")]
)
def test_amount_below_stripe_minimum_is_400(make_client, user, stripe_keys, currency, price):
    course = CourseFactory(price=Decimal(price), currency=currency)

    response = make_client(user).post(URL, {"course_id": str(course.id)})

    assert response.status_code == 400
    assert response.json()["code"] == "amount_below_minimum"
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    "body", [{}, {"course_id": "nope"}, {"course_id": None}, {"course_id": ["x"]}]
)
def test_bad_body_is_400(make_client, user, stripe_keys, body):
    response = make_client(user).post(URL, body, format="json")

    assert response.status_code == 400
    assert "course_id" in response.json()


def test_no_stripe_key_is_503_and_no_order(make_client, user):
    course = CourseFactory()

    response = make_client(user).post(URL, {"course_id": str(course.id)})

    assert response.status_code == 503
    assert response.json()["code"] == "payment_service_unavailable"
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 400, "json": {"error": {"type": "invalid_request_error", "message": "x"}}},
        {"status": 401, "json": {"error": {"type": "invalid_request_error", "message": "key"}}},
        {"status": 500, "json": {"error": {"type": "api_error", "message": "down"}}},
        {"body": requests.ConnectionError("unreachable")},
        {"status": 200, "body": "not json"},
    ],
)
def test_stripe_failure_is_502_and_keeps_the_order_for_a_new_attempt(
    make_client, user, stripe_keys, stripe_http, failure
):
    # given Stripe failing once
    course = CourseFactory()
    stripe_http.add(responses.POST, SESSIONS, **failure)
    client = make_client(user)

    # when
    response = client.post(URL, {"course_id": str(course.id)})

    # then 502; the order stays pending without a session (its id may be out), nobody
    # is enrolled
    assert response.status_code == 502
    assert response.json()["code"] == "payment_service_error"
    order = Order.objects.get()
    assert order.status == PaymentStatus.PENDING
    assert order.checkout_session_id is None
    assert not Enrollment.objects.exists()

    # and when Stripe works again, the same order gets a session under a new key
    stripe_http.replace(responses.POST, SESSIONS, json=checkout_session_reply("cs_retry"))
    again = client.post(URL, {"course_id": str(course.id)})
    assert again.status_code == 201
    assert again.json()["order_id"] == str(order.id)
    assert again.json()["checkout_session_id"] == "cs_retry"
    assert stripe_http.calls[-1].request.headers["Idempotency-Key"] == f"checkout-{order.id}-2"


def test_anonymous_is_401(api_client):
    course = CourseFactory()

    response = api_client.post(URL, {"course_id": str(course.id)})

    assert response.status_code == 401


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_share_one_order(make_client, stripe_keys, stripe_http):
    # given a buyer double-clicking "buy" six times at once
    course = CourseFactory()
    buyer = UserFactory()
    stripe_http.add(responses.POST, SESSIONS, json=checkout_session_reply("cs_shared"))
    barrier = threading.Barrier(6)
    answers: list = []

    def buy():
        try:
            client = make_client(buyer)
            barrier.wait()
            response = client.post(URL, {"course_id": str(course.id)}, format="json")
            answers.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buy) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then one order, one session, and every Stripe call carried the same idempotency key
    order = Order.objects.get()
    assert [code for code, _ in answers] == [201] * 6
    assert {body["order_id"] for _, body in answers} == {str(order.id)}
    assert {body["checkout_session_id"] for _, body in answers} == {"cs_shared"}
    keys = {call.request.headers["Idempotency-Key"] for call in stripe_http.calls}
    assert keys == {f"checkout-{order.id}-1"}


def test_free_course_enrolls_whatever_currency_is_sent(make_client, user):
    # given a free course and the SPA sending its default currency anyway
    course = CourseFactory(price=Decimal("0"), currency="eur")

    # when
    response = make_client(user).post(URL, {"course_id": str(course.id), "currency": "usd"})

    # then nothing is charged, so the currency does not matter
    assert response.status_code == 200
    assert response.json()["enrolled"] is True


def test_double_with_canned_session_id_serves_every_buyer(make_client, stripe_keys, stripe_http):
    # given a stateless Stripe double answering every create with the same session
    stripe_http.add(responses.POST, SESSIONS, json=checkout_session_reply("cs_test_canned"))
    first_course, second_course = CourseFactory(), CourseFactory()

    # when two buyers check out
    first = make_client(UserFactory()).post(URL, {"course_id": str(first_course.id)})
    second = make_client(UserFactory()).post(URL, {"course_id": str(second_course.id)})

    # then both get their own order (no 500 on the repeated id)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["order_id"] != second.json()["order_id"]
    assert Order.objects.filter(checkout_session_id="cs_test_canned").count() == 2


@pytest.mark.parametrize("expires_at", ["missing", None, "soon", 1, 10**20])
def test_reply_without_usable_expires_at_still_reused(
    make_client, user, stripe_keys, stripe_http, expires_at
):
    # given a Stripe answer with only an id, a url and maybe an odd expires_at
    course = CourseFactory()
    reply = {"id": "cs_min", "object": "checkout.session", "url": "https://pay.test/cs_min"}
    if expires_at != "missing":
        reply["expires_at"] = expires_at
    stripe_http.add(responses.POST, SESSIONS, json=reply)
    client = make_client(user)
    first = client.post(URL, {"course_id": str(course.id)})

    # when asking again
    second = client.post(URL, {"course_id": str(course.id)})

    # then the session lives as long as we asked: same order, one Stripe call
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert len(stripe_http.calls) == 1


def test_reply_without_session_id_is_502_and_keeps_a_sessionless_order(
    make_client, user, stripe_keys, stripe_http
):
    stripe_http.add(responses.POST, SESSIONS, json={"object": "checkout.session"})

    response = make_client(user).post(URL, {"course_id": str(CourseFactory().id)})

    assert response.status_code == 502
    assert response.json()["code"] == "payment_service_error"
    order = Order.objects.get()
    assert (order.status, order.checkout_session_id) == (PaymentStatus.PENDING, None)
    assert order.checkout_expires_at is None  # no open checkout: the next one is a new attempt


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"course_id": None},
        {"course_id": "zz"},
        {"course_id": ["x"]},
        {"course_id": {"a": 1}},
        {"course_id": "00000000-0000-0000-0000-000000000001", "currency": ["usd"]},
        {"course_id": "00000000-0000-0000-0000-000000000001", "currency": "us\u0000d"},
    ],
)
def test_malformed_checkout_bodies_are_400(make_client, user, stripe_keys, body):
    response = make_client(user).post(URL, body, format="json")

    assert response.status_code == 400
    assert Order.objects.count() == 0


def test_checkout_sends_form_encoding_and_auth_headers(make_client, user, stripe_keys, stripe_http):
    stripe_http.add(responses.POST, SESSIONS, json=checkout_session_reply())

    make_client(user).post(URL, {"course_id": str(CourseFactory().id)})

    headers = stripe_http.calls[0].request.headers
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert headers["Authorization"] == "Bearer sk_test_123"
    assert headers["Idempotency-Key"].startswith("checkout-")
