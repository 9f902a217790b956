"""Cache invalidation: every saved or deleted row that a catalogue page prints bumps the
catalogue generation (`core.cache.catalogue_changed`), whoever wrote it: a service, the
admin (its inlines and delete pages included), a cascade, a shell.

Signals here are not a business flow (STYLE.md keeps those in services): they only say
"the catalogue changed", which no write path should have to remember. What signals do not
see — queryset `.update()`, `bulk_create` — calls `catalogue_changed()` where it happens
(enrollment counts, review ratings, video durations, seed_demo, rename_legacy_media).

For the same reason a lesson write (or a part moved to another course) recounts the
course's stored lesson numbers here, in the write's transaction
(`course_lesson_numbers_refresh`), unless what was counted did not change; the queryset
writes call it by hand.
"""

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

from core.cache import catalogue_changed
from courses.models import Category, Course, CoursePart, CoursePrice, Lesson
from courses.services.catalogue import course_lesson_numbers_refresh
from users.models import User

CATALOGUE_MODELS = (Category, Course, CoursePart, Lesson, CoursePrice)

# What a catalogue page shows of a user: a tutor's name and avatar.
USER_FIELDS_SHOWN = frozenset({"first_name", "last_name", "avatar"})


def _changed(sender, **kwargs) -> None:
    catalogue_changed()


def _user_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    # A new user tutors nothing yet; a login (`last_login`) or a password change shows
    # nowhere in the catalogue, and must not empty it.
    if created:
        return
    if update_fields is not None and not USER_FIELDS_SHOWN & set(update_fields):
        return
    catalogue_changed()


def _lesson_saved(sender, instance, created, raw=False, **kwargs) -> None:
    counted = getattr(instance, "counted_as", (None, None))
    now = (instance.part_id, instance.duration)
    if raw or (not created and counted == now):
        return  # a fixture load, or a title, order or video change: the numbers stand
    parts = {counted[0], instance.part_id} - {None}
    course_lesson_numbers_refresh(
        course_ids=CoursePart.objects.filter(pk__in=parts).values_list("course_id", flat=True)
    )
    instance.counted_as = now


def _lesson_deleted(sender, instance, origin=None, **kwargs) -> None:
    if isinstance(origin, Course) or (isinstance(origin, QuerySet) and origin.model is Course):
        return  # the course goes with it
    course_lesson_numbers_refresh(
        course_ids=CoursePart.objects.filter(pk=instance.part_id).values_list(
            "course_id", flat=True
        )
    )


def _part_saved(sender, instance, created, raw=False, **kwargs) -> None:
    counted_in = getattr(instance, "counted_in", None)
    if not raw and not created and counted_in != instance.course_id:
        course_lesson_numbers_refresh(course_ids=[counted_in, instance.course_id])
    instance.counted_in = instance.course_id


def connect() -> None:
    post_save.connect(_lesson_saved, sender=Lesson, dispatch_uid="catalogue.lesson.numbers")
    post_delete.connect(
        _lesson_deleted, sender=Lesson, dispatch_uid="catalogue.lesson.numbers.delete"
    )
    post_save.connect(_part_saved, sender=CoursePart, dispatch_uid="catalogue.part.numbers")
    for model in CATALOGUE_MODELS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"catalogue.save.{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"catalogue.delete.{model.__name__}"
        )
    m2m_changed.connect(_changed, sender=Course.tutors.through, dispatch_uid="catalogue.tutors")
    post_save.connect(_user_saved, sender=User, dispatch_uid="catalogue.user.save")
    post_delete.connect(_changed, sender=User, dispatch_uid="catalogue.user.delete")
