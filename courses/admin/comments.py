"""Comment moderation in the admin: hide or restore comments."""

from django.contrib import admin, messages
from django.utils import timezone

from courses.models import (
    Comment,
)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Moderation: hide a comment from everyone but staff, or restore it.

    Hiding is reversible and leaves the row alone; authors' own deletions show here too.
    """

    list_display = (
        "short_text",
        "author",
        "lesson",
        "parent",
        "is_hidden",
        "is_deleted",
        "created_at",
    )
    list_filter = (
        "is_hidden",
        "is_deleted",
        ("lesson__part__course", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("text", "author__email", "author__first_name", "author__last_name")
    list_select_related = ("author", "lesson", "parent")
    raw_id_fields = ("lesson", "author", "parent")
    readonly_fields = ("created_at", "updated_at", "deleted_at")
    date_hierarchy = "created_at"
    actions = ("hide_comments", "restore_comments")

    @admin.display(description="text")
    def short_text(self, comment: Comment) -> str:
        return comment.text[:80]

    @admin.action(description="Hide the selected comments (staff only see them)")
    def hide_comments(self, request, queryset):
        count = queryset.update(is_hidden=True, updated_at=timezone.now())
        self.message_user(request, f"{count} comment(s) hidden.", messages.SUCCESS)

    @admin.action(description="Restore the selected hidden comments")
    def restore_comments(self, request, queryset):
        count = queryset.update(is_hidden=False, updated_at=timezone.now())
        self.message_user(request, f"{count} comment(s) restored.", messages.SUCCESS)
