"""The lesson admin's action that fills unknown durations from VdoCipher."""

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.test import Client

from courses.models import Lesson
from courses.tests.factories import LessonFactory
from courses.tests.vdocipher_double import vdocipher_mock, video_url
from users.tests.factories import AdminFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/courses/lesson/"


@pytest.fixture
def staff():
    client = Client()
    client.force_login(AdminFactory(is_superuser=True))
    return client


@pytest.fixture
def vdocipher(settings):
    with vdocipher_mock(settings) as mock:
        yield mock


def run_action(staff, lessons):
    return staff.post(
        CHANGELIST,
        {"action": "sync_video_durations", "_selected_action": [str(x.pk) for x in lessons]},
        follow=True,
    )


def levels(response) -> list[int]:
    return [m.level for m in get_messages(response.wsgi_request)]


def test_action_fills_selected_unknown_durations(vdocipher, staff):
    # given
    chosen = LessonFactory(duration=0, video_service_id="v1")
    known = LessonFactory(duration=50, video_service_id="v2")
    other = LessonFactory(duration=0, video_service_id="v3")
    vdocipher.get(video_url("v1"), json={"length": 77})

    # when
    response = run_action(staff, [chosen, known])

    # then
    assert response.status_code == 200
    assert Lesson.objects.get(pk=chosen.pk).duration == 77
    assert Lesson.objects.get(pk=known.pk).duration == 50
    assert Lesson.objects.get(pk=other.pk).duration == 0
    assert [c.request.url for c in vdocipher.calls] == [video_url("v1")]
    assert levels(response) == [messages.SUCCESS]


def test_action_reports_failures(vdocipher, staff):
    lesson = LessonFactory(duration=0, video_service_id="v1")
    vdocipher.get(video_url("v1"), status=500)

    response = run_action(staff, [lesson])

    assert response.status_code == 200
    assert levels(response) == [messages.WARNING]


def test_action_without_secret(staff):
    lesson = LessonFactory(duration=0)

    response = run_action(staff, [lesson])

    assert response.status_code == 200
    assert levels(response) == [messages.ERROR]
    assert Lesson.objects.get(pk=lesson.pk).duration == 0
