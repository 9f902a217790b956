"""Writes for payments: starting a checkout, applying Stripe's events, refunding.

Rules that hold everywhere here:
- Stripe is never called inside a transaction that holds row locks: the order is saved
  first, Stripe is called, then the session id is saved. When Stripe fails, the
  session-less order is deleted, so no pending order without a session survives.
- A webhook event is stored once (unique `stripe_id`); its work runs in the same
  transaction with the order row locked, and every transition checks the current state,
  so a repeated or concurrent delivery changes nothing.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.money import minimum_charge_minor, quantize_amount, to_minor_units
from courses.enrollments import enrollment_grant, enrollment_revoke
from courses.models import Course, CoursePrice, Enrollment
from payments import integrations
from payments.exceptions import (
    AlreadyEnrolled,
    AmountBelowMinimum,
    CourseNotFound,
    CurrencyNotAvailable,
    PaymentNotRefundable,
    PaymentServiceError,
    PaymentServiceUnavailable,
)
from payments.models import Order, Payment, PaymentStatus, StripeEvent
from users.models import User

logger = logging.getLogger(__name__)

# A pending order is reused only while its session has at least this long to live.
CHECKOUT_REUSE_MARGIN = timedelta(minutes=5)


@dataclass(frozen=True)
class CheckoutResult:
    enrolled: bool
    order: Order | None = None


def course_price_in(*, course: Course, currency: str | None) -> tuple[Decimal, str]:
    """The course's price in `currency` (its default currency when None)."""
    if not currency or currency.lower() == course.currency:
        return course.price, course.currency
    currency = currency.lower()
    extra = CoursePrice.objects.filter(course=course, currency=currency).first()
    if extra is None:
        raise CurrencyNotAvailable()
    return extra.price, currency


def _checkout_params(*, order: Order, user: User, course: Course) -> dict:
    front = settings.FRONTEND_URL
    ttl = min(max(settings.STRIPE_CHECKOUT_TTL_MINUTES, 31), 24 * 60 - 1)
    expires_at = timezone.now() + timedelta(minutes=ttl)
    product: dict = {"name": course.title[:250]}
    if course.thumbnail:
        url = course.thumbnail.url
        if url.startswith("https://"):  # Stripe only takes absolute public URLs
            product["images"] = [url]
    metadata = {"order_id": str(order.id), "course_id": str(course.id), "user_id": str(user.id)}
    return {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": order.currency,
                    "unit_amount": to_minor_units(order.amount, order.currency),
                    "product_data": product,
                },
            }
        ],
        "success_url": (
            f"{front}/dashboard/payment-success?course-slug={course.slug}"
            "&session_id={CHECKOUT_SESSION_ID}"
        ),
        "cancel_url": f"{front}/dashboard/payment-cancel?course-slug={course.slug}",
        "client_reference_id": str(order.id),
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "customer_email": user.email,
        "expires_at": int(expires_at.timestamp()),
    }


@transaction.atomic
def _checkout_order_reserve(*, user: User, course: Course, amount: Decimal, currency: str) -> Order:
    """The order this checkout belongs to: a reusable pending one, or a new one.

    The buyer's row is locked so two clicks at once share one order; a session-less
    order (another request is talking to Stripe right now) is shared too, and the same
    idempotency key makes Stripe answer both with the same session.
    """
    User.objects.select_for_update().filter(pk=user.pk).first()
    now = timezone.now()
    pending = Order.objects.filter(
        user=user, course=course, currency=currency, amount=amount, status=PaymentStatus.PENDING
    ).order_by("-created_at")
    for order in pending:
        if order.checkout_session_id is None:
            return order
        if order.checkout_expires_at and order.checkout_expires_at > now + CHECKOUT_REUSE_MARGIN:
            return order
    return Order.objects.create(
        user=user, course=course, amount=amount, currency=currency, checkout_attempt=1
    )


def checkout_start(*, user: User, course_id, currency: str | None = None) -> CheckoutResult:
    """Start buying a course: a pending Order with a Stripe Checkout Session.

    Draft or unknown: 404. Already enrolled: 409. Free course: enrolls at once (no
    order), whatever `currency` says (nothing is charged, so the SPA's default currency
    must not block it). Currency without a price: 400. Under Stripe's minimum: 400. No
    Stripe key: 503; Stripe failing: 502, and the order made for it is deleted again.
    Asking twice while an unexpired pending order exists returns that order's session
    (no second order).
    """
    course = Course.objects.filter(pk=course_id, is_published=True).first()
    if course is None:
        raise CourseNotFound()
    if Enrollment.objects.filter(user=user, course=course, is_active=True).exists():
        raise AlreadyEnrolled()
    if course.is_free:
        enrollment_grant(user=user, course=course)
        return CheckoutResult(enrolled=True)
    amount, currency = course_price_in(course=course, currency=currency)
    amount = quantize_amount(amount, currency)
    if to_minor_units(amount, currency) < minimum_charge_minor(currency):
        raise AmountBelowMinimum()
    if not integrations.stripe_is_configured():
        raise PaymentServiceUnavailable()

    order = _checkout_order_reserve(user=user, course=course, amount=amount, currency=currency)
    if order.checkout_session_id:
        return CheckoutResult(enrolled=False, order=order)
    params = _checkout_params(order=order, user=user, course=course)
    try:
        session = integrations.checkout_session_create(
            params=params,
            idempotency_key=f"checkout-{order.id}-{order.checkout_attempt}",
        )
    except Exception:
        Order.objects.filter(
            pk=order.pk, status=PaymentStatus.PENDING, checkout_session_id__isnull=True
        ).delete()
        raise
    if not isinstance(session.get("id"), str) or not session["id"]:
        Order.objects.filter(pk=order.pk, checkout_session_id__isnull=True).delete()
        logger.error("payments.stripe.session_without_id", extra={"order_id": str(order.id)})
        raise PaymentServiceError()
    # Stripe echoes the `expires_at` we sent; a reply without a usable one (a test
    # double's canned session) is taken to live as long as we asked, so a second click
    # still finds this order's session.
    expires_at = session.get("expires_at")
    now_ts = int(timezone.now().timestamp())
    if not isinstance(expires_at, int) or not now_ts < expires_at <= now_ts + 2 * 86400:
        expires_at = params["expires_at"]
    order.checkout_session_id = session["id"]
    order.checkout_url = session.get("url") or ""
    order.checkout_expires_at = datetime.fromtimestamp(expires_at, tz=UTC)
    Order.objects.filter(pk=order.pk).update(
        checkout_session_id=order.checkout_session_id,
        checkout_url=order.checkout_url,
        checkout_expires_at=order.checkout_expires_at,
        updated_at=timezone.now(),
    )
    logger.info(
        "payments.checkout.created",
        extra={"order_id": str(order.id), "session_id": order.checkout_session_id},
    )
    return CheckoutResult(enrolled=False, order=order)


# --- Stripe events --------------------------------------------------------------------


def _stripe_id(value) -> str:
    """A Stripe object reference as its id: events carry ids as strings, but an
    expanded object (a dict with an `id`) is accepted too; anything else is no id."""
    if isinstance(value, dict):
        value = value.get("id")
    return value[:255] if isinstance(value, str) else ""


def _locked_order_for_session(session: dict) -> Order | None:
    """The order a Checkout Session belongs to, row-locked for this transaction.

    Found by `client_reference_id`, else `metadata.order_id`, else the session id; an
    event naming none of our orders is answered 200 and only logged.
    """
    orders = Order.objects.select_for_update()
    metadata = session.get("metadata")
    order_id = session.get("client_reference_id") or (
        metadata.get("order_id") if isinstance(metadata, dict) else None
    )
    order = None
    try:
        order = orders.filter(pk=uuid.UUID(str(order_id))).first() if order_id else None
    except ValueError:  # not one of our ids
        order = None
    session_id = _stripe_id(session.get("id"))
    if order is None and session_id:
        order = orders.filter(checkout_session_id=session_id).first()
    if order is None:
        logger.warning("payments.webhook.order_not_found", extra={"session_id": session_id})
    return order


def _fulfil(session: dict) -> str:
    order = _locked_order_for_session(session)
    if order is None:
        return "order_not_found"
    if order.status in (PaymentStatus.COMPLETED, PaymentStatus.REFUNDED):
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
    now = timezone.now()
    Payment.objects.create(
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
    order.save(update_fields=["status", "paid_at", "checkout_session_id", "updated_at"])
    enrollment_grant(user=order.user, course=order.course)
    return "fulfilled"


def _session_completed(session: dict) -> str:
    if session.get("payment_status") == "paid":
        return _fulfil(session)
    return "awaiting_payment"


def _session_failed(session: dict) -> str:
    """Async payment failed, or the session expired unpaid: the order failed."""
    order = _locked_order_for_session(session)
    if order is None:
        return "order_not_found"
    if order.status != PaymentStatus.PENDING:
        return "no_change"
    order.status = PaymentStatus.FAILED
    order.save(update_fields=["status", "updated_at"])
    return "failed"


def _payment_mark_refunded(*, order: Order, payment: Payment) -> str:
    """Order and payment refunded, enrollment deactivated; a no-op when already done.

    The caller holds the order's row lock.
    """
    if payment.status == PaymentStatus.REFUNDED:
        return "already_refunded"
    now = timezone.now()
    payment.status = PaymentStatus.REFUNDED
    payment.refunded_at = now
    payment.save(update_fields=["status", "refunded_at", "updated_at"])
    if not order.payments.filter(status=PaymentStatus.COMPLETED).exclude(pk=payment.pk).exists():
        order.status = PaymentStatus.REFUNDED
        order.save(update_fields=["status", "updated_at"])
        enrollment = Enrollment.objects.filter(user=order.user_id, course=order.course_id).first()
        if enrollment is not None:
            enrollment_revoke(enrollment=enrollment)
    return "refunded"


def _charge_refunded(charge: dict) -> str:
    """Only a full refund revokes access; a partial one is logged and left alone."""
    if not charge.get("refunded"):
        logger.info("payments.webhook.partial_refund", extra={"charge": charge.get("id")})
        return "partial_refund"
    intent = _stripe_id(charge.get("payment_intent"))
    payment = Payment.objects.filter(stripe_payment_intent=intent).first() if intent else None
    if payment is None:
        logger.warning("payments.webhook.payment_not_found", extra={"payment_intent": intent})
        return "payment_not_found"
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    return _payment_mark_refunded(order=order, payment=payment)


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
    """
    try:
        with transaction.atomic():
            record = StripeEvent.objects.create(
                stripe_id=event["id"], type=event["type"], payload=event
            )
    except IntegrityError:
        logger.info("payments.webhook.duplicate", extra={"event_id": event["id"]})
        return "duplicate"
    handler = EVENT_HANDLERS.get(event["type"])
    if handler is None:
        result = "ignored"
        logger.info("payments.webhook.ignored", extra={"event_type": event["type"]})
    else:
        result = handler(event["data"]["object"])
    record.processed_at = timezone.now()
    record.result = result
    record.save(update_fields=["processed_at", "result", "updated_at"])
    return result


# --- Refunds --------------------------------------------------------------------------


def payment_refund(*, payment: Payment) -> Payment:
    """Refund a completed payment in full through Stripe, then mark it refunded.

    The idempotency key is the payment's id, so clicking twice refunds once. The state
    change is the same one `charge.refunded` makes, so the later webhook is a no-op.
    """
    if payment.status != PaymentStatus.COMPLETED or not payment.stripe_payment_intent:
        raise PaymentNotRefundable()
    integrations.refund_create(
        payment_intent=payment.stripe_payment_intent,
        metadata={"order_id": str(payment.order_id), "payment_id": str(payment.id)},
        idempotency_key=f"refund-{payment.id}",
    )
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        _payment_mark_refunded(order=order, payment=locked)
    payment.refresh_from_db()
    logger.info("payments.refund.created", extra={"payment_id": str(payment.id)})
    return payment
