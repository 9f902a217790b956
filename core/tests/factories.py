import factory

from core.models import University


class UniversityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = University

    name = factory.Sequence(lambda n: f"University {n}")
    city = factory.Faker("city")
    country = factory.Faker("country")
    global_rank = factory.Sequence(lambda n: n + 1)
