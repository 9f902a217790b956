"""Account emails: verification and password reset, sent through the outbox
(core/outbox.py) by a Celery worker after the request's commit.

The request only writes an outbox row (`*_email_queue`), so `verify-email/resend/` and
`password/reset/` take the same time whether or not the email has an account. The
builders run at send time, on the current state: the token is fresh, and an email that
no longer applies (the address changed, the account was verified or deactivated
meanwhile) is dropped rather than sent to a stale address.

Links: verification goes to the backend (`BACKEND_URL`), which verifies and redirects to
the SPA; password reset goes straight to the SPA (`FRONTEND_URL`).
"""

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from core.models import OutboundEmail
from core.outbox import RenderedEmail, email_builder, email_render, outbound_email_queue
from users.models import User
from users.tokens import (
    email_verification_token_generator,
    password_reset_token_generator,
    uid_encode,
)

VERIFICATION = "verification"
PASSWORD_RESET = "password_reset"


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


def _queue(*, purpose: str, user: User) -> None:
    # Each request is its own email (a resend sends again): the key is the account plus
    # a fresh id; the outbox's sent-marker makes each one leave once.
    outbound_email_queue(
        purpose=purpose,
        key=f"{user.pk}:{uuid.uuid4().hex}",
        recipient=user.email,
        context={"user_id": str(user.pk)},
    )


def verification_email_queue(*, user: User) -> None:
    _queue(purpose=VERIFICATION, user=user)


def password_reset_email_queue(*, user: User) -> None:
    _queue(purpose=PASSWORD_RESET, user=user)


def _addressee(email: OutboundEmail) -> User | None:
    """The active account the email was for, if its address is still the one queued."""
    user = User.objects.filter(pk=email.context.get("user_id"), is_active=True).first()
    if user is None or user.email.lower() != email.recipient.lower():
        return None
    return user


@email_builder(VERIFICATION)
def verification_email(email: OutboundEmail) -> RenderedEmail | None:
    user = _addressee(email)
    if user is None or user.is_email_verified:
        return None
    return email_render(
        template="emails/verification",
        subject="Confirm your email address",
        context={"first_name": user.first_name, "link": verification_link(user)},
    )


@email_builder(PASSWORD_RESET)
def password_reset_email(email: OutboundEmail) -> RenderedEmail | None:
    user = _addressee(email)
    if user is None or not user.has_usable_password():
        return None
    return email_render(
        template="emails/password_reset",
        subject="Reset your password",
        context={"first_name": user.first_name, "link": password_reset_link(user)},
    )
