"""A VdoCipher test double at the HTTP boundary (with `responses`), shared by the video
tests. Tests opt in with their own `vdocipher` fixture built on `vdocipher_mock`."""

import json
from contextlib import contextmanager

import responses

SECRET = "test-vdocipher-secret"
BASE = "https://vdocipher.test/api"  # the root conftest's VIDEO_SERVICE_API_URL

OTP_ANSWER = {"otp": "20160313versASE323abcdef", "playbackInfo": "eyJ2aWRlb0lkIjoiYWJjIn0="}

UPLOAD_ANSWER = {
    "clientPayload": {
        "policy": "eyJleHBpcmF0aW9uIjoiMjAyNi0xMS0yNVQxMzowMDowMFoifQ==",
        "key": "orig/newvideo0000000000000000000001",
        "x-amz-signature": "abc123",
        "x-amz-algorithm": "AWS4-HMAC-SHA256",
        "x-amz-date": "20261125T120000Z",
        "x-amz-credential": "AKIA/20261125/us-east-1/s3/aws4_request",
        "uploadLink": "https://upload.vdocipher.test/",
    },
    "videoId": "newvideo0000000000000000000001",
}


def otp_url(video_id: str) -> str:
    return f"{BASE}/videos/{video_id}/otp"


def video_url(video_id: str) -> str:
    return f"{BASE}/videos/{video_id}"


@contextmanager
def vdocipher_mock(settings):
    """VdoCipher configured with a secret; every outgoing request must be registered."""
    settings.VIDEO_SERVICE_SECRET_KEY = SECRET
    settings.VIDEO_SERVICE_API_URL = BASE
    settings.VIDEO_SERVICE_TIMEOUT = 7.5
    settings.VIDEO_OTP_TTL = 300
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def sent_json(call) -> dict:
    return json.loads(call.request.body)


def watermark_of(body: dict) -> list:
    """The annotate field decoded: it must be a string that holds a JSON array."""
    assert isinstance(body["annotate"], str)
    return json.loads(body["annotate"])
