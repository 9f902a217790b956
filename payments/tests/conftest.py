"""Stripe test doubles: settings with keys, a signed-webhook poster, canned sessions."""

import hashlib
import hmac
import json
import threading
import time
import uuid
from urllib.parse import parse_qs

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


class StripeCheckoutDouble:
    """`POST /v1/checkout/sessions` as Stripe documents its idempotency keys.

    - The first request under a key creates a session (slowly: `delay` seconds, so a
      twin request really overlaps it) and its answer is kept for the key.
    - A later request with the same key and the same parameters gets that answer again.
    - The same key with different parameters → 400 `idempotency_error`.
    - The same key while its first request is still running → 409
      `idempotency_key_in_use` (`busy` makes the first N requests of a key see a twin in
      flight, for tests without threads).
    """

    def __init__(self, *, delay: float = 0.0, busy: int = 0):
        self.delay = delay
        self.busy = busy
        self.lock = threading.Lock()
        self.answers: dict[str, tuple[str, dict]] = {}
        self.in_flight: set[str] = set()
        self.bodies: dict[str, list[str]] = {}
        self.created: list[str] = []
        self.refused: list[int] = []

    @staticmethod
    def _error(status: int, code: str | None, message: str):
        error = {"type": "idempotency_error", "message": message}
        if code:
            error["code"] = code
        return status, {"Content-Type": "application/json"}, json.dumps({"error": error})

    def __call__(self, request):
        key = request.headers.get("Idempotency-Key", "")
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        with self.lock:
            self.bodies.setdefault(key, []).append(body)
            if key in self.answers:
                first_body, reply = self.answers[key]
                if first_body != body:
                    self.refused.append(400)
                    return self._error(
                        400,
                        None,
                        "Keys for idempotent requests can only be used with the same "
                        "parameters they were first used with.",
                    )
                return 200, {"Idempotent-Replayed": "true"}, json.dumps(reply)
            if key in self.in_flight or len(self.bodies[key]) <= self.busy:
                self.refused.append(409)
                return self._error(
                    409,
                    "idempotency_key_in_use",
                    "There is currently another in-progress request using this key.",
                )
            self.in_flight.add(key)
        time.sleep(self.delay)
        form = {k: v[0] for k, v in parse_qs(body).items()}
        session_id = f"cs_test_{uuid.uuid4().hex}"
        reply = checkout_session_reply(session_id, expires_at=int(form["expires_at"]))
        with self.lock:
            self.answers[key] = (body, reply)
            self.in_flight.discard(key)
            self.created.append(session_id)
        return 200, {}, json.dumps(reply)


@pytest.fixture
def stripe_checkout_double(stripe_http):
    def install(**options) -> StripeCheckoutDouble:
        double = StripeCheckoutDouble(**options)
        stripe_http.add_callback(
            responses.POST,
            f"{STRIPE_BASE}/v1/checkout/sessions",
            callback=double,
            content_type="application/json",
        )
        return double

    return install
