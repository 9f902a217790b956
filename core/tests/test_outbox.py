"""The email outbox (core/outbox.py): written with the change, sent after commit, once."""

import pytest
from django.core import mail
from django.db import transaction

from core import outbox
from core.models import OutboundEmail
from core.tasks import outbound_email_send, outbound_emails_requeue
from core.tests.email_backends import FlakyEmailBackend

pytestmark = pytest.mark.django_db

NOTE = "test_note"
still_applies = {"value": True}


@outbox.email_builder(NOTE)
def _note(email: OutboundEmail) -> outbox.RenderedEmail | None:
    if not still_applies["value"]:
        return None
    return outbox.RenderedEmail(
        subject="Note", text=f"Hello {email.context['name']}", html="<p>Hello</p>"
    )


@pytest.fixture(autouse=True)
def _applies():
    still_applies["value"] = True


def _queue(key: str = "k1") -> OutboundEmail | None:
    return outbox.outbound_email_queue(
        purpose=NOTE, key=key, recipient="ada@example.com", context={"name": "Ada"}
    )


def test_an_email_leaves_after_commit_with_text_and_html(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()
        assert mail.outbox == []  # nothing before the commit

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"] and message.body == "Hello Ada"
    assert message.alternatives[0].mimetype == "text/html"
    email.refresh_from_db()
    assert email.sent_at is not None


def test_a_rolled_back_change_writes_and_sends_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _queue()
        raise RuntimeError("the request failed")

    assert callbacks == []
    assert not OutboundEmail.objects.exists() and mail.outbox == []


def test_a_task_run_twice_sends_one_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        email = _queue()

    first = outbound_email_send.apply(args=[str(email.pk)]).get()
    second = outbound_email_send.apply(args=[str(email.pk)]).get()

    assert (first, second) == ("sent", "already_sent")
    assert len(mail.outbox) == 1


def test_the_same_purpose_and_key_is_queued_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert _queue("same") is not None
        assert _queue("same") is None

    assert OutboundEmail.objects.count() == 1 and len(mail.outbox) == 1


def test_an_email_that_no_longer_applies_is_dropped(django_capture_on_commit_callbacks):
    still_applies["value"] = False

    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()

    email.refresh_from_db()
    assert mail.outbox == []
    assert email.sent_at is not None and email.dropped_reason == "no longer applies"


def test_a_failed_send_leaves_the_row_for_the_requeue(settings, django_capture_on_commit_callbacks):
    # given: a mail server that refuses once (no broker: one attempt, in the request)
    settings.EMAIL_BACKEND = "core.tests.email_backends.FlakyEmailBackend"
    FlakyEmailBackend.failures = 1
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()
    email.refresh_from_db()
    assert email.sent_at is None and mail.outbox == []

    # when: the periodic re-queue finds it a minute later
    OutboundEmail.objects.filter(pk=email.pk).update(
        created_at=email.created_at - outbox.REQUEUE_AFTER
    )
    assert outbound_emails_requeue.apply().get() == 1

    # then
    email.refresh_from_db()
    assert email.sent_at is not None and len(mail.outbox) == 1


def test_the_requeue_leaves_fresh_sent_and_abandoned_rows_alone(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        fresh = _queue("fresh")
        old = _queue("old")
        ancient = _queue("ancient")
    OutboundEmail.objects.filter(pk=old.pk).update(created_at=old.created_at - outbox.REQUEUE_AFTER)
    OutboundEmail.objects.filter(pk=ancient.pk).update(
        created_at=ancient.created_at - outbox.GIVE_UP_AFTER
    )

    assert outbox.outbound_emails_due() == [str(old.pk)]
    assert fresh.sent_at is None


def test_the_task_retries_a_failing_send_with_backoff(settings, django_capture_on_commit_callbacks):
    # given: the task as a worker runs it (retries allowed), a server failing twice
    settings.EMAIL_BACKEND = "core.tests.email_backends.FlakyEmailBackend"
    FlakyEmailBackend.failures = 2
    with django_capture_on_commit_callbacks(execute=False):
        email = _queue()

    # when
    result = outbound_email_send.apply(args=[str(email.pk)]).get()

    # then: sent on the third attempt, once
    assert result == "sent" and len(mail.outbox) == 1
    assert outbound_email_send.retry_backoff and outbound_email_send.max_retries == 8
