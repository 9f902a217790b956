"""The periodic course upkeep (courses/tasks.py), run eagerly."""

import pytest

from courses.tasks import video_durations_sync
from courses.tests.factories import LessonFactory
from courses.tests.vdocipher_double import vdocipher_mock, video_url

pytestmark = pytest.mark.django_db


def test_the_periodic_sync_fills_unknown_durations_from_vdocipher(settings):
    # given
    unknown = LessonFactory(duration=0, video_service_id="v1")
    known = LessonFactory(duration=42, video_service_id="v2")
    with vdocipher_mock(settings) as vdocipher:
        vdocipher.get(video_url("v1"), json={"id": "v1", "length": 93.4, "status": "ready"})

        # when
        result = video_durations_sync.apply().get()

    # then
    assert result == {"updated": 1, "skipped": 0, "failed": 0}
    unknown.refresh_from_db()
    known.refresh_from_db()
    assert (unknown.duration, known.duration) == (93, 42)


def test_without_a_vdocipher_secret_the_sync_does_nothing():
    LessonFactory(duration=0, video_service_id="v1")

    assert video_durations_sync.apply().get() == {}
