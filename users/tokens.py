"""One-time tokens for the links in account emails.

Both generators are Django's `PasswordResetTokenGenerator`: an HMAC of a few fields of
the user and a timestamp, so no token is stored and a link dies as soon as one of those
fields changes. The reset token covers the password hash (a used reset link is dead);
the verification token covers `email` and `is_email_verified` (a used verification link,
or one sent to a previous address, is dead).
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from users.models import User


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "users.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp) -> str:
        return f"{user.pk}{user.email}{user.is_email_verified}{timestamp}"


email_verification_token_generator = EmailVerificationTokenGenerator()
password_reset_token_generator = default_token_generator


def uid_encode(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_from_uid(uid: str) -> User | None:
    """The active user a `uid` from a link names, or None for anything malformed."""
    try:
        pk = force_str(urlsafe_base64_decode(uid))
        return User.objects.get(pk=pk, is_active=True)
    except Exception:  # malformed base64, not a UUID, no such user: all the same to callers
        return None
