from django.db import models


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
