import pytest

from courses.tests.factories import CourseFactory, DraftCourseFactory, EnrollmentFactory
from users.tests.factories import AdminFactory, StudentFactory, TutorFactory

pytestmark = pytest.mark.django_db

ME = "/api/auth/tutors/me/"
DIRECTORY = "/api/tutors/"


def test_tutor_me_counts_every_course_and_distinct_active_students(make_client, tutor):
    # given
    published = CourseFactory(tutors=[tutor])
    draft = DraftCourseFactory(tutors=[tutor])
    CourseFactory()  # someone else's
    student = StudentFactory()
    EnrollmentFactory(user=student, course=published)
    EnrollmentFactory(user=student, course=draft)
    EnrollmentFactory(course=published)
    EnrollmentFactory(course=published, is_active=False)

    # when
    response = make_client(tutor).get(ME)

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(tutor.id)
    assert body["email"] == tutor.email
    assert body["bio"] == tutor.bio
    assert body["role_name"] == "tutor"
    assert (body["courses_count"], body["students_count"]) == (2, 2)


@pytest.mark.parametrize(("who", "code"), [("user", 403), ("student", 403), ("admin_user", 200)])
def test_tutor_me_permissions(make_client, request, who, code):
    assert make_client(request.getfixturevalue(who)).get(ME).status_code == code


def test_directory_lists_tutors_with_a_published_course_without_contacts(api_client):
    # given
    shown = TutorFactory(first_name="Alan", phone="+44 1")
    CourseFactory(tutors=[shown])
    CourseFactory(tutors=[shown])
    DraftCourseFactory(tutors=[shown])
    drafts_only = TutorFactory(first_name="Zed")
    DraftCourseFactory(tutors=[drafts_only])
    TutorFactory()  # no course at all
    inactive = TutorFactory(is_active=False)
    CourseFactory(tutors=[inactive])

    # when
    response = api_client.get(DIRECTORY)

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert set(row) == {"id", "first_name", "last_name", "avatar", "bio", "courses_count"}
    assert row["id"] == str(shown.id)
    assert row["courses_count"] == 2


def test_directory_search_by_name(api_client):
    ada = TutorFactory(first_name="Ada", last_name="Lovelace")
    alan = TutorFactory(first_name="Alan", last_name="Turing")
    CourseFactory(tutors=[ada, alan])

    by_last = api_client.get(DIRECTORY, {"search": "turing"}).json()
    by_email = api_client.get(DIRECTORY, {"search": ada.email}).json()

    assert [row["id"] for row in by_last["results"]] == [str(alan.id)]
    assert by_email["count"] == 0


def test_tutor_detail_lists_their_published_courses(api_client):
    # given
    tutor = TutorFactory()
    course = CourseFactory(tutors=[tutor])
    DraftCourseFactory(tutors=[tutor])

    # when
    response = api_client.get(f"{DIRECTORY}{tutor.id}/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert "email" not in body and "phone" not in body
    assert body["courses_count"] == 1
    assert [item["slug"] for item in body["courses"]] == [course.slug]
    summary = body["courses"][0]
    assert summary["price"] == "49.99"
    assert {"tutors", "parts", "lessons_count", "total_duration", "is_enrolled"} <= set(summary)
    assert summary["is_enrolled"] is False


def test_tutor_detail_course_summaries_know_the_callers_enrollment(make_client):
    tutor = TutorFactory()
    course = CourseFactory(tutors=[tutor])
    enrollment = EnrollmentFactory(course=course)

    body = make_client(enrollment.user).get(f"{DIRECTORY}{tutor.id}/").json()

    assert body["courses"][0]["is_enrolled"] is True


@pytest.mark.parametrize("kind", ["no_course", "drafts_only", "student", "garbage"])
def test_tutor_detail_404_for_anyone_not_listed(api_client, kind):
    tutor = TutorFactory()
    if kind == "drafts_only":
        DraftCourseFactory(tutors=[tutor])
    ident = {"garbage": "not-a-uuid", "student": StudentFactory().id}.get(kind, tutor.id)

    response = api_client.get(f"{DIRECTORY}{ident}/")

    assert response.status_code == 404


@pytest.mark.parametrize("size", [2, 12])
def test_directory_query_budget(api_client, django_assert_max_num_queries, size):
    for _ in range(size):
        CourseFactory(tutors=[TutorFactory(), TutorFactory()])

    with django_assert_max_num_queries(2):
        response = api_client.get(DIRECTORY)

    assert response.json()["count"] == size * 2


@pytest.mark.parametrize("size", [1, 10])
def test_tutor_detail_query_budget(api_client, django_assert_max_num_queries, size):
    tutor = TutorFactory()
    for _ in range(size):
        CourseFactory(tutors=[tutor, AdminFactory()])

    with django_assert_max_num_queries(4):
        response = api_client.get(f"{DIRECTORY}{tutor.id}/")

    assert len(response.json()["courses"]) == size
