"""Account emails leave from the worker, never inside the request (issue 14).

- Timing: with a slow mail server (0.4 s) and a broker configured, `password/reset/` and
  `verify-email/resend/` answer in the same time for an existing and an unknown email:
  the request only writes the outbox row and queues it.
- Broker down: the request still answers quickly; the row waits and the periodic
  re-queue sends it once the broker is back.
- A real worker on Redis delivers an email queued by a real request.
"""

import statistics
import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.db import connections

from core import outbox
from core.models import OutboundEmail
from core.tasks import outbound_emails_requeue
from core.tests.brokers import CLOSED_BROKER_URL, celery_broker, redis_broker_url
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

RESEND = "/api/auth/verify-email/resend/"
RESET = "/api/auth/password/reset/"
SLOW_BACKEND = "core.tests.email_backends.SlowEmailBackend"


def _timed_post(client, path: str, email: str, ip: str) -> float:
    started = time.perf_counter()
    response = client.post(path, {"email": email}, format="json", REMOTE_ADDR=ip)
    elapsed = time.perf_counter() - started
    assert response.status_code == 202
    return elapsed


@pytest.mark.parametrize("broker", ["memory", "redis"])
@pytest.mark.parametrize(
    ("path", "verified"), [(RESET, True), (RESEND, False)], ids=["reset", "resend"]
)
def test_known_and_unknown_emails_take_the_same_time(api_client, settings, broker, path, verified):
    # given: a slow mail server, a broker, and an account
    settings.EMAIL_BACKEND = SLOW_BACKEND
    url = "memory://" if broker == "memory" else redis_broker_url()
    UserFactory(email="known@example.com", is_email_verified=verified)

    with celery_broker(url):
        # warm-up: the broker connection is opened by the first email queued
        _timed_post(api_client, path, "known@example.com", "10.0.9.1")
        _timed_post(api_client, path, "nobody@example.com", "10.0.9.2")
        # when: alternating requests (a new client IP each, below the auth throttle)
        known, unknown = [], []
        for i in range(9):
            known.append(_timed_post(api_client, path, "known@example.com", f"10.0.1.{i}"))
            unknown.append(_timed_post(api_client, path, "nobody@example.com", f"10.0.2.{i}"))

    # then: nothing waited for the 0.4 s mail server, and the clock tells (almost)
    # nothing: the known email costs one row insert and one publish more (milliseconds)
    assert statistics.median(known) < 0.1
    assert abs(statistics.median(known) - statistics.median(unknown)) < 0.015
    assert mail.outbox == []
    assert OutboundEmail.objects.filter(sent_at__isnull=True).count() == 10


def test_with_the_broker_down_the_request_answers_and_the_email_waits(api_client):
    # given: an account, and a broker that refuses connections
    user = UserFactory(email="ada@example.com")

    # when
    with celery_broker(CLOSED_BROKER_URL):
        started = time.perf_counter()
        response = api_client.post(RESET, {"email": "ada@example.com"}, format="json")
        elapsed = time.perf_counter() - started

    # then: the request answered at once, and the email waits in the outbox
    assert response.status_code == 202 and elapsed < 1.0
    email = OutboundEmail.objects.get()
    assert (email.purpose, email.recipient, email.sent_at) == ("password_reset", user.email, None)
    assert mail.outbox == []

    # when: a minute later the broker is back (eager here) and the periodic task runs
    OutboundEmail.objects.filter(pk=email.pk).update(
        created_at=email.created_at - outbox.REQUEUE_AFTER
    )
    outbound_emails_requeue.apply().get()

    # then: it leaves once, with the reset link
    assert len(mail.outbox) == 1
    assert "/reset-password?uid=" in mail.outbox[0].body
    email.refresh_from_db()
    assert email.sent_at is not None


@pytest.fixture
def redis_worker():
    """A real Celery worker (a thread of this process) consuming from the test Redis."""
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


def test_an_email_queued_by_a_request_arrives_through_the_broker(api_client, redis_worker):
    # given
    UserFactory(email="grace@example.com")
    main_thread = threading.get_ident()
    senders = []
    original = outbox.outbound_email_send

    def spy(**kwargs):
        senders.append(threading.get_ident())
        return original(**kwargs)

    outbox.outbound_email_send = spy
    try:
        # when
        response = api_client.post(RESET, {"email": "grace@example.com"}, format="json")

        # then: the worker thread sent it, after the request answered
        assert response.status_code == 202
        assert _wait_for(lambda: OutboundEmail.objects.filter(sent_at__isnull=False).exists())
    finally:
        outbox.outbound_email_send = original
    assert senders and all(sender != main_thread for sender in senders)
    assert [message.to for message in mail.outbox] == [["grace@example.com"]]
