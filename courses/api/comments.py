"""HTTP for lesson comments: `/api/courses/comments/` and `comments/{id}/`.

Rules live in `courses.services.comments` and `courses.selectors.comments`; this module
parses, checks the route-level permission and answers with the Comment object of the
contract.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle

from courses.api.serializers.comments import (
    CommentCreateSerializer,
    CommentListQuerySerializer,
    CommentSerializer,
    CommentUpdateSerializer,
)
from courses.selectors.comments import (
    comment_lesson_get,
    comment_list_replies,
    comment_list_top_level,
    comment_thread_get,
    comments_visible_to,
)
from courses.services.comments import comment_create, comment_delete, comment_update


class CommentCreateThrottle(UserRateThrottle):
    """Per-user limit on posting comments (the `comments` rate); reads are not counted.

    The rate is read on each request, so settings overrides (and tests) take effect.
    """

    scope = "comments"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        return super().allow_request(request, view)


LIST_DESCRIPTION = """\
`?lesson=<id or slug>` lists the lesson's top-level comments, newest first; with
`?parent=<comment id>` it lists that comment's replies instead, oldest first (`parent`
alone also works, the lesson being the parent's). Without either: 400 on `lesson`.
An unknown lesson or parent, or one the caller may not see (a draft's), is a 404.
Anyone who may see the course may read, anonymous visitors included for published courses.

A deleted comment that still has replies is listed with `text` `""` (its author kept);
without replies it is gone. Comments hidden by staff are shown to admins only.
`replies_count` counts the replies the caller can see."""


CREATE_DESCRIPTION = """\
Needs a verified email (else 403 `email_not_verified`) and an active enrollment, the
course's tutorship or the admin role (else 403 `enrollment_required`). `lesson` must be a
lesson the caller can see (else 400 on `lesson`); `parent`, when given, a comment the
caller can see (else 400 on `parent`) that is a live top-level comment of the same lesson
(else 400 `invalid_parent`). `text` is stripped and must keep 1-5000 characters; control
characters other than line breaks and tabs are refused (400 on `text`); HTML is stored and
returned as plain text. Posting is throttled per user (`THROTTLE_COMMENT_RATE`, 429)."""


DETAIL_DESCRIPTION = """\
Readable as in the list (a deleted comment without replies, or a hidden one for
non-admins, is a 404). PATCH `text`: the author only (403 otherwise; `is_edited` becomes
true when the text changes; an empty body is a no-op). DELETE: the author, the course's
tutors and admins (204); deletion is soft, so replies stay. Editing and deleting do
not re-check enrollment or email verification: a comment stays its author's.
A deleted comment cannot be edited or deleted again (404)."""


@extend_schema_view(
    list=extend_schema(
        description=LIST_DESCRIPTION,
        parameters=[
            OpenApiParameter("lesson", OpenApiTypes.STR, description="Lesson id or slug."),
            OpenApiParameter(
                "parent", OpenApiTypes.UUID, description="List this comment's replies."
            ),
        ],
    ),
    create=extend_schema(
        description=CREATE_DESCRIPTION,
        request=CommentCreateSerializer,
        responses={201: CommentSerializer},
    ),
    retrieve=extend_schema(description=DETAIL_DESCRIPTION),
    partial_update=extend_schema(
        description=DETAIL_DESCRIPTION,
        request=CommentUpdateSerializer,
        responses={200: CommentSerializer},
    ),
    destroy=extend_schema(description=DETAIL_DESCRIPTION),
)
class CommentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CommentSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_throttles(self):
        return [*super().get_throttles(), CommentCreateThrottle()]

    def get_queryset(self):
        comments = comments_visible_to(self.request.user)
        if self.action in ("partial_update", "destroy"):
            comments = comments.filter(is_deleted=False).select_related("lesson__part__course")
        return comments

    def list(self, request, *args, **kwargs):
        query = CommentListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        lesson = None
        if "lesson" in query.validated_data:
            lesson = comment_lesson_get(user=request.user, lesson=query.validated_data["lesson"])
        if "parent" in query.validated_data:
            parent = comment_thread_get(
                user=request.user, pk=query.validated_data["parent"], lesson=lesson
            )
            comments = comment_list_replies(user=request.user, parent=parent)
        else:
            comments = comment_list_top_level(user=request.user, lesson=lesson)
        page = self.paginate_queryset(comments)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        payload = CommentCreateSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        comment = comment_create(author=request.user, **payload.validated_data)
        return Response(self.get_serializer(comment).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        comment = self.get_object()
        payload = CommentUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        comment = comment_update(
            comment=comment, user=request.user, text=payload.validated_data.get("text")
        )
        return Response(self.get_serializer(comment).data)

    def perform_destroy(self, instance):
        comment_delete(comment=instance, user=self.request.user)
