"""Applying Stripe's events: a paid session fulfils its order, a failed or expired one
fails it, a refunded charge refunds it.

`stripe_event_process` stores each event once and runs its handler in the same
transaction; the handlers find our order from the event, lock it, and check its current
state, so replays and any order of arrival end in the same state.
"""

import logging
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.money import to_minor_units
from courses.enrollments import enrollment_grant
from payments import integrations
from payments.exceptions import InvalidWebhook, WebhookOrderMissing, WebhookSecretMissing
from payments.models import Order, Payment, PaymentStatus, StripeEvent
from payments.services.checkout import checkout_session_close
from payments.services.orders import buyer_lock, other_completed_order
from payments.services.refunds import duplicate_payment_refund, payment_mark_refunded

logger = logging.getLogger(__name__)

# The result of an event that names one of our orders which we do not have: the event
# is kept, flagged for review, and the webhook answers 409 so Stripe delivers it again.
ORDER_MISSING = "order_missing"


def _stripe_id(value) -> str:
    """A Stripe object reference as its id: events carry ids as strings, but an
    expanded object (a dict with an `id`) is accepted too; anything else is no id."""
    if isinstance(value, dict):
        value = value.get("id")
    return value[:255] if isinstance(value, str) else ""


def _our_order_id(value) -> uuid.UUID | None:
    """`value` as one of our order ids (a UUID), else None."""
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _metadata_order_id(obj) -> uuid.UUID | None:
    metadata = obj.get("metadata") if isinstance(obj, dict) else None
    return _our_order_id(metadata.get("order_id")) if isinstance(metadata, dict) else None


def _session_order_id(session: dict) -> uuid.UUID | None:
    return _our_order_id(session.get("client_reference_id")) or _metadata_order_id(session)


def _charge_order_id(charge: dict) -> uuid.UUID | None:
    """Our order id on a Charge: its own metadata (copied from the PaymentIntent, which
    the Checkout Session gave it), or an expanded PaymentIntent's."""
    return _metadata_order_id(charge) or _metadata_order_id(charge.get("payment_intent"))


def _order_not_found(order_id: uuid.UUID | None, **extra) -> str:
    """What an event answers when no order matches: `ORDER_MISSING` (kept, flagged,
    retried) when it names one of our orders, else `order_not_found` (not ours)."""
    logger.warning(
        "payments.webhook.order_not_found",
        extra={"order_id": str(order_id) if order_id else None, **extra},
    )
    return ORDER_MISSING if order_id else "order_not_found"


def _locked_order_for_session(session: dict) -> Order | None:
    """The order a Checkout Session belongs to, row-locked for this transaction.

    Found by `client_reference_id`, else `metadata.order_id`, else the session id.
    """
    orders = Order.objects.select_for_update()
    order_id = _session_order_id(session)
    order = orders.filter(pk=order_id).first() if order_id else None
    session_id = _stripe_id(session.get("id"))
    if order is None and session_id:
        order = orders.filter(checkout_session_id=session_id).first()
    return order


def _fulfil(session: dict) -> str:
    order = _locked_order_for_session(session)
    if order is None:
        return _order_not_found(
            _session_order_id(session), session_id=_stripe_id(session.get("id"))
        )
    if order.status == PaymentStatus.REFUNDED:
        # The refund came first (events arrive in any order): it stays refunded.
        return "already_refunded"
    if order.status == PaymentStatus.COMPLETED:
        return "already_fulfilled"
    expected = to_minor_units(order.amount, order.currency)
    paid_amount = session.get("amount_total")
    paid_currency = str(session.get("currency") or "").lower()
    if paid_amount != expected or paid_currency != order.currency:
        order.needs_review = True
        order.review_reason = (
            f"Stripe reported {paid_amount} {paid_currency}, expected {expected} {order.currency}"
        )
        order.save(update_fields=["needs_review", "review_reason", "updated_at"])
        logger.error(
            "payments.webhook.amount_mismatch",
            extra={"order_id": str(order.id), "reason": order.review_reason},
        )
        return "amount_mismatch"
    buyer_lock(order)
    paid_twice = other_completed_order(order)
    now = timezone.now()
    payment = Payment.objects.create(
        order=order,
        amount=order.amount,
        currency=order.currency,
        status=PaymentStatus.COMPLETED,
        stripe_payment_intent=_stripe_id(session.get("payment_intent")),
    )
    if order.status == PaymentStatus.FAILED:
        logger.warning("payments.webhook.paid_after_failure", extra={"order_id": str(order.id)})
    order.status = PaymentStatus.COMPLETED
    order.paid_at = now
    if _stripe_id(session.get("id")) and not order.checkout_session_id:
        order.checkout_session_id = _stripe_id(session.get("id"))
    update_fields = ["status", "paid_at", "checkout_session_id", "updated_at"]
    if paid_twice:
        # The buyer already pays for this course through another order: keep the money's
        # record, flag it, and give it back through Stripe once this transaction commits.
        order.needs_review = True
        order.review_reason = "Paid twice for one course: refunded through Stripe as a duplicate."
        update_fields += ["needs_review", "review_reason"]
    order.save(update_fields=update_fields)
    if paid_twice:
        logger.warning("payments.webhook.paid_twice", extra={"order_id": str(order.id)})
        transaction.on_commit(lambda: duplicate_payment_refund(payment_id=payment.pk), robust=True)
        return "paid_twice"
    enrollment_grant(user=order.user, course=order.course)
    # The buyer's other sessions for this course must not be paid as well.
    open_sessions = (
        Order.objects.filter(
            user=order.user_id,
            course=order.course_id,
            status=PaymentStatus.PENDING,
            checkout_session_id__isnull=False,
        )
        .exclude(pk=order.pk)
        .values_list("pk", "checkout_session_id")
    )
    for other_id, session_id in open_sessions:
        transaction.on_commit(
            lambda o=other_id, s=session_id: checkout_session_close(order_id=o, session_id=s),
            robust=True,
        )
    return "fulfilled"


def _session_completed(session: dict) -> str:
    if session.get("payment_status") == "paid":
        return _fulfil(session)
    return "awaiting_payment"


def _session_failed(session: dict) -> str:
    """Async payment failed, or the session expired unpaid: the order failed."""
    order = _locked_order_for_session(session)
    if order is None:
        return _order_not_found(
            _session_order_id(session), session_id=_stripe_id(session.get("id"))
        )
    if order.status != PaymentStatus.PENDING:
        return "no_change"
    order.status = PaymentStatus.FAILED
    order.save(update_fields=["status", "updated_at"])
    return "failed"


def _refund_before_completion(*, order: Order, intent: str) -> str:
    """The refund of a charge whose completion has not arrived yet (or never will):
    the money came and went back, so the order ends refunded with a refunded payment,
    and the completion that follows changes nothing. Nobody is enrolled by it."""
    now = timezone.now()
    Payment.objects.create(
        order=order,
        amount=order.amount,
        currency=order.currency,
        status=PaymentStatus.REFUNDED,
        stripe_payment_intent=intent,
        refunded_at=now,
    )
    order.status = PaymentStatus.REFUNDED
    order.paid_at = order.paid_at or now
    order.save(update_fields=["status", "paid_at", "updated_at"])
    logger.info("payments.webhook.refund_before_completion", extra={"order_id": str(order.id)})
    return "refunded_before_completion"


def _charge_refunded(charge: dict) -> str:
    """Only a full refund revokes access; a partial one is logged and left alone.

    The order is found by our order id in the charge's metadata, then by the
    PaymentIntent id of one of our payments.
    """
    if not charge.get("refunded"):
        logger.info("payments.webhook.partial_refund", extra={"charge": charge.get("id")})
        return "partial_refund"
    intent = _stripe_id(charge.get("payment_intent"))
    order_id = _charge_order_id(charge)
    order = Order.objects.select_for_update().filter(pk=order_id).first() if order_id else None
    if order is None and intent:
        known = Payment.objects.filter(stripe_payment_intent=intent).first()
        if known is not None:
            order = Order.objects.select_for_update().get(pk=known.order_id)
    if order is None:
        if order_id:
            return _order_not_found(order_id, payment_intent=intent)
        logger.warning("payments.webhook.payment_not_found", extra={"payment_intent": intent})
        return "payment_not_found"
    payments = Payment.objects.select_for_update().filter(order=order)
    payment = payments.filter(stripe_payment_intent=intent).first() if intent else None
    if payment is None:
        payment = payments.filter(stripe_payment_intent="").first()
    if payment is None:
        if payments.exists():
            logger.warning(
                "payments.webhook.payment_not_found",
                extra={"order_id": str(order.id), "payment_intent": intent},
            )
            return "payment_not_found"
        return _refund_before_completion(order=order, intent=intent)
    return payment_mark_refunded(order=order, payment=payment)


EVENT_HANDLERS = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _fulfil,
    "checkout.session.async_payment_failed": _session_failed,
    "checkout.session.expired": _session_failed,
    "charge.refunded": _charge_refunded,
}


@transaction.atomic
def stripe_event_process(*, event: dict) -> str:
    """Apply one verified Stripe event exactly once; returns what happened.

    The event row is inserted first under its unique `stripe_id`: a replay, or a
    concurrent twin (which waits on the insert until this transaction ends), hits the
    constraint and does nothing. The handler runs in the same transaction, so when it
    fails the event is not recorded and Stripe's retry gets a second chance.

    An event that names one of our orders which cannot be found (`ORDER_MISSING`) is
    kept, flagged `needs_review` and left unprocessed: the view answers non-2xx, and
    each retry of it is applied again until its order is found.
    """
    try:
        with transaction.atomic():
            record = StripeEvent.objects.create(
                stripe_id=event["id"], type=event["type"], payload=event
            )
    except IntegrityError:
        record = StripeEvent.objects.select_for_update().get(stripe_id=event["id"])
        if record.processed_at is not None or not record.needs_review:
            logger.info("payments.webhook.duplicate", extra={"event_id": event["id"]})
            return "duplicate"
    handler = EVENT_HANDLERS.get(event["type"])
    if handler is None:
        result = "ignored"
        logger.info("payments.webhook.ignored", extra={"event_type": event["type"]})
    else:
        result = handler(event["data"]["object"])
    record.result = result
    if result == ORDER_MISSING:
        record.needs_review = True
        logger.error("payments.webhook.needs_review", extra={"event_id": event["id"]})
    else:
        record.needs_review = False
        record.processed_at = timezone.now()
    record.save(update_fields=["processed_at", "result", "needs_review", "updated_at"])
    return result


def stripe_webhook_receive(*, payload: bytes, signature: str | None) -> str:
    """Verify one delivery of Stripe's webhook on its raw body and apply its event;
    returns what happened (`fulfilled`, `duplicate`, `ignored`, ...).

    No secret configured: `WebhookSecretMissing` (503, Stripe retries). Bad, missing or
    stale signature, or a body that is not an event: `InvalidWebhook` (400), nothing
    stored. An event naming one of our orders that does not exist is stored and flagged
    first (its transaction commits), then `WebhookOrderMissing` (409) so Stripe retries.
    """
    try:
        event = integrations.webhook_event_verify(payload=payload, signature=signature)
    except WebhookSecretMissing:
        logger.error("payments.webhook.no_secret")
        raise
    except InvalidWebhook as exc:
        logger.warning("payments.webhook.rejected", extra={"reason": exc.reason})
        raise
    result = stripe_event_process(event=event)
    if result == ORDER_MISSING:
        raise WebhookOrderMissing()
    return result
