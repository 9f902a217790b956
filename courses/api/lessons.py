"""HTTP for a course's content: course parts and lessons (the catalogue's other half,
next to `courses.api.catalogue`). Lookups go through the visibility selectors; writing
needs a course tutor."""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.response import Response

from courses.api.catalogue import (
    COURSE_TUTOR_RULE,
    DRAFT_RULE,
    SLUG_PATTERN,
    WRITE_METHODS,
    CourseContentPermissionsMixin,
    require_course_tutor,
    require_usable_video,
    required_uuid_param,
)
from courses.api.serializers.catalogue import (
    CoursePartSerializer,
    LessonAuthorSerializer,
    LessonDetailSerializer,
    LessonSummarySerializer,
    LessonWriteSerializer,
)
from courses.models import CoursePart
from courses.selectors.catalogue import (
    course_parts_for,
    course_parts_visible_to,
    lessons_for,
    user_tutors_course,
)
from courses.services.catalogue import (
    course_part_create,
    course_part_delete,
    course_part_update,
    lesson_create,
    lesson_delete,
    lesson_update,
)
from courses.services.video import lesson_playback
from users.models import User

# --- Parts ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("course", OpenApiTypes.UUID, required=True, description="Course id")
        ],
        description="The parts of a course the caller may see, by `order`. `course` is "
        "required (400 without it); a course the caller may not see gives an empty list.",
    ),
    retrieve=extend_schema(description="Visible as its course is." + DRAFT_RULE),
    create=extend_schema(
        description="A tutor of the course (403 for another tutor's course; 400 on "
        "`course` for a course the caller cannot see). `order` defaults to the end; "
        "duplicate orders are allowed." + COURSE_TUTOR_RULE
    ),
    partial_update=extend_schema(
        description="Course tutors and admins. `title`, `description`, `order`; the slug "
        "and the course do not change." + COURSE_TUTOR_RULE
    ),
    destroy=extend_schema(
        description="Course tutors and admins. Deletes its lessons too." + COURSE_TUTOR_RULE
    ),
)
class CoursePartViewSet(CourseContentPermissionsMixin, viewsets.ModelViewSet):
    serializer_class = CoursePartSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    http_method_names = WRITE_METHODS
    filter_backends: list = []

    def get_queryset(self):
        parts = course_parts_for(user=self.request.user).prefetch_related(
            Prefetch("course__tutors", queryset=User.objects.only("id"))
        )
        if self.action == "list":
            parts = parts.filter(course_id=required_uuid_param(self.request, "course"))
        return parts

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        require_course_tutor(request.user, data["course"])
        part = course_part_create(**data)
        return Response(self.get_serializer(part).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        part = self.get_object()
        serializer = self.get_serializer(part, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k != "course"}
        if data.get("order", 0) is None:
            data.pop("order")
        part = course_part_update(part=part, data=data)
        return Response(self.get_serializer(part).data)

    def perform_destroy(self, instance):
        course_part_delete(part=instance)


# --- Lessons --------------------------------------------------------------------------


VIDEO_ID_RULE = (
    " `video_service_id` accepts only a VdoCipher video uploaded (through "
    "`vdocipher/upload-credentials/`) by one of the course's tutors, or one already on a "
    "lesson of the same course; admins may set any; anything else is a 400 on "
    '`video_service_id`. `""` and null clear it; on PATCH the lesson\'s current value is '
    "always accepted (lessons that had a video before uploads were recorded keep it)."
)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("part", OpenApiTypes.UUID, required=True, description="Part id")
        ],
        responses=LessonSummarySerializer(many=True),
        description="The lessons of a part the caller may see, as lesson summaries, by "
        "`order`. `part` is required (400 without it); a part the caller may not see "
        "gives an empty list.",
    ),
    retrieve=extend_schema(
        responses=LessonDetailSerializer,
        description="Public for a published course." + DRAFT_RULE + " `otp`/`playbackInfo` "
        "are set when the caller may "
        "watch and the lesson has a video; `video_error` says why they are null when "
        "VdoCipher failed or is not configured (the page still answers 200).",
    ),
    create=extend_schema(
        request=LessonWriteSerializer,
        responses={201: LessonAuthorSerializer},
        description="A tutor of the part's course. The slug follows the SPA's rule "
        "(suffixed when taken or empty). `order` defaults to the end of the part; "
        'duplicate orders are allowed. Optional text fields accept "" and null.'
        + VIDEO_ID_RULE
        + COURSE_TUTOR_RULE,
    ),
    partial_update=extend_schema(
        request=LessonWriteSerializer,
        responses={200: LessonAuthorSerializer},
        description="Course tutors and admins. A new title re-derives the slug. `part` may "
        "move the lesson to another part of a course the caller tutors."
        + VIDEO_ID_RULE
        + COURSE_TUTOR_RULE,
    ),
    destroy=extend_schema(description="Course tutors and admins." + COURSE_TUTOR_RULE),
)
class LessonViewSet(CourseContentPermissionsMixin, viewsets.ModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    http_method_names = WRITE_METHODS
    filter_backends: list = []

    def get_queryset(self):
        lessons = lessons_for(user=self.request.user)
        if self.action == "list":
            lessons = lessons.filter(part_id=required_uuid_param(self.request, "part"))
        return lessons

    def get_serializer_class(self):
        if self.action == "list":
            return LessonSummarySerializer
        if self.action == "retrieve":
            return LessonDetailSerializer
        if self.action in ("create", "partial_update"):
            return LessonWriteSerializer
        return LessonAuthorSerializer

    def _author_response(self, lesson, status_code=status.HTTP_200_OK) -> Response:
        lesson = lessons_for(user=self.request.user).get(pk=lesson.pk)
        context = {**self.get_serializer_context(), "course_tutor": True}
        return Response(LessonAuthorSerializer(lesson, context=context).data, status=status_code)

    def list(self, request, *args, **kwargs):
        part_id = required_uuid_param(request, "part")
        part = (
            course_parts_visible_to(request.user)
            .select_related("course")
            .prefetch_related(Prefetch("course__tutors", queryset=User.objects.only("id")))
            .filter(pk=part_id)
            .first()
        )
        course_tutor = part is not None and user_tutors_course(request.user, part.course)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), "course_tutor": course_tutor}
        serializer = LessonSummarySerializer(page, many=True, context=context)
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        lesson = self.get_object()
        context = {
            **self.get_serializer_context(),
            "course_tutor": user_tutors_course(request.user, lesson.part.course),
            "playback": lesson_playback(lesson=lesson, user=request.user),
        }
        return Response(LessonDetailSerializer(lesson, context=context).data)

    def _writable_part(self, part: CoursePart) -> CoursePart:
        require_course_tutor(self.request.user, part.course)
        return part

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        self._writable_part(data["part"])
        require_usable_video(request.user, data["part"].course, data.get("video_service_id"))
        lesson = lesson_create(**data)
        return self._author_response(lesson, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        lesson = self.get_object()
        serializer = self.get_serializer(lesson, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "part" in data:
            self._writable_part(data["part"])
        course = data["part"].course if "part" in data else lesson.part.course
        require_usable_video(
            request.user, course, data.get("video_service_id"), lesson.video_service_id
        )
        if data.get("order", 0) is None:
            data.pop("order")
        lesson_update(lesson=lesson, data=data)
        return self._author_response(lesson)

    def perform_destroy(self, instance):
        lesson_delete(lesson=instance)
