"""Enrollment shapes: an enrollment with its course and progress, and the answer to
marking a lesson done."""

from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from courses.api.serializers.catalogue import CourseSummarySerializer
from courses.models import Enrollment
from courses.selectors.enrollment import progress_percent


class EnrollmentSerializer(serializers.ModelSerializer):
    course = CourseSummarySerializer(read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Enrollment
        fields = ["id", "course", "enrolled_at", "progress", "completed_at"]
        read_only_fields = fields

    @extend_schema_field({"type": "integer", "minimum": 0, "maximum": 100})
    def get_progress(self, obj) -> int:
        return progress_percent(obj.lessons_done, obj.lessons_total)


LessonCompletionSerializer = inline_serializer(
    name="LessonCompletionResult",
    fields={
        "is_completed": serializers.BooleanField(),
        "progress": serializers.IntegerField(help_text="0 to 100, of the whole course"),
    },
)
