from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import Enrollment
from courses.tests.factories import (
    CourseFactory,
    DraftCourseFactory,
    EnrollmentFactory,
    LessonFactory,
)
from payments.models import Payment, PaymentStatus
from payments.tests.factories import OrderFactory, PaymentFactory
from users.tests.factories import StudentFactory, TutorFactory

pytestmark = pytest.mark.django_db

QUICK = "/api/auth/tutors/me/quick_statistics/"


def months_ago(n: int) -> datetime:
    """Mid-month, `n` calendar months before now (UTC)."""
    now = timezone.now()
    year, month = now.year, now.month - n
    while month < 1:
        year, month = year - 1, month + 12
    return datetime(year, month, 15, 12, tzinfo=UTC)


def key(n: int) -> str:
    return months_ago(n).strftime("%Y-%m")


def paid(course, *, amount, currency=None, status=PaymentStatus.COMPLETED, when=None):
    currency = currency or course.currency
    order = OrderFactory(course=course, amount=Decimal(amount), currency=currency)
    payment = PaymentFactory(order=order, status=status)
    if when is not None:
        Payment.objects.filter(pk=payment.pk).update(created_at=when)
    return payment


def enrolled(course, *, when=None, active=True, completed=False):
    enrollment = EnrollmentFactory(
        course=course,
        is_active=active,
        enrolled_at=when or timezone.now(),
        completed_at=timezone.now() if completed else None,
    )
    return enrollment


@pytest.fixture
def world(tutor):
    """Two courses of the tutor (usd published, jpy draft), one of another tutor."""
    usd = CourseFactory(tutors=[tutor], title="B usd", price=Decimal("49.99"))
    jpy = DraftCourseFactory(tutors=[tutor], title="A jpy", price=Decimal("5000"), currency="jpy")
    other = CourseFactory(tutors=[TutorFactory()])
    # usd: two paid this month, one two months ago, one refunded, one pending, one in eur
    paid(usd, amount="49.99")
    paid(usd, amount="49.99")
    paid(usd, amount="40.00", when=months_ago(2))
    paid(usd, amount="49.99", status=PaymentStatus.REFUNDED)
    paid(usd, amount="49.99", status=PaymentStatus.PENDING)
    paid(usd, amount="45.00", currency="eur")
    # jpy: one paid five months ago, one seven months ago (outside the window)
    paid(jpy, amount="5000", when=months_ago(5))
    paid(jpy, amount="5000", when=months_ago(7))
    # another tutor's money never counts
    paid(other, amount="99.00")
    # students: s1 in both courses, s2 in usd (completed), s3 refunded, s4 enrolled 10 days ago
    s1, s2 = StudentFactory(), StudentFactory()
    EnrollmentFactory(user=s1, course=usd)
    EnrollmentFactory(user=s1, course=jpy, enrolled_at=months_ago(5))
    EnrollmentFactory(user=s2, course=usd, completed_at=timezone.now())
    enrolled(usd, active=False)
    enrolled(usd, when=timezone.now() - timedelta(days=10))
    enrolled(other)
    for course, count in ((usd, 4), (jpy, 1)):
        course.students_count = count
        course.save()
    return {"usd": usd, "jpy": jpy, "other": other}


def test_quick_statistics_numbers(make_client, tutor, world):
    # when
    response = make_client(tutor).get(QUICK)

    # then: 49.99 + 49.99 + 40 + 5000 + 5000 (completed, unrefunded, default currency)
    assert response.status_code == 200
    body = response.json()
    assert body["total_earnings"] == pytest.approx(10139.98)
    assert body["active_students"] == 3  # s1, s2, the 10-days-ago one; not the refunded
    assert body["published_courses"] == 1
    assert body["draft_courses"] == 1
    assert body["average_rating"] == 0
    assert body["total_reviews"] == 0
    # s1's and s2's usd enrollments are this week (the refunded and the 10-day one are not)
    assert body["recent_enrollments"] == 2
    monthly = body["monthly_earnings"]
    assert [m["month"] for m in monthly] == [key(n) for n in range(5, -1, -1)]
    by_month = {m["month"]: m for m in monthly}
    assert by_month[key(5)]["earnings"] == 5000
    assert by_month[key(2)]["earnings"] == 40
    assert by_month[key(0)]["earnings"] == pytest.approx(99.98)
    assert by_month[key(1)]["earnings"] == 0
    assert by_month[key(5)]["students"] == 1
    assert sum(m["earnings"] for m in monthly) == pytest.approx(5139.98)
    assert body["course_performance"] == [
        {
            "id": str(world["usd"].id),
            "title": "B usd",
            "students": 4,
            "rating": 0,
            "earnings": pytest.approx(139.98),
        },
        {
            "id": str(world["jpy"].id),
            "title": "A jpy",
            "students": 1,
            "rating": 0,
            "earnings": 10000,
        },
    ]


def test_quick_statistics_empty(make_client, tutor):
    body = make_client(tutor).get(QUICK).json()

    assert body["total_earnings"] == 0
    assert body["course_performance"] == []
    assert len(body["monthly_earnings"]) == 6
    assert all(m == {"month": m["month"], "earnings": 0, "students": 0}
               for m in body["monthly_earnings"])  # fmt: skip


@pytest.mark.parametrize(("who", "code"), [("anonymous", 401), ("user", 403), ("student", 403)])
def test_quick_statistics_needs_tutor(make_client, user, student, who, code):
    caller = {"anonymous": None, "user": user, "student": student}[who]

    assert make_client(caller).get(QUICK).status_code == code


def test_admin_gets_own_statistics(make_client, admin_user):
    assert make_client(admin_user).get(QUICK).status_code == 200


@pytest.mark.parametrize("size", [1, 6])
def test_quick_statistics_query_budget(make_client, tutor, django_assert_max_num_queries, size):
    for _ in range(size):
        course = CourseFactory(tutors=[tutor])
        for _ in range(2):
            paid(course, amount="49.99")
            enrolled(course)
    client = make_client(tutor)

    with django_assert_max_num_queries(8):
        response = client.get(QUICK)

    assert len(response.json()["course_performance"]) == size


def stats_url(course) -> str:
    return f"/api/courses/courses/{course.slug}/statistics/"


def test_course_statistics_numbers(make_client, tutor, world):
    # given the usd course: 4 enrollments, 3 active, 1 of them finished
    response = make_client(tutor).get(stats_url(world["usd"]))

    assert response.status_code == 200
    body = response.json()
    assert body["students_count"] == 4
    assert body["active_students"] == 3
    assert body["completion_rate"] == pytest.approx(33.3)
    assert body["earnings"] == pytest.approx(139.98)
    assert [m["month"] for m in body["monthly"]] == [key(n) for n in range(5, -1, -1)]
    assert body["monthly"][-1]["earnings"] == pytest.approx(99.98)
    assert body["monthly"][-3]["earnings"] == 40  # two months ago


def test_course_statistics_of_draft_for_its_tutor(make_client, tutor, world):
    body = make_client(tutor).get(stats_url(world["jpy"])).json()

    assert body["earnings"] == 10000
    assert body["completion_rate"] == 0


@pytest.mark.parametrize(
    ("who", "code"),
    [("anonymous", 401), ("student", 403), ("other_tutor", 403), ("tutor", 200), ("admin", 200)],
)
def test_course_statistics_permissions(make_client, tutor, student, admin_user, who, code):
    course = CourseFactory(tutors=[tutor])
    caller = {
        "anonymous": None,
        "student": student,
        "other_tutor": TutorFactory(),
        "tutor": tutor,
        "admin": admin_user,
    }[who]

    assert make_client(caller).get(stats_url(course)).status_code == code


def test_course_statistics_hidden_draft_and_unknown_are_404(make_client, student):
    draft = DraftCourseFactory()
    client = make_client(student)

    assert client.get(stats_url(draft)).status_code == 404
    assert client.get("/api/courses/courses/nope/statistics/").status_code == 404


@pytest.mark.parametrize("size", [1, 8])
def test_course_statistics_query_budget(make_client, tutor, django_assert_max_num_queries, size):
    course = CourseFactory(tutors=[tutor])
    LessonFactory(part__course=course)
    for _ in range(size):
        paid(course, amount="49.99")
        enrolled(course)
    client = make_client(tutor)

    with django_assert_max_num_queries(7):
        response = client.get(stats_url(course))

    assert response.json()["active_students"] == size


def test_refund_lowers_earnings(make_client, tutor):
    course = CourseFactory(tutors=[tutor])
    payment = paid(course, amount="49.99")
    client = make_client(tutor)
    assert client.get(QUICK).json()["total_earnings"] == pytest.approx(49.99)

    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.REFUNDED)

    assert client.get(QUICK).json()["total_earnings"] == 0
    assert Enrollment.objects.count() == 0


COURSES = "/api/auth/tutors/me/courses/"


def test_tutor_courses_summary_plus_numbers(make_client, tutor, world):
    response = make_client(tutor).get(COURSES)

    assert response.status_code == 200
    rows = {row["slug"]: row for row in response.json()["results"]}
    assert set(rows) == {world["usd"].slug, world["jpy"].slug}
    usd = rows[world["usd"].slug]
    assert usd["earnings"] == pytest.approx(139.98)
    assert usd["rating"] is None
    assert usd["reviews_count"] == 0
    assert usd["students_count"] == 4
    assert usd["price"] == pytest.approx(49.99)  # dashboard money is a JSON number
    assert rows[world["jpy"].slug]["price"] == 5000
    assert {"tutors", "parts", "lessons_count", "total_duration", "is_enrolled"} <= set(usd)
    assert rows[world["jpy"].slug]["earnings"] == 10000
    assert rows[world["jpy"].slug]["is_published"] is False


@pytest.mark.parametrize(("who", "code"), [("anonymous", 401), ("student", 403), ("admin", 200)])
def test_tutor_courses_permissions(make_client, student, admin_user, who, code):
    caller = {"anonymous": None, "student": student, "admin": admin_user}[who]

    assert make_client(caller).get(COURSES).status_code == code


@pytest.mark.parametrize("size", [1, 8])
def test_tutor_courses_query_budget(make_client, tutor, django_assert_max_num_queries, size):
    for _ in range(size):
        course = CourseFactory(tutors=[tutor, TutorFactory()])
        LessonFactory(part__course=course)
        paid(course, amount="49.99")
    client = make_client(tutor)

    with django_assert_max_num_queries(8):
        response = client.get(COURSES)

    assert response.json()["count"] == size
    assert all(row["earnings"] == pytest.approx(49.99) for row in response.json()["results"])


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def test_dashboard_routes_exact_keys_and_json_number_types(make_client, tutor, world):
    # given a tutor with money and students (the `world` fixture)
    client = make_client(tutor)

    # when the three dashboard routes are read
    quick = client.get(QUICK).json()
    courses = client.get(COURSES).json()["results"]
    stats = client.get(f"/api/courses/courses/{world['usd'].slug}/statistics/").json()

    # then every key the contract lists, and numbers are JSON numbers, never strings
    assert set(quick) == {
        "total_earnings", "active_students", "published_courses", "draft_courses",
        "average_rating", "total_reviews", "recent_enrollments", "monthly_earnings",
        "course_performance",
    }  # fmt: skip
    assert all(is_number(v) for k, v in quick.items() if k not in {"monthly_earnings",
               "course_performance"})  # fmt: skip
    assert quick["average_rating"] == 0 and quick["total_reviews"] == 0
    for month in quick["monthly_earnings"] + stats["monthly"]:
        assert set(month) == {"month", "earnings", "students"}
        assert is_number(month["earnings"]) and is_number(month["students"])
        assert len(month["month"]) == 7 and month["month"][4] == "-"
    for row in quick["course_performance"]:
        assert set(row) == {"id", "title", "students", "rating", "earnings"}
        assert row["rating"] == 0 and is_number(row["rating"])
        assert is_number(row["earnings"]) and is_number(row["students"])
    for row in courses:
        assert is_number(row["earnings"])
        assert row["rating"] is None
        assert row["reviews_count"] == 0
        assert is_number(row["students_count"]) and is_number(row["lessons_count"])
    assert set(stats) == {
        "students_count", "active_students", "completion_rate", "earnings", "monthly"
    }  # fmt: skip
    assert all(is_number(stats[k]) for k in set(stats) - {"monthly"})


def test_tutor_page_and_dashboard_count_students_and_courses_alike(make_client, tutor, world):
    # given the world: a student in two courses, a refunded one, another tutor's course
    client = make_client(tutor)

    # when the tutor's own page and the dashboard header are asked
    me = client.get("/api/auth/tutors/me/").json()
    quick = client.get(QUICK).json()

    # then "active students" and "courses of the tutor" are the same numbers on both
    assert me["students_count"] == quick["active_students"] == 3
    assert me["courses_count"] == quick["published_courses"] + quick["draft_courses"] == 2
