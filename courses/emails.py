"""The enrollment receipt: sent through the outbox (core/outbox.py) after the commit of
the grant, whether the course was free (`enroll/`, checkout of a free course) or bought
(fulfilment of a paid order, which passes its amount and currency down).

One receipt per activation of an enrollment: the key is the enrollment and the moment
it was granted, so a replayed grant writes nothing and a re-purchase after a refund gets
its own receipt.
"""

from decimal import Decimal

from django.conf import settings

from core.models import OutboundEmail
from core.money import format_amount
from core.outbox import RenderedEmail, email_builder, email_render, outbound_email_queue
from courses.models import Course, Enrollment

ENROLLMENT_RECEIPT = "enrollment_receipt"


def enrollment_receipt_queue(
    *, enrollment: Enrollment, amount: Decimal | None = None, currency: str = ""
) -> None:
    """Queue the receipt in the grant's transaction; no amount (or 0) means free."""
    paid = amount is not None and amount > 0 and bool(currency)
    outbound_email_queue(
        purpose=ENROLLMENT_RECEIPT,
        key=f"{enrollment.pk}:{enrollment.enrolled_at.isoformat()}",
        recipient=enrollment.user.email,
        context={
            "course_id": str(enrollment.course_id),
            "amount": format_amount(amount, currency) if paid else None,
            "currency": currency.lower() if paid else None,
        },
    )


@email_builder(ENROLLMENT_RECEIPT)
def enrollment_receipt_email(email: OutboundEmail) -> RenderedEmail | None:
    course = Course.objects.filter(pk=email.context.get("course_id")).first()
    if course is None:
        return None
    amount, currency = email.context.get("amount"), email.context.get("currency")
    return email_render(
        template="emails/enrollment_receipt",
        subject=f"Your enrollment in {course.title}",
        context={
            "course_title": course.title,
            "price": f"{amount} {currency.upper()}" if amount and currency else "free",
            "course_url": f"{settings.FRONTEND_URL}/courses/{course.slug}",
        },
    )
