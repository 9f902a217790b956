"""The one place that talks to Stripe. HTTP only: no ORM, no business rules.

Every call goes through `stripe.StripeClient` with our timeout, `STRIPE_API_BASE` when a
test double stands in for Stripe, and an idempotency key chosen by the caller. Stripe's
errors become `PaymentServiceError` (502); a missing key `PaymentServiceUnavailable` (503).
The SDK's own retries are off: callers pass idempotency keys, so a retry from the SPA or
the admin is safe and shows up where it happens.
"""

import json
import logging
from typing import Any

import stripe
from django.conf import settings

from payments.exceptions import (
    CheckoutKeyInUse,
    InvalidWebhook,
    PaymentServiceError,
    PaymentServiceUnavailable,
    WebhookSecretMissing,
)

logger = logging.getLogger(__name__)

WEBHOOK_TOLERANCE_SECONDS = 300


def _without_nul(value):
    """`value` with NUL characters dropped from every string and key.

    JSON allows `\\u0000`, PostgreSQL's text and jsonb do not: one NUL anywhere in a
    signed event would otherwise make storing or looking it up fail with a 500, and
    Stripe would retry it for days.
    """
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


def stripe_is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def _client() -> stripe.StripeClient:
    if not stripe_is_configured():
        raise PaymentServiceUnavailable()
    options: dict[str, Any] = {
        "http_client": stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT),
        "max_network_retries": 0,
    }
    if settings.STRIPE_API_BASE:
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)


def _as_dict(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def checkout_session_create(*, params: dict, idempotency_key: str) -> dict:
    """Create a Checkout Session; returns Stripe's session as a plain dict."""
    client = _client()
    try:
        session = client.v1.checkout.sessions.create(
            params=params, options={"idempotency_key": idempotency_key}
        )
    except stripe.StripeError as exc:
        logger.warning(
            "payments.stripe.checkout_failed",
            extra={"idempotency_key": idempotency_key, "error": str(exc)},
        )
        if _key_in_use(exc):
            raise CheckoutKeyInUse() from exc
        raise PaymentServiceError() from exc
    return _as_dict(session)


def _key_in_use(exc: stripe.StripeError) -> bool:
    """Stripe's 409 for an idempotency key whose first request is still running."""
    return exc.http_status == 409 or exc.code == "idempotency_key_in_use"


def checkout_session_expire(*, session_id: str) -> dict | None:
    """Expire an open Checkout Session so it can no longer be paid.

    Returns the expired session, or None when Stripe answers 400 (the session is not
    open any more: already paid, expired, or unknown), which is what we wanted anyway.
    """
    client = _client()
    try:
        session = client.v1.checkout.sessions.expire(
            session_id, options={"idempotency_key": f"expire-{session_id}"}
        )
    except stripe.StripeError as exc:
        if exc.http_status == 400:
            logger.info(
                "payments.stripe.expire_not_open",
                extra={"session_id": session_id, "error": str(exc)},
            )
            return None
        logger.warning(
            "payments.stripe.expire_failed", extra={"session_id": session_id, "error": str(exc)}
        )
        raise PaymentServiceError() from exc
    return _as_dict(session)


def refund_create(*, payment_intent: str, metadata: dict, idempotency_key: str) -> dict:
    """Refund a PaymentIntent in full; returns Stripe's refund as a plain dict."""
    client = _client()
    try:
        refund = client.v1.refunds.create(
            params={"payment_intent": payment_intent, "metadata": metadata},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        logger.warning(
            "payments.stripe.refund_failed",
            extra={"idempotency_key": idempotency_key, "error": str(exc)},
        )
        raise PaymentServiceError() from exc
    return _as_dict(refund)


def webhook_event_verify(*, payload: bytes, signature: str | None) -> dict:
    """Check Stripe's signature on the raw body, then parse it into a plain dict.

    Raises `WebhookSecretMissing` when no secret is configured and `InvalidWebhook` for
    a missing/bad/stale signature or a body that is not a JSON event object.
    """
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise WebhookSecretMissing()
    if not signature:
        raise InvalidWebhook("missing signature")
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, secret, WEBHOOK_TOLERANCE_SECONDS
        )
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise InvalidWebhook(str(exc)) from exc
    try:
        event = _without_nul(json.loads(payload))
    except ValueError as exc:
        raise InvalidWebhook(str(exc), code="invalid_payload") from exc
    if (
        not isinstance(event, dict)
        or not isinstance(event.get("id"), str)
        or not 0 < len(event["id"]) <= 255  # the event log's unique column
        or not isinstance(event.get("type"), str)
        or not 0 < len(event["type"]) <= 100
        or not isinstance(event.get("data"), dict)
        or not isinstance(event["data"].get("object"), dict)
    ):
        raise InvalidWebhook("not an event", code="invalid_payload")
    return event
