"""Celery tasks of core: the email outbox (core/outbox.py).

Tasks are thin: they call a service, are idempotent, and retry with exponential backoff
(`RETRY`, shared by every app's tasks).
"""

from celery import shared_task

from core import outbox

# Every task: retried on any error with exponential backoff (2, 4, 8 ... s, at most 10
# minutes apart, jittered), at most 8 times; acks_late comes from the settings.
RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": 2,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="core.tasks.outbound_email_send", **RETRY)
def outbound_email_send(email_id: str) -> str:
    return outbox.outbound_email_send(email_id=email_id)


@shared_task(name="core.tasks.outbound_emails_requeue", **RETRY)
def outbound_emails_requeue() -> int:
    """Queue again every email left unsent for a minute (the broker was down when its
    request committed, or its task was lost). Sending stays idempotent."""
    due = outbox.outbound_emails_due()
    for email_id in due:
        outbound_email_send.delay(email_id)
    return len(due)
