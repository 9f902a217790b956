"""Every domain error of the courses app, by concept; services raise them and the one
handler (`core.exceptions`) turns them into `{"detail", "code"}` with their status.

VdoCipher's failures (`video_service_error`, `video_service_unavailable`) are the
client's own family, in `courses.integrations`.
"""

from rest_framework import status

from core.exceptions import Conflict, Forbidden, NotFound, ServiceError

# --- Catalogue --------------------------------------------------------------------------


class CourseEmpty(ServiceError):
    code = "course_empty"
    default_detail = "A course needs at least one lesson before it can be published."


class CourseHasStudents(Conflict):
    code = "course_has_students"
    default_detail = "This course has students; unpublish it instead of deleting it."


# --- Enrollment -------------------------------------------------------------------------


class EnrollmentRequired(Forbidden):
    """403 `enrollment_required`: watching, commenting and progress need an active
    enrollment (or the course's tutorship, where the rule allows it)."""

    code = "enrollment_required"
    default_detail = "Enroll in this course first."


class PaymentRequired(ServiceError):
    """402 `payment_required`: a paid course is joined through checkout, not `enroll/`."""

    status_code = status.HTTP_402_PAYMENT_REQUIRED
    code = "payment_required"
    default_detail = "This course must be bought."


class CourseNotJoinable(NotFound):
    """404: nobody joins a draft (its active students keep their enrollment). Answered
    like an unknown course, so a draft's existence does not leak."""

    default_detail = "Not found."


# --- Comments ---------------------------------------------------------------------------


class InvalidParent(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid_parent"
    default_detail = "A reply must answer a top-level comment of the same lesson."


# --- Video ------------------------------------------------------------------------------


class NoVideo(Conflict):
    code = "no_video"
    default_detail = "This lesson has no video yet."


# --- Reviews ------------------------------------------------------------------------------


class AlreadyReviewed(Conflict):
    """409 `already_reviewed`: one review per author and course; PATCH it instead."""

    code = "already_reviewed"
    default_detail = "You have already reviewed this course; edit your review instead."


class OwnCourseReview(Forbidden):
    """403 `own_course`: a course's tutors may reply to its reviews, not review it."""

    code = "own_course"
    default_detail = "Tutors cannot review their own course."


class EmailNotVerified(Forbidden):
    """403 `email_not_verified`: commenting and reviewing need a verified email."""

    code = "email_not_verified"
    default_detail = "Verify your email address first."
