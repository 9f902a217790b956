"""Account emails, sent through Django's email framework (console, SMTP or file backend).

Services schedule them with `transaction.on_commit`, so no email leaves for a change that
was rolled back. Links: verification goes to the backend (`BACKEND_URL`), which verifies
and redirects to the SPA; password reset goes straight to the SPA (`FRONTEND_URL`).
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from users.models import User
from users.tokens import (
    email_verification_token_generator,
    password_reset_token_generator,
    uid_encode,
)

logger = logging.getLogger(__name__)


def _send(*, user: User, subject: str, body: str, kind: str) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception:
        # An email provider outage must not turn a committed registration into a 500;
        # the user can ask for the email again.
        logger.exception("users.email.failed", extra={"kind": kind, "user_id": str(user.pk)})
        return
    logger.info("users.email.sent", extra={"kind": kind, "user_id": str(user.pk)})


def verification_link(user: User) -> str:
    query = urlencode(
        {"uid": uid_encode(user), "token": email_verification_token_generator.make_token(user)}
    )
    return f"{settings.BACKEND_URL}{reverse('auth-verify-email')}?{query}"


def password_reset_link(user: User) -> str:
    query = urlencode(
        {"uid": uid_encode(user), "token": password_reset_token_generator.make_token(user)}
    )
    return f"{settings.FRONTEND_URL}/reset-password?{query}"


def send_verification_email(user: User) -> None:
    body = (
        f"Hello {user.first_name},\n\n"
        "Please confirm your email address for 11Tutors by opening this link:\n\n"
        f"{verification_link(user)}\n\n"
        "If you did not create an account, you can ignore this email.\n"
    )
    _send(user=user, subject="Confirm your email address", body=body, kind="verification")


def send_password_reset_email(user: User) -> None:
    body = (
        f"Hello {user.first_name},\n\n"
        "Someone asked to reset the password of your 11Tutors account. To choose a new "
        "password, open this link:\n\n"
        f"{password_reset_link(user)}\n\n"
        "If it was not you, ignore this email: your password stays as it is.\n"
    )
    _send(user=user, subject="Reset your password", body=body, kind="password_reset")
