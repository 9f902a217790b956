"""Two checkouts at once, against a Stripe double that enforces idempotency keys the
way Stripe documents them (replay; 400 on different parameters; 409 while in flight)."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from courses.models import Course
from courses.tests.factories import CourseFactory
from payments.models import Order, PaymentStatus
from payments.services import checkout as checkout_services
from users.tests.factories import TutorFactory, UserFactory

URL = "/api/payments/payments/"


def _race(target, count: int) -> list:
    barrier = threading.Barrier(count)
    outcomes: list = []
    lock = threading.Lock()

    def run(index):
        try:
            barrier.wait()
            outcome = target(index)
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("clients", [2, 4])
def test_simultaneous_checkouts_share_one_order_and_session(
    make_client, stripe_keys, stripe_checkout_double, clients
):
    # given a buyer clicking "buy" in several tabs at once, and a Stripe that takes a
    # second to create a session
    buyer, course = UserFactory(), CourseFactory()
    double = stripe_checkout_double(delay=1.0)

    def buy(_index):
        response = make_client(buyer).post(URL, {"course_id": str(course.id)}, format="json")
        return response.status_code, response.json()

    # when they all start a checkout at the same moment
    answers = _race(buy, clients)

    # then every tab gets the same order and the same session, which Stripe made once
    order = Order.objects.get()
    assert [status for status, _ in answers] == [201] * clients, answers
    assert {body["order_id"] for _, body in answers} == {str(order.id)}
    assert {body["checkout_session_id"] for _, body in answers} == set(double.created)
    assert len(double.created) == 1
    assert order.checkout_session_id == double.created[0]
    # and every request under the key carried identical parameters (no 400 from Stripe)
    assert 400 not in double.refused
    (bodies,) = double.bodies.values()
    assert len(set(bodies)) == 1


@pytest.mark.django_db
def test_twin_in_flight_is_waited_out_with_identical_parameters(
    make_client, user, stripe_keys, stripe_checkout_double, monkeypatch
):
    # given Stripe busy with a twin request under our key for the first two asks, and
    # pauses long enough to cross a second (a per-call `expires_at` would differ)
    monkeypatch.setattr(checkout_services, "KEY_IN_USE_PAUSES", (0.6, 0.6))
    double = stripe_checkout_double(busy=2)
    course = CourseFactory()

    # when
    response = make_client(user).post(URL, {"course_id": str(course.id)})

    # then the third ask under the same key, with the same bytes, gets the session
    assert response.status_code == 201
    order = Order.objects.get()
    assert double.bodies == {
        f"checkout-{order.id}-1": [double.bodies[f"checkout-{order.id}-1"][0]] * 3
    }
    assert response.json()["checkout_session_id"] == double.created[0]


@pytest.mark.django_db
def test_twin_still_in_flight_is_409_checkout_in_progress_and_keeps_the_order(
    make_client, user, stripe_keys, stripe_checkout_double, monkeypatch
):
    monkeypatch.setattr(checkout_services, "KEY_IN_USE_PAUSES", (0.01,))
    stripe_checkout_double(busy=10)
    course = CourseFactory()

    response = make_client(user).post(URL, {"course_id": str(course.id)})

    assert response.status_code == 409
    assert response.json()["code"] == "checkout_in_progress"
    order = Order.objects.get()
    assert order.status == PaymentStatus.PENDING
    assert order.checkout_attempt == 1  # the twin may still finish under this key


@pytest.mark.django_db
def test_retry_of_a_stale_sessionless_order_uses_a_new_key(
    make_client, user, stripe_keys, stripe_checkout_double
):
    # given an order left without a session long ago, under a key Stripe has an
    # answer for with an `expires_at` now in the past
    course = CourseFactory()
    stale = Order.objects.create(
        user=user,
        course=course,
        amount=course.price,
        currency=course.currency,
        checkout_attempt=1,
        checkout_expires_at=timezone.now() - timedelta(hours=1),
    )
    double = stripe_checkout_double()

    # when the buyer checks out again
    response = make_client(user).post(URL, {"course_id": str(course.id)})

    # then the same order gets a session under a new attempt's key and a future expiry
    assert response.status_code == 201
    assert response.json()["order_id"] == str(stale.id)
    assert list(double.bodies) == [f"checkout-{stale.id}-2"]
    stale.refresh_from_db()
    assert stale.checkout_expires_at > timezone.now() + timedelta(minutes=30)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_checkout_and_course_deletion_at_once(make_client, stripe_keys, stripe_checkout_double):
    # given a tutor deleting a course at the moment a buyer starts paying for it
    tutor = TutorFactory()
    course = CourseFactory(tutors=[tutor])
    buyer = UserFactory()
    stripe_checkout_double(delay=0.3)

    def act(index):
        if index == 0:
            response = make_client(buyer).post(URL, {"course_id": str(course.id)}, format="json")
            return "checkout", response.status_code
        response = make_client(tutor).delete(f"/api/courses/courses/{course.slug}/")
        return "delete", response.status_code

    # when both run at once
    outcome = dict(_race(act, 2))

    # then one of them wins cleanly: never a 500, never a paid checkout for a lost course
    if outcome["delete"] == 204:
        assert outcome["checkout"] == 404
        assert not Order.objects.exists()
    else:
        assert outcome == {"checkout": 201, "delete": 409}
        assert Course.objects.filter(pk=course.pk).exists()
