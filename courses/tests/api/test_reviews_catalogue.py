"""Ratings where the SPA prints them: course summaries and detail, the catalogue's
`min_rating` filter and `rating` ordering, and the three tutor dashboard routes."""

import pytest

from conftest import client_for
from courses.models import Course
from courses.services.reviews import review_create, reviews_set_hidden
from courses.tests.factories import (
    CourseFactory,
    CoursePartFactory,
    DraftCourseFactory,
    EnrollmentFactory,
    LessonFactory,
)
from users.tests.factories import TutorFactory

pytestmark = pytest.mark.django_db

LIST = "/api/courses/courses/"
QUICK = "/api/auth/tutors/me/quick_statistics/"
MINE = "/api/auth/tutors/me/courses/"


def _rate(course, *ratings):
    reviews = []
    for rating in ratings:
        author = EnrollmentFactory(course=course).user
        reviews.append(review_create(author=author, course=course, rating=rating))
    return reviews


def test_summary_and_detail_carry_rating_and_reviews_count():
    rated, unrated = CourseFactory(), CourseFactory()
    _rate(rated, 5, 4, 4)  # 4.333... -> 4.3

    listed = {c["slug"]: c for c in client_for(None).get(LIST).json()["results"]}
    detail = client_for(None).get(f"{LIST}{rated.slug}/").json()

    assert listed[rated.slug]["rating"] == 4.3 and listed[rated.slug]["reviews_count"] == 3
    assert listed[unrated.slug]["rating"] is None and listed[unrated.slug]["reviews_count"] == 0
    assert detail["rating"] == 4.3 and detail["reviews_count"] == 3


def test_hidden_reviews_leave_the_numbers_on_the_next_read():
    course = CourseFactory()
    low, _ = _rate(course, 1, 5)

    reviews_set_hidden(reviews=[low], hidden=True)

    body = client_for(None).get(f"{LIST}{course.slug}/").json()
    assert body["rating"] == 5.0 and body["reviews_count"] == 1


def test_min_rating_filters_and_leaves_unrated_courses_out():
    high, low = CourseFactory(), CourseFactory()
    CourseFactory()  # unrated
    _rate(high, 5, 4)
    _rate(low, 2)

    def slugs(value):
        response = client_for(None).get(LIST, {"min_rating": value})
        assert response.status_code == 200
        return {c["slug"] for c in response.json()["results"]}

    assert slugs("4.5") == {high.slug}
    assert slugs("2") == {high.slug, low.slug}
    assert slugs("0") == {high.slug, low.slug}


@pytest.mark.parametrize("value", ["abc", "1e0", "5.5", "-1", "4.55", "9" * 40, "NaN", "inf"])
def test_a_bad_min_rating_is_400(value):
    response = client_for(None).get(LIST, {"min_rating": value})

    assert response.status_code == 400 and "min_rating" in response.json()


@pytest.mark.parametrize("ordering", ["rating", "-rating"])
def test_rating_ordering_puts_unrated_courses_last(ordering):
    unrated, low, high = CourseFactory(), CourseFactory(), CourseFactory()
    _rate(low, 2)
    _rate(high, 5)

    results = client_for(None).get(LIST, {"ordering": ordering}).json()["results"]

    expected = [low.slug, high.slug] if ordering == "rating" else [high.slug, low.slug]
    assert [c["slug"] for c in results] == [*expected, unrated.slug]


@pytest.mark.parametrize("n", [2, 12])
def test_the_catalogue_with_ratings_keeps_its_query_budget(django_assert_max_num_queries, n):
    for index in range(n):
        course = CourseFactory(tutors=[TutorFactory()])
        LessonFactory(part=CoursePartFactory(course=course))
        _rate(course, 1 + index % 5)

    with django_assert_max_num_queries(6):
        response = client_for(None).get(LIST, {"ordering": "-rating", "min_rating": "1"})

    assert response.json()["count"] == n
    assert all(c["rating"] is not None for c in response.json()["results"])


# --- Tutor dashboard ----------------------------------------------------------------


def test_dashboard_numbers_come_from_real_reviews():
    tutor = TutorFactory()
    first = CourseFactory(tutors=[tutor], title="First")
    second = DraftCourseFactory(tutors=[tutor], title="Second")
    unrated = CourseFactory(tutors=[tutor], title="Unrated")
    _rate(first, 5, 4)
    hidden, _ = _rate(second, 1, 3)
    reviews_set_hidden(reviews=[hidden], hidden=True)
    _rate(CourseFactory(), 1)  # someone else's course
    client = client_for(tutor)

    quick = client.get(QUICK).json()
    mine = {c["slug"]: c for c in client.get(MINE).json()["results"]}

    assert quick["average_rating"] == 4.0 and quick["total_reviews"] == 3
    performance = {row["title"]: row["rating"] for row in quick["course_performance"]}
    assert performance == {"First": 4.5, "Second": 3, "Unrated": 0}
    assert mine[first.slug]["rating"] == 4.5 and mine[first.slug]["reviews_count"] == 2
    assert mine[second.slug]["rating"] == 3.0 and mine[second.slug]["reviews_count"] == 1
    assert mine[unrated.slug]["rating"] is None and mine[unrated.slug]["reviews_count"] == 0


def test_the_average_rating_is_one_decimal():
    tutor = TutorFactory()
    _rate(CourseFactory(tutors=[tutor]), 5, 4, 4)

    quick = client_for(tutor).get(QUICK).json()

    assert quick["average_rating"] == 4.3


def test_a_reviewed_course_cannot_be_deleted(course_tutor):
    course = CourseFactory(tutors=[course_tutor])
    _rate(course, 5)
    # A reviewed course has students, so it is unpublished, never deleted (409).
    response = client_for(course_tutor).delete(f"{LIST}{course.slug}/")

    assert response.status_code == 409
    assert Course.objects.get(pk=course.pk).reviews_count == 1
