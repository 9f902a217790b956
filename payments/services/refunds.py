"""Giving money back: staff's refund of a payment, the automatic refund of a buyer who
paid twice, and the state change a refund makes (shared with `charge.refunded`).

Every refund's idempotency key is the payment's id, so however it is asked for (the
admin twice, the admin after the automatic one), Stripe refunds once.
"""

import logging

from django.db import transaction
from django.utils import timezone

from core.exceptions import ServiceError
from courses.enrollments import enrollment_revoke
from courses.models import Enrollment
from payments import integrations
from payments.exceptions import PaymentNotRefundable
from payments.models import Order, Payment, PaymentStatus
from payments.services.orders import buyer_lock, other_completed_order

logger = logging.getLogger(__name__)


def payment_mark_refunded(*, order: Order, payment: Payment) -> str:
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
        buyer_lock(order)
        enrollment = Enrollment.objects.filter(user=order.user_id, course=order.course_id).first()
        if enrollment is not None and not other_completed_order(order):
            enrollment_revoke(enrollment=enrollment)
    return "refunded"


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
        payment_mark_refunded(order=order, payment=locked)
    payment.refresh_from_db()
    logger.info("payments.refund.created", extra={"payment_id": str(payment.id)})
    return payment


def duplicate_payment_refund(*, payment_id) -> None:
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
