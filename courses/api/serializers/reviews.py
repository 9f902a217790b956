"""Shapes of `/api/courses/reviews/`: the contract's Review and what its routes take."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.limits import PlainIntegerField
from courses.api.serializers.catalogue import TutorRefSerializer
from courses.api.serializers.comments import CommentTextField
from courses.models import Course, Review
from courses.selectors.catalogue import courses_visible_to


class ReviewTextField(CommentTextField):
    """A review's optional text: the comments' rules (stripped, at most 5000 characters,
    control characters other than line breaks and tabs refused, HTML kept as plain text),
    but `""`, blank and `null` are allowed and stored as `""`."""

    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, allow_null=True, **kwargs)

    def run_validation(self, data=serializers.empty):
        value = super().run_validation(data)
        return "" if value is None else value


class ReviewAuthorSerializer(TutorRefSerializer):
    """`{id, first_name, last_name, avatar}` (an absolute avatar URL or null)."""


class ReviewReplySerializer(serializers.Serializer):
    text = serializers.CharField(source="reply_text", read_only=True)
    author = ReviewAuthorSerializer(source="reply_author", read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(source="replied_at", read_only=True)
    updated_at = serializers.DateTimeField(source="reply_updated_at", read_only=True)


class ReviewSerializer(serializers.ModelSerializer):
    """The contract's Review; `reply` is null until a course tutor answers."""

    course = serializers.UUIDField(source="course_id", read_only=True)
    author = ReviewAuthorSerializer(read_only=True)
    reply = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "course",
            "author",
            "rating",
            "text",
            "reply",
            "is_edited",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ReviewReplySerializer(allow_null=True))
    def get_reply(self, review) -> dict | None:
        if not review.has_reply:
            return None
        return ReviewReplySerializer(review, context=self.context).data


class RatingField(PlainIntegerField):
    """An integer 1-5 (a JSON number or a plain numeric string; exponents are a 400)."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=5, **kwargs)


class _VisibleCourseField(serializers.PrimaryKeyRelatedField):
    """A course id the caller can see; anything else "does not exist" (400)."""

    def __init__(self, **kwargs):
        super().__init__(pk_field=serializers.UUIDField(), **kwargs)

    def get_queryset(self):
        return courses_visible_to(self.context["request"].user).prefetch_related("tutors")


class ReviewCreateSerializer(serializers.Serializer):
    course = _VisibleCourseField(queryset=Course.objects.none())
    rating = RatingField()
    text = ReviewTextField(required=False)


class ReviewUpdateSerializer(serializers.Serializer):
    rating = RatingField(required=False)
    text = ReviewTextField(required=False)


class ReviewReplyWriteSerializer(serializers.Serializer):
    text = CommentTextField()


class ReviewListQuerySerializer(serializers.Serializer):
    course = serializers.CharField(max_length=220)
    rating = RatingField(required=False)
