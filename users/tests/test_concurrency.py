"""Races the database settles: two registrations of one email, two first onboarding
answers of one user. Real concurrency needs PostgreSQL (SQLite serializes writers)."""

import threading

import pytest
from django.db import connection

from core.exceptions import InvalidInput
from core.tests.factories import UniversityFactory
from users import services
from users.models import OnboardingAnswer, User
from users.tests.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def _race(target, count: int = 2) -> list:
    barrier = threading.Barrier(count)
    outcomes: list = []

    def run(index):
        barrier.wait()
        try:
            outcomes.append(("ok", target(index)))
        except Exception as exc:
            outcomes.append(("error", exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_concurrent_registrations_of_one_email_make_one_user():
    def register(index):
        return services.user_create(
            email="Race@Example.com" if index else "race@example.com",
            password="Sup3r-Secret-Phrase!",
            first_name="R",
            last_name=str(index),
        )

    outcomes = _race(register)

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

    outcomes = _race(answer)

    assert [kind for kind, _ in outcomes] == ["ok", "ok"]
    assert OnboardingAnswer.objects.filter(user=user).count() == 1
