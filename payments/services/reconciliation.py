"""Settling pending orders without their webhook (run by periodic tasks, payments/tasks.py).

Stripe gives up on a webhook after three days, and an endpoint can be misconfigured for
a day: a paid order must not stay pending for that. Two upkeeps:

- `orders_reconcile`: each pending order with a session, older than
  `STRIPE_RECONCILE_MINUTES`, is looked up at Stripe (outside any lock or transaction),
  then settled by `checkout_session_settle`, the webhook's own code path under the order
  row's lock: paid → fulfilled (enrollment, receipt), expired → failed, open → left.
  A webhook arriving at the same moment is serialised by that lock; the second one
  finds the order completed and changes nothing.
- `orders_expire`: pending orders whose session expired more than an hour ago
  (reconciliation had many chances to find a payment, but Stripe may be unreachable or
  unconfigured) are failed, the same transition as the `checkout.session.expired`
  webhook. A payment that still turns up later completes the order anyway
  (`paid_after_failure`), so nothing is lost.
"""

import logging
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from core.exceptions import ServiceError
from payments import integrations
from payments.models import Order, PaymentStatus
from payments.services.webhooks import checkout_session_settle

logger = logging.getLogger(__name__)

# A session expired this long ago is failed without asking Stripe.
EXPIRY_GRACE = timedelta(hours=1)
# At most this many orders per run (the next run takes the rest).
BATCH = 200


def orders_reconcile() -> dict[str, int]:
    """Settle old pending orders from their session at Stripe; returns counts of what
    happened (`fulfilled`, `failed`, `still_open`, `stripe_error`, ...)."""
    if not integrations.stripe_is_configured():
        logger.info("payments.reconcile.not_configured")
        return {}
    cutoff = timezone.now() - timedelta(minutes=settings.STRIPE_RECONCILE_MINUTES)
    orders = (
        Order.objects.filter(
            status=PaymentStatus.PENDING,
            checkout_session_id__isnull=False,
            created_at__lt=cutoff,
            # Flagged for staff (an amount Stripe reported that does not match): asking
            # again every few minutes would only flag it again.
            needs_review=False,
        )
        .order_by("created_at")
        .values_list("pk", "checkout_session_id")[:BATCH]
    )
    results: Counter[str] = Counter()
    for order_id, session_id in list(orders):
        try:
            session = integrations.checkout_session_retrieve(session_id=session_id)
        except ServiceError:
            results["stripe_error"] += 1
            continue
        # The session names its order (`client_reference_id`); a test double's canned
        # session may not, so the order we asked about is filled in.
        session["client_reference_id"] = session.get("client_reference_id") or str(order_id)
        result = checkout_session_settle(session=session)
        results[result] += 1
        if result not in {"still_open", "awaiting_payment"}:
            logger.info(
                "payments.reconcile.settled",
                extra={"order_id": str(order_id), "session_id": session_id, "result": result},
            )
    return dict(results)


def orders_expire() -> int:
    """Fail pending orders whose session expired over an hour ago; returns how many."""
    cutoff = timezone.now() - EXPIRY_GRACE
    orders = (
        Order.objects.filter(
            status=PaymentStatus.PENDING,
            checkout_session_id__isnull=False,
            checkout_expires_at__lt=cutoff,
        )
        .order_by("checkout_expires_at")
        .values_list("pk", "checkout_session_id")[:BATCH]
    )
    failed = 0
    for order_id, session_id in list(orders):
        session = {"id": session_id, "client_reference_id": str(order_id), "status": "expired"}
        if checkout_session_settle(session=session) == "failed":
            failed += 1
            logger.info("payments.expire.failed_order", extra={"order_id": str(order_id)})
    return failed
