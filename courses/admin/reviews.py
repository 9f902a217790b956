"""Review moderation in the admin: hide (or unhide) reviews in bulk, delete them.

Every change that moves a course's `rating`/`reviews_count` goes through
`courses.services.reviews` (the same code as the API), never a raw queryset update, so
the stored numbers stay exact. Staff do not write or edit reviews here: a review is its
author's words, hidden or shown as a whole.
"""

from django.contrib import admin, messages

from courses.models import Review
from courses.services.reviews import reviews_delete, reviews_set_hidden


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("short_text", "rating", "course", "author", "is_hidden", "created_at")
    list_filter = ("is_hidden", "rating", ("course", admin.RelatedOnlyFieldListFilter))
    search_fields = ("text", "author__email", "author__first_name", "author__last_name")
    list_select_related = ("author", "course")
    date_hierarchy = "created_at"
    actions = ("hide_reviews", "unhide_reviews")
    fields = (
        "course",
        "author",
        "rating",
        "text",
        "is_hidden",
        "is_edited",
        "reply_text",
        "reply_author",
        "replied_at",
        "reply_updated_at",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    @admin.display(description="text")
    def short_text(self, review: Review) -> str:
        return review.text[:80] or "(no text)"

    def has_add_permission(self, request) -> bool:
        return False

    # Django's "delete selected" action (with its confirmation page) calls
    # `delete_queryset`, so both deletions recompute the course numbers.
    def delete_model(self, request, obj):
        reviews_delete(reviews=[obj])

    def delete_queryset(self, request, queryset):
        reviews_delete(reviews=list(queryset))

    @admin.action(description="Hide the selected reviews (admins only see them)")
    def hide_reviews(self, request, queryset):
        count = reviews_set_hidden(reviews=list(queryset), hidden=True)
        self.message_user(request, f"{count} review(s) hidden.", messages.SUCCESS)

    @admin.action(description="Unhide the selected reviews")
    def unhide_reviews(self, request, queryset):
        count = reviews_set_hidden(reviews=list(queryset), hidden=False)
        self.message_user(request, f"{count} review(s) shown again.", messages.SUCCESS)
