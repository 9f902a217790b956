"""The email outbox: emails leave after the commit of the change they report, from a
Celery worker, and none is lost while the broker is down.

- `outbound_email_queue` writes an `OutboundEmail` row in the caller's transaction and,
  on commit, queues the `outbound_email_send` task with its id. When queueing fails
  (Redis down), it is logged and the row waits: the request answers as usual.
- `outbound_email_send` (the task) locks the row (`skip_locked`: a twin run skips it),
  renders it with the builder its app registered for the purpose, sends, and sets
  `sent_at`: a task run twice, or a row queued twice, sends one email.
- `outbound_emails_requeue` (periodic, every minute) queues rows still unsent a minute
  after they were written, so they leave once the broker is back.

Apps register a builder per purpose (`@email_builder("verification")`), which reads the
current state at send time and returns the rendered email, or None when it no longer
applies (the address changed, the account was verified meanwhile): then nothing is sent
and the row is closed with a `dropped_reason`. Core knows no app's models.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.models import OutboundEmail

logger = logging.getLogger(__name__)

# A row unsent this long after it was written is queued again by the periodic task.
REQUEUE_AFTER = timedelta(minutes=1)
# After this long a row is left alone (and stays visible in the admin as unsent).
GIVE_UP_AFTER = timedelta(days=3)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


EmailBuilder = Callable[[OutboundEmail], RenderedEmail | None]
_builders: dict[str, EmailBuilder] = {}


def email_builder(purpose: str) -> Callable[[EmailBuilder], EmailBuilder]:
    """Register the function that renders the emails of `purpose` at send time."""

    def register(builder: EmailBuilder) -> EmailBuilder:
        _builders[purpose] = builder
        return builder

    return register


def email_render(*, template: str, subject: str, context: dict) -> RenderedEmail:
    """`<template>.txt` and `<template>.html` rendered with the same context: the plain
    text and HTML parts carry the same content."""
    return RenderedEmail(
        subject=subject,
        text=render_to_string(f"{template}.txt", context),
        html=render_to_string(f"{template}.html", context),
    )


def outbound_email_queue(
    *, purpose: str, key: str, recipient: str, context: dict | None = None
) -> OutboundEmail | None:
    """Write the email's outbox row in the current transaction and queue its sending
    after the commit. Returns None when (`purpose`, `key`) was queued already."""
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                purpose=purpose, key=key[:255], recipient=recipient, context=context or {}
            )
    except IntegrityError:
        logger.info("core.outbox.duplicate", extra={"purpose": purpose})
        return None
    transaction.on_commit(partial(outbound_email_enqueue, email_id=email.pk))
    return email


def outbound_email_enqueue(*, email_id) -> bool:
    """Hand the row to the broker; a failure is logged and the row waits for the
    periodic re-queue (never an error for the request that wrote it)."""
    from core.tasks import outbound_email_send

    try:
        if outbound_email_send.app.conf.task_always_eager:
            # No broker (development): one attempt in-process. Eager retries would run
            # back to back inside the request; the row stays unsent for a later re-queue.
            outbound_email_send.apply(args=[str(email_id)], retries=outbound_email_send.max_retries)
        else:
            outbound_email_send.delay(str(email_id))
    except Exception:
        logger.warning("core.outbox.enqueue_failed", extra={"email_id": str(email_id)})
        return False
    return True


def outbound_email_send(*, email_id) -> str:
    """Send one outbox email unless it was sent (or is being sent) already; returns what
    happened. A sending error propagates (the task retries) and leaves the row unsent."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, sent_at__isnull=True)
            .first()
        )
        if email is None:
            return "already_sent"
        builder = _builders.get(email.purpose)
        rendered = builder(email) if builder is not None else None
        if rendered is None:
            email.dropped_reason = "no longer applies" if builder is not None else "unknown purpose"
            result = "dropped"
        else:
            message = EmailMultiAlternatives(
                rendered.subject, rendered.text, settings.DEFAULT_FROM_EMAIL, [email.recipient]
            )
            message.attach_alternative(rendered.html, "text/html")
            message.send()
            result = "sent"
        email.sent_at = timezone.now()
        email.save(update_fields=["sent_at", "dropped_reason", "updated_at"])
    logger.info(
        f"core.outbox.{result}", extra={"email_id": str(email.pk), "purpose": email.purpose}
    )
    return result


def outbound_emails_due() -> list[str]:
    """Ids of the rows to queue again: unsent a minute after they were written (their
    queueing failed, or their task was lost), and not older than three days."""
    now = timezone.now()
    return [
        str(pk)
        for pk in OutboundEmail.objects.filter(
            sent_at__isnull=True,
            created_at__lt=now - REQUEUE_AFTER,
            created_at__gt=now - GIVE_UP_AFTER,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    ]
