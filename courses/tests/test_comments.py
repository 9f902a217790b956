"""Rules of `courses.services.comments`: who may post, reply depth, soft deletion, visibility."""

import pytest

from core.exceptions import Forbidden
from courses.exceptions import InvalidParent
from courses.models import Comment
from courses.selectors.comments import (
    comment_list_replies,
    comment_list_top_level,
    comments_visible_to,
)
from courses.services.comments import comment_create, comment_delete, comment_update
from courses.tests.factories import (
    CommentFactory,
    CourseFactory,
    DraftCourseFactory,
    EnrollmentFactory,
    LessonFactory,
)
from users.tests.factories import AdminFactory, StudentFactory, TutorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson():
    return LessonFactory(part__course=CourseFactory())


def enrolled_in(lesson, **kwargs):
    return EnrollmentFactory(course=lesson.part.course, **kwargs).user


def test_enrolled_student_posts(lesson):
    author = enrolled_in(lesson)

    comment = comment_create(author=author, lesson=lesson, text="hello")

    assert comment.author == author
    assert comment.parent is None
    assert comment.replies_count == 0
    assert Comment.objects.get().text == "hello"


def test_unverified_email_is_refused_first(lesson):
    author = UserFactory(is_email_verified=False)

    with pytest.raises(Forbidden) as error:
        comment_create(author=author, lesson=lesson, text="hello")

    assert error.value.code == "email_not_verified"


def test_inactive_enrollment_is_refused(lesson):
    author = enrolled_in(lesson, is_active=False)

    with pytest.raises(Forbidden) as error:
        comment_create(author=author, lesson=lesson, text="hello")

    assert error.value.code == "enrollment_required"


def test_tutor_of_the_course_and_admin_post_without_enrollment(lesson):
    tutor = lesson.part.course.tutors.get()

    comment_create(author=tutor, lesson=lesson, text="from the tutor")
    comment_create(author=AdminFactory(), lesson=lesson, text="from staff")

    assert Comment.objects.count() == 2


def test_other_tutor_is_refused(lesson):
    with pytest.raises(Forbidden):
        comment_create(author=TutorFactory(), lesson=lesson, text="hello")


def test_reply_rules(lesson):
    # given
    author = enrolled_in(lesson)
    top = CommentFactory(lesson=lesson)
    reply = comment_create(author=author, lesson=lesson, text="reply", parent=top)
    elsewhere = CommentFactory(lesson=LessonFactory(part=lesson.part))
    deleted = CommentFactory(lesson=lesson, is_deleted=True)

    # then
    assert reply.parent == top
    for parent in (reply, elsewhere, deleted):
        with pytest.raises(InvalidParent):
            comment_create(author=author, lesson=lesson, text="x", parent=parent)


def test_update_is_the_authors_and_marks_edited_only_on_change(lesson):
    # given
    comment = CommentFactory(lesson=lesson, text="same")

    # when
    comment_update(comment=comment, user=comment.author, text="same")
    unchanged = Comment.objects.get().is_edited
    comment_update(comment=comment, user=comment.author, text=None)
    comment_update(comment=comment, user=comment.author, text="new")

    # then
    assert unchanged is False
    stored = Comment.objects.get()
    assert (stored.text, stored.is_edited) == ("new", True)
    with pytest.raises(Forbidden):
        comment_update(comment=comment, user=AdminFactory(), text="overwritten")


def test_delete_is_soft_and_allowed_to_author_tutor_and_admin(lesson):
    comments = CommentFactory.create_batch(3, lesson=lesson)
    tutor = lesson.part.course.tutors.get()

    comment_delete(comment=comments[0], user=comments[0].author)
    comment_delete(comment=comments[1], user=tutor)
    comment_delete(comment=comments[2], user=AdminFactory())

    assert Comment.objects.filter(is_deleted=True, deleted_at__isnull=False).count() == 3
    with pytest.raises(Forbidden):
        comment_delete(comment=CommentFactory(lesson=lesson), user=StudentFactory())


def test_visibility_of_deleted_and_hidden_comments(lesson):
    # given
    gone = CommentFactory(lesson=lesson, is_deleted=True)
    kept = CommentFactory(lesson=lesson, is_deleted=True)
    CommentFactory(lesson=lesson, parent=kept)
    only_hidden_replies = CommentFactory(lesson=lesson, is_deleted=True)
    CommentFactory(lesson=lesson, parent=only_hidden_replies, is_hidden=True)
    hidden = CommentFactory(lesson=lesson, is_hidden=True)

    # when
    for_student = set(comments_visible_to(StudentFactory()).values_list("pk", flat=True))
    for_admin = set(comments_visible_to(AdminFactory()).values_list("pk", flat=True))

    # then
    assert gone.pk not in for_student | for_admin
    assert kept.pk in for_student & for_admin
    assert only_hidden_replies.pk not in for_student
    assert only_hidden_replies.pk in for_admin
    assert hidden.pk not in for_student
    assert hidden.pk in for_admin


def test_drafts_comments_are_invisible_to_outsiders():
    draft_lesson = LessonFactory(part__course=DraftCourseFactory())
    comment = CommentFactory(lesson=draft_lesson)
    tutor = draft_lesson.part.course.tutors.get()

    assert not comments_visible_to(None).filter(pk=comment.pk).exists()
    assert not comments_visible_to(StudentFactory()).filter(pk=comment.pk).exists()
    assert comments_visible_to(tutor).filter(pk=comment.pk).exists()


def test_listing_orders(lesson):
    first = CommentFactory(lesson=lesson)
    second = CommentFactory(lesson=lesson)
    reply_one = CommentFactory(lesson=lesson, parent=first)
    reply_two = CommentFactory(lesson=lesson, parent=first)

    top = list(comment_list_top_level(user=None, lesson=lesson))
    replies = list(comment_list_replies(user=None, parent=first))

    assert top == [second, first]
    assert replies == [reply_one, reply_two]
    assert top[1].replies_count == 2
