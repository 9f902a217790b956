"""HTTP for course reviews: `/api/courses/reviews/`, `reviews/{id}/` and
`reviews/{id}/reply/`.

Rules live in `courses.services.reviews` (writes) and `courses.selectors.reviews`
(reads); this module parses, checks the route-level permission and shapes the Review.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from core.exceptions import Forbidden
from courses.api.comments import CommentCreateThrottle
from courses.api.serializers.reviews import (
    ReviewCreateSerializer,
    ReviewListQuerySerializer,
    ReviewReplyWriteSerializer,
    ReviewSerializer,
    ReviewUpdateSerializer,
)
from courses.selectors.reviews import review_course_get, review_list, reviews_visible_to
from courses.services.reviews import (
    review_create,
    review_delete,
    review_reply_delete,
    review_reply_set,
    review_update,
)


class ReviewCreateThrottle(CommentCreateThrottle):
    """Per-user limit on posting reviews (`THROTTLE_REVIEW_RATE`): counts POST
    `reviews/` only; reads, edits and tutors' replies are not counted."""

    scope = "reviews"

    def allow_request(self, request, view):
        if getattr(view, "action", None) != "create":
            return True
        return super().allow_request(request, view)


VISIBILITY = (
    " A review is readable by anyone who may see its course (a published course: everyone, "
    "anonymous included; a draft: its course tutors, admins and actively enrolled "
    "students; otherwise 404). Reviews hidden by staff are shown to admins only (their "
    "own authors included: to them a hidden review is a 404)."
)

LIST_DESCRIPTION = (
    "`?course=<id or slug>` is required (400 on `course` without it; 404 for an unknown "
    "course or one the caller may not see). Newest first. `?rating=1..5` keeps one rating "
    "(400 on anything else, exponent strings included; an empty value is no filter)." + VISIBILITY
)

CREATE_DESCRIPTION = (
    "A user with an active enrollment in the course (else 403 `enrollment_required`; a "
    "refunded student may not post) and a verified email (else 403 `email_not_verified`). "
    "The course's own tutors (anyone in its `tutors`) may not review it: 403 `own_course` "
    "(checked first). Admins follow the same rules (they moderate in the admin). `course` "
    "is the id of a course the caller can see (else 400 on `course`); `rating` an integer "
    '1-5; `text` optional: stripped, 0-5000 characters, `null` means `""`, control '
    "characters other than line breaks and tabs are refused (400 on `text`); HTML is "
    "stored and returned as plain text, never rendered. A second review of the same "
    "course by the same user, even a hidden one, is 409 `already_reviewed` (PATCH it "
    "instead). Posting is throttled per user (`THROTTLE_REVIEW_RATE`, default 10/min, 429); "
    "anonymous: 401. The course's `rating` and `reviews_count` include the review on the "
    "next read."
)

DETAIL_DESCRIPTION = (
    "GET as the list. PATCH `rating` and/or `text`: the author only (403 otherwise); "
    "`is_edited` becomes true when either changes; an empty body is a no-op. DELETE: the "
    "author or an admin (204, deleted for good, the course's numbers follow). Neither "
    "re-checks the enrollment: a student refunded after reviewing may still edit or "
    "delete their review (a refund does not remove it). Anonymous writes: 401." + VISIBILITY
)

REPLY_DESCRIPTION = (
    "POST `text` (stripped, 1-5000 characters, the same rules as a review's text) sets "
    "the review's one public reply, replacing the previous one (`reply.created_at` stays "
    "the first reply's time, `reply.updated_at` moves) → 200 review. DELETE removes it → "
    "200 review with `reply: null` (also when there was none). A *course tutor* only: one "
    "of the course's tutors with the role tutor, or an admin (403 otherwise; 404 for a "
    "review the caller cannot see). `reply.author` is null once its author's account is "
    "deleted. Anonymous: 401."
)

ANONYMOUS = OpenApiResponse(description="Anonymous (never 403).")
FORBIDDEN = OpenApiResponse(description="`permission_denied`: not the caller's to change.")
NOT_VISIBLE = OpenApiResponse(
    description="`not_found`: unknown, hidden (non-admins), or of a course the caller may not see."
)
ERRORS_403 = OpenApiResponse(
    description="`enrollment_required`, `email_not_verified`, `own_course`, or `permission_denied`"
)


@extend_schema_view(
    list=extend_schema(
        description=LIST_DESCRIPTION,
        parameters=[
            OpenApiParameter(
                "course", OpenApiTypes.STR, required=True, description="Course id or slug."
            ),
            OpenApiParameter("rating", OpenApiTypes.INT, description="Only this rating, 1-5."),
        ],
        responses={
            200: ReviewSerializer(many=True),
            400: OpenApiResponse(description="`course` missing, or a bad `rating`."),
            404: NOT_VISIBLE,
        },
    ),
    create=extend_schema(
        description=CREATE_DESCRIPTION,
        request=ReviewCreateSerializer,
        responses={
            201: ReviewSerializer,
            401: ANONYMOUS,
            403: ERRORS_403,
            409: OpenApiResponse(description="`already_reviewed`"),
            429: OpenApiResponse(description="`throttled`"),
        },
    ),
    retrieve=extend_schema(
        description=DETAIL_DESCRIPTION, responses={200: ReviewSerializer, 404: NOT_VISIBLE}
    ),
    partial_update=extend_schema(
        description=DETAIL_DESCRIPTION,
        request=ReviewUpdateSerializer,
        responses={200: ReviewSerializer, 401: ANONYMOUS, 403: FORBIDDEN, 404: NOT_VISIBLE},
    ),
    destroy=extend_schema(
        description=DETAIL_DESCRIPTION,
        responses={204: None, 401: ANONYMOUS, 403: FORBIDDEN, 404: NOT_VISIBLE},
    ),
)
class ReviewViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ReviewSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_throttles(self):
        return [*super().get_throttles(), ReviewCreateThrottle()]

    def get_permissions(self):
        if self.action == "reply":
            return [IsAuthenticated()]
        return super().get_permissions()

    def get_queryset(self):
        reviews = reviews_visible_to(self.request.user)
        if self.action in ("partial_update", "destroy", "reply"):
            reviews = reviews.select_related("course").prefetch_related("course__tutors")
        return reviews

    def list(self, request, *args, **kwargs):
        params = {key: value for key, value in request.query_params.items() if value != ""}
        query = ReviewListQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        course = review_course_get(user=request.user, course=query.validated_data["course"])
        reviews = review_list(
            user=request.user, course=course, rating=query.validated_data.get("rating")
        )
        page = self.paginate_queryset(reviews)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        payload = ReviewCreateSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        review = review_create(author=request.user, **payload.validated_data)
        review = self.get_queryset().get(pk=review.pk)
        return Response(self.get_serializer(review).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        review = self.get_object()
        if review.author_id != request.user.pk:
            # Before validating the body: a stranger learns nothing from its errors.
            raise Forbidden("Only the author may edit a review.")
        payload = ReviewUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        review = review_update(review=review, user=request.user, **payload.validated_data)
        return Response(self.get_serializer(review).data)

    def perform_destroy(self, instance):
        review_delete(review=instance, user=self.request.user)

    @extend_schema(
        methods=["POST"],
        description=REPLY_DESCRIPTION,
        request=ReviewReplyWriteSerializer,
        responses={200: ReviewSerializer, 401: ANONYMOUS, 403: FORBIDDEN, 404: NOT_VISIBLE},
    )
    @extend_schema(
        methods=["DELETE"],
        description=REPLY_DESCRIPTION,
        request=None,
        responses={200: ReviewSerializer, 401: ANONYMOUS, 403: FORBIDDEN, 404: NOT_VISIBLE},
    )
    @action(detail=True, methods=["post", "delete"], url_path="reply")
    def reply(self, request, *args, **kwargs):
        review = self.get_object()
        if request.method == "DELETE":
            review = review_reply_delete(review=review, user=request.user)
        else:
            payload = ReviewReplyWriteSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            review = review_reply_set(
                review=review, user=request.user, text=payload.validated_data["text"]
            )
        return Response(self.get_serializer(review).data)
