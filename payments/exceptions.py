"""Payment errors with the contract's codes; the core exception handler renders them."""

from core.exceptions import BadGateway, Conflict, NotFound, ServiceError, ServiceUnavailable


class PaymentServiceUnavailable(ServiceUnavailable):
    """Stripe is not configured here (no secret key)."""

    code = "payment_service_unavailable"
    default_detail = "Payments are not available right now."


class PaymentServiceError(BadGateway):
    """Stripe answered with an error, or did not answer."""

    code = "payment_service_error"
    default_detail = "The payment service failed; please try again."


class CurrencyNotAvailable(ServiceError):
    code = "currency_not_available"
    default_detail = "This course cannot be bought in that currency."


class AmountBelowMinimum(ServiceError):
    code = "amount_below_minimum"
    default_detail = "The price is below the payment service's minimum charge."


class AlreadyEnrolled(Conflict):
    code = "already_enrolled"
    default_detail = "You are already enrolled in this course."


class CourseNotFound(NotFound):
    default_detail = "No such course."


class PaymentNotRefundable(Conflict):
    code = "payment_not_refundable"
    default_detail = "Only a completed payment can be refunded."


class CheckoutInProgress(Conflict):
    """Another request is creating this order's Checkout Session right now (Stripe said
    409 `idempotency_key_in_use` for as long as we waited); asking again is safe."""

    code = "checkout_in_progress"
    default_detail = "A checkout for this course is being prepared; please try again."


class CourseHasOpenCheckouts(Conflict):
    """A course with a pending order whose Checkout Session can still be paid."""

    code = "course_has_open_checkouts"
    default_detail = (
        "Someone is paying for this course right now; unpublish it, and delete it once "
        "their checkout has ended."
    )


class CheckoutKeyInUse(PaymentServiceError):
    """Stripe: another request with the same idempotency key is still being processed."""
