"""Comment shapes: the contract's Comment, and what posting, editing and listing accept."""

import unicodedata

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courses.api.serializers.fields import CallerScopedField
from courses.models import Comment
from courses.selectors.catalogue import (
    lessons_visible_to,
)
from courses.selectors.comments import (
    comments_visible_to,
)
from users.models import Role

TEXT_MAX_LENGTH = 5000


# Line breaks and tabs are text; every other control character (NUL included, which
# PostgreSQL refuses in text) and lone UTF-16 surrogates (which UTF-8 cannot encode) are not.
_ALLOWED_CONTROLS = {"\n", "\t"}


class CommentTextField(serializers.CharField):
    """Comment text: a JSON string, stripped, 1-5000 characters.

    Windows line breaks become `\\n`; other control characters are refused (400), not
    silently dropped, so what is stored is exactly what the author sees. HTML is plain text
    here: stored and returned as sent, never rendered by the API.
    """

    def __init__(self, **kwargs):
        super().__init__(max_length=TEXT_MAX_LENGTH, trim_whitespace=True, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError("Not a valid string.", code="invalid")
        text = data.replace("\r\n", "\n").replace("\r", "\n").strip()
        for char in text:
            category = unicodedata.category(char)
            if (category == "Cc" and char not in _ALLOWED_CONTROLS) or category == "Cs":
                raise serializers.ValidationError(
                    "Control characters are not allowed.", code="invalid"
                )
        return text


class CommentAuthorSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    avatar = serializers.SerializerMethodField()
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    role_name = serializers.CharField(read_only=True)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_avatar(self, user) -> str | None:
        if not user.avatar:
            return None
        url = user.avatar.url
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class CommentSerializer(serializers.ModelSerializer):
    """The contract's Comment. A deleted comment still in a thread has `text` `""`."""

    lesson = serializers.UUIDField(source="lesson_id", read_only=True)
    parent = serializers.UUIDField(source="parent_id", read_only=True, allow_null=True)
    author = CommentAuthorSerializer(read_only=True)
    text = serializers.SerializerMethodField()
    replies_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Comment
        fields = [
            "id",
            "lesson",
            "parent",
            "author",
            "text",
            "replies_count",
            "is_edited",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_text(self, comment) -> str:
        return "" if comment.is_deleted else comment.text


def _lessons_for_commenting(user):
    return lessons_visible_to(user).select_related("part__course")


class CommentCreateSerializer(serializers.Serializer):
    lesson = CallerScopedField(_lessons_for_commenting)
    text = CommentTextField()
    parent = CallerScopedField(comments_visible_to, required=False, allow_null=True)


class CommentUpdateSerializer(serializers.Serializer):
    text = CommentTextField(required=False)


class CommentListQuerySerializer(serializers.Serializer):
    lesson = serializers.CharField(required=False, max_length=220)
    parent = serializers.UUIDField(required=False)

    def validate(self, attrs):
        if "lesson" not in attrs and "parent" not in attrs:
            raise serializers.ValidationError({"lesson": ["This query parameter is required."]})
        return attrs
