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


class WebhookSecretMissing(PaymentServiceUnavailable):
    """`STRIPE_WEBHOOK_SECRET` is not set: no event can be trusted (Stripe retries)."""

    default_detail = "Webhooks are not configured."


class InvalidWebhook(ServiceError):
    """Missing or bad signature, stale timestamp, or a body that is not an event.

    `code` is `invalid_signature` or `invalid_payload` (signed, but not an event); the
    `reason` is for the log only, never for the caller.
    """

    code = "invalid_signature"
    default_detail = "Invalid Stripe signature or payload."

    def __init__(self, reason: str, *, code: str = "invalid_signature"):
        self.reason = reason
        super().__init__(code=code)


class WebhookOrderMissing(Conflict):
    """The event names one of our orders that does not exist: it is kept, flagged for
    review, and answered non-2xx so Stripe delivers it again."""

    code = "order_not_found"
    default_detail = "This event names an order that does not exist."
