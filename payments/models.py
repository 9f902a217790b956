"""Orders, the payments Stripe reports against them, and the log of Stripe events.

An Order is what a buyer asked for (one course, one currency, one Checkout Session);
a Payment is what Stripe says happened to the money. Stripe events are stored once by
their id, which is what makes a repeated delivery harmless.
"""

from django.conf import settings
from django.db import models

from courses.models import CURRENCY_CHOICES
from eleven_tutors.base_model import BaseModel


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    REFUNDED = "refunded", "Refunded"


class Order(BaseModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="orders")
    amount = models.DecimalField(max_digits=12, decimal_places=3)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(
        max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    # Not unique: Stripe never reuses a session id, but a stateless test double (such as
    # stripe-mock) answers every create with the same canned id, and that must not 500.
    # Lookups go by our order id (`client_reference_id`) first.
    checkout_session_id = models.CharField(  # noqa: DJ001 (null: "no session yet")
        max_length=255, null=True, blank=True, db_index=True
    )
    checkout_url = models.TextField(blank=True, default="")
    # Chosen once per attempt, before Stripe is asked, and sent as the session's
    # `expires_at`: every request under one idempotency key carries identical parameters.
    checkout_expires_at = models.DateTimeField(null=True, blank=True)
    # Bumped for each new Checkout Session of this order: part of Stripe's idempotency key.
    checkout_attempt = models.PositiveIntegerField(default=0)
    paid_at = models.DateTimeField(null=True, blank=True)
    needs_review = models.BooleanField(default=False)
    review_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="order_user_created_idx"),
            models.Index(fields=["course", "status"], name="order_course_status_idx"),
            models.Index(fields=["status", "paid_at"], name="order_status_paid_idx"),
        ]

    def __str__(self) -> str:
        return f"Order {self.id} ({self.status})"


class Payment(BaseModel):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=12, decimal_places=3)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(
        max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    stripe_payment_intent = models.CharField(max_length=255, blank=True, default="", db_index=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Payment {self.id} ({self.status})"


class StripeEvent(BaseModel):
    """Every verified Stripe event, once. Read-only in the admin."""

    stripe_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    payload = models.JSONField()
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=100, blank=True, default="")
    # An event that names one of our orders which cannot be found: kept for staff, and
    # `processed_at` stays empty so Stripe's retry of it is applied again.
    needs_review = models.BooleanField(default=False, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_id}"
