"""The catalogue in the admin: categories, and courses with their prices and parts
inline. Writes that carry a rule (publishing, thumbnails, deletion) go through
`courses.services.catalogue`, as from the API."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from core.exceptions import ServiceError
from core.money import extra_price_error, price_error
from courses.exceptions import CourseEmpty
from courses.models import (
    Category,
    Course,
    CoursePart,
    CoursePrice,
)
from courses.selectors.catalogue import category_list
from courses.services.catalogue import (
    category_delete,
    course_delete,
    course_delete_blocker,
    course_publish,
    course_unpublish,
    course_update,
)

# Staff can build a whole course here: a course with its prices and parts inline, then
# each part with its lessons inline. Lesson slugs are not typed by hand: they follow the
# SPA's rule (`courses.services.catalogue.lesson_slug_assign`), set when the lesson is saved.


class CourseAdminForm(forms.ModelForm):
    # `thumbnail` is an UploadedImageField: its form field decodes the upload as the API
    # does, and the file is stored under a server-made name.
    class Meta:
        model = Course
        fields = (
            "title",
            "slug",
            "description",
            "category",
            "tutors",
            "price",
            "currency",
            "is_published",
            "thumbnail",
        )

    def clean(self):
        """The API's price rule (core.money): decimals, three-decimal steps, minimum."""
        cleaned = super().clean()
        price, currency = cleaned.get("price"), cleaned.get("currency")
        if price is not None and currency:
            error = price_error(price, currency)
            if error:
                self.add_error("price", error)
        return cleaned


class CoursePriceFormSet(forms.BaseInlineFormSet):
    """Extra-currency prices obey the API's rule too: a paid course is paid in each."""

    def clean(self):
        super().clean()
        course = self.instance
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form in self.deleted_forms:
                continue
            price, currency = form.cleaned_data.get("price"), form.cleaned_data.get("currency")
            if price is None or not currency:
                continue
            error = extra_price_error(price, currency, course_is_paid=bool(course.price))
            if error:
                form.add_error("price", error)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "published_courses")
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return category_list()

    @admin.display(description="published courses", ordering="courses_count")
    def published_courses(self, category: Category) -> int:
        return category.courses_count

    def delete_model(self, request, obj):
        category_delete(category=obj)

    def delete_queryset(self, request, queryset):
        for category in queryset:
            category_delete(category=category)


class CoursePriceInline(admin.TabularInline):
    model = CoursePrice
    formset = CoursePriceFormSet
    extra = 0
    fields = ("currency", "price")


class CoursePartInline(admin.TabularInline):
    model = CoursePart
    extra = 1
    fields = ("order", "title", "slug", "description")
    prepopulated_fields = {"slug": ("title",)}
    ordering = ("order", "created_at")
    show_change_link = True


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    form = CourseAdminForm
    list_display = (
        "title",
        "category",
        "price",
        "currency",
        "is_published",
        "published_at",
        "students_count",
        "thumbnail_preview",
    )
    list_filter = ("is_published", "category", ("tutors", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "slug", "description", "tutors__email", "tutors__last_name")
    list_select_related = ("category",)
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("tutors",)
    readonly_fields = ("thumbnail_preview", "students_count", "published_at")
    fields = (
        "title",
        "slug",
        "description",
        "category",
        "tutors",
        ("price", "currency"),
        "is_published",
        "published_at",
        "thumbnail",
        "thumbnail_preview",
        "students_count",
    )
    inlines = (CoursePriceInline, CoursePartInline)
    actions = ("publish_courses", "unpublish_courses")
    date_hierarchy = "created_at"

    @admin.display(description="thumbnail")
    def thumbnail_preview(self, course: Course) -> str:
        if not course.thumbnail:
            return "-"
        return format_html(
            '<img src="{}" alt="" style="max-height: 80px; max-width: 160px;">',
            course.thumbnail.url,
        )

    def save_model(self, request, obj, form, change):
        """The form's fields are saved as typed, except the two that carry a rule, which go
        through `course_update` as from the API: a new thumbnail (the replaced file is
        deleted once committed) here, and publishing (needs a lesson, sets `published_at`)
        in `save_related`, once the inlines are saved."""
        thumbnail = None
        if change and "thumbnail" in form.changed_data:
            thumbnail = obj.thumbnail
            obj.thumbnail = form.initial.get("thumbnail") or ""
        if "is_published" in form.changed_data:
            obj.is_published = bool(change and form.initial.get("is_published"))
        super().save_model(request, obj, form, change)
        if thumbnail is not None:
            course_update(course=obj, data={"thumbnail": thumbnail})

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "is_published" not in form.changed_data:
            return
        course = form.instance
        try:
            course_update(course=course, data={"is_published": form.cleaned_data["is_published"]})
        except CourseEmpty as exc:
            self.message_user(
                request, f"“{course}” was saved as a draft: {exc.detail}", messages.WARNING
            )

    # Deleting goes through `course_delete`, as the API does: its rules (students, open
    # checkouts) are shown on the confirmation page instead of Django's own protected-
    # object list, and the orders that may go are deleted with the course.
    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, _protected = super().get_deleted_objects(objs, request)
        blocked = [
            f"{course}: {blocker.detail}"
            for course in objs
            if (blocker := course_delete_blocker(course)) is not None
        ]
        return deleted, counts, perms_needed, blocked

    def delete_model(self, request, obj):
        course_delete(course=obj)

    def delete_queryset(self, request, queryset):
        for course in queryset:
            try:
                course_delete(course=course)
            except ServiceError as exc:  # changed after the confirmation page
                self.message_user(request, f"{course} not deleted: {exc.detail}", messages.ERROR)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceError as exc:  # the state changed after the confirmation page
            self.message_user(request, f"Not deleted: {exc.detail}", messages.ERROR)
            return redirect(reverse("admin:courses_course_change", args=[object_id]))

    @admin.action(description="Publish the selected courses")
    def publish_courses(self, request, queryset):
        published, empty = 0, []
        for course in queryset:
            try:
                course_publish(course=course)
                published += 1
            except CourseEmpty:
                empty.append(str(course))
        self.message_user(request, f"{published} course(s) published.", messages.SUCCESS)
        if empty:
            self.message_user(
                request, f"Not published, no lessons yet: {', '.join(empty)}", messages.WARNING
            )

    @admin.action(description="Unpublish the selected courses")
    def unpublish_courses(self, request, queryset):
        for course in queryset:
            course_unpublish(course=course)
        self.message_user(request, f"{queryset.count()} course(s) unpublished.", messages.SUCCESS)
