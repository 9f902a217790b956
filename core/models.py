from django.db import models

from eleven_tutors.base_model import BaseModel


class University(models.Model):
    """A university students pick at onboarding. Its `id` is an integer: the SPA types it so."""

    name = models.CharField(max_length=255, unique=True)
    city = models.CharField(max_length=120)
    country = models.CharField(max_length=120)
    global_rank = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "universities"

    def __str__(self) -> str:
        return f"{self.name} ({self.city}, {self.country})"


class OutboundEmail(BaseModel):
    """One email to send, written in the same transaction as the change it reports.

    The transactional outbox: the request only writes this row; after its commit a task
    is queued with the row's id, and if queueing fails (broker down) the row waits for the
    periodic re-queue. `sent_at` is the sent-marker: the task locks the row, sends, sets
    it, so a task run twice sends one email. (`purpose`, `key`) is unique: queueing the
    same email twice (a receipt for the same enrollment) writes one row.
    """

    purpose = models.CharField(max_length=50)
    key = models.CharField(max_length=255)
    recipient = models.EmailField(max_length=254)
    # What the purpose's builder needs to render it at send time (ids, amounts).
    context = models.JSONField(default=dict, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set (with `sent_at`) when the email no longer applied at send time and was not sent.
    dropped_reason = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "key"], name="outbound_email_once")
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbound_email_unsent_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.key}"
