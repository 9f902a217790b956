"""Courses: Course -> CoursePart -> Lesson, plus who learns them and what they say.

Enrollments are deactivated (`is_active`), never deleted: a refund revokes access but
keeps the history.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.images import UploadedImageField
from core.money import SUPPORTED_CURRENCIES
from eleven_tutors.base_model import BaseModel

CURRENCY_CHOICES = [(code, code.upper()) for code in SUPPORTED_CURRENCIES]


class Category(BaseModel):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Course(BaseModel):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True, default="")
    thumbnail = UploadedImageField(upload_to="thumbnails/", null=True, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="courses"
    )
    tutors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="taught_courses", blank=True
    )
    # The default price; `prices` holds the other currencies it can be bought in.
    price = models.DecimalField(
        max_digits=12, decimal_places=3, default=0, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="usd")
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    # Active enrollments, kept by the enrollment services in the same transaction as the
    # enrollment itself, so the catalogue can order by it with an index.
    students_count = models.PositiveIntegerField(default=0)
    # Mean (one decimal, null with none) and count of the visible reviews, recomputed by
    # the review services under this row's lock in the same transaction as each review write.
    rating = models.DecimalField(max_digits=2, decimal_places=1, null=True, blank=True)
    reviews_count = models.PositiveIntegerField(default=0)
    # Its lessons' number and total seconds, recounted under this row's lock in the same
    # transaction as every lesson write (courses/signals.py), so a catalogue page reads
    # two columns instead of aggregating 40 lessons a course.
    lessons_count = models.PositiveIntegerField(default=0, editable=False)
    total_duration = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        # One per catalogue ordering. Where many courses share a value (free courses,
        # courses without students or rating) the index ends with the `id` tie-breaker
        # (courses.filters.StableOrderingFilter), so a page reads its 100 rows in order
        # instead of sorting the whole tie group; `rating` keeps unrated courses last
        # both ways, so each direction has its own.
        indexes = [
            models.Index(
                fields=["is_published", "-published_at", "id"], name="course_pub_published_id_idx"
            ),
            models.Index(fields=["is_published", "price", "id"], name="course_pub_price_id_idx"),
            models.Index(fields=["is_published", "title"], name="course_pub_title_idx"),
            models.Index(
                fields=["is_published", "students_count", "id"], name="course_pub_students_id_idx"
            ),
            models.Index(fields=["is_published", "-created_at"], name="course_pub_created_idx"),
            models.Index(
                F("is_published"),
                F("rating").asc(nulls_last=True),
                F("id"),
                name="course_pub_rating_asc_idx",
            ),
            models.Index(
                F("is_published"),
                F("rating").desc(nulls_last=True),
                F("id"),
                name="course_pub_rating_desc_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="course_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_free(self) -> bool:
        return self.price == 0


class CoursePrice(BaseModel):
    """A price in another currency than the course's default one."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="prices")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    price = models.DecimalField(max_digits=12, decimal_places=3, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "currency"], name="course_price_currency_uniq"
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="course_price_extra_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.price} {self.currency}"


class CoursePart(BaseModel):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="parts")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True, default="")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "created_at"]
        indexes = [models.Index(fields=["course", "order"], name="coursepart_course_order_idx")]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def from_db(cls, db, field_names, values):
        part = super().from_db(db, field_names, values)
        part.counted_in = part.__dict__.get("course_id")  # see courses/signals.py
        return part


class Lesson(BaseModel):
    part = models.ForeignKey(CoursePart, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True, default="")
    order = models.PositiveIntegerField(default=0)
    duration = models.PositiveIntegerField(default=0, help_text="Seconds; 0 when unknown.")
    is_free_preview = models.BooleanField(default=False)
    # VdoCipher's video id; "" when the lesson has no video yet.
    video_service_id = models.CharField(max_length=64, blank=True, default="", db_index=True)

    class Meta:
        ordering = ["order", "created_at"]
        indexes = [models.Index(fields=["part", "order"], name="lesson_part_order_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def has_video(self) -> bool:
        return bool(self.video_service_id)

    @classmethod
    def from_db(cls, db, field_names, values):
        lesson = super().from_db(db, field_names, values)
        # What the course's numbers counted for this lesson (courses/signals.py).
        lesson.counted_as = (lesson.__dict__.get("part_id"), lesson.__dict__.get("duration"))
        return lesson


class VideoUpload(BaseModel):
    """Who asked VdoCipher for each video (POST vdocipher/upload-credentials/).

    A lesson's `video_service_id` may only name a video uploaded by one of its course's
    tutors or already on a lesson of that course (admins: any), so nobody can put another
    course's paid video on a free preview. Videos on lessons before this table existed
    have no row; they stay valid where they are.
    """

    video_id = models.CharField(max_length=64, unique=True)
    # Kept when the uploader's account goes: the video still exists at VdoCipher.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="video_uploads",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.video_id


class Enrollment(BaseModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrollments")
    is_active = models.BooleanField(default=True)
    enrolled_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="enrollment_user_course_uniq"),
        ]
        indexes = [
            models.Index(fields=["course", "is_active"], name="enrollment_course_active_idx"),
            models.Index(fields=["user", "is_active"], name="enrollment_user_active_idx"),
            models.Index(fields=["enrolled_at"], name="enrollment_enrolled_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"


class LessonCompletion(BaseModel):
    """A lesson a user has marked done. Progress is computed from these, never stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="completion_user_lesson_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.user} finished {self.lesson}"


class Comment(BaseModel):
    """A comment on a lesson, or a reply to one (one level only).

    Deletion is soft: a deleted comment with replies still shows (as deleted) so the
    thread keeps its shape; `is_hidden` is staff moderation, shown to staff only.
    """

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    text = models.TextField(max_length=5000)
    is_edited = models.BooleanField(default=False)
    is_deleted = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["lesson", "parent", "-created_at"], name="comment_lesson_thread_idx"
            ),
            models.Index(fields=["parent", "created_at"], name="comment_replies_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:50]


class Review(BaseModel):
    """A student's rating (1-5) and optional text on a course, one per author and course,
    with at most one public reply by a course tutor.

    `is_hidden` is staff moderation (admin only); hidden reviews leave the course's
    `rating`/`reviews_count`. Every write goes through `courses.services.reviews`, which
    keeps those two numbers exact.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=5000, blank=True, default="")
    reply_text = models.TextField(max_length=5000, blank=True, default="")
    reply_author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_replies",
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    reply_updated_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    is_edited = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "author"], name="review_course_author_uniq"),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="review_rating_1_to_5"
            ),
        ]
        indexes = [
            models.Index(fields=["course", "-created_at"], name="review_course_created_idx"),
            models.Index(
                fields=["course", "rating", "-created_at"], name="review_course_rating_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 on {self.course} by {self.author}"

    @property
    def has_reply(self) -> bool:
        return self.replied_at is not None
