"""Stripe test doubles: settings with keys, a signed-webhook poster, canned sessions."""

import hashlib
import hmac
import json
import time
import uuid

import pytest
import responses

WEBHOOK_SECRET = "whsec_test_secret_for_signatures"
STRIPE_BASE = "https://stripe.test"


@pytest.fixture
def stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = STRIPE_BASE
    return settings


@pytest.fixture
def stripe_http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def sign(payload: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def make_event(event_type: str, obj: dict, *, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def session_object(order, **overrides) -> dict:
    """A Checkout Session as Stripe sends it in events, matching `order` by default."""
    from core.money import to_minor_units

    session = {
        "id": order.checkout_session_id,
        "object": "checkout.session",
        "mode": "payment",
        "status": "complete",
        "payment_status": "paid",
        "amount_subtotal": to_minor_units(order.amount, order.currency),
        "amount_total": to_minor_units(order.amount, order.currency),
        "currency": order.currency,
        "client_reference_id": str(order.id),
        "customer_email": order.user.email,
        "metadata": {"order_id": str(order.id)},
        "payment_intent": f"pi_{order.id.hex}",
    }
    session.update(overrides)
    return session


def post_event(client, event: dict, *, path: str = "/api/payments/webhook/", signature=None):
    body = json.dumps(event).encode()
    headers = {"HTTP_STRIPE_SIGNATURE": signature if signature is not None else sign(body)}
    return client.post(path, data=body, content_type="application/json", **headers)


def checkout_session_reply(session_id: str = "cs_test_abc", **overrides) -> dict:
    reply = {
        "id": session_id,
        "object": "checkout.session",
        "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        "status": "open",
        "payment_status": "unpaid",
        "expires_at": int(time.time()) + 3600,
    }
    reply.update(overrides)
    return reply
