"""Comment writes (the reads are `courses.selectors.comments`). Lesson comments: one
level of replies, soft deletion and staff moderation.

Who sees what (every read goes through `comments_visible_to`):
- a comment is seen by whoever may see its lesson's course (a draft's comments are
  invisible to all but the course's tutors and admins);
- a hidden comment (`is_hidden`, set by staff in the admin) is seen by admins only, and so
  are the replies under a hidden comment;
- a deleted comment disappears, unless it still has replies the caller can see: then it
  stays in the thread, shown as deleted (empty text), so the replies keep their context;
- `replies_count` counts the replies the caller can see.

Who writes: posting needs an active enrollment in the course, tutoring it or being an
admin, and a verified email; editing is the author's alone; deleting is the author's, the
course tutors' and admins'.
"""

from django.db import transaction
from django.utils import timezone

from core.exceptions import Forbidden
from courses.exceptions import EmailNotVerified, EnrollmentRequired, InvalidParent
from courses.models import Comment, Lesson
from courses.selectors.catalogue import user_tutors_course
from courses.selectors.enrollment import user_is_enrolled


def comment_may_post(*, user, lesson: Lesson) -> None:
    """Raise unless `user` may comment on `lesson`: a verified email, and an active
    enrollment, the course's tutorship or the admin role."""
    if not user.is_email_verified:
        raise EmailNotVerified("Verify your email address to comment.")
    course = lesson.part.course
    if not (user_tutors_course(user, course) or user_is_enrolled(user, course)):
        raise EnrollmentRequired("Only the course's students and tutors may comment.")


@transaction.atomic
def comment_create(*, author, lesson: Lesson, text: str, parent: Comment | None = None) -> Comment:
    """Post a comment, or a reply when `parent` is given.

    Replies go one level deep: the parent must be a live top-level comment of the same
    lesson (else 400 `invalid_parent`). `text` arrives validated (stripped, 1-5000
    characters); it is stored as given and never rendered as HTML by us.
    """
    comment_may_post(user=author, lesson=lesson)
    if parent is not None:
        if parent.parent_id is not None:
            raise InvalidParent("Replies cannot be answered; answer the top-level comment.")
        if parent.lesson_id != lesson.pk:
            raise InvalidParent("The parent comment belongs to another lesson.")
        if parent.is_deleted:
            raise InvalidParent("The parent comment was deleted.")
    comment = Comment.objects.create(lesson=lesson, author=author, parent=parent, text=text)
    comment.replies_count = 0
    return comment


@transaction.atomic
def comment_update(*, comment: Comment, user, text: str | None) -> Comment:
    """Change a comment's text; the author's alone (admins hide instead of editing).

    `is_edited` becomes true only when the text actually changes; no text is a no-op.
    """
    if comment.author_id != user.pk:
        raise Forbidden("Only the author may edit a comment.")
    if text is not None and text != comment.text:
        comment.text = text
        comment.is_edited = True
        comment.save(update_fields=["text", "is_edited", "updated_at"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user) -> None:
    """Soft-delete a comment: the author, the course's tutors and admins may.

    The row stays (with its text, for moderation) so its replies keep their thread;
    readers see it as deleted while it has visible replies, and not at all after.
    """
    if comment.author_id != user.pk and not user_tutors_course(user, comment.lesson.part.course):
        raise Forbidden("Only the author, the course's tutors and admins may delete a comment.")
    comment.is_deleted = True
    comment.deleted_at = timezone.now()
    comment.save(update_fields=["is_deleted", "deleted_at", "updated_at"])
