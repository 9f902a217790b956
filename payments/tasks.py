"""Celery tasks of payments: periodic settling of pending orders (see
payments/services/reconciliation.py). Thin, idempotent, retried with backoff."""

from celery import shared_task

from core.tasks import RETRY
from payments.services import reconciliation


@shared_task(name="payments.tasks.orders_reconcile", **RETRY)
def orders_reconcile() -> dict:
    return reconciliation.orders_reconcile()


@shared_task(name="payments.tasks.orders_expire", **RETRY)
def orders_expire() -> int:
    return reconciliation.orders_expire()
