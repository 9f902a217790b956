"""The tutor dashboard: numbers about a tutor's courses, from real orders and enrollments.

Money here is a JSON number, not a decimal string (the SPA does arithmetic on it).
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.models import Course
from courses.selectors.catalogue import courses_visible_to, user_tutors_course
from payments.api.serializers import (
    CourseStatisticsSerializer,
    TutorCourseSerializer,
    TutorQuickStatisticsSerializer,
)
from payments.selectors.dashboard import (
    course_statistics,
    tutor_courses,
    tutor_quick_statistics,
)
from users.permissions import IsTutor

EARNINGS_RULE = (
    "Earnings are completed, unrefunded payments, in the course's default currency only "
    "(payments in another currency are not converted and not counted; a total across "
    "courses in different currencies is a plain sum). Months are UTC calendar months."
)


class TutorQuickStatisticsView(APIView):
    permission_classes = [IsTutor]

    @extend_schema(
        responses={200: TutorQuickStatisticsSerializer},
        description=(
            "The caller's dashboard header. `active_students`: distinct students with an "
            "active enrollment in any of the caller's courses; `recent_enrollments`: active "
            "enrollments made in the last 7 days; `monthly_earnings`: the last 6 months, "
            "oldest first (current month included), `students` being enrollments made that "
            "month; `course_performance`: every course of the caller, most students first, "
            "`students` being its active enrollments. `average_rating`: the mean of "
            "the visible reviews of all the caller's courses (one decimal), `total_reviews` "
            "their count; a course's `rating` is its stored mean; ratings are 0 while there "
            "is no visible review. " + EARNINGS_RULE
        ),
    )
    def get(self, request):
        stats = tutor_quick_statistics(tutor=request.user)
        return Response(TutorQuickStatisticsSerializer(stats).data)


class CourseStatisticsView(APIView):
    @extend_schema(
        responses={
            200: CourseStatisticsSerializer,
            403: OpenApiResponse(
                description="Not a course tutor: not one of the course's tutors, or one "
                "whose role an admin changed away from tutor/admin"
            ),
            404: OpenApiResponse(description="Unknown course, or a draft the caller cannot see"),
        },
        description=(
            "Numbers for one course, for its course tutors (in its tutors and still of "
            "role tutor or admin) and admins. `students_count`: everyone "
            "who ever enrolled (refunded ones included); `active_students`: active "
            "enrollments; `completion_rate`: percentage (0 to 100, one decimal) of active "
            "students who finished every lesson; `monthly`: as in quick statistics. "
            + EARNINGS_RULE
        ),
    )
    def get(self, request, slug: str):
        course = get_object_or_404(
            courses_visible_to(request.user).prefetch_related("tutors"), slug=slug
        )
        if not user_tutors_course(request.user, course):
            self.permission_denied(request, message="Only the course's tutors see this.")
        return Response(CourseStatisticsSerializer(course_statistics(course=course)).data)


class TutorCoursesView(generics.ListAPIView):
    permission_classes = [IsTutor]
    serializer_class = TutorCourseSerializer
    queryset = Course.objects.none()  # for the schema; requests use the selector

    @extend_schema(
        description=(
            "The caller's courses in any state, newest first, each a course summary plus "
            "`rating` (the mean of its visible reviews, one decimal; null while there is "
            "none), `reviews_count` and `earnings` (a "
            "JSON number). " + EARNINGS_RULE
        )
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Course.objects.none()
        return tutor_courses(tutor=self.request.user)
