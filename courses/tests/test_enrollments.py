import pytest

from courses.models import Enrollment
from courses.services.enrollment import enrollment_grant, enrollment_revoke
from courses.tests.factories import CourseFactory, EnrollmentFactory
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
