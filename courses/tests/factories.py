from decimal import Decimal

import factory
from django.utils import timezone

from courses.models import (
    Category,
    Comment,
    Course,
    CoursePart,
    CoursePrice,
    Enrollment,
    Lesson,
    LessonCompletion,
    Review,
)
from users.tests.factories import StudentFactory, TutorFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    description = "A category"


class CourseFactory(factory.django.DjangoModelFactory):
    """A published paid course; `tutors=[...]` sets its tutors (one new tutor by default)."""

    class Meta:
        model = Course
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    description = "Learn things."
    category = factory.SubFactory(CategoryFactory)
    price = Decimal("49.99")
    currency = "usd"
    is_published = True
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def tutors(self, create, extracted, **kwargs):
        if not create:
            return
        self.tutors.set(extracted if extracted is not None else [TutorFactory()])


class DraftCourseFactory(CourseFactory):
    is_published = False
    published_at = None


class CoursePriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoursePrice

    course = factory.SubFactory(CourseFactory)
    currency = "eur"
    price = Decimal("45.00")


class CoursePartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoursePart

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Part {n}")
    slug = factory.Sequence(lambda n: f"part-{n}")
    order = factory.Sequence(lambda n: n)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    part = factory.SubFactory(CoursePartFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    order = factory.Sequence(lambda n: n)
    duration = 600
    is_free_preview = False
    video_service_id = factory.Sequence(lambda n: f"video{n:028d}")


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(StudentFactory)
    course = factory.SubFactory(CourseFactory)
    is_active = True


class LessonCompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonCompletion

    user = factory.SubFactory(StudentFactory)
    lesson = factory.SubFactory(LessonFactory)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    lesson = factory.SubFactory(LessonFactory)
    author = factory.SubFactory(StudentFactory)
    text = factory.Faker("sentence")


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review row as is: it does not move the course's numbers (the services do)."""

    class Meta:
        model = Review

    course = factory.SubFactory(CourseFactory)
    author = factory.SubFactory(StudentFactory)
    rating = 4
    text = factory.Faker("sentence")
