"""Tutor shapes: the public directory's tutor (never an email or a phone) and the
tutor's own page."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courses.api.serializers.catalogue import CourseSummarySerializer
from users.api.serializers import UserSerializer
from users.models import User


class TutorMeSerializer(UserSerializer):
    courses_count = serializers.IntegerField(read_only=True)
    students_count = serializers.IntegerField(read_only=True)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "bio", "courses_count", "students_count"]
        read_only_fields = fields


class TutorPublicSerializer(serializers.ModelSerializer):
    """A tutor as the public directory shows them: never an email or a phone."""

    avatar = serializers.ImageField(read_only=True)
    courses_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "first_name", "last_name", "avatar", "bio", "courses_count"]
        read_only_fields = fields


class TutorPublicDetailSerializer(TutorPublicSerializer):
    courses = serializers.SerializerMethodField()

    class Meta(TutorPublicSerializer.Meta):
        fields = [*TutorPublicSerializer.Meta.fields, "courses"]
        read_only_fields = fields

    @extend_schema_field(CourseSummarySerializer(many=True))
    def get_courses(self, tutor: User):
        return CourseSummarySerializer(
            tutor.published_courses, many=True, context=self.context
        ).data
