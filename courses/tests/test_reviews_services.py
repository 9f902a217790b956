"""Review services: who may write, and the course's stored `rating`/`reviews_count`
staying exact through every write, edit, hide, unhide and delete."""

from decimal import Decimal

import pytest

from core.exceptions import Forbidden
from courses.exceptions import (
    AlreadyReviewed,
    EmailNotVerified,
    EnrollmentRequired,
    OwnCourseReview,
)
from courses.models import Course, Review
from courses.selectors.reviews import rating_mean, tutor_rating_totals
from courses.services.reviews import (
    review_create,
    review_delete,
    review_reply_delete,
    review_reply_set,
    review_update,
    reviews_delete,
    reviews_set_hidden,
)
from courses.tests.factories import CourseFactory, EnrollmentFactory, ReviewFactory
from users.tests.factories import AdminFactory, StudentFactory, TutorFactory

pytestmark = pytest.mark.django_db


def _enrolled(course, **kwargs):
    return EnrollmentFactory(course=course, user=StudentFactory(**kwargs)).user


def _numbers(course) -> tuple:
    course = Course.objects.get(pk=course.pk)
    return course.rating, course.reviews_count


def test_rating_mean_rounds_half_up_to_one_decimal():
    assert rating_mean(None, 0) is None
    assert rating_mean(17, 4) == Decimal("4.3")  # 4.25
    assert rating_mean(13, 3) == Decimal("4.3")  # 4.333...
    assert rating_mean(5, 1) == Decimal("5.0")


def test_a_course_without_reviews_has_no_rating():
    course = CourseFactory()

    assert _numbers(course) == (None, 0)


def test_every_write_keeps_the_course_numbers_exact():
    course = CourseFactory()
    first, second, third = (_enrolled(course) for _ in range(3))

    a = review_create(author=first, course=course, rating=5)
    b = review_create(author=second, course=course, rating=4, text="Good")
    assert _numbers(course) == (Decimal("4.5"), 2)

    c = review_create(author=third, course=course, rating=1)
    assert _numbers(course) == (Decimal("3.3"), 3)

    review_update(review=c, user=third, rating=3)
    assert _numbers(course) == (Decimal("4.0"), 3)

    reviews_set_hidden(reviews=[a], hidden=True)
    assert _numbers(course) == (Decimal("3.5"), 2)

    reviews_set_hidden(reviews=[a], hidden=False)
    assert _numbers(course) == (Decimal("4.0"), 3)

    review_delete(review=b, user=second)
    assert _numbers(course) == (Decimal("4.0"), 2)

    reviews_delete(reviews=[a, c])
    assert _numbers(course) == (None, 0)


def test_a_second_review_of_one_course_is_already_reviewed():
    course = CourseFactory()
    student = _enrolled(course)
    review_create(author=student, course=course, rating=5)

    with pytest.raises(AlreadyReviewed) as exc:
        review_create(author=student, course=course, rating=1)

    assert exc.value.status_code == 409 and exc.value.code == "already_reviewed"
    assert _numbers(course) == (Decimal("5.0"), 1)


def test_a_hidden_review_still_counts_as_the_authors_one_review():
    course = CourseFactory()
    student = _enrolled(course)
    review = review_create(author=student, course=course, rating=5)
    reviews_set_hidden(reviews=[review], hidden=True)

    with pytest.raises(AlreadyReviewed):
        review_create(author=student, course=course, rating=1)


def test_the_unique_constraint_answers_already_reviewed_when_the_check_is_passed(monkeypatch):
    # given: the row appears between the service's check and its insert (a race)
    course = CourseFactory()
    student = _enrolled(course)
    ReviewFactory(course=course, author=student, rating=2)
    real_filter = Review.objects.filter

    class _Blind:
        def exists(self):
            return False

    def blind_filter(*args, **kwargs):
        if kwargs.get("author") == student:
            return _Blind()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Review.objects, "filter", blind_filter)

    # when / then
    with pytest.raises(AlreadyReviewed):
        review_create(author=student, course=course, rating=5)


def test_who_may_review():
    course = CourseFactory()
    refunded = EnrollmentFactory(course=course, is_active=False).user
    unverified = _enrolled(course, is_email_verified=False)

    with pytest.raises(EnrollmentRequired):
        review_create(author=StudentFactory(), course=course, rating=5)
    with pytest.raises(EnrollmentRequired):
        review_create(author=refunded, course=course, rating=5)
    with pytest.raises(EmailNotVerified):
        review_create(author=unverified, course=course, rating=5)
    with pytest.raises(OwnCourseReview):
        review_create(author=course.tutors.get(), course=course, rating=5)
    assert not Review.objects.exists()


def test_an_enrolled_tutor_of_another_course_may_review():
    course = CourseFactory()
    tutor = TutorFactory()
    EnrollmentFactory(course=course, user=tutor)

    review = review_create(author=tutor, course=course, rating=4)

    assert review.pk


def test_only_the_author_edits_and_a_refunded_author_still_may():
    course = CourseFactory()
    enrollment = EnrollmentFactory(course=course)
    review = review_create(author=enrollment.user, course=course, rating=5)
    enrollment.is_active = False
    enrollment.save()

    with pytest.raises(Forbidden):
        review_update(review=review, user=AdminFactory(), rating=1)
    review = review_update(review=review, user=enrollment.user, rating=2, text="Changed")

    assert review.is_edited and review.rating == 2 and review.text == "Changed"
    assert _numbers(course) == (Decimal("2.0"), 1)


def test_an_unchanged_edit_is_not_marked_edited():
    course = CourseFactory()
    student = _enrolled(course)
    review = review_create(author=student, course=course, rating=5, text="Same")

    review = review_update(review=review, user=student, rating=5, text="Same")

    assert not Review.objects.get(pk=review.pk).is_edited


def test_delete_by_the_author_or_an_admin_only():
    course = CourseFactory()
    student = _enrolled(course)
    review = review_create(author=student, course=course, rating=5)

    with pytest.raises(Forbidden):
        review_delete(review=review, user=course.tutors.get())
    review_delete(review=review, user=AdminFactory())

    assert _numbers(course) == (None, 0)


def test_reply_set_replace_and_delete():
    course = CourseFactory()
    tutor = course.tutors.get()
    review = review_create(author=_enrolled(course), course=course, rating=3)

    with pytest.raises(Forbidden):
        review_reply_set(review=review, user=TutorFactory(), text="Hi")
    review = review_reply_set(review=review, user=tutor, text="Thanks")
    first_time = review.replied_at
    review = review_reply_set(review=review, user=tutor, text="Thanks again")

    assert review.reply_text == "Thanks again" and review.replied_at == first_time
    assert review.reply_updated_at >= first_time
    review = review_reply_delete(review=review, user=tutor)
    assert not review.has_reply and review.reply_author is None
    assert _numbers(course) == (Decimal("3.0"), 1)


def test_tutor_rating_totals_cover_every_course_and_skip_hidden_reviews():
    tutor = TutorFactory()
    one, two = CourseFactory(tutors=[tutor]), CourseFactory(tutors=[tutor])
    review_create(author=_enrolled(one), course=one, rating=5)
    review_create(author=_enrolled(two), course=two, rating=4)
    hidden = review_create(author=_enrolled(two), course=two, rating=1)
    reviews_set_hidden(reviews=[hidden], hidden=True)

    assert tutor_rating_totals(tutor=tutor) == (Decimal("4.5"), 2)
    assert tutor_rating_totals(tutor=TutorFactory()) == (None, 0)
