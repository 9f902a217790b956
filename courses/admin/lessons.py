"""Course parts and lessons in the admin: a part with its lessons inline, and the lesson
list. Lesson slugs and the video-id rule are the API's (`courses.services.catalogue`,
`courses.selectors.video`); durations can be filled from VdoCipher."""

from django import forms
from django.contrib import admin, messages

from courses.integrations import VideoServiceUnavailable
from courses.models import (
    CoursePart,
    Lesson,
)
from courses.selectors.video import video_id_usable_on_course
from courses.services.catalogue import (
    lesson_slug_assign,
)
from courses.services.video import video_durations_sync


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
        lesson_slug_assign(lesson=lesson, title_changed="title" in form.changed_data)


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
        lesson_slug_assign(lesson=obj, title_changed="title" in form.changed_data)
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
