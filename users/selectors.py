"""Reads for accounts: the admin's user list and onboarding answers."""

from django.db.models import QuerySet

from users.models import OnboardingAnswer, User


def users_for_admin() -> QuerySet[User]:
    return User.objects.order_by("email")


def onboarding_answers_of(user: User) -> QuerySet[OnboardingAnswer]:
    return OnboardingAnswer.objects.filter(user=user).select_related("university")
