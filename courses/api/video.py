"""Video operations: a fresh playback OTP, and upload credentials for tutors.

Both answer VdoCipher's failures with the contract's codes: 502 `video_service_error`
(VdoCipher answered 4xx/5xx, timed out, was unreachable or answered garbage) and 503
`video_service_unavailable` (no `VIDEO_SERVICE_SECRET_KEY` configured).
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
)
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.api.serializers.video import (
    UploadCredentialsRequestSerializer,
    UploadCredentialsSerializer,
    VideoErrorSerializer,
    VideoOtpSerializer,
)
from courses.selectors.catalogue import lessons_visible_to
from courses.selectors.video import user_may_watch
from courses.services.video import upload_credentials_issue, video_otp_issue
from users.permissions import IsTutor

VIDEO_SERVICE_ERRORS = {
    502: OpenApiResponse(
        VideoErrorSerializer,
        description="`video_service_error`: VdoCipher answered 4xx or 5xx, timed out, could "
        "not be reached or answered something unexpected. 5xx, timeouts and connection "
        "errors are retried once before this answer; 4xx never.",
    ),
    503: OpenApiResponse(
        VideoErrorSerializer,
        description="`video_service_unavailable`: no VdoCipher secret is configured.",
    ),
}


class LessonVideoOtpView(APIView):
    """POST lessons/{slug}/video-otp/."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="lessons_video_otp",
        tags=["courses"],
        request=None,
        responses={
            200: VideoOtpSerializer,
            401: OpenApiResponse(
                VideoErrorSerializer, description="Anonymous caller, lesson not a free preview."
            ),
            403: OpenApiResponse(
                VideoErrorSerializer,
                description="`enrollment_required`: signed in, but neither enrolled "
                "(active enrollment), nor a tutor of the course, nor an admin.",
            ),
            404: OpenApiResponse(
                VideoErrorSerializer,
                description="Unknown lesson, or a lesson of a draft course the caller "
                "may not see (a draft stays visible to its actively enrolled students, "
                "course tutors and admins; a draft's free preview is no preview for "
                "anyone else).",
            ),
            409: OpenApiResponse(
                VideoErrorSerializer, description="`no_video`: the lesson has no video yet."
            ),
            **VIDEO_SERVICE_ERRORS,
        },
        description=(
            "A fresh VdoCipher OTP for a player that outlived its first one. Anyone may ask "
            "for a free-preview lesson; otherwise enrolled students, the course's tutors "
            "and admins. Checks run in the order 404, 401/403, 409, then VdoCipher, so "
            "nobody learns whether a paid lesson has a video without the right to watch "
            "it. Each OTP lives `VIDEO_OTP_TTL` seconds (300 by default) and, for a "
            "signed-in caller, carries a moving watermark of their email and their user "
            "id. No body is needed."
        ),
    )
    def post(self, request, slug: str):
        lesson = get_object_or_404(
            lessons_visible_to(request.user)
            .select_related("part__course")
            .prefetch_related("part__course__tutors"),
            slug=slug,
        )
        if not request.user.is_authenticated and not user_may_watch(request.user, lesson):
            raise NotAuthenticated()
        return Response(video_otp_issue(lesson=lesson, user=request.user))


class UploadCredentialsView(APIView):
    """POST vdocipher/upload-credentials/."""

    permission_classes = [IsTutor]

    @extend_schema(
        operation_id="vdocipher_upload_credentials",
        tags=["courses"],
        request=UploadCredentialsRequestSerializer,
        responses={
            200: UploadCredentialsSerializer,
            400: OpenApiResponse(description="`title` missing or blank, or a bad `folderId`."),
            401: OpenApiResponse(VideoErrorSerializer, description="Anonymous caller."),
            403: OpenApiResponse(
                VideoErrorSerializer,
                description="Not a tutor (role tutor or admin; a demoted tutor is "
                "not), or `lesson` belongs to a course the caller is no course tutor of.",
            ),
            404: OpenApiResponse(
                VideoErrorSerializer,
                description="`lesson` names no lesson the caller can see.",
            ),
            **VIDEO_SERVICE_ERRORS,
        },
        description=(
            "Credentials for the browser to upload a video straight to VdoCipher: "
            "VdoCipher's own answer to `PUT /videos?title=&folderId=`, verbatim. The "
            "browser then POSTs `multipart/form-data` to `clientPayload.uploadLink` with "
            "the payload's fields, `success_action_status=201` and `file` last. With "
            "`lesson` (a lesson slug), that lesson's `video_service_id` becomes `videoId` "
            "at once; its `duration` is left as it is (`manage.py sync_video_durations` "
            "fills durations still at 0 once VdoCipher knows the length). Everything is "
            "checked before VdoCipher is called; the request is not retried once sent, "
            "since each call creates a video there. `folderId` and `lesson` may be "
            'omitted, `""` or null. Every `videoId` handed out is recorded with the caller '
            "as its uploader: a lesson's `video_service_id` (POST/PATCH `lessons/`) then "
            "accepts it on any course the uploader tutors."
        ),
    )
    def post(self, request):
        serializer = UploadCredentialsRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        lesson = None
        if data.get("lesson"):
            lesson = get_object_or_404(
                lessons_visible_to(request.user)
                .select_related("part__course")
                .prefetch_related("part__course__tutors"),
                slug=data["lesson"],
            )
        credentials = upload_credentials_issue(
            user=request.user,
            title=data["title"],
            folder_id=data.get("folderId") or None,
            lesson=lesson,
        )
        return Response(credentials)
