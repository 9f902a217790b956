"""Video playback decisions for lessons (VdoCipher).

`lesson_playback` is what the lesson page shows about the video: whether the caller may
watch it and, if so, a fresh OTP. (The VdoCipher calls land with the video issue.)
"""

from courses.models import Lesson
from courses.selectors import user_may_watch


def lesson_playback(*, lesson: Lesson, user) -> dict:
    """`{has_access, otp, playbackInfo, video_error}` for the lesson detail route."""
    return {
        "has_access": user_may_watch(user, lesson),
        "otp": None,
        "playbackInfo": None,
        "video_error": None,
    }
