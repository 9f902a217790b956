"""Races the database settles: two registrations of one email, two first onboarding
answers of one user. Real concurrency needs PostgreSQL (SQLite serializes writers)."""

import pytest

from core.exceptions import InvalidInput
from core.tests.concurrency import race
from core.tests.factories import UniversityFactory
from users import services
from users.models import OnboardingAnswer, User
from users.tests.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def test_concurrent_registrations_of_one_email_make_one_user():
    def register(index):
        return services.user_create(
            email="Race@Example.com" if index else "race@example.com",
            password="Sup3r-Secret-Phrase!",
            first_name="R",
            last_name=str(index),
        )

    outcomes = race(register)

    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, InvalidInput) and "email" in error.errors
    assert User.objects.filter(email="race@example.com").count() == 1


def test_concurrent_first_onboarding_answers_keep_one_row():
    user = UserFactory()
    universities = [UniversityFactory(), UniversityFactory()]

    def answer(index):
        return services.onboarding_answer_save(
            user=user,
            university=universities[index],
            degree="phd",
            graduation_year=2030,
            interests="",
        )

    outcomes = race(answer)

    assert [kind for kind, _ in outcomes] == ["ok", "ok"]
    assert OnboardingAnswer.objects.filter(user=user).count() == 1
