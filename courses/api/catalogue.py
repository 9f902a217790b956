"""HTTP for the catalogue: categories and courses (their parts and lessons are
`courses.api.lessons`), and the rules every catalogue route shares.

Every lookup goes through the visibility selectors, so a draft (and its parts and
lessons) is a 404 to everyone but its course tutors, admins and actively enrolled
students; writing then needs a course tutor (403 otherwise): one of the course's tutors
who still has the role tutor (or admin), or an admin. Views validate, call one service,
and answer with the fresh object.
"""

import uuid

from django.contrib.auth.models import AnonymousUser
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated
from rest_framework.response import Response

from core.db import uuids_as_text
from core.limits import BoundedSearchFilter
from core.parsers import JSONObjectParser
from core.permissions import IsAdmin
from courses.api import cache as page_cache
from courses.api.pagination import CataloguePagination
from courses.api.serializers.catalogue import (
    CategorySerializer,
    CourseDetailSerializer,
    CourseSummarySerializer,
    CourseWriteSerializer,
)
from courses.api.serializers.summaries import SUMMARY_COLUMNS, course_summaries
from courses.filters import CourseFilter, StableOrderingFilter
from courses.permissions import IsCourseTutor
from courses.selectors.catalogue import (
    category_list,
    course_detail_queryset,
    course_list,
    course_list_rows,
    user_tutors_course,
)
from courses.selectors.video import video_id_usable_on_course
from courses.services.catalogue import (
    category_create,
    category_delete,
    category_update,
    course_create,
    course_delete,
    course_update,
)
from users.permissions import IsTutor

WRITE_METHODS = ["get", "post", "patch", "delete", "head", "options"]


# Every slug we make is ASCII (python-slugify, or the SPA's lesson rule); anything else
# is a 404 from the URL resolver, before it can reach the database.
SLUG_PATTERN = r"[-a-zA-Z0-9_]+"


def required_uuid_param(request, name: str) -> uuid.UUID:
    """A required `?name=<uuid>` query parameter; missing or malformed is a 400 on it."""
    value = request.query_params.get(name, "").strip()
    if not value:
        raise serializers.ValidationError({name: ["This query parameter is required."]})
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise serializers.ValidationError({name: ["Must be a valid UUID."]}) from exc


def require_course_tutor(user, course) -> None:
    if not user_tutors_course(user, course):
        raise PermissionDenied("Only the course's tutors and admins may change it.")


VIDEO_ID_REFUSED = (
    "Not a video of this course: use one uploaded by one of its tutors "
    "(vdocipher/upload-credentials/) or already on one of its lessons."
)


def require_usable_video(user, course, video_id: str | None, current: str = "") -> None:
    """400 on `video_service_id` unless the caller may put that video on `course`
    (`courses.selectors.video.video_id_usable_on_course`); keeping the current one is fine."""
    if not video_id or video_id == current:
        return
    if not video_id_usable_on_course(user=user, course=course, video_id=video_id):
        raise serializers.ValidationError({"video_service_id": [VIDEO_ID_REFUSED]})


class CourseContentPermissionsMixin:
    """Courses, parts and lessons: anyone reads what the visibility querysets let them
    see; tutors create; only the course's tutors (and admins) change or delete."""

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        if self.action == "create":
            return [IsAuthenticated(), IsTutor()]
        return [IsAuthenticated(), IsCourseTutor()]


CACHE_RULE = (
    " Served from the catalogue cache (at most `CACHE_TTL_SECONDS` old, and any write to "
    "the catalogue is visible on the next read); the caller's own fields (`is_enrolled`, "
    "`progress`, lessons' `is_completed`) are never cached."
)


DRAFT_RULE = (
    " A draft (unpublished course) stays visible to its students with an active "
    "enrollment, its course tutors and admins, and is a 404 to everyone else (a refunded "
    "student included); it is never in the catalogue list."
)


COURSE_TUTOR_RULE = (
    " *Course tutor*: one of the course's `tutors` whose role is still tutor or admin, or "
    "an admin; a tutor an admin demoted to student or user gets 403 here (and keeps only "
    "what an enrollment of theirs gives)."
)


# --- Categories -----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(description="Categories ordered by name. Public." + CACHE_RULE),
    retrieve=extend_schema(description="A category by slug. Public." + CACHE_RULE),
    create=extend_schema(
        description="Admin only. The slug comes from the name (python-slugify) and, like a "
        "course's, does not change when the category is renamed."
    ),
    partial_update=extend_schema(description="Admin only. The slug stays."),
    destroy=extend_schema(description="Admin only. Its courses are left without a category."),
)
class CategoryViewSet(viewsets.ModelViewSet):
    serializer_class = CategorySerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    http_method_names = WRITE_METHODS
    filter_backends: list = []

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [AllowAny()]
        return [IsAdmin()]

    def get_queryset(self):
        return category_list()

    # Reads come from the catalogue cache (courses/api/cache.py): nothing per user here.
    def list(self, request, *args, **kwargs):
        key = page_cache.page_key(request, "categories")
        body = page_cache.cached_bytes(key)
        if body is None:
            body = page_cache.store(key, super().list(request, *args, **kwargs).data)
        return page_cache.respond(request, body)

    def retrieve(self, request, *args, **kwargs):
        key = page_cache.page_key(request, "category", kwargs.get(self.lookup_field, ""))
        body = page_cache.cached_bytes(key)
        if body is None:
            body = page_cache.store(key, super().retrieve(request, *args, **kwargs).data)
        return page_cache.respond(request, body)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        category = category_create(**serializer.validated_data)
        category = category_list().get(pk=category.pk)
        return Response(self.get_serializer(category).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        category = self.get_object()
        serializer = self.get_serializer(category, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        category_update(category=category, data=serializer.validated_data)
        return Response(self.get_serializer(category_list().get(pk=category.pk)).data)

    def perform_destroy(self, instance):
        category_delete(category=instance)


# --- Courses --------------------------------------------------------------------------


COURSE_LIST_DESCRIPTION = (
    "Published courses only (a tutor's drafts are in `/api/auth/tutors/me/courses/`). "
    "`category` takes an id or a slug; an unknown one gives an empty page. Malformed "
    "filter values (a bad tutor id, a negative, huge or non-numeric price) are a 400. "
    "`ordering` accepts created_at, published_at, price, title, students_count, rating, "
    "each with `-`; default `-published_at`; an unknown ordering field is ignored; "
    "courses without a rating come last in both `rating` orders. `min_rating` (0-5, at "
    "most one decimal, no exponent) keeps courses whose rating (the mean of their visible "
    "reviews) is at least that, so unrated courses are left out." + CACHE_RULE
)


@extend_schema_view(
    list=extend_schema(description=COURSE_LIST_DESCRIPTION),
    retrieve=extend_schema(
        description="Public for a published course." + DRAFT_RULE + " `video_service_id` "
        "appears in lessons for course tutors and admins only." + CACHE_RULE + " Drafts, "
        "and course tutors and admins, are always read from the database."
    ),
    create=extend_schema(
        request=CourseWriteSerializer,
        responses={201: CourseDetailSerializer},
        description="Tutors and admins. The caller becomes the course's tutor; the slug "
        "comes from the title. Only `title` is required (price defaults to 0, a free "
        "course; currency to usd). `is_published: true` is refused with `course_empty` "
        "(a new course has no lessons). A paid price is at least Stripe's minimum charge "
        "and has no more decimals than its currency; in bhd, jod, kwd, omr and tnd its third "
        "decimal is 0 (Stripe charges those in steps of 0.010). Each entry of `prices` obeys "
        "the same rules, and a paid course has no free currency (an extra price of 0 is a "
        "400 on `prices`). In a multipart form, `prices` is a JSON string (at most 32 "
        "levels deep). An entry of `prices` in the default currency is ignored (the "
        "default price is `price`).",
    ),
    partial_update=extend_schema(
        request=CourseWriteSerializer,
        responses={200: CourseDetailSerializer},
        description="Course tutors and admins. JSON or multipart (with `thumbnail`; "
        '`category` "" means none; `thumbnail` null or "" removes it, its current URL '
        "sent back keeps it). `tutors` is "
        "admin-only and replaces the list (403 when another caller changes it; the same "
        "list sent back is no change). Publishing needs a lesson "
        "(`course_empty`); `published_at` is set on the first publication and kept when "
        "unpublished (its active students keep access). `prices` replaces the "
        "other-currency prices (same price rules as on create; making a course paid while a "
        "stored extra price is 0 is a 400 on `prices`). The slug never changes. An empty body "
        "is a no-op. A thumbnail (JPEG, PNG or WebP, decoded) is stored as "
        "`thumbnails/<uuid>.<ext>`, `ext` from the decoded format; the uploaded file name is "
        "never used." + COURSE_TUTOR_RULE,
    ),
    destroy=extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(
                description="`course_has_students`; `course_has_open_checkouts` (a pending "
                "order's Checkout Session has not expired yet)"
            ),
        },
        description="Course tutors and admins. 409 `course_has_students` when the course "
        "has any enrollment (even refunded) or a completed order; 409 "
        "`course_has_open_checkouts` while a pending order's Checkout Session has not "
        "expired (someone may be paying right now: unpublish the course and delete it "
        "once the session has expired). Failed orders and pending ones whose session "
        "expired are deleted with it. The admin's delete follows the same rules."
        + COURSE_TUTOR_RULE,
    ),
)
class CourseViewSet(CourseContentPermissionsMixin, viewsets.ModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    http_method_names = WRITE_METHODS
    filterset_class = CourseFilter
    filter_backends = [DjangoFilterBackend, BoundedSearchFilter, StableOrderingFilter]
    # Only create and PATCH take a file (`thumbnail`); a form body elsewhere is 415.
    parser_classes = [JSONObjectParser, MultiPartParser]
    multipart_actions = ("create", "partial_update")
    search_fields = [
        "title",
        "description",
        "tutors__first_name",
        "tutors__last_name",
        "category__name",
    ]
    ordering_fields = [
        "created_at",
        "published_at",
        "price",
        "title",
        "students_count",
        "rating",
    ]
    ordering = ["-published_at"]
    pagination_class = CataloguePagination

    def get_queryset(self):
        if self.action == "list":
            # The shared shape (`is_enrolled` false); the caller's is overlaid in list().
            return course_list(user=None)
        return course_detail_queryset(user=self.request.user)

    def list(self, request, *args, **kwargs):
        """From the catalogue cache (courses/api/cache.py), `is_enrolled` overlaid."""
        key = page_cache.page_key(request, "courses")
        value = page_cache.cached_bytes(key)
        if value is None:
            # A miss takes the lean path: plain rows, the summary built without models.
            rows = self.filter_queryset(course_list_rows(*SUMMARY_COLUMNS))
            self.paginator.generation = key.generation
            with uuids_as_text():
                summaries = course_summaries(self.paginate_queryset(rows), request)
            data = self.get_paginated_response(summaries).data
            ids = tuple(summary["id"] for summary in summaries)
            value = page_cache.store(key, data, course_ids=ids)
        return page_cache.respond_summaries(request, value)

    def get_serializer_class(self):
        if self.action == "list":
            return CourseSummarySerializer
        if self.action in ("create", "partial_update"):
            return CourseWriteSerializer
        return CourseDetailSerializer

    def filter_queryset(self, queryset):
        # Filters, search and ordering belong to the list only (not to detail lookups).
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["course_tutor"] = getattr(self, "_course_tutor", False)
        return context

    def _detail_response(self, course, status_code=status.HTTP_200_OK) -> Response:
        course = course_detail_queryset(user=self.request.user).get(pk=course.pk)
        self._course_tutor = user_tutors_course(self.request.user, course)
        serializer = CourseDetailSerializer(course, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        """A published course from the catalogue cache (its anonymous shape, the caller's
        progress overlaid); drafts, and course tutors and admins, from the database."""
        slug = kwargs.get(self.lookup_field, "")
        key = page_cache.page_key(request, "course", slug)
        body = page_cache.cached_bytes(key)
        if body is None:
            course = course_detail_queryset(user=AnonymousUser()).filter(slug=slug).first()
            if course is not None:
                self._course_tutor = False
                data = CourseDetailSerializer(course, context=self.get_serializer_context()).data
                body = page_cache.store(key, data)
        if body is not None and not page_cache.course_detail_bypasses_cache(request.user, body):
            return page_cache.respond(request, body, page_cache.overlay_detail_for(request.user))
        course = self.get_object()
        self._course_tutor = user_tutors_course(request.user, course)
        serializer = CourseDetailSerializer(course, context=self.get_serializer_context())
        return Response(serializer.data)

    def create(self, request, *args, **kwargs):
        if "tutors" in request.data and not request.user.is_admin:
            raise PermissionDenied("Only admins choose a course's tutors.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        tutors = data.pop("tutors", None)
        course = course_create(tutor=request.user, **data)
        if tutors:
            course_update(course=course, data={"tutors": tutors})
        return self._detail_response(course, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        course = self.get_object()
        serializer = self.get_serializer(course, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "tutors" in data and not request.user.is_admin:
            # An edit form may echo the course back whole: the same tutors are no change.
            if {t.pk for t in data["tutors"]} != {t.pk for t in course.tutors.all()}:
                raise PermissionDenied("Only admins change a course's tutors.")
            del data["tutors"]
        course_update(course=course, data=data)
        return self._detail_response(course)

    def perform_destroy(self, instance):
        course_delete(course=instance)
