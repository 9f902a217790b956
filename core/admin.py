from django.contrib import admin

from core.models import OutboundEmail, University


@admin.register(University)
class UniversityAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "country", "global_rank"]
    list_filter = ["country"]
    search_fields = ["name", "city", "country"]
    ordering = ["name"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """The email outbox, read-only: what was queued, when it left (or why it did not)."""

    list_display = ["purpose", "recipient", "created_at", "sent_at", "dropped_reason"]
    list_filter = ["purpose", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient", "key"]
    ordering = ["-created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
