"""Video shapes: a playback OTP, upload-credentials requests and VdoCipher's answer, and
the error body the video routes document."""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

VideoErrorSerializer = inline_serializer(
    name="VideoError",
    fields={"detail": serializers.CharField(), "code": serializers.CharField()},
)


class VideoOtpSerializer(serializers.Serializer):
    otp = serializers.CharField()
    playbackInfo = serializers.CharField()  # camelCase: the SPA reads it so


class UploadCredentialsRequestSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    folderId = serializers.RegexField(  # VdoCipher's name, as the SPA sends it
        r"^[A-Za-z0-9_-]{1,64}$",
        required=False,
        allow_blank=True,
        allow_null=True,
        error_messages={"invalid": "A VdoCipher folder id: letters, digits, _ and -."},
    )
    lesson = serializers.CharField(
        max_length=220, required=False, allow_blank=True, allow_null=True
    )


UploadCredentialsSerializer = inline_serializer(
    name="UploadCredentials",
    fields={
        "clientPayload": inline_serializer(
            name="UploadClientPayload",
            fields={
                name: serializers.CharField()
                for name in (
                    "policy",
                    "key",
                    "x-amz-credential",
                    "x-amz-algorithm",
                    "x-amz-date",
                    "x-amz-signature",
                    "uploadLink",
                )
            },
        ),
        "videoId": serializers.CharField(),
    },
)
