from django.contrib import admin

from core.models import University


@admin.register(University)
class UniversityAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "country", "global_rank"]
    list_filter = ["country"]
    search_fields = ["name", "city", "country"]
    ordering = ["name"]
