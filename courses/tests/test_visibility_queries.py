"""Who sees which course is a condition on each row's own course, never a set of every
visible course: `lesson.part.course IN (SELECT ... every course ...)` made PostgreSQL
build that set for a single lesson, a cost that grew with the catalogue."""

import re

import pytest

from courses.selectors.catalogue import (
    course_parts_visible_to,
    courses_visible_to,
    lessons_for,
    lessons_visible_to,
)
from courses.selectors.comments import comments_visible_to
from courses.selectors.reviews import reviews_visible_to
from users.tests.factories import AdminFactory, StudentFactory, TutorFactory

pytestmark = pytest.mark.django_db

SELECTORS = [
    courses_visible_to,
    course_parts_visible_to,
    lessons_visible_to,
    lambda user: lessons_for(user=user),
    reviews_visible_to,
    comments_visible_to,
]


@pytest.mark.parametrize("caller", ["anonymous", "student", "tutor", "admin"])
@pytest.mark.parametrize("selector", SELECTORS)
def test_visibility_never_selects_the_set_of_visible_courses(selector, caller):
    user = {
        "anonymous": lambda: None,
        "student": StudentFactory,
        "tutor": TutorFactory,
        "admin": AdminFactory,
    }[caller]()

    sql = str(selector(user).query)

    assert not re.search(r'IN \(SELECT \w+\."id" FROM "courses_course"', sql)
