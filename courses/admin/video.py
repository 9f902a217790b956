"""VdoCipher uploads in the admin: a read-only record of who asked for which video."""

from django.contrib import admin

from courses.models import (
    VideoUpload,
)


@admin.register(VideoUpload)
class VideoUploadAdmin(admin.ModelAdmin):
    """Who asked VdoCipher for which video: a record, written only by the API."""

    list_display = ("video_id", "uploaded_by", "created_at")
    search_fields = ("video_id", "uploaded_by__email")
    list_select_related = ("uploaded_by",)
    readonly_fields = ("video_id", "uploaded_by", "created_at", "updated_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
