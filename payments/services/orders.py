"""Rules about the orders of one buyer or one course, shared by checkout, webhooks and
refunds, and what a course's orders mean for its deletion."""

from django.utils import timezone

from core.exceptions import ServiceError
from courses.models import Course
from courses.services import CourseHasStudents
from payments.exceptions import CourseHasOpenCheckouts
from payments.models import Order, Payment, PaymentStatus
from users.models import User


def buyer_lock(order: Order) -> None:
    """Serialize decisions about one buyer's orders (paid twice? still paying?)."""
    User.objects.select_for_update().filter(pk=order.user_id).first()


def other_completed_order(order: Order) -> bool:
    """Whether the buyer has another completed, unrefunded order for this course."""
    return (
        Order.objects.filter(
            user=order.user_id, course=order.course_id, status=PaymentStatus.COMPLETED
        )
        .exclude(pk=order.pk)
        .exists()
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
