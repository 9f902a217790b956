"""Enrollments in the admin: read and filter; granted and revoked only by the services
(enroll, checkout, webhooks, refunds), never deleted."""

from django.contrib import admin

from courses.models import Enrollment


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "is_active", "enrolled_at", "completed_at"]
    list_filter = [
        "is_active",
        ("enrolled_at", admin.DateFieldListFilter),
        ("completed_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["user__email", "course__title", "course__slug"]
    list_select_related = ["user", "course"]
    raw_id_fields = ["user", "course"]
    readonly_fields = ["created_at", "updated_at"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Enrollments are deactivated, never deleted: the history survives a refund.
        return False
