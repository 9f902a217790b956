"""Catalogue shapes: categories, course summaries and details, parts and lessons.

Serializers only shape and validate data, never query: per-course numbers
(`lessons_count`, `total_duration`, `is_enrolled`) and per-lesson `is_completed` are the
selectors' annotations (`courses.selectors.catalogue`), so every route that shapes a
course hands in a queryset from there."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.limits import (
    PlainIntegerField,
)
from core.money import extra_price_error, format_amount
from courses.api.serializers.fields import (
    MAX_DURATION_SECONDS,
    CallerScopedField,
    CurrencyField,
    LessonDurationField,
    NullableCategoryField,
    PriceSerializer,
    PricesField,
    ThumbnailField,
    price_field,
    validate_price_for_currency,
)
from courses.models import Category, Course, CoursePart, Lesson
from courses.selectors.catalogue import (
    course_parts_visible_to,
    courses_visible_to,
)
from courses.selectors.enrollment import progress_percent
from users.models import Role, User


class CategoryRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name"]


class TutorRefSerializer(serializers.ModelSerializer):
    avatar = serializers.ImageField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "first_name", "last_name", "avatar"]


class PartRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = CoursePart
        fields = ["id", "slug", "title", "order"]


class CourseRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Course
        fields = ["id", "slug", "title"]


class PartTitleSerializer(serializers.ModelSerializer):
    class Meta:
        model = CoursePart
        fields = ["id", "slug", "title"]


# --- Categories -----------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    description = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default=""
    )
    courses_count = serializers.IntegerField(
        read_only=True, help_text="Published courses (annotated by the selector)."
    )

    class Meta:
        model = Category
        fields = ["id", "slug", "name", "description", "courses_count"]
        read_only_fields = ["id", "slug"]


# --- Lessons --------------------------------------------------------------------------


class LessonSummarySerializer(serializers.ModelSerializer):
    """`video_service_id` appears only when the context says the caller tutors the
    course (`course_tutor`); nobody else ever sees a VdoCipher id."""

    duration = LessonDurationField(read_only=True)
    has_video = serializers.BooleanField(read_only=True)
    is_completed = serializers.BooleanField(
        read_only=True, help_text="False unless the caller is actively enrolled and done."
    )
    video_service_id = serializers.CharField(
        read_only=True, help_text="Only for the course's tutors and admins."
    )

    class Meta:
        model = Lesson
        fields = [
            "id",
            "slug",
            "title",
            "description",
            "order",
            "duration",
            "is_free_preview",
            "has_video",
            "is_completed",
            "video_service_id",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("course_tutor"):
            data.pop("video_service_id", None)
        return data


def _parts_for_writing(user):
    return course_parts_visible_to(user).select_related("course")


class LessonWriteSerializer(serializers.ModelSerializer):
    """Create and update a lesson. `part` must be a part the caller can see; whether the
    caller tutors its course is the view's (permission) decision."""

    part = CallerScopedField(_parts_for_writing)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default=""
    )
    order = PlainIntegerField(
        required=False, min_value=0, max_value=MAX_DURATION_SECONDS, allow_null=True
    )
    duration = LessonDurationField(required=False, allow_null=True)
    is_free_preview = serializers.BooleanField(required=False, default=False)
    video_service_id = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=64, default=""
    )

    class Meta:
        model = Lesson
        fields = [
            "part",
            "title",
            "description",
            "order",
            "duration",
            "is_free_preview",
            "video_service_id",
        ]


class LessonAuthorSerializer(LessonSummarySerializer):
    """What the author gets back from POST and PATCH: the summary plus its part's id."""

    part = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(LessonSummarySerializer.Meta):
        fields = [*LessonSummarySerializer.Meta.fields, "part"]


class LessonDetailSerializer(LessonSummarySerializer):
    """The lesson page: the summary plus where it sits and what the player needs. The
    last four fields come from `courses.services.video.lesson_playback`, given in the context."""

    part = PartTitleSerializer(read_only=True)
    course = serializers.SerializerMethodField()
    has_access = serializers.SerializerMethodField()
    otp = serializers.SerializerMethodField()
    playbackInfo = serializers.SerializerMethodField()  # the SPA's spelling
    video_error = serializers.SerializerMethodField()

    class Meta(LessonSummarySerializer.Meta):
        fields = [
            *LessonSummarySerializer.Meta.fields,
            "part",
            "course",
            "has_access",
            "otp",
            "playbackInfo",
            "video_error",
        ]

    def _playback(self) -> dict:
        return self.context.get("playback") or {}

    @extend_schema_field(CourseRefSerializer)
    def get_course(self, obj) -> dict:
        return CourseRefSerializer(obj.part.course).data

    def get_has_access(self, obj) -> bool:
        return bool(self._playback().get("has_access"))

    def get_otp(self, obj) -> str | None:
        return self._playback().get("otp")

    def get_playbackInfo(self, obj) -> str | None:
        return self._playback().get("playbackInfo")

    @extend_schema_field(
        {
            "type": "string",
            "nullable": True,
            "enum": ["video_service_error", "video_service_unavailable", None],
        }
    )
    def get_video_error(self, obj) -> str | None:
        return self._playback().get("video_error")


# --- Parts ----------------------------------------------------------------------------


class CoursePartSerializer(serializers.ModelSerializer):
    """`course` is set on creation only (a part does not move between courses)."""

    course = CallerScopedField(courses_visible_to)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default=""
    )
    order = PlainIntegerField(
        required=False, min_value=0, max_value=MAX_DURATION_SECONDS, allow_null=True
    )

    class Meta:
        model = CoursePart
        fields = ["id", "slug", "course", "title", "description", "order"]
        read_only_fields = ["id", "slug"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["course"].read_only = True


class CoursePartDetailSerializer(serializers.ModelSerializer):
    lessons = LessonSummarySerializer(many=True, read_only=True)

    class Meta:
        model = CoursePart
        fields = ["id", "slug", "title", "description", "order", "lessons"]


# --- Courses --------------------------------------------------------------------------


class CourseSummarySerializer(serializers.ModelSerializer):
    thumbnail = ThumbnailField(read_only=True)
    price = serializers.SerializerMethodField()
    is_free = serializers.BooleanField(read_only=True)
    category = CategoryRefSerializer(read_only=True, allow_null=True)
    tutors = TutorRefSerializer(many=True, read_only=True)
    parts = PartRefSerializer(many=True, read_only=True)
    lessons_count = serializers.IntegerField(read_only=True)
    total_duration = LessonDurationField(read_only=True)
    is_enrolled = serializers.BooleanField(read_only=True)
    # The stored mean of visible reviews (one decimal) as a JSON number; null with none.
    rating = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "slug",
            "title",
            "description",
            "thumbnail",
            "price",
            "currency",
            "is_free",
            "is_published",
            "category",
            "tutors",
            "parts",
            "lessons_count",
            "total_duration",
            "students_count",
            "rating",
            "reviews_count",
            "is_enrolled",
            "created_at",
            "updated_at",
            "published_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {"type": "string", "example": "49.99", "description": "Decimal, major units."}
    )
    def get_price(self, obj) -> str:
        return format_amount(obj.price, obj.currency)


class CourseDetailSerializer(CourseSummarySerializer):
    parts = CoursePartDetailSerializer(many=True, read_only=True)
    prices = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta(CourseSummarySerializer.Meta):
        fields = [*CourseSummarySerializer.Meta.fields, "prices", "progress"]
        read_only_fields = fields

    @extend_schema_field(PriceSerializer(many=True))
    def get_prices(self, obj) -> list[dict]:
        prices = [{"currency": obj.currency, "price": format_amount(obj.price, obj.currency)}]
        prices += [
            {"currency": extra.currency, "price": format_amount(extra.price, extra.currency)}
            for extra in obj.prices.all()
            if extra.currency != obj.currency
        ]
        return prices

    @extend_schema_field({"type": "integer", "nullable": True, "minimum": 0, "maximum": 100})
    def get_progress(self, obj) -> int | None:
        if not obj.is_enrolled:
            return None
        lessons = [lesson for part in obj.parts.all() for lesson in part.lessons.all()]
        done = sum(1 for lesson in lessons if getattr(lesson, "is_completed", False))
        return progress_percent(done, len(lessons))


class CourseWriteSerializer(serializers.ModelSerializer):
    """Create (tutor) and update (course tutor) a course. `tutors` is accepted here and
    refused by the view for anyone but an admin."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default=""
    )
    category = NullableCategoryField(
        queryset=Category.objects.all(),
        pk_field=serializers.UUIDField(),
        required=False,
        allow_null=True,
    )
    price = price_field(required=False)
    currency = CurrencyField(required=False)
    is_published = serializers.BooleanField(required=False)
    thumbnail = ThumbnailField(required=False, allow_null=True)
    prices = PricesField(required=False, allow_null=True)
    tutors = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=User.objects.filter(role__in=[Role.TUTOR, Role.ADMIN]),
        pk_field=serializers.UUIDField(),
        required=False,
        allow_empty=True,
        help_text="Admins only: user ids of tutors (role tutor or admin).",
    )

    class Meta:
        model = Course
        fields = [
            "title",
            "description",
            "category",
            "price",
            "currency",
            "is_published",
            "thumbnail",
            "prices",
            "tutors",
        ]

    def validate_tutors(self, value):
        if "tutors" in self.initial_data and not value:
            raise serializers.ValidationError("A course needs at least one tutor.")
        return value

    def validate(self, attrs):
        if "tutors" not in self.initial_data:
            # A multipart form without `tutors` still yields an empty list: not a change.
            attrs.pop("tutors", None)
        instance = self.instance
        currency = attrs.get("currency", instance.currency if instance else "usd")
        price = attrs.get("price", instance.price if instance else Decimal(0))
        if "price" in attrs or "currency" in attrs:
            try:
                validate_price_for_currency(Decimal(price), currency)
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"price": exc.detail}) from exc
        self._validate_extra_prices(attrs, Decimal(price), currency)
        return attrs

    def _validate_extra_prices(self, attrs, price: Decimal, currency: str) -> None:
        """Extra-currency prices follow the default one: a paid course has no free
        currency. Checked against the prices sent, or the stored ones when only the
        default price changes."""
        if attrs.get("prices") is not None:
            extras = [(entry["currency"], entry["price"]) for entry in attrs["prices"]]
        elif "prices" not in attrs and self.instance is not None and "price" in attrs:
            extras = [(extra.currency, extra.price) for extra in self.instance.prices.all()]
        else:
            return
        for extra_currency, extra_price in extras:
            if extra_currency == currency:
                continue  # the default price itself (`price`), ignored in `prices`
            error = extra_price_error(extra_price, extra_currency, course_is_paid=price > 0)
            if error:
                raise serializers.ValidationError({"prices": [error]})
