from decimal import Decimal

import pytest

from courses.exceptions import CourseNotJoinable, PaymentRequired
from courses.models import Enrollment
from courses.services.enrollment import course_enroll, enrollment_grant, enrollment_revoke
from courses.tests.factories import CourseFactory, DraftCourseFactory, EnrollmentFactory
from users.models import Role
from users.tests.factories import AdminFactory, TutorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_grant_creates_counts_and_promotes_user():
    # given a plain user and a course
    user = UserFactory(role=Role.USER)
    course = CourseFactory()

    # when
    enrollment, granted = enrollment_grant(user=user, course=course)

    # then
    assert granted is True
    assert enrollment.is_active
    course.refresh_from_db()
    assert course.students_count == 1
    user.refresh_from_db()
    assert user.role == Role.STUDENT


@pytest.mark.parametrize("factory", [TutorFactory, AdminFactory])
def test_grant_keeps_tutor_and_admin_roles(factory):
    person = factory()
    role = person.role

    enrollment_grant(user=person, course=CourseFactory())

    person.refresh_from_db()
    assert person.role == role


def test_grant_twice_is_idempotent():
    user = UserFactory()
    course = CourseFactory()
    enrollment_grant(user=user, course=course)

    _, granted = enrollment_grant(user=user, course=course)

    assert granted is False
    assert Enrollment.objects.count() == 1
    course.refresh_from_db()
    assert course.students_count == 1


def test_revoke_keeps_row_and_regrant_reactivates_it():
    # given an active enrollment
    user = UserFactory()
    course = CourseFactory()
    enrollment, _ = enrollment_grant(user=user, course=course)

    # when revoked twice, then granted again
    assert enrollment_revoke(enrollment=enrollment) is True
    assert enrollment_revoke(enrollment=enrollment) is False
    course.refresh_from_db()
    assert course.students_count == 0
    again, granted = enrollment_grant(user=user, course=course)

    # then the same row is active again
    assert granted is True
    assert again.pk == enrollment.pk
    assert Enrollment.objects.count() == 1
    course.refresh_from_db()
    assert course.students_count == 1


def test_revoke_never_drops_count_below_zero():
    enrollment = EnrollmentFactory()  # the factory does not count it

    enrollment_revoke(enrollment=enrollment)

    enrollment.course.refresh_from_db()
    assert enrollment.course.students_count == 0


# --- course_enroll: the one entry point (enroll/ route and checkout) ---------------------


def test_course_enroll_grants_a_free_course():
    user, course = UserFactory(), CourseFactory(price=Decimal(0))

    enrollment, enrolled_now = course_enroll(user=user, course=course)

    assert enrolled_now is True
    assert enrollment.is_active and enrollment.user == user and enrollment.course == course


def test_course_enroll_refuses_a_paid_course_without_enrolling():
    user, course = UserFactory(), CourseFactory(price=Decimal("10.00"))

    with pytest.raises(PaymentRequired):
        course_enroll(user=user, course=course)

    assert not Enrollment.objects.filter(user=user, course=course).exists()


@pytest.mark.parametrize("price", [Decimal(0), Decimal("10.00")])
def test_course_enroll_returns_an_active_enrollment_free_or_bought(price):
    enrollment = EnrollmentFactory(course=CourseFactory(price=price))

    again, enrolled_now = course_enroll(user=enrollment.user, course=enrollment.course)

    assert (again, enrolled_now) == (enrollment, False)


def test_course_enroll_keeps_a_draft_for_its_active_students_only():
    draft = DraftCourseFactory(price=Decimal(0))
    student = EnrollmentFactory(course=draft).user

    assert course_enroll(user=student, course=draft)[1] is False
    with pytest.raises(CourseNotJoinable):
        course_enroll(user=UserFactory(), course=draft)


def test_course_enroll_reactivates_a_refunded_enrollment_of_a_free_course():
    enrollment = EnrollmentFactory(course=CourseFactory(price=Decimal(0)), is_active=False)

    again, enrolled_now = course_enroll(user=enrollment.user, course=enrollment.course)

    assert enrolled_now is True and again.pk == enrollment.pk and again.is_active
