import factory

from users.models import OnboardingAnswer, Role, User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.USER
    is_email_verified = True
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class StudentFactory(UserFactory):
    role = Role.STUDENT


class TutorFactory(UserFactory):
    role = Role.TUTOR
    bio = factory.Faker("sentence")


class AdminFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True


class OnboardingAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OnboardingAnswer

    user = factory.SubFactory(UserFactory)
    university = factory.SubFactory("core.tests.factories.UniversityFactory")
    degree = OnboardingAnswer.Degree.BACHELORS
    graduation_year = 2027
    interests = "maths,physics"
