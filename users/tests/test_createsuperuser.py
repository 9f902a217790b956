import pytest
from django.core.management import CommandError, call_command

from users.models import Role, User

pytestmark = pytest.mark.django_db


class _TTY:
    def isatty(self) -> bool:
        return True


def test_noinput_reads_the_environment(monkeypatch):
    # given
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Boss@Example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_FIRST_NAME", "Bo")
    monkeypatch.setenv("DJANGO_SUPERUSER_LAST_NAME", "Ss")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Sup3r-Secret-Phrase!")

    # when
    call_command("createsuperuser", interactive=False, verbosity=0)

    # then
    user = User.objects.get()
    assert user.email == "boss@example.com"
    assert (user.first_name, user.last_name) == ("Bo", "Ss")
    assert user.role == Role.ADMIN
    assert user.is_email_verified and user.is_staff and user.is_superuser
    assert user.check_password("Sup3r-Secret-Phrase!")


def test_noinput_without_names_fails_cleanly(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "boss@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Sup3r-Secret-Phrase!")
    monkeypatch.delenv("DJANGO_SUPERUSER_FIRST_NAME", raising=False)
    monkeypatch.delenv("DJANGO_SUPERUSER_LAST_NAME", raising=False)

    with pytest.raises(CommandError):
        call_command("createsuperuser", interactive=False, verbosity=0)

    assert not User.objects.exists()


def test_noinput_with_whitespace_names_fails_cleanly(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "boss@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Sup3r-Secret-Phrase!")
    monkeypatch.setenv("DJANGO_SUPERUSER_FIRST_NAME", "   ")
    monkeypatch.setenv("DJANGO_SUPERUSER_LAST_NAME", "Boss")

    with pytest.raises(CommandError):
        call_command("createsuperuser", interactive=False, verbosity=0)

    assert not User.objects.exists()


def test_noinput_with_a_taken_email_in_another_case_fails(monkeypatch, user):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", user.email.upper())
    monkeypatch.setenv("DJANGO_SUPERUSER_FIRST_NAME", "A")
    monkeypatch.setenv("DJANGO_SUPERUSER_LAST_NAME", "B")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Sup3r-Secret-Phrase!")

    with pytest.raises(CommandError):
        call_command("createsuperuser", interactive=False, verbosity=0)

    assert User.objects.count() == 1


def test_interactive_asks_email_names_and_password(monkeypatch):
    # given: answers typed at the prompts, a blank first name retried
    answers = iter(["admin@example.com", "", "Grace", "Hopper"])
    prompts = []

    def fake_input(prompt=""):
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr("builtins.input", fake_input)
    monkeypatch.setattr(
        "django.contrib.auth.management.commands.createsuperuser.getpass.getpass",
        lambda prompt="": "Sup3r-Secret-Phrase!",
    )

    # when
    call_command("createsuperuser", interactive=True, stdin=_TTY(), verbosity=0)

    # then
    user = User.objects.get()
    assert user.email == "admin@example.com"
    assert (user.first_name, user.last_name) == ("Grace", "Hopper")
    assert user.role == Role.ADMIN and user.is_email_verified
    assert len(prompts) == 4
