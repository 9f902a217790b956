"""Writes for payments: starting a checkout, applying Stripe's events, refunding.

Rules that hold everywhere here:
- Stripe is never called inside a transaction that holds row locks: the order is saved
  first, Stripe is called, then the session id is saved; calls that follow an event
  (a duplicate payment's refund, expiring the buyer's other sessions) run on commit.
- An order, once created, is never deleted here: when Stripe fails it stays pending
  without a session and its next checkout uses a new attempt (a new idempotency key).
- Every request under one idempotency key sends identical parameters: the session's
  `expires_at` is chosen when the attempt starts and stored on the order.
- A webhook event is stored once (unique `stripe_id`); its work runs in the same
  transaction with the order row locked, and every transition checks the current state,
  so a repeated or concurrent delivery changes nothing, and events of one order reach
  the same end state in any order (a refund that comes first is recorded on the order,
  and the completion that follows finds it refunded).
- Locks are taken order → payment → buyer (user row) → enrollment → course, so two
  orders of one buyer for one course are decided one after the other.
"""

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import ServiceError
from core.money import minimum_charge_minor, quantize_amount, to_minor_units
from courses.exceptions import CourseHasStudents, PaymentRequired
from courses.models import Course, CoursePrice, Enrollment
from courses.selectors.enrollment import user_is_enrolled
from courses.services.enrollment import course_enroll, enrollment_grant, enrollment_revoke
from payments import integrations
from payments.exceptions import (
    AlreadyEnrolled,
    AmountBelowMinimum,
    CheckoutInProgress,
    CheckoutKeyInUse,
    CourseHasOpenCheckouts,
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
# While Stripe says another request with our idempotency key is still running, ask again
# after these pauses (seconds); Stripe then replays that request's answer.
KEY_IN_USE_PAUSES = (0.25, 0.5, 1.0, 2.0)

# The result of an event that names one of our orders which we do not have: the event
# is kept, flagged for review, and the webhook answers 409 so Stripe delivers it again.
ORDER_MISSING = "order_missing"


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


def _checkout_expiry() -> datetime:
    """When a new attempt's session will expire (Stripe takes 30 min to 24 h ahead)."""
    ttl = min(max(settings.STRIPE_CHECKOUT_TTL_MINUTES, 31), 24 * 60 - 1)
    return (timezone.now() + timedelta(minutes=ttl)).replace(microsecond=0)


def _checkout_params(*, order: Order, user: User, course: Course) -> dict:
    """Everything sent to Stripe for this order's current attempt: a function of stored
    values only, so a retry under the same idempotency key sends the same bytes."""
    front = settings.FRONTEND_URL
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
        "expires_at": int(order.checkout_expires_at.timestamp()),
    }


@transaction.atomic
def _checkout_order_reserve(*, user: User, course: Course, amount: Decimal, currency: str) -> Order:
    """The order this checkout belongs to: a reusable pending one, or a new one.

    The buyer's row is locked so two clicks at once share one order; a session-less
    order (another request is talking to Stripe right now) is shared too, and the same
    idempotency key with the same stored parameters makes Stripe answer both with the
    same session. A session-less order whose attempt is too old to be in flight (Stripe
    failed for it) starts a new attempt: a new key and a new `expires_at`.

    The course row is locked too (`FOR NO KEY UPDATE`), so a course deletion either
    sees this order or runs first, and then the course is gone (404), never a 500.
    """
    User.objects.select_for_update().filter(pk=user.pk).first()
    still_there = (
        Course.objects.select_for_update(no_key=True)
        .filter(pk=course.pk, is_published=True)
        .values_list("pk", flat=True)
        .first()
    )
    if still_there is None:
        raise CourseNotFound()
    now = timezone.now()
    pending = Order.objects.filter(
        user=user, course=course, currency=currency, amount=amount, status=PaymentStatus.PENDING
    ).order_by("-created_at")
    for order in pending:
        fresh = bool(order.checkout_expires_at) and (
            order.checkout_expires_at > now + CHECKOUT_REUSE_MARGIN
        )
        if order.checkout_session_id is None:
            if not fresh:
                order.checkout_attempt += 1
                order.checkout_expires_at = _checkout_expiry()
                order.save(update_fields=["checkout_attempt", "checkout_expires_at", "updated_at"])
            return order
        if fresh:
            return order
    return Order.objects.create(
        user=user,
        course=course,
        amount=amount,
        currency=currency,
        checkout_attempt=1,
        checkout_expires_at=_checkout_expiry(),
    )


def _checkout_attempt_abandon(*, order: Order) -> None:
    """Stripe failed for this attempt. The order stays (its id may already be with a
    twin client); its expiry is cleared, so it no longer counts as an open checkout
    (course deletion) and the next checkout starts a new attempt with a new key, since
    Stripe replays a failed answer for the old one."""
    Order.objects.filter(
        pk=order.pk, checkout_session_id__isnull=True, checkout_attempt=order.checkout_attempt
    ).update(checkout_expires_at=None, updated_at=timezone.now())


def _checkout_session_request(*, order: Order, params: dict) -> dict:
    """Ask Stripe for this attempt's session, waiting out a twin request in flight.

    A 409 `idempotency_key_in_use` means another request of ours is creating the same
    session right now: ask again after a pause and Stripe replays its answer. Still in
    use after the pauses → 409 `checkout_in_progress` (the client may retry).
    """
    key = f"checkout-{order.id}-{order.checkout_attempt}"
    for pause in (*KEY_IN_USE_PAUSES, None):
        try:
            return integrations.checkout_session_create(params=params, idempotency_key=key)
        except CheckoutKeyInUse as exc:
            if pause is None:
                raise CheckoutInProgress() from exc
            time.sleep(pause)
    raise AssertionError("unreachable")  # pragma: no cover


def checkout_start(*, user: User, course_id, currency: str | None = None) -> CheckoutResult:
    """Start buying a course: a pending Order with a Stripe Checkout Session.

    Draft or unknown: 404. Already enrolled: 409. Free course: enrolls at once (no
    order), whatever `currency` says (nothing is charged, so the SPA's default currency
    must not block it). Currency without a price: 400. Under Stripe's minimum: 400. No
    Stripe key: 503; Stripe failing: 502, and the order stays pending without a session
    (the next attempt reuses it with a new idempotency key). Asking twice, even at the
    same moment, while an unexpired pending order exists returns that order's session
    (no second order); a twin request still talking to Stripe after a few seconds → 409
    `checkout_in_progress`.
    """
    course = Course.objects.filter(pk=course_id, is_published=True).first()
    if course is None:
        raise CourseNotFound()
    if user_is_enrolled(user, course):
        raise AlreadyEnrolled()
    try:  # free or paid: courses' one enrollment entry point decides
        course_enroll(user=user, course=course)
    except PaymentRequired:
        pass  # a paid course: on to Stripe
    else:
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
        session = _checkout_session_request(order=order, params=params)
    except CheckoutInProgress:
        raise
    except Exception:
        _checkout_attempt_abandon(order=order)
        raise
    if not isinstance(session.get("id"), str) or not session["id"]:
        _checkout_attempt_abandon(order=order)
        logger.error("payments.stripe.session_without_id", extra={"order_id": str(order.id)})
        raise PaymentServiceError()
    # Stripe echoes the `expires_at` we sent; a reply without a usable one (a test
    # double's canned session) is taken to live as long as we asked, so a second click
    # still finds this order's session.
    expires_at = session.get("expires_at")
    now_ts = int(timezone.now().timestamp())
    if not isinstance(expires_at, int) or not now_ts < expires_at <= now_ts + 2 * 86400:
        expires_at = params["expires_at"]
    saved = Order.objects.filter(pk=order.pk, checkout_session_id__isnull=True).update(
        checkout_session_id=session["id"],
        checkout_url=session.get("url") or "",
        checkout_expires_at=datetime.fromtimestamp(expires_at, tz=UTC),
        updated_at=timezone.now(),
    )
    # A twin request may have stored its session first: every client gets the stored one.
    order.refresh_from_db()
    if not saved:
        return CheckoutResult(enrolled=False, order=order)
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


def _lock_buyer(order: Order) -> None:
    """Serialize decisions about one buyer's orders (paid twice? still paying?)."""
    User.objects.select_for_update().filter(pk=order.user_id).first()


def _other_completed_order(order: Order) -> bool:
    """Whether the buyer has another completed, unrefunded order for this course."""
    return (
        Order.objects.filter(
            user=order.user_id, course=order.course_id, status=PaymentStatus.COMPLETED
        )
        .exclude(pk=order.pk)
        .exists()
    )


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
    _lock_buyer(order)
    paid_twice = _other_completed_order(order)
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
        transaction.on_commit(lambda: _duplicate_payment_refund(payment_id=payment.pk), robust=True)
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
            lambda o=other_id, s=session_id: _checkout_session_close(order_id=o, session_id=s),
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


def _payment_mark_refunded(*, order: Order, payment: Payment) -> str:
    """Order and payment refunded; a no-op when already done. The enrollment is
    deactivated unless another completed, unrefunded order of the buyer still pays for
    the course.

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
        _lock_buyer(order)
        enrollment = Enrollment.objects.filter(user=order.user_id, course=order.course_id).first()
        if enrollment is not None and not _other_completed_order(order):
            enrollment_revoke(enrollment=enrollment)
    return "refunded"


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


def _duplicate_payment_refund(*, payment_id) -> None:
    """Give back a second payment for a course the buyer already paid for (run on
    commit, outside any lock). The key is the payment's, as for staff's refund, so a
    later click in the admin can never refund twice."""
    payment = Payment.objects.filter(pk=payment_id, status=PaymentStatus.COMPLETED).first()
    if payment is None:
        return
    try:
        payment_refund(payment=payment)
    except ServiceError as exc:
        logger.error(
            "payments.refund.duplicate_failed",
            extra={"payment_id": str(payment_id), "code": exc.code},
        )
        Order.objects.filter(pk=payment.order_id).update(
            review_reason="Paid twice for one course; the automatic refund failed "
            f"({exc.code}): refund the payment in the admin.",
            updated_at=timezone.now(),
        )


def _checkout_session_close(*, order_id, session_id: str) -> None:
    """Expire another open session of a buyer who just paid (run on commit, outside any
    lock). A session Stripe says is not open is left to its own events."""
    try:
        expired = integrations.checkout_session_expire(session_id=session_id)
    except ServiceError as exc:
        logger.warning(
            "payments.checkout.expire_failed",
            extra={"order_id": str(order_id), "session_id": session_id, "code": exc.code},
        )
        return
    if expired is not None:
        Order.objects.filter(pk=order_id, status=PaymentStatus.PENDING).update(
            status=PaymentStatus.FAILED, updated_at=timezone.now()
        )


# --- Course deletion ---------------------------------------------------------------------
#
# Courses cannot see orders (apps depend one way), so payments tells `course_delete` what
# its orders mean for a deletion: registered in `PaymentsConfig.ready`.


def course_orders_blocker(course: Course) -> ServiceError | None:
    """A completed order (409 `course_has_students`: money hangs on the course), or a
    pending order whose session can still be paid or is being created right now (409
    `course_has_open_checkouts`: deleting would take a buyer's money for a course that is
    gone; its `checkout_expires_at` is set before Stripe is asked)."""
    orders = Order.objects.filter(course=course)
    if orders.filter(status=PaymentStatus.COMPLETED).exists():
        return CourseHasStudents()
    if orders.filter(status=PaymentStatus.PENDING, checkout_expires_at__gt=timezone.now()).exists():
        return CourseHasOpenCheckouts()
    return None


def course_orders_delete(course: Course) -> None:
    """Orders that never completed and can no longer be paid go with their course."""
    Payment.objects.filter(order__course=course).delete()
    Order.objects.filter(course=course).delete()
