"""Errors of the review services, answered by the one handler in `core.exceptions`.

`enrollment_required` (`courses.enrollments.EnrollmentRequired`) and
`email_not_verified` (`core.exceptions.Forbidden` with that code, as for comments) are
reused from where they live.
"""

from core.exceptions import Conflict, Forbidden


class AlreadyReviewed(Conflict):
    """409 `already_reviewed`: one review per author and course; PATCH it instead."""

    code = "already_reviewed"
    default_detail = "You have already reviewed this course; edit your review instead."


class OwnCourseReview(Forbidden):
    """403 `own_course`: a course's tutors may reply to its reviews, not review it."""

    code = "own_course"
    default_detail = "Tutors cannot review their own course."


class EmailNotVerified(Forbidden):
    code = "email_not_verified"
    default_detail = "Verify your email address to review a course."
