"""Writes for accounts: registration, profile, email verification, passwords, onboarding.

Rules shared by all of them:
- an email is stored lower-cased and is unique whatever its case;
- changing the email un-verifies the account and sends a new verification email;
- emails are written to the outbox in the change's transaction and leave from a worker
  after its commit (users/emails.py), never for a rolled-back change;
- nothing here tells a caller whether an email has an account (resend and reset are
  silent about it).
"""

from functools import partial
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from core.exceptions import InvalidInput
from core.models import University
from users.emails import password_reset_email_queue, verification_email_queue
from users.exceptions import InvalidToken, SelfDemotion
from users.models import OnboardingAnswer, Role, User
from users.tokens import (
    email_verification_token_generator,
    password_reset_token_generator,
    user_from_uid,
)

EMAIL_TAKEN = "A user with this email already exists."
USERNAME_TAKEN = "A user with this username already exists."


def _normalize_email(email: str) -> str:
    return email.strip().lower()


def _email_taken(email: str, *, exclude: User | None = None) -> bool:
    users = User.objects.filter(email__iexact=email)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.exists()


def _validate_password(password: str, *, user: User, field: str) -> None:
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise InvalidInput({field: list(exc.messages)}) from exc


@transaction.atomic
def user_create(*, email: str, password: str, first_name: str, last_name: str) -> User:
    """Register an account with role *user* and an unverified email, and send the
    verification email. A duplicate email (any case) is a 400 on `email`, also when two
    registrations race (the database's case-insensitive unique constraint decides)."""
    email = _normalize_email(email)
    if _email_taken(email):
        raise InvalidInput({"email": [EMAIL_TAKEN]})
    user = User(email=email, first_name=first_name, last_name=last_name, role=Role.USER)
    _validate_password(password, user=user, field="password")
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise InvalidInput({"email": [EMAIL_TAKEN]}) from exc
    verification_email_queue(user=user)
    return user


@transaction.atomic
def user_update(*, user: User, data: dict[str, Any]) -> User:
    """Update one's own profile. `data` holds only the fields sent (PATCH).

    - `email`: the same address in another case is no change; a new one must be free,
      un-verifies the account and sends a verification email to the new address.
    - `username`, `phone`: "" or None store null (the SPA sends every field on each save).
    - `avatar`: a validated image file replaces the old one; None removes it. The old file
      is deleted from storage after the commit.
    """
    update_fields: set[str] = set()
    send_verification = False
    old_avatar = None

    if "email" in data:
        email = _normalize_email(data["email"])
        if email != user.email.lower():
            if _email_taken(email, exclude=user):
                raise InvalidInput({"email": [EMAIL_TAKEN]})
            user.email = email
            user.is_email_verified = False
            update_fields |= {"email", "is_email_verified"}
            send_verification = True

    for field in ("first_name", "last_name"):
        if field in data and data[field] != getattr(user, field):
            setattr(user, field, data[field])
            update_fields.add(field)

    if "phone" in data:
        phone = data["phone"] or None
        if phone != user.phone:
            user.phone = phone
            update_fields.add("phone")

    if "username" in data:
        username = data["username"] or None
        if username != user.username:
            taken = (
                username is not None
                and User.objects.filter(username__iexact=username).exclude(pk=user.pk).exists()
            )
            if taken:
                raise InvalidInput({"username": [USERNAME_TAKEN]})
            user.username = username
            update_fields.add("username")

    if "avatar" in data:
        if user.avatar:
            old_avatar = user.avatar.name
        if data["avatar"] is None:
            user.avatar = None
        else:
            user.avatar.save(data["avatar"].name, data["avatar"], save=False)
        update_fields.add("avatar")

    if not update_fields:
        return user
    try:
        with transaction.atomic():
            user.save(update_fields=[*update_fields, "updated_at"])
    except IntegrityError as exc:  # a concurrent request took the email or username
        field = "email" if "email" in update_fields else "username"
        raise InvalidInput({field: [EMAIL_TAKEN if field == "email" else USERNAME_TAKEN]}) from exc

    if old_avatar and old_avatar != (user.avatar.name if user.avatar else None):
        storage = user.avatar.storage
        transaction.on_commit(partial(storage.delete, old_avatar))
    if send_verification:
        verification_email_queue(user=user)
    return user


@transaction.atomic
def user_admin_update(*, user: User, data: dict[str, Any], actor: User | None = None) -> User:
    """An admin sets another account's `role` and/or `is_active`.

    Changing one's own role or deactivating oneself is refused (400
    `cannot_change_own_access`): it is how the last admin locks everyone out.
    """
    changes_access = data.get("role", user.role) != user.role or data.get("is_active") is False
    if actor is not None and actor.pk == user.pk and changes_access:
        raise SelfDemotion()
    update_fields = [field for field in ("role", "is_active") if field in data]
    for field in update_fields:
        setattr(user, field, data[field])
    if update_fields:
        user.save(update_fields=[*update_fields, "updated_at"])
    return user


@transaction.atomic
def email_verify(*, uid: str, token: str) -> User:
    """Mark the email of the user the link names as verified. The token covers the email
    and the verified flag, so a used link, or one sent to a former address, is invalid."""
    user = user_from_uid(uid)
    if user is None or not email_verification_token_generator.check_token(user, token):
        raise InvalidToken()
    user.is_email_verified = True
    user.save(update_fields=["is_email_verified", "updated_at"])
    return user


@transaction.atomic
def email_verification_resend(*, email: str) -> None:
    """Send a new verification email when an active, unverified account has this email;
    otherwise do nothing, silently (no account enumeration)."""
    user = User.objects.filter(
        email__iexact=_normalize_email(email), is_active=True, is_email_verified=False
    ).first()
    if user is not None:
        verification_email_queue(user=user)


@transaction.atomic
def password_reset_request(*, email: str) -> None:
    """Send a reset link when an active account with a usable password has this email;
    otherwise do nothing, silently."""
    user = User.objects.filter(email__iexact=_normalize_email(email), is_active=True).first()
    if user is not None and user.has_usable_password():
        password_reset_email_queue(user=user)


@transaction.atomic
def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    """Set a new password from a reset link. The token covers the password hash, so the
    link dies once used; every JWT issued before is revoked too (CHECK_REVOKE_TOKEN).
    A bad token is checked before the password, so a weak password never hints that a
    guessed token was right."""
    user = user_from_uid(uid)
    if user is None or not password_reset_token_generator.check_token(user, token):
        raise InvalidToken()
    _validate_password(new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password", "updated_at"])
    return user


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """Change one's password, knowing the old one. Tokens issued before are revoked."""
    if not user.check_password(old_password):
        raise InvalidInput({"old_password": ["The password is wrong."]})
    _validate_password(new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password", "updated_at"])
    return user


@transaction.atomic
def onboarding_answer_save(
    *,
    user: User,
    university: University,
    degree: str,
    graduation_year: int,
    interests: str,
) -> tuple[OnboardingAnswer, bool]:
    """Create the caller's onboarding answer, or replace it: a user has at most one.
    Returns `(answer, created)`."""
    values = {
        "university": university,
        "degree": degree,
        "graduation_year": graduation_year,
        "interests": interests,
    }
    try:
        with transaction.atomic():
            return OnboardingAnswer.objects.update_or_create(user=user, defaults=values)
    except IntegrityError:
        # Two first answers raced; the other one won the insert: replace it.
        answer = OnboardingAnswer.objects.select_for_update().get(user=user)
        for field, value in values.items():
            setattr(answer, field, value)
        answer.save()
        return answer, False
