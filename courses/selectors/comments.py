"""Comment reads: which comments, replies and threads the caller may see (writes are
`courses.services.comments`; the rules are told there)."""

import contextlib
from uuid import UUID

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from courses.models import Comment, Lesson
from courses.selectors.catalogue import lessons_visible_to, visible_course


def _is_staff_viewer(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_admin)


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
        Comment.objects.filter(visible_course(user, "lesson__part__course"))
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
