import pytest

from core.exceptions import InvalidInput
from core.tests.factories import UniversityFactory
from users import services
from users.exceptions import InvalidToken
from users.models import Role
from users.tests.factories import UserFactory
from users.tokens import email_verification_token_generator, uid_encode

pytestmark = pytest.mark.django_db


def test_user_create_stores_a_lower_cased_user_role(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_create(
            email="  Mixed@Case.COM ",
            password="Sup3r-Secret-Phrase!",
            first_name="A",
            last_name="B",
        )

    assert user.email == "mixed@case.com"
    assert user.role == Role.USER and not user.is_email_verified
    assert len(mailoutbox) == 1


def test_user_create_sends_no_email_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        UserFactory(email="dup@example.com")
        with pytest.raises(InvalidInput):
            services.user_create(
                email="DUP@example.com",
                password="Sup3r-Secret-Phrase!",
                first_name="A",
                last_name="B",
            )

    assert callbacks == []


def test_email_failure_does_not_raise(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 1  # nothing listens there

    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_create(
            email="a@example.com", password="Sup3r-Secret-Phrase!", first_name="A", last_name="B"
        )

    assert user.pk


def test_email_verify_is_single_use():
    user = UserFactory(is_email_verified=False)
    token = email_verification_token_generator.make_token(user)

    services.email_verify(uid=uid_encode(user), token=token)

    with pytest.raises(InvalidToken):
        services.email_verify(uid=uid_encode(user), token=token)


def test_email_verify_refuses_an_inactive_user():
    user = UserFactory(is_email_verified=False, is_active=False)
    token = email_verification_token_generator.make_token(user)

    with pytest.raises(InvalidToken):
        services.email_verify(uid=uid_encode(user), token=token)


def test_user_update_same_email_other_case_is_no_change():
    user = UserFactory(email="same@example.com")

    services.user_update(user=user, data={"email": "SAME@example.com"})

    user.refresh_from_db()
    assert user.email == "same@example.com" and user.is_email_verified


def test_onboarding_answer_save_creates_then_replaces():
    user = UserFactory()
    first, second = UniversityFactory(), UniversityFactory()

    _, created = services.onboarding_answer_save(
        user=user, university=first, degree="phd", graduation_year=2030, interests=""
    )
    answer, created_again = services.onboarding_answer_save(
        user=user, university=second, degree="masters", graduation_year=2031, interests="x"
    )

    assert (created, created_again) == (True, False)
    assert answer.university == second and user.onboarding_answer == answer


def test_user_admin_update_ignores_other_fields():
    user = UserFactory()

    services.user_admin_update(user=user, data={"role": Role.ADMIN})

    user.refresh_from_db()
    assert user.role == Role.ADMIN and user.is_active
