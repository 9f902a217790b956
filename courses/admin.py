from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core.exceptions import ServiceError
from core.money import extra_price_error, price_error
from courses.integrations import VideoServiceUnavailable
from courses.models import (
    Category,
    Comment,
    Course,
    CoursePart,
    CoursePrice,
    Lesson,
    VideoUpload,
)
from courses.selectors import category_list, video_id_usable_on_course
from courses.services import (
    CourseEmpty,
    course_delete,
    course_delete_blocker,
    course_publish,
    course_unpublish,
    lesson_unique_slug,
    thumbnail_delete_on_commit,
)
from courses.video import video_durations_sync


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


# --- Catalogue --------------------------------------------------------------------------
#
# Staff can build a whole course here: a course with its prices and parts inline, then
# each part with its lessons inline. Lesson slugs are not typed by hand: they follow the
# SPA's rule (see courses.services), set when the lesson is saved.


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
        if obj.is_published and obj.published_at is None:
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)
        # As through the API: a replaced or cleared thumbnail's file goes, once committed.
        old_thumbnail = form.initial.get("thumbnail")
        if change and "thumbnail" in form.changed_data and old_thumbnail:
            old_name = getattr(old_thumbnail, "name", old_thumbnail)
            if old_name and old_name != (obj.thumbnail.name if obj.thumbnail else ""):
                thumbnail_delete_on_commit(old_name)

    def save_related(self, request, form, formsets, change):
        """Inlines are saved after the course: only now can "published but empty" be seen,
        and it is refused the same way the API refuses it."""
        super().save_related(request, form, formsets, change)
        course = form.instance
        if course.is_published and not Lesson.objects.filter(part__course=course).exists():
            Course.objects.filter(pk=course.pk).update(is_published=False)
            course.is_published = False
            self.message_user(
                request,
                f"“{course}” was saved as a draft: {CourseEmpty.default_detail}",
                messages.WARNING,
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


class LessonVideoIdFormMixin:
    """The API's rule for `video_service_id` (`video_id_usable_on_course`) in the admin's
    lesson forms. `request_user` and, for the inline, `parent_course` are set per request
    by the admin classes below. Staff are admins, so today it always passes; it is here
    so that the admin never becomes a second, looser copy of the rule."""

    request_user = None
    parent_course = None

    def _lesson_course(self, cleaned: dict):
        part = cleaned.get("part")
        if part is not None:
            return part.course
        return self.parent_course

    def clean(self):
        cleaned = super().clean()
        video_id = cleaned.get("video_service_id") or ""
        current = "" if self.instance._state.adding else self.instance.video_service_id
        if not video_id or video_id == current:
            return cleaned
        user, course = self.request_user, self._lesson_course(cleaned)
        if course is None:
            allowed = bool(user is not None and user.is_admin)
        else:
            allowed = video_id_usable_on_course(user=user, course=course, video_id=video_id)
        if not allowed:
            self.add_error(
                "video_service_id",
                "Not a video of this course: use one uploaded by one of its tutors or "
                "already on one of its lessons.",
            )
        return cleaned


class LessonAdminForm(LessonVideoIdFormMixin, forms.ModelForm):
    class Meta:
        model = Lesson
        fields = (
            "part",
            "title",
            "description",
            "order",
            "duration",
            "is_free_preview",
            "video_service_id",
        )


class LessonInlineForm(LessonVideoIdFormMixin, forms.ModelForm):
    class Meta:
        model = Lesson
        fields = (
            "order",
            "title",
            "description",
            "duration",
            "is_free_preview",
            "video_service_id",
        )


class LessonInline(admin.TabularInline):
    model = Lesson
    form = LessonInlineForm
    extra = 1
    fields = ("order", "title", "slug", "duration", "is_free_preview", "video_service_id")
    readonly_fields = ("slug",)
    ordering = ("order", "created_at")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(
            formset.form.__name__,
            (formset.form,),
            {"request_user": request.user, "parent_course": obj.course if obj else None},
        )
        return formset


def _give_lessons_their_slugs(formset) -> None:
    for form in formset.forms:
        lesson = form.instance
        if not form.has_changed() or form in formset.deleted_forms:
            continue
        if not lesson.slug or "title" in form.changed_data:
            lesson.slug = lesson_unique_slug(title=lesson.title, exclude_pk=lesson.pk)


@admin.register(CoursePart)
class CoursePartAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "order", "slug")
    list_filter = (("course", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("title", "slug", "course__title")
    list_select_related = ("course",)
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("course",)
    ordering = ("course__title", "order")
    inlines = (LessonInline,)

    def save_formset(self, request, form, formset, change):
        if formset.model is Lesson:
            _give_lessons_their_slugs(formset)
        super().save_formset(request, form, formset, change)


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    form = LessonAdminForm
    list_display = ("title", "part", "order", "duration", "is_free_preview", "slug")
    list_filter = ("is_free_preview", ("part__course", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "slug", "part__title", "part__course__title", "video_service_id")
    list_select_related = ("part", "part__course")
    autocomplete_fields = ("part",)
    readonly_fields = ("slug",)
    ordering = ("part__course__title", "part__order", "order")
    actions = ("sync_video_durations",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request_user": request.user})

    def save_model(self, request, obj, form, change):
        if not obj.slug or "title" in form.changed_data:
            obj.slug = lesson_unique_slug(title=obj.title, exclude_pk=obj.pk)
        super().save_model(request, obj, form, change)

    @admin.action(description="Fill unknown durations from VdoCipher")
    def sync_video_durations(self, request, queryset):
        """`manage.py sync_video_durations` for the selection: lessons with a video and
        duration 0 get VdoCipher's `length`; others are left alone."""
        try:
            result = video_durations_sync(lessons=queryset)
        except VideoServiceUnavailable:
            self.message_user(request, "VdoCipher is not configured.", messages.ERROR)
            return
        level = messages.WARNING if result.failed else messages.SUCCESS
        self.message_user(
            request,
            f"{result.updated} duration(s) filled, {result.skipped} video(s) not ready, "
            f"{result.failed} failed.",
            level,
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


from courses import admin_reviews  # noqa: E402,F401  (ReviewAdmin; registers itself)
