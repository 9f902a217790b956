"""Catalogue writes: categories, courses, their parts and lessons, slugs, thumbnails,
publishing, and course deletion with the hooks apps above courses register.

Rules kept here, whoever calls (API, admin actions, seed_demo):
- Course, part and category slugs come from python-slugify and never change on rename
  (links stay valid); a taken slug gets a short random suffix.
- Lesson slugs follow the SPA's own rule (it builds lesson links from titles), so they
  are re-derived when the title changes.
- A course is published only when it has at least one lesson; `published_at` is set on
  the first publication and kept afterwards.
- A course with students (any enrollment, or a completed order) is never deleted, nor
  one with a checkout that can still be paid.
"""

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Model, OuterRef, ProtectedError, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from slugify import slugify

from core.cache import catalogue_changed
from core.exceptions import ServiceError
from courses.exceptions import CourseEmpty, CourseHasStudents
from courses.models import Category, Course, CoursePart, CoursePrice, Lesson
from courses.selectors.enrollment import course_has_students

SLUG_SUFFIX_BYTES = 3  # six hex characters
SLUG_MAX_BASE = 200


# --- Slugs ------------------------------------------------------------------------------


def _suffix() -> str:
    return secrets.token_hex(SLUG_SUFFIX_BYTES)


def _slug_taken(model: type[Model], slug: str, exclude_pk=None) -> bool:
    others = model.objects.filter(slug=slug)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def unique_slug(*, model: type[Model], text: str, fallback: str, exclude_pk=None) -> str:
    """A python-slugify slug of `text`, unique in `model`; `fallback` when `text` has
    nothing to slugify; a six-character random suffix when the plain slug is taken."""
    # The base leaves room for "-" and the suffix within the slug's column (a category's
    # is 140 characters; 120 "ß" slugify to 240).
    column = model._meta.get_field("slug").max_length
    max_base = min(SLUG_MAX_BASE, column - 1 - 2 * SLUG_SUFFIX_BYTES)
    base = slugify(text, max_length=max_base, word_boundary=True) or fallback
    if not _slug_taken(model, base, exclude_pk):
        return base
    while True:
        candidate = f"{base}-{_suffix()}"
        if not _slug_taken(model, candidate, exclude_pk):
            return candidate


def lesson_slug_base(title: str) -> str:
    """The SPA's sidebar rule, verbatim: no transliteration ("Introducción" gives
    `introducci-n`, "Node.js" gives `node-js`)."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:SLUG_MAX_BASE].strip("-")


def lesson_unique_slug(*, title: str, exclude_pk=None) -> str:
    """The SPA's slug of `title`; suffixed only when taken by another lesson or empty."""
    base = lesson_slug_base(title)
    if base and not _slug_taken(Lesson, base, exclude_pk):
        return base
    prefix = base or "lesson"
    while True:
        candidate = f"{prefix}-{_suffix()}"
        if not _slug_taken(Lesson, candidate, exclude_pk):
            return candidate


def lesson_slug_assign(*, lesson: Lesson, title_changed: bool) -> None:
    """The one rule for a lesson's slug, whoever saves it (API, admin): the SPA's slug of
    its title when it has none yet or its title changed; kept otherwise."""
    if not lesson.slug or title_changed:
        lesson.slug = lesson_unique_slug(title=lesson.title, exclude_pk=lesson.pk)


# --- Categories -------------------------------------------------------------------------


@transaction.atomic
def category_create(*, name: str, description: str = "") -> Category:
    slug = unique_slug(model=Category, text=name, fallback="category")
    return Category.objects.create(name=name, slug=slug, description=description or "")


@transaction.atomic
def category_update(*, category: Category, data: dict) -> Category:
    """The slug stays what it was at creation, like a course's, so links keep working."""
    for field in ("name", "description"):
        if field in data:
            setattr(category, field, data[field] or "")
    category.save()
    return category


@transaction.atomic
def category_delete(*, category: Category) -> None:
    """Delete a category (API and admin alike); its courses are left without one."""
    category.delete()


# --- Courses ----------------------------------------------------------------------------


def _course_has_lessons(course: Course) -> bool:
    return Lesson.objects.filter(part__course=course).exists()


def _set_extra_prices(course: Course, prices: list[dict]) -> None:
    """Replace the course's other-currency prices; an entry in the default currency is
    the default price itself (the SPA sends `prices` back as it read it), so skipped."""
    course.prices.all().delete()
    CoursePrice.objects.bulk_create(
        CoursePrice(course=course, currency=entry["currency"], price=entry["price"])
        for entry in prices
        if entry["currency"] != course.currency
    )
    catalogue_changed()  # bulk_create sends no signal


def thumbnail_delete_on_commit(name: str) -> None:
    """Delete a stored file once the transaction commits (never for a rolled-back save)."""
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


@transaction.atomic
def course_create(
    *,
    tutor,
    title: str,
    description: str = "",
    category: Category | None = None,
    price: Decimal = Decimal(0),
    currency: str = "usd",
    is_published: bool = False,
    thumbnail=None,
    prices: list[dict] | None = None,
) -> Course:
    """A new course with the caller as its tutor. A new course has no lessons, so asking
    to publish it at once is refused with `course_empty` (nothing is created)."""
    if is_published:
        raise CourseEmpty()
    course = Course(
        title=title,
        slug=unique_slug(model=Course, text=title, fallback="course"),
        description=description or "",
        category=category,
        price=price,
        currency=currency,
    )
    if thumbnail is not None:
        course.thumbnail = thumbnail
    course.save()
    course.tutors.add(tutor)
    if prices:
        _set_extra_prices(course, prices)
    return course


@transaction.atomic
def course_update(*, course: Course, data: dict) -> Course:
    """Apply a partial update. The slug never changes. `tutors` replaces the tutor list
    (the view lets only admins send it). Publishing needs a lesson; `published_at` is
    set on the first publication only. A replaced or cleared thumbnail's file is deleted
    once the transaction commits."""
    for field in ("title", "price", "currency", "category"):
        if field in data:
            setattr(course, field, data[field])
    if "description" in data:
        course.description = data["description"] or ""
    old_thumbnail = course.thumbnail.name if course.thumbnail else ""
    if "thumbnail" in data:
        course.thumbnail = data["thumbnail"]
    if "is_published" in data:
        publish = bool(data["is_published"])
        if publish and not course.is_published and not _course_has_lessons(course):
            raise CourseEmpty()
        course.is_published = publish
        if publish and course.published_at is None:
            course.published_at = timezone.now()
    course.save()
    if "thumbnail" in data and old_thumbnail and old_thumbnail != course.thumbnail.name:
        thumbnail_delete_on_commit(old_thumbnail)
    if "tutors" in data:
        course.tutors.set(data["tutors"])
    if "prices" in data:
        _set_extra_prices(course, data["prices"] or [])
    return course


@transaction.atomic
def course_publish(*, course: Course) -> Course:
    return course_update(course=course, data={"is_published": True})


@transaction.atomic
def course_unpublish(*, course: Course) -> Course:
    return course_update(course=course, data={"is_published": False})


@dataclass(frozen=True)
class CourseDeletionHook:
    """What an app above courses (payments: orders) says about deleting a course.

    Apps depend one way, so courses cannot import the rows that point at a course from
    above; instead those apps register a hook at start-up (their `AppConfig.ready`).
    `blocker` returns the error that forbids the deletion now, or None; `release` deletes
    that app's own rows of the course, inside `course_delete`'s transaction, with the
    course row locked."""

    blocker: Callable[[Course], ServiceError | None]
    release: Callable[[Course], None]


_course_deletion_hooks: list[CourseDeletionHook] = []


def course_deletion_hook_register(hook: CourseDeletionHook) -> None:
    if hook not in _course_deletion_hooks:
        _course_deletion_hooks.append(hook)


def course_delete_blocker(course: Course) -> ServiceError | None:
    """Why `course` cannot be deleted now (the error `course_delete` would raise), or None:
    any enrollment, even a refunded one (409 `course_has_students`), or what a registered
    hook says (payments: a completed order, a checkout that can still be paid)."""
    if course_has_students(course):
        return CourseHasStudents()
    for hook in _course_deletion_hooks:
        if (blocker := hook.blocker(course)) is not None:
            return blocker
    return None


@transaction.atomic
def course_delete(*, course: Course) -> None:
    """Delete a course nobody has joined and no registered hook holds on to (see
    `course_delete_blocker`). The course row is locked first, so an enrollment or a new
    checkout (which locks it too) cannot slip in between the check and the delete; the
    hooks then delete their own rows of the course (payments: orders that never completed
    and can no longer be paid) in the same transaction.
    """
    Course.objects.select_for_update().filter(pk=course.pk).first()
    blocker = course_delete_blocker(course)
    if blocker is not None:
        raise blocker
    thumbnail = course.thumbnail.name if course.thumbnail else ""
    try:
        with transaction.atomic():
            for hook in _course_deletion_hooks:
                hook.release(course)
            course.delete()
    except (ProtectedError, IntegrityError) as exc:
        raise CourseHasStudents() from exc
    thumbnail_delete_on_commit(thumbnail)


# --- Parts and lessons ------------------------------------------------------------------


def _next_order(queryset) -> int:
    last = queryset.order_by("-order").values_list("order", flat=True).first()
    return 0 if last is None else last + 1


@transaction.atomic
def course_part_create(
    *, course: Course, title: str, description: str = "", order: int | None = None
) -> CoursePart:
    """A part at `order` (duplicates allowed, as the contract says), or at the end."""
    if order is None:
        order = _next_order(course.parts.all())
    return CoursePart.objects.create(
        course=course,
        title=title,
        slug=unique_slug(model=CoursePart, text=title, fallback="part"),
        description=description or "",
        order=order,
    )


@transaction.atomic
def course_part_update(*, part: CoursePart, data: dict) -> CoursePart:
    """Title, description and order; the slug stays (like a course's)."""
    for field in ("title", "order"):
        if field in data:
            setattr(part, field, data[field])
    if "description" in data:
        part.description = data["description"] or ""
    part.save()
    return part


@transaction.atomic
def course_part_delete(*, part: CoursePart) -> None:
    """Deletes the part's lessons (and their completions and comments) with it."""
    part.delete()


@transaction.atomic
def lesson_create(
    *,
    part: CoursePart,
    title: str,
    description: str = "",
    order: int | None = None,
    duration: int = 0,
    is_free_preview: bool = False,
    video_service_id: str = "",
) -> Lesson:
    if order is None:
        order = _next_order(part.lessons.all())
    lesson = Lesson(
        part=part,
        title=title,
        description=description or "",
        order=order,
        duration=duration or 0,
        is_free_preview=is_free_preview,
        video_service_id=video_service_id or "",
    )
    lesson_slug_assign(lesson=lesson, title_changed=True)
    lesson.save(force_insert=True)
    return lesson


@transaction.atomic
def lesson_update(*, lesson: Lesson, data: dict) -> Lesson:
    """A new title re-derives the slug by the SPA's rule (the SPA links by title)."""
    if "title" in data and data["title"] != lesson.title:
        lesson.title = data["title"]
        lesson_slug_assign(lesson=lesson, title_changed=True)
    for field in ("part", "order", "is_free_preview"):
        if field in data:
            setattr(lesson, field, data[field])
    for field in ("description", "video_service_id"):
        if field in data:
            setattr(lesson, field, data[field] or "")
    if "duration" in data:
        lesson.duration = data["duration"] or 0
    lesson.save()
    return lesson


@transaction.atomic
def lesson_delete(*, lesson: Lesson) -> None:
    lesson.delete()


@transaction.atomic
def course_lesson_numbers_refresh(*, course_ids) -> int:
    """Recount `lessons_count` and `total_duration` of these courses from their lessons;
    returns how many courses' numbers changed.

    A recount, not an increment, so it is right whatever came before; under the
    courses' row locks (taken in id order), so two transactions adding lessons to one
    course cannot each count without the other's: the second waits for the first to
    commit, and its count, a new statement under READ COMMITTED, sees that lesson.
    Called for every lesson write by courses/signals.py, by hand after the queryset
    writes that send no signal, and daily for the whole catalogue (`tasks.py`)."""
    ids = list(
        Course.objects.select_for_update()
        .filter(pk__in={pk for pk in course_ids if pk is not None})
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    per_course = Lesson.objects.filter(part__course_id=OuterRef("pk")).order_by()
    per_course = per_course.values("part__course_id")
    counted = Coalesce(Subquery(per_course.annotate(n=Count("pk")).values("n")), 0)
    seconds = Coalesce(Subquery(per_course.annotate(s=Sum("duration")).values("s")), 0)
    return (
        Course.objects.filter(pk__in=ids)
        .annotate(counted=counted, seconds=seconds)
        .exclude(lessons_count=F("counted"), total_duration=F("seconds"))
        .update(lessons_count=counted, total_duration=seconds)
    )


def course_lesson_numbers_recount_all(*, batch: int = 500) -> int:
    """Recount every course, `batch` courses per short transaction (never the whole
    catalogue locked at once); returns how many were wrong, and bumps the catalogue
    generation if any was. Lesson writes keep the numbers right; this repairs what a
    write outside a transaction could leave (a shell killed between its save and the
    recount)."""
    ids = list(Course.objects.order_by("pk").values_list("pk", flat=True))
    changed = sum(
        course_lesson_numbers_refresh(course_ids=ids[start : start + batch])
        for start in range(0, len(ids), batch)
    )
    if changed:
        catalogue_changed()
    return changed
