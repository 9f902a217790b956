"""HTTP for enrollment and progress: enrolling in a free course, listing enrollments,
marking lessons done. The rules live in `courses.services.enrollment`."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.api.serializers.enrollment import EnrollmentSerializer, LessonCompletionSerializer
from courses.models import Enrollment
from courses.selectors.catalogue import courses_visible_to, lessons_visible_to
from courses.selectors.enrollment import enrollments_visible_to
from courses.services.enrollment import course_enroll, lesson_complete, lesson_uncomplete


@extend_schema(
    description=(
        "List: the caller's active enrollments, newest first (admins too see only their "
        "own here), drafts included: an unpublished course keeps its paying students. "
        "Detail: its owner (even once refunded, `is_active` false rows stay "
        "readable to them) or an admin; anyone else gets 404."
    )
)
class EnrollmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = EnrollmentSerializer
    queryset = Enrollment.objects.none()  # for the schema; requests use the selectors

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Enrollment.objects.none()
        enrollments = enrollments_visible_to(self.request.user)
        if self.action == "list":
            return enrollments.filter(user=self.request.user, is_active=True)
        return enrollments


class CourseEnrollView(APIView):
    @extend_schema(
        request=None,
        responses={
            201: EnrollmentSerializer,
            200: EnrollmentSerializer,
            402: OpenApiResponse(description="`payment_required`: buy it via payments/"),
            404: OpenApiResponse(
                description="Unknown or draft course (a draft answers 200 only to its "
                "students with an active enrollment)"
            ),
        },
        description=(
            "Enroll in a free course: 201 the new enrollment (a refunded enrollment is "
            "reactivated), 200 when already enrolled (in any course, free or bought). A paid "
            "course one is not enrolled in is 402 "
            "`payment_required`. A first enrollment turns a user into a student."
        ),
    )
    def post(self, request, slug: str):
        # A draft is visible to its active students (who get their enrollment back, 200)
        # and to its course tutors, but nobody joins a draft (`course_enroll`: 404).
        course = get_object_or_404(courses_visible_to(request.user), slug=slug)
        enrollment, granted_now = course_enroll(user=request.user, course=course)
        enrollment = enrollments_visible_to(request.user).get(pk=enrollment.pk)
        return Response(
            EnrollmentSerializer(enrollment, context={"request": request}).data,
            status=status.HTTP_201_CREATED if granted_now else status.HTTP_200_OK,
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
            200: LessonCompletionSerializer,
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
        responses={
            200: LessonCompletionSerializer,
            403: OpenApiResponse(description="`enrollment_required`"),
        },
        description=(
            "Unmark the lesson (idempotent); `completed_at` is cleared when the course is no "
            "longer fully done."
        ),
    )
    def delete(self, request, slug: str):
        return Response(lesson_uncomplete(user=request.user, lesson=self._lesson(request, slug)))
