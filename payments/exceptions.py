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
