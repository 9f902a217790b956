"""The VdoCipher client: the exact requests, the retry-once rule and the error mapping."""

import pytest
import requests
import responses

from courses.integrations import VdoCipherClient, VideoServiceError, VideoServiceUnavailable
from courses.tests.vdocipher_double import (
    BASE,
    OTP_ANSWER,
    SECRET,
    UPLOAD_ANSWER,
    otp_url,
    sent_json,
    vdocipher_mock,
    video_url,
)

VIDEO = "a" * 32


@pytest.fixture
def vdocipher(settings):
    with vdocipher_mock(settings) as mock:
        yield mock


@pytest.fixture
def client(vdocipher):
    return VdoCipherClient.from_settings()


def test_no_secret_is_unavailable_and_sends_nothing(settings):
    # given no secret (the root conftest blanks it)
    # when / then
    with responses.RequestsMock() as mock, pytest.raises(VideoServiceUnavailable) as exc:
        VdoCipherClient.from_settings()
    assert exc.value.code == "video_service_unavailable"
    assert exc.value.status_code == 503
    assert len(mock.calls) == 0


def test_otp_request_is_exact(vdocipher, client):
    # given
    vdocipher.post(otp_url(VIDEO), json=OTP_ANSWER)

    # when
    answer = client.otp_create(video_id=VIDEO, ttl=300, annotate='[{"a": 1}]', user_id="u-1")

    # then
    assert answer == OTP_ANSWER
    assert len(vdocipher.calls) == 1
    request = vdocipher.calls[0].request
    assert request.method == "POST"
    assert request.url == f"{BASE}/videos/{VIDEO}/otp"
    assert request.headers["Authorization"] == f"Apisecret {SECRET}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Accept"] == "application/json"
    assert sent_json(vdocipher.calls[0]) == {"ttl": 300, "annotate": '[{"a": 1}]', "userId": "u-1"}
    assert request.req_kwargs["timeout"] == 7.5


def test_otp_without_viewer_sends_only_ttl(vdocipher, client):
    vdocipher.post(otp_url(VIDEO), json=OTP_ANSWER)

    client.otp_create(video_id=VIDEO, ttl=120)

    assert sent_json(vdocipher.calls[0]) == {"ttl": 120}


def test_base_url_with_trailing_slash(vdocipher, settings):
    settings.VIDEO_SERVICE_API_URL = BASE + "/"
    vdocipher.post(otp_url(VIDEO), json=OTP_ANSWER)

    VdoCipherClient.from_settings().otp_create(video_id=VIDEO, ttl=300)

    assert vdocipher.calls[0].request.url == otp_url(VIDEO)


def test_5xx_is_retried_once_then_succeeds(vdocipher, client):
    vdocipher.post(otp_url(VIDEO), status=503, json={"message": "busy"})
    vdocipher.post(otp_url(VIDEO), json=OTP_ANSWER)

    answer = client.otp_create(video_id=VIDEO, ttl=300)

    assert answer == OTP_ANSWER
    assert len(vdocipher.calls) == 2


def test_5xx_twice_is_an_error_after_two_attempts(vdocipher, client):
    vdocipher.post(otp_url(VIDEO), status=500, json={"message": "boom"})

    with pytest.raises(VideoServiceError) as exc:
        client.otp_create(video_id=VIDEO, ttl=300)

    assert exc.value.code == "video_service_error"
    assert exc.value.status_code == 502
    assert exc.value.upstream_status == 500
    assert len(vdocipher.calls) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_4xx_is_never_retried(vdocipher, client, status):
    vdocipher.post(otp_url(VIDEO), status=status, json={"message": "no"})

    with pytest.raises(VideoServiceError) as exc:
        client.otp_create(video_id=VIDEO, ttl=300)

    assert exc.value.upstream_status == status
    assert len(vdocipher.calls) == 1


@pytest.mark.parametrize(
    "error",
    [
        requests.exceptions.ReadTimeout("slow"),
        requests.exceptions.ConnectTimeout("no route"),
        requests.exceptions.ConnectionError("refused"),
    ],
)
def test_timeouts_and_connection_errors_are_retried_once(vdocipher, client, error):
    vdocipher.post(otp_url(VIDEO), body=error)

    with pytest.raises(VideoServiceError) as exc:
        client.otp_create(video_id=VIDEO, ttl=300)

    assert exc.value.upstream_status is None
    assert len(vdocipher.calls) == 2


def test_timeout_then_success(vdocipher, client):
    vdocipher.post(otp_url(VIDEO), body=requests.exceptions.ReadTimeout("slow"))
    vdocipher.post(otp_url(VIDEO), json=OTP_ANSWER)

    assert client.otp_create(video_id=VIDEO, ttl=300) == OTP_ANSWER
    assert len(vdocipher.calls) == 2


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("<html>Bad gateway</html>", "text/html"),
        ("", "application/json"),
        ('{"otp": 1, "playbackInfo": null}', "application/json"),
        ('{"playbackInfo": "x"}', "application/json"),
        ('["otp"]', "application/json"),
    ],
)
def test_unexpected_2xx_body_is_an_error_not_retried(vdocipher, client, body, content_type):
    vdocipher.post(otp_url(VIDEO), body=body, content_type=content_type)

    with pytest.raises(VideoServiceError):
        client.otp_create(video_id=VIDEO, ttl=300)

    assert len(vdocipher.calls) == 1


def test_error_body_that_is_not_json_is_still_a_502(vdocipher, client):
    vdocipher.post(otp_url(VIDEO), status=404, body="Not Found", content_type="text/plain")

    with pytest.raises(VideoServiceError) as exc:
        client.otp_create(video_id=VIDEO, ttl=300)

    assert exc.value.upstream_status == 404


@pytest.mark.parametrize("video_id", ["", "..", "../hooks", "abc/def", "abc?x=1", "a b", "é" * 4])
def test_a_video_id_that_could_change_the_path_is_refused_without_a_call(
    vdocipher, client, video_id
):
    with pytest.raises(VideoServiceError):
        client.otp_create(video_id=video_id, ttl=300)

    assert len(vdocipher.calls) == 0


def test_video_get(vdocipher, client):
    vdocipher.get(video_url(VIDEO), json={"id": VIDEO, "length": 93, "status": "ready"})

    assert client.video_get(video_id=VIDEO)["length"] == 93
    assert vdocipher.calls[0].request.headers["Authorization"] == f"Apisecret {SECRET}"


def test_upload_credentials_request_is_exact(vdocipher, client):
    vdocipher.put(f"{BASE}/videos", json=UPLOAD_ANSWER)

    answer = client.upload_credentials_create(title="Intro & setup", folder_id="f" * 32)

    assert answer == UPLOAD_ANSWER
    request = vdocipher.calls[0].request
    assert request.method == "PUT"
    assert request.url == f"{BASE}/videos?title=Intro+%26+setup&folderId={'f' * 32}"
    assert request.headers["Authorization"] == f"Apisecret {SECRET}"


def test_upload_credentials_without_folder(vdocipher, client):
    vdocipher.put(f"{BASE}/videos", json=UPLOAD_ANSWER)

    client.upload_credentials_create(title="Intro")

    assert vdocipher.calls[0].request.url == f"{BASE}/videos?title=Intro"


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500, "json": {"message": "boom"}},
        {"body": requests.exceptions.ReadTimeout("slow")},
        {"body": requests.exceptions.ConnectionError("reset")},
    ],
)
def test_upload_credentials_are_not_retried_once_sent(vdocipher, client, failure):
    # given: each attempt would create a video at VdoCipher
    vdocipher.put(f"{BASE}/videos", **failure)

    with pytest.raises(VideoServiceError):
        client.upload_credentials_create(title="Intro")

    assert len(vdocipher.calls) == 1


def test_upload_credentials_retried_when_never_connected(vdocipher, client):
    vdocipher.put(f"{BASE}/videos", body=requests.exceptions.ConnectTimeout("no route"))
    vdocipher.put(f"{BASE}/videos", json=UPLOAD_ANSWER)

    assert client.upload_credentials_create(title="Intro") == UPLOAD_ANSWER
    assert len(vdocipher.calls) == 2


@pytest.mark.parametrize(
    "answer",
    [
        {"clientPayload": {}},
        {"videoId": "abc"},
        {"clientPayload": "x", "videoId": "abc"},
        {"clientPayload": {}, "videoId": "../x"},
        {"clientPayload": {}, "videoId": 12},
    ],
)
def test_upload_credentials_with_unexpected_shape_is_an_error(vdocipher, client, answer):
    vdocipher.put(f"{BASE}/videos", json=answer)

    with pytest.raises(VideoServiceError):
        client.upload_credentials_create(title="Intro")
