"""The comment admin: search, course filter, hide and restore."""

import pytest

from courses.models import Comment
from courses.tests.factories import CommentFactory, LessonFactory

URL = "/admin/courses/comment/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, admin_user):
    admin_user.is_superuser = True
    admin_user.save(update_fields=["is_superuser"])
    client.force_login(admin_user)
    return client


def test_changelist_searches_by_text_and_author(staff_client):
    wanted = CommentFactory(text="needle in a haystack")
    other = CommentFactory(text="nothing here")

    by_text = staff_client.get(URL, {"q": "needle"})
    by_author = staff_client.get(URL, {"q": other.author.email})

    assert by_text.status_code == 200
    assert list(by_text.context["cl"].result_list) == [wanted]
    assert list(by_author.context["cl"].result_list) == [other]


def test_changelist_filters_by_course(staff_client):
    lesson = LessonFactory()
    wanted = CommentFactory(lesson=lesson)
    CommentFactory()

    response = staff_client.get(URL, {"lesson__part__course__id__exact": lesson.part.course_id})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [wanted]


def test_hide_and_restore_actions(staff_client):
    comments = CommentFactory.create_batch(2)
    selected = [str(c.pk) for c in comments]

    staff_client.post(URL, {"action": "hide_comments", "_selected_action": selected})
    hidden = Comment.objects.filter(is_hidden=True).count()
    staff_client.post(URL, {"action": "restore_comments", "_selected_action": selected})

    assert hidden == 2
    assert Comment.objects.filter(is_hidden=True).count() == 0


def test_change_page_opens(staff_client):
    comment = CommentFactory(parent=CommentFactory())

    response = staff_client.get(f"{URL}{comment.pk}/change/")

    assert response.status_code == 200
