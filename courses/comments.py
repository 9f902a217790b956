"""Lesson comments: one level of replies, soft deletion and staff moderation.

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

import contextlib
from uuid import UUID

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import status

from core.exceptions import Forbidden, ServiceError
from courses.enrollments import EnrollmentRequired
from courses.models import Comment, Lesson
from courses.selectors import lessons_visible_to, user_is_enrolled, user_tutors_course


class InvalidParent(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid_parent"
    default_detail = "A reply must answer a top-level comment of the same lesson."


def _is_staff_viewer(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_admin)


# --- selectors ------------------------------------------------------------------------------


def comments_visible_to(user) -> QuerySet[Comment]:
    """Comments the caller may read, with `author` joined and `replies_count` annotated.

    The reply count is a correlated subquery, so a page costs one query whatever its size.
    """
    staff = _is_staff_viewer(user)
    replies = Comment.objects.filter(parent=OuterRef("pk"), is_deleted=False)
    if not staff:
        replies = replies.filter(is_hidden=False)
    replies_count = replies.order_by().values("parent").annotate(n=Count("pk")).values("n")[:1]
    comments = (
        Comment.objects.filter(lesson__in=lessons_visible_to(user))
        .select_related("author")
        .annotate(
            replies_count=Coalesce(Subquery(replies_count, output_field=IntegerField()), Value(0))
        )
        .filter(Q(is_deleted=False) | Q(replies_count__gt=0))
    )
    if not staff:
        comments = comments.filter(is_hidden=False).filter(
            Q(parent__isnull=True) | Q(parent__is_hidden=False)
        )
    return comments


def comment_lesson_get(*, user, lesson: str) -> Lesson:
    """The lesson named by `?lesson=` (its id or its slug), if the caller may see it.

    Unknown lessons and lessons of drafts the caller may not see are both a 404, so a
    draft's existence does not leak.
    """
    lookup = Q(slug=lesson)
    with contextlib.suppress(ValueError):
        lookup |= Q(pk=UUID(lesson))
    return get_object_or_404(lessons_visible_to(user), lookup)


def comment_list_top_level(*, user, lesson: Lesson) -> QuerySet[Comment]:
    """A lesson's top-level comments, newest first."""
    return (
        comments_visible_to(user)
        .filter(lesson=lesson, parent__isnull=True)
        .order_by("-created_at", "-pk")
    )


def comment_thread_get(*, user, pk, lesson: Lesson | None = None) -> Comment:
    """A top-level comment the caller can see (of `lesson` when given), whose replies are
    asked for; anything else is a 404."""
    parents = comments_visible_to(user).filter(parent__isnull=True)
    if lesson is not None:
        parents = parents.filter(lesson=lesson)
    return get_object_or_404(parents, pk=pk)


def comment_list_replies(*, user, parent: Comment) -> QuerySet[Comment]:
    """A comment's replies, oldest first, so a thread reads as a conversation."""
    return comments_visible_to(user).filter(parent=parent).order_by("created_at", "pk")


# --- services -------------------------------------------------------------------------------


def comment_may_post(*, user, lesson: Lesson) -> None:
    """Raise unless `user` may comment on `lesson`: a verified email, and an active
    enrollment, the course's tutorship or the admin role."""
    if not user.is_email_verified:
        raise Forbidden("Verify your email address to comment.", code="email_not_verified")
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
