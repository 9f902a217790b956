"""Starting to buy a course: a pending order and its Stripe Checkout Session.

Two clicks at once share one order and one session (the buyer's row is locked while the
order is chosen, and one idempotency key per attempt makes Stripe answer both alike).
"""

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.exceptions import ServiceError
from core.money import minimum_charge_minor, quantize_amount, to_minor_units
from courses.enrollments import enrollment_grant
from courses.models import Course, CoursePrice, Enrollment
from payments import integrations
from payments.exceptions import (
    AlreadyEnrolled,
    AmountBelowMinimum,
    CheckoutInProgress,
    CheckoutKeyInUse,
    CourseNotFound,
    CurrencyNotAvailable,
    PaymentServiceError,
    PaymentServiceUnavailable,
)
from payments.models import Order, PaymentStatus
from users.models import User

logger = logging.getLogger(__name__)

# A pending order is reused only while its session has at least this long to live.
CHECKOUT_REUSE_MARGIN = timedelta(minutes=5)
# While Stripe says another request with our idempotency key is still running, ask again
# after these pauses (seconds); Stripe then replays that request's answer.
KEY_IN_USE_PAUSES = (0.25, 0.5, 1.0, 2.0)


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


def checkout_session_close(*, order_id, session_id: str) -> None:
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
