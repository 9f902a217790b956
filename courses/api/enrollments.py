"""HTTP for enrollment and progress: enrolling in a free course, listing enrollments,
marking lessons done. The rules live in `courses/enrollments.py`."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.enrollments import lesson_complete, lesson_uncomplete
from courses.selectors import lessons_visible_to

COMPLETION = inline_serializer(
    name="LessonCompletionResult",
    fields={
        "is_completed": serializers.BooleanField(),
        "progress": serializers.IntegerField(help_text="0 to 100, of the whole course"),
    },
)


class LessonCompleteView(APIView):
    """Mark or unmark a lesson done; only for an active enrollment (else 403)."""

    def _lesson(self, request, slug: str):
        return get_object_or_404(
            lessons_visible_to(request.user).select_related("part__course"), slug=slug
        )

    @extend_schema(
        request=None,
        responses={
            200: COMPLETION,
            403: OpenApiResponse(description="`enrollment_required`"),
            404: OpenApiResponse(description="Unknown lesson, or one of a hidden draft"),
        },
        description=(
            "Mark the lesson done (idempotent). `progress` is the whole-number percentage of "
            "the course's lessons done; when every lesson is done the enrollment's "
            "`completed_at` is set. Needs an active enrollment: course tutors and admins "
            "who are not enrolled get 403 `enrollment_required` too."
        ),
    )
    def post(self, request, slug: str):
        return Response(lesson_complete(user=request.user, lesson=self._lesson(request, slug)))

    @extend_schema(
        request=None,
        responses={200: COMPLETION, 403: OpenApiResponse(description="`enrollment_required`")},
        description=(
            "Unmark the lesson (idempotent); `completed_at` is cleared when the course is no "
            "longer fully done."
        ),
    )
    def delete(self, request, slug: str):
        return Response(lesson_uncomplete(user=request.user, lesson=self._lesson(request, slug)))
