"""The VdoCipher client: the only code that speaks HTTP to VdoCipher.

Every call sends `Authorization: Apisecret <VIDEO_SERVICE_SECRET_KEY>` to
`VIDEO_SERVICE_API_URL`, JSON in and out, with `VIDEO_SERVICE_TIMEOUT` on each attempt.
Failures come out as one of two exceptions, which are also the API's error answers:

- `VideoServiceUnavailable` (503 `video_service_unavailable`): no secret configured, so
  nothing was sent;
- `VideoServiceError` (502 `video_service_error`): VdoCipher answered 4xx or 5xx, timed
  out, could not be reached, or answered something that is not the JSON we expect.

Retries: a 4xx is final (a bad secret or an unknown video does not heal in a second).
A 5xx, a timeout or a connection error is retried once, immediately, for requests that
are safe to repeat (reading a video, issuing an OTP). Creating upload credentials makes a
new video at VdoCipher, so it is retried only when the first attempt never connected:
otherwise a slow first answer could leave an orphan video behind.

No ORM here: services in `courses/services/video.py` decide who gets what and save the results.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import requests
from django.conf import settings

from core.exceptions import BadGateway, ServiceUnavailable

logger = logging.getLogger(__name__)

# VdoCipher ids are 32 hex characters; test doubles use other ids, so only the alphabet
# is checked: enough to keep an id typed by a tutor from changing the request's path.
VIDEO_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class VideoServiceUnavailable(ServiceUnavailable):
    code = "video_service_unavailable"
    default_detail = "The video service is not configured."


class VideoServiceError(BadGateway):
    code = "video_service_error"
    default_detail = "The video service failed to answer; try again later."

    def __init__(self, detail: str | None = None, *, upstream_status: int | None = None):
        super().__init__(detail)
        # What VdoCipher answered (None for timeouts and connection errors): for logs only.
        self.upstream_status = upstream_status


_session: requests.Session | None = None


def _shared_session() -> requests.Session:
    """One pooled session per process, so lesson pages reuse VdoCipher connections."""
    global _session
    if _session is None:
        _session = requests.Session()
    return _session


class VdoCipherClient:
    """A thin client: one method per VdoCipher call we make, all through `_request`."""

    def __init__(
        self,
        *,
        api_secret: str,
        base_url: str,
        timeout: float,
        session: requests.Session | None = None,
    ):
        if not api_secret:
            raise VideoServiceUnavailable()
        self.api_secret = api_secret
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or _shared_session()

    @classmethod
    def from_settings(cls) -> VdoCipherClient:
        """The client as configured; `VideoServiceUnavailable` when no secret is set."""
        return cls(
            api_secret=settings.VIDEO_SERVICE_SECRET_KEY,
            base_url=settings.VIDEO_SERVICE_API_URL,
            timeout=settings.VIDEO_SERVICE_TIMEOUT,
        )

    # -- calls -------------------------------------------------------------------------

    def otp_create(
        self,
        *,
        video_id: str,
        ttl: int,
        annotate: str | None = None,
        user_id: str | None = None,
    ) -> dict[str, str]:
        """POST /videos/{id}/otp → `{"otp", "playbackInfo"}`.

        `annotate` is VdoCipher's watermark spec: a string holding a JSON array.
        """
        body: dict[str, Any] = {"ttl": ttl}
        if annotate is not None:
            body["annotate"] = annotate
        if user_id is not None:
            body["userId"] = user_id
        data = self._request("POST", f"{self._video_path(video_id)}/otp", json_body=body)
        if not (
            isinstance(data, dict)
            and isinstance(data.get("otp"), str)
            and isinstance(data.get("playbackInfo"), str)
            and data["otp"]
            and data["playbackInfo"]
        ):
            raise VideoServiceError("The video service answered without an OTP.")
        return {"otp": data["otp"], "playbackInfo": data["playbackInfo"]}

    def video_get(self, *, video_id: str) -> dict[str, Any]:
        """GET /videos/{id} → `{id, title, length, status, ...}`."""
        data = self._request("GET", self._video_path(video_id))
        if not isinstance(data, dict):
            raise VideoServiceError("The video service answered an unexpected shape.")
        return data

    def upload_credentials_create(self, *, title: str, folder_id: str | None = None) -> dict:
        """PUT /videos?title=&folderId= → `{"clientPayload": {...}, "videoId"}`, verbatim.

        Makes a new (empty) video at VdoCipher, hence no retry once a request was sent.
        """
        params = {"title": title}
        if folder_id:
            params["folderId"] = folder_id
        data = self._request("PUT", "/videos", params=params, idempotent=False)
        if not (
            isinstance(data, dict)
            and isinstance(data.get("clientPayload"), dict)
            and isinstance(data.get("videoId"), str)
            and VIDEO_ID_RE.fullmatch(data["videoId"])
        ):
            raise VideoServiceError("The video service answered without upload credentials.")
        return data

    # -- transport ---------------------------------------------------------------------

    @staticmethod
    def _video_path(video_id: str) -> str:
        if not isinstance(video_id, str) or not VIDEO_ID_RE.fullmatch(video_id):
            logger.warning("video_service.invalid_video_id", extra={"video_id": repr(video_id)})
            raise VideoServiceError("The lesson's video id is not a valid VdoCipher id.")
        return f"/videos/{video_id}"

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json_body: dict | None = None,
        idempotent: bool = True,
    ) -> Any:
        """Send one request, retried at most once (see the module docstring)."""
        url = f"{self.base_url}{path}"
        headers = {
            "Authorization": f"Apisecret {self.api_secret}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        log_extra = {"method": method, "path": path}
        for attempt in (1, 2):
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json_body,
                    headers=headers,
                    timeout=self.timeout,
                )
            except requests.ConnectTimeout as exc:
                # Never connected, so nothing happened at VdoCipher: safe to repeat.
                error = VideoServiceError("The video service did not answer in time.")
                retry, cause = True, exc
            except requests.Timeout as exc:
                error = VideoServiceError("The video service did not answer in time.")
                retry, cause = idempotent, exc
            except requests.RequestException as exc:
                error = VideoServiceError("The video service could not be reached.")
                retry, cause = idempotent, exc
            else:
                status = response.status_code
                if 200 <= status < 300:
                    try:
                        return response.json()
                    except ValueError as exc:
                        logger.warning(
                            "video_service.bad_json", extra={**log_extra, "status": status}
                        )
                        raise VideoServiceError(
                            "The video service answered something that is not JSON.",
                            upstream_status=status,
                        ) from exc
                message = _error_message(response)
                error = VideoServiceError(
                    f"The video service refused the request ({status}).", upstream_status=status
                )
                retry, cause = (status >= 500 and idempotent), None
                log_extra = {**log_extra, "status": status, "upstream_message": message}
            if retry and attempt == 1:
                logger.warning(
                    "video_service.retry",
                    extra={**log_extra, "error": type(cause).__name__ if cause else "status"},
                )
                continue
            logger.warning(
                "video_service.failed",
                extra={**log_extra, "error": type(cause).__name__ if cause else "status"},
            )
            raise error from cause
        raise AssertionError("unreachable")  # pragma: no cover


def _error_message(response: requests.Response) -> str:
    """VdoCipher's `message`, when its error body is JSON (for logs, never for clients)."""
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return data["message"][:200]
    return str(data)[:200]
