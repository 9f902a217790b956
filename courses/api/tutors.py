"""HTTP for tutors as the catalogue sees them: the public directory (`/api/tutors/`) and
the tutor's own page (`/api/auth/tutors/me/`), both mounted from `eleven_tutors/urls.py`.

They live in courses because a tutor is "someone who teaches courses": both answers are
counted from courses and enrollments."""

from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.limits import BoundedSearchFilter
from courses.api.serializers.tutors import (
    TutorMeSerializer,
    TutorPublicDetailSerializer,
    TutorPublicSerializer,
)
from courses.selectors.catalogue import tutor_own_stats, tutor_public_detail_queryset, tutors_public
from users.permissions import IsTutor


class TutorMeView(APIView):
    permission_classes = [IsTutor]

    @extend_schema(
        responses=TutorMeSerializer,
        description=(
            "The caller's user object plus `bio`, `courses_count` (every course they tutor, "
            "drafts included) and `students_count` (distinct students actively enrolled in "
            "any of them)."
        ),
    )
    def get(self, request):
        user = request.user
        for field, value in tutor_own_stats(user).items():
            setattr(user, field, value)
        return Response(TutorMeSerializer(user, context={"request": request}).data)


@extend_schema(
    description=(
        "Public directory: anyone tutoring at least one published course, ordered by name; "
        "`courses_count` counts published courses; `search` by first or last name. Never "
        "emails or phones. The detail adds `courses`, their published courses, newest first."
    )
)
class TutorViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    filter_backends = [BoundedSearchFilter]
    search_fields = ["first_name", "last_name"]

    def get_queryset(self):
        if self.action == "retrieve":
            return tutor_public_detail_queryset(user=self.request.user)
        return tutors_public()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return TutorPublicDetailSerializer
        return TutorPublicSerializer
